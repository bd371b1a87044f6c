"""The review in Django admin: the queue, and the seller's page where a reviewer reads the whole file (documents
previewed beside the fields they prove, earlier reasons and what changed since) and decides with its buttons;
support staff and program managers only read, with the numbers masked."""

import datetime
import html

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.html import strip_tags

from alibaba.models import OutboxJob
from sellers import services
from sellers.models import DocumentKind, ReviewReason, SellerStatus
from tests.sellers.factories import DocumentFactory, SellerFactory, StaffFactory, complete_seller
from tests.sellers.files import image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/sellers/seller/"
NID, ACCOUNT = "19871234567890123", "0123456789012"


def page_of(seller):
    return f"{CHANGELIST}{seller.pk}/change/"


def words(response):
    """The page's text as a person reads it: no tags, one space between words."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def decide(client, seller, decision, **data):
    return client.post(f"{CHANGELIST}{seller.pk}/decide/", {"decision": decision, **data})


def _action(client, action, sellers, **data):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [s.pk for s in sellers], **data})


@pytest.fixture
def manager(db):
    return StaffFactory(groups=["Program managers"])


# The queue ---------------------------------------------------------------------------------------------------------


def test_the_queue_lists_submitted_sellers_oldest_first(client, reviewer):
    complete_seller(status=SellerStatus.SUBMITTED, legal_name="Newer Leather Ltd.")
    older = complete_seller(status=SellerStatus.SUBMITTED, legal_name="Older Shrimp Ltd.")
    older.submitted_at = timezone.now() - datetime.timedelta(days=9)
    older.save()
    SellerFactory(legal_name="Draft Ceramics")
    client.force_login(reviewer)

    page = client.get(CHANGELIST, {"queue": "review"}).content.decode()

    assert page.index("Older Shrimp Ltd.") < page.index("Newer Leather Ltd.")
    assert "Draft Ceramics" not in page
    assert "9 days" in page
    assert "Khulna, Khulna" in page  # district and division in one column, so the list fits a laptop's screen
    waiting = client.get(CHANGELIST, {"waiting": "gt7"}).content.decode()
    assert "Older Shrimp Ltd." in waiting and "Newer Leather Ltd." not in waiting


def test_filters_and_search(client, support):
    complete_seller(status=SellerStatus.SUBMITTED, legal_name="Khulna Jute Ltd.")
    complete_seller(status=SellerStatus.SUBMITTED, legal_name="Dhaka Leather Ltd.", division="dhaka", district="dhaka")
    client.force_login(support)

    for params in (
        {"division__exact": "khulna"},
        {"district": "khulna"},
        {"q": "Khulna Jute"},
        {"status__exact": "submitted", "q": "Khulna"},
    ):
        page = client.get(CHANGELIST, params).content.decode()
        assert "Khulna Jute Ltd." in page and "Dhaka Leather Ltd." not in page, params


# The seller's page -------------------------------------------------------------------------------------------------


def test_the_list_shows_no_numbers_and_only_reviewers_see_them_in_full(client, support, reviewer, manager):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(reviewer)
    listing = client.get(CHANGELIST).content.decode()
    assert NID not in listing and ACCOUNT not in listing

    detail = client.get(page_of(seller)).content.decode()
    assert NID in detail and ACCOUNT in detail  # reviewers compare them with the NID scan and the bank proof
    for staff in (support, manager):
        client.force_login(staff)
        detail = client.get(page_of(seller)).content.decode()
        assert NID not in detail and ACCOUNT not in detail
        assert "••••0123" in detail and "masked for your role" in detail


def test_every_document_is_previewed_beside_the_fields_it_proves(client, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    nid = seller.documents.get(kind=DocumentKind.NID_FRONT)
    nid.content_type, nid.original_name = "image/png", "nid-front.png"
    nid.file.save("nid.png", ContentFile(image_bytes()), save=True)
    licence = seller.documents.get(kind=DocumentKind.TRADE_LICENCE)
    client.force_login(reviewer)

    response = client.get(page_of(seller))
    page = response.content.decode()

    assert f'<iframe class="document-preview" src="{licence.get_absolute_url()}?preview=1"' in page
    assert f'<img class="document-preview" src="{nid.get_absolute_url()}"' in page
    assert page.count('class="document-preview"') == len(DocumentKind.values)
    # The trade licence's scan sits in the trade licence's section, beside its number; the NID beside the owner's.
    licence_section = page[page.index('id="item-trade_licence"') : page.index('id="item-etin"')]
    assert "TRAD/KCC/045612/2024" in licence_section and licence.get_absolute_url() in licence_section
    owner_section = page[page.index('id="item-owner"') : page.index('id="item-bank"')]
    assert nid.get_absolute_url() in owner_section and NID in owner_section
    # The preview frame is allowed on this page only: its policy adds frame-src 'self', nothing else.
    policy = response["Content-Security-Policy"]
    assert "frame-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "frame-src" not in client.get(CHANGELIST)["Content-Security-Policy"]


def test_the_framed_pdf_may_be_framed_by_our_pages_only_and_the_file_itself_stays_sandboxed(client, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    licence = seller.documents.get(kind=DocumentKind.TRADE_LICENCE)
    client.force_login(reviewer)

    framed = client.get(f"{licence.get_absolute_url()}?preview=1")
    opened = client.get(licence.get_absolute_url())

    assert framed.status_code == 200 and b"".join(framed.streaming_content).startswith(b"%PDF")
    assert framed["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert framed["X-Frame-Options"] == "SAMEORIGIN" and framed["X-Content-Type-Options"] == "nosniff"
    assert framed["Content-Type"] == "application/pdf"
    b"".join(opened.streaming_content)
    assert opened["Content-Security-Policy"] == "sandbox; default-src 'none'" and opened["X-Frame-Options"] == "DENY"


def test_an_image_is_never_framable(client, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    nid = DocumentFactory(seller=seller, kind=DocumentKind.NID_BACK, content_type="image/png", is_current=False)
    client.force_login(reviewer)

    response = client.get(f"{nid.get_absolute_url()}?preview=1")

    b"".join(response.streaming_content)
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("role", ["support", "manager"])
def test_support_and_program_managers_read_the_page_without_documents_or_decisions(client, role, request):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(request.getfixturevalue(role))

    page = client.get(page_of(seller)).content.decode()

    assert "KYC documents are not shown to your role." in page
    assert 'class="document-preview"' not in page and 'name="decision"' not in page
    assert client.get(seller.documents.first().get_absolute_url()).status_code == 404
    assert decide(client, seller, "approve").status_code == 403
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUBMITTED


def test_the_decisions_offered_follow_the_status(client, reviewer):
    submitted = complete_seller(status=SellerStatus.SUBMITTED)
    active = complete_seller(status=SellerStatus.ACTIVE)
    rejected = complete_seller(status=SellerStatus.REJECTED)
    client.force_login(reviewer)

    def buttons(seller):
        page = client.get(page_of(seller)).content.decode()
        return [value for value in ("start_review", "approve", "request_changes", "reject", "suspend", "reinstate")
                if f'name="decision" value="{value}"' in page]  # fmt: skip

    assert buttons(submitted) == ["start_review", "approve", "request_changes", "reject"]
    assert buttons(active) == ["suspend"]
    assert buttons(rejected) == []
    assert decide(client, rejected, "approve").status_code == 400  # not offered: refused, nothing changes


def test_a_reviewer_approves_from_the_page_and_the_provisioning_is_queued(client, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(reviewer)

    response = decide(client, seller, "approve", note="Documents verified.")

    assert response.status_code == 302 and response["Location"] == page_of(seller)
    seller.refresh_from_db()
    assert seller.status == SellerStatus.APPROVED
    assert OutboxJob.objects.filter(kind="supplier.provision", target=str(seller.pk)).count() == 1
    assert seller.events.filter(to_status="approved", actor=reviewer, reason="Documents verified.").exists()
    assert "Approve: Rupsha Jute Crafts" in client.get(page_of(seller)).content.decode()


def test_request_changes_sends_every_reason_given_beside_its_field(client, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(reviewer)

    response = decide(
        client,
        seller,
        "request_changes",
        note="Please fix both.",
        **{
            "etin-code": "invalid",
            "etin-message": "The e-TIN is not the one on the certificate.",
            "document:nid_front-code": "unreadable",
            "document:nid_front-message": "The photo of the NID is blurred.",
        },
    )

    assert response.status_code == 302
    seller.refresh_from_db()
    assert seller.status == SellerStatus.CHANGES_REQUESTED
    assert sorted(ReviewReason.objects.values_list("target", flat=True)) == ["document:nid_front", "etin"]
    page = client.get(page_of(seller)).content.decode()
    assert "The photo of the NID is blurred." in page and "Please fix both." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Give at least one reason beside the field or document that must change."),
        ({"bin-code": "mismatch"}, "Write what the seller must change."),
        ({"bin-message": "Check the BIN."}, "Choose what the problem is."),
    ],
)
def test_an_incomplete_request_for_changes_is_refused_on_the_page(client, reviewer, data, message):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(reviewer)

    response = decide(client, seller, "request_changes", **data)

    assert response.status_code == 400 and message in response.content.decode()
    assert "frame-src 'self'" in response["Content-Security-Policy"]  # the page is shown again, previews and all
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUBMITTED and not ReviewReason.objects.exists()


def test_reasons_beside_fields_are_not_dropped_by_another_decision(client, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(reviewer)

    response = decide(client, seller, "approve", **{"bin-code": "mismatch", "bin-message": "Check the BIN."})

    assert response.status_code == 400 and "go only with “Request changes”" in response.content.decode()
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUBMITTED


@pytest.mark.parametrize(
    ("decision", "start", "end"),
    [
        ("reject", SellerStatus.SUBMITTED, SellerStatus.REJECTED),
        ("suspend", SellerStatus.ACTIVE, SellerStatus.SUSPENDED),
        ("reinstate", SellerStatus.SUSPENDED, SellerStatus.ACTIVE),
    ],
)
def test_reject_suspend_and_reinstate_need_the_note(client, reviewer, decision, start, end):
    seller = complete_seller(status=start)
    client.force_login(reviewer)

    refused = decide(client, seller, decision, note=" ")
    assert refused.status_code == 400 and "Give the reason: the seller reads it." in refused.content.decode()
    decide(client, seller, decision, note="Reason given.")

    seller.refresh_from_db()
    assert seller.status == end


def test_a_refusal_of_the_service_is_shown_on_the_page(client, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    seller.documents.filter(kind="bank_proof").delete()
    client.force_login(reviewer)

    response = decide(client, seller, "approve")

    assert response.status_code == 400 and "Bank statement or cheque leaf" in response.content.decode()
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUBMITTED


def test_the_page_shows_earlier_reasons_and_what_changed_since_in_words(client, reviewer, time_machine):
    time_machine.move_to("2026-03-01 18:30Z", tick=False)  # 2 March, 00:30 in Dhaka
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    owner = seller.members.get().user
    services.seller_request_changes(
        seller=seller,
        actor=reviewer,
        note="Almost there.",
        reasons=[
            {"target": "bin", "code": "mismatch", "message": "The BIN does not match the VAT certificate."},
            {"target": "document:nid_back", "code": "unreadable", "message": "The back of the NID is too dark."},
        ],
    )
    time_machine.shift(datetime.timedelta(hours=3))
    services.seller_update_profile(seller=seller, actor=owner, data={"bin": "0099999999999"})
    services.seller_document_upload(
        seller=seller, actor=owner, kind="nid_back", uploaded=ContentFile(pdf_bytes(2), "nid-back-daylight.pdf")
    )
    services.seller_submit(seller=seller, actor=owner)
    client.force_login(reviewer)

    page = words(client.get(page_of(seller)))

    assert "Earlier reasons and what changed since" in page
    assert "The BIN does not match the VAT certificate." in page
    assert "Changed 2 Mar 2026, 03:30: 0012345678901 → 0099999999999" in page  # Dhaka time, in words
    assert "Owner's NID, back: nid_back.pdf → nid-back-daylight.pdf" in page
    assert "Changed since changes were requested" in page
    assert "changes requested 1 time" in page
    assert "Almost there." in page
    assert '{"' not in page and "['" not in page  # no raw JSON


@pytest.mark.parametrize("events", [1, 12])
def test_the_page_runs_the_same_queries_whatever_the_history(client, reviewer, events, django_assert_num_queries):
    seller = complete_seller(status=SellerStatus.DRAFT)
    owner = seller.members.get().user
    for n in range(events):
        services.seller_update_profile(seller=seller, actor=owner, data={"employees": 100 + n})
    services.seller_submit(seller=seller, actor=owner)
    client.force_login(reviewer)

    # session, user, user and group permissions (the masking rule and the documents), the seller; the review's
    # categories, current documents, reasons, history and its reasons, members, supplier account
    with django_assert_num_queries(12):
        response = client.get(page_of(seller))

    assert response.status_code == 200


def test_the_seller_cannot_be_edited_in_admin(client, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(reviewer)
    client.post(page_of(seller), {"status": "approved", "legal_name": "Hacked"})
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUBMITTED and seller.legal_name != "Hacked"


# Deciding several sellers at once (list actions) -------------------------------------------------------------------


def test_bulk_approve_refuses_incomplete_files_and_names_them(client, reviewer):
    good = complete_seller(status=SellerStatus.SUBMITTED, legal_name="Complete Kantha Cooperative")
    incomplete = complete_seller(status=SellerStatus.SUBMITTED, legal_name="Missing Bank Ltd.")
    incomplete.documents.filter(kind="bank_proof").delete()
    client.force_login(reviewer)

    page = _action(client, "approve", [good, incomplete])
    assert page.status_code == 200 and "Note to the seller" in page.content.decode()
    response = _action(client, "approve", [good, incomplete], confirm="1", reason="")
    page = client.get(response["Location"]).content.decode()

    good.refresh_from_db()
    incomplete.refresh_from_db()
    assert good.status == SellerStatus.APPROVED
    assert incomplete.status == SellerStatus.SUBMITTED  # the refused approval left nothing behind
    assert "Missing Bank Ltd." in page and "Bank statement or cheque leaf" in page


def test_a_bulk_decision_asks_for_a_reason(client, reviewer):
    seller = complete_seller(status=SellerStatus.ACTIVE)
    client.force_login(reviewer)

    page = _action(client, "suspend", [seller], confirm="1", reason="")
    assert page.status_code == 200 and "This field is required" in page.content.decode()
    _action(client, "suspend", [seller], confirm="1", reason="Buyers reported late shipments.")

    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUSPENDED


def test_an_illegal_decision_is_refused_with_a_message(client, reviewer):
    seller = complete_seller(status=SellerStatus.DRAFT)
    client.force_login(reviewer)
    response = _action(client, "suspend", [seller], confirm="1", reason="No.")
    page = client.get(response["Location"]).content.decode()
    assert "cannot move from “Draft” to “Suspended”" in page
    seller.refresh_from_db()
    assert seller.status == SellerStatus.DRAFT
