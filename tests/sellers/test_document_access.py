"""A document is served only through the permission-checked view: to its seller's users and to staff allowed to
view documents; 404 to everyone else, login for anonymous users."""

import pytest

from tests.sellers import files
from tests.sellers.factories import DocumentFactory, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(seller, owner):
    from sellers.services import seller_document_upload

    return seller_document_upload(seller=seller, actor=owner, kind="trade_licence", uploaded=files.good_pdf())


def test_the_sellers_owner_and_staff_member_get_the_file(client, document, owner):
    colleague = MemberFactory(seller=document.seller).user
    for user in (owner, colleague):
        client.force_login(user)
        response = client.get(document.get_absolute_url())
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == files.pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]


def test_another_sellers_user_gets_404(client, document, other_seller_user):
    client.force_login(other_seller_user)
    assert client.get(document.get_absolute_url()).status_code == 404


def test_a_user_without_a_seller_gets_404(client, document, stranger):
    client.force_login(stranger)
    assert client.get(document.get_absolute_url()).status_code == 404


def test_an_anonymous_user_is_sent_to_log_in(client, document):
    response = client.get(document.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_reviewers_can_view_but_support_program_managers_and_other_staff_cannot(client, document, reviewer, support):
    client.force_login(reviewer)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf_bytes()
    # Support and program managers see the NID and account numbers masked: the scans would show them.
    for user in (support, StaffFactory(groups=["Program managers"]), StaffFactory()):
        client.force_login(user)
        assert client.get(document.get_absolute_url()).status_code == 404


def test_the_file_is_not_reachable_under_media_or_static_urls(client, document, owner):
    client.force_login(owner)
    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get(f"/static/{document.file.name}").status_code == 404


def test_a_document_whose_file_is_gone_is_404_not_500(client, seller, owner):
    document = DocumentFactory(seller=seller)
    document.file.storage.delete(document.file.name)
    client.force_login(owner)
    response = client.get(document.get_absolute_url())
    assert response.status_code == 404
