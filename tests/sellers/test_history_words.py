"""The seller's history in words (issue 11): documents by their human label, sectors by name, team changes and a
deleted product named; an approval is good news, not an error; one extra query at most for the names."""

import pytest

from sellers import services
from sellers.models import Sector, SellerStatus
from tests.sellers import files
from tests.sellers.factories import StaffFactory, complete_seller

pytestmark = pytest.mark.django_db


def test_documents_sectors_and_team_are_in_words(owner_client, seller, owner):
    services.seller_document_upload(seller=seller, actor=owner, kind="bank_proof", uploaded=files.good_pdf("bank.pdf"))
    services.seller_document_upload(
        seller=seller, actor=owner, kind="etin_certificate", uploaded=files.good_pdf("tin.pdf")
    )
    sectors = list(Sector.objects.order_by("position")[:2])
    services.seller_update_profile(seller=seller, actor=owner, data={"categories": sectors})
    services.seller_invite(seller=seller, actor=owner, email="partner@example.com")
    services.seller_product_deleted_record(
        seller=seller, actor=owner, product={"id": "x", "sku": "JB-1", "title": "Jute bag"}
    )

    page = owner_client.get("/dashboard/history/").content.decode()

    assert "Bank statement or cheque leaf: — → bank.pdf" in page
    assert "e-TIN certificate: — → tin.pdf" in page  # the label as written, not capitalised into "E-TIN"
    assert f"Main sectors: — → {sectors[0].name}, {sectors[1].name}" in page
    assert "Invitation: — → partner@example.com" in page
    assert "Product: Jute bag · JB-1 → —" in page
    for internal in ("document:", "bank_proof", "categories:", "invited:", "{&#x27;", sectors[0].code + ","):
        assert internal not in page


def test_the_approval_reads_as_good_news(client):
    seller = complete_seller(status=SellerStatus.UNDER_REVIEW)
    services.seller_transition(seller=seller, to=SellerStatus.APPROVED, actor=StaffFactory(), reason="Welcome!")
    client.force_login(seller.members.get().user)

    page = client.get("/dashboard/history/").content.decode()

    assert '<p class="reason reason-success">Welcome!</p>' in page
