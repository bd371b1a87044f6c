"""The review queue in Django admin: reviewers decide through actions with reasons; support staff only read."""

import datetime

import pytest
from django.utils import timezone

from alibaba.models import OutboxJob
from sellers.models import ReviewReason, SellerStatus
from tests.sellers.factories import SellerFactory, complete_seller

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/sellers/seller/"


def _action(client, action, sellers, **data):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [s.pk for s in sellers], **data})


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


def test_the_list_masks_nid_and_account_numbers(client, support, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(reviewer)
    page = client.get(CHANGELIST).content.decode()
    assert "19871234567890123" not in page and "0123456789012" not in page
    assert "0123" in page

    client.force_login(support)
    detail = client.get(f"{CHANGELIST}{seller.pk}/change/").content.decode()
    assert detail.count("19871234567890123") == 0
    client.force_login(reviewer)
    detail = client.get(f"{CHANGELIST}{seller.pk}/change/").content.decode()
    assert "19871234567890123" in detail  # reviewers compare it with the NID scan
    assert f"/dashboard/documents/{seller.documents.first().public_id}/" in detail


def test_a_reviewer_approves_with_an_intermediate_page_and_the_provisioning_is_queued(client, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(reviewer)

    page = _action(client, "approve", [seller])
    assert page.status_code == 200 and "Note to the seller" in page.content.decode()
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUBMITTED

    response = _action(client, "approve", [seller], confirm="1", reason="Documents verified.")
    assert response.status_code == 302
    seller.refresh_from_db()
    assert seller.status == SellerStatus.APPROVED
    assert OutboxJob.objects.filter(kind="supplier.provision", target=str(seller.pk)).count() == 1
    assert seller.events.filter(to_status="approved", actor=reviewer, reason="Documents verified.").exists()


def test_bulk_approve_refuses_incomplete_files_and_names_them(client, reviewer):
    good = complete_seller(status=SellerStatus.SUBMITTED, legal_name="Complete Kantha Cooperative")
    incomplete = complete_seller(status=SellerStatus.SUBMITTED, legal_name="Missing Bank Ltd.")
    incomplete.documents.filter(kind="bank_proof").delete()
    client.force_login(reviewer)

    response = _action(client, "approve", [good, incomplete], confirm="1", reason="")
    page = client.get(response["Location"]).content.decode()

    good.refresh_from_db()
    incomplete.refresh_from_db()
    assert good.status == SellerStatus.APPROVED
    assert incomplete.status == SellerStatus.SUBMITTED  # the refused approval left nothing behind
    assert "Missing Bank Ltd." in page and "Bank statement or cheque leaf" in page


def test_request_changes_takes_every_reason_at_once(client, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(reviewer)
    form = {
        "reasons-TOTAL_FORMS": "3",
        "reasons-INITIAL_FORMS": "0",
        "reasons-MIN_NUM_FORMS": "1",
        "reasons-MAX_NUM_FORMS": "1000",
        "reasons-0-target": "etin",
        "reasons-0-code": "invalid",
        "reasons-0-message": "The e-TIN is not the one on the certificate.",
        "reasons-1-target": "document:nid_front",
        "reasons-1-code": "unreadable",
        "reasons-1-message": "The photo of the NID is blurred.",
        "reasons-2-target": "",
        "reasons-2-code": "",
        "reasons-2-message": "",
    }
    assert "Field or document" in _action(client, "request_changes", [seller]).content.decode()

    response = _action(client, "request_changes", [seller], confirm="1", reason="Please fix both.", **form)

    assert response.status_code == 302
    seller.refresh_from_db()
    assert seller.status == SellerStatus.CHANGES_REQUESTED
    assert sorted(ReviewReason.objects.values_list("target", flat=True)) == ["document:nid_front", "etin"]


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("reject", SellerStatus.SUBMITTED, SellerStatus.REJECTED),
        ("suspend", SellerStatus.ACTIVE, SellerStatus.SUSPENDED),
        ("reinstate", SellerStatus.SUSPENDED, SellerStatus.ACTIVE),
    ],
)
def test_reject_suspend_reinstate_ask_for_a_reason(client, reviewer, action, start, end):
    seller = complete_seller(status=start)
    client.force_login(reviewer)

    page = _action(client, action, [seller], confirm="1", reason="")
    assert page.status_code == 200 and "This field is required" in page.content.decode()
    _action(client, action, [seller], confirm="1", reason="Reason given.")

    seller.refresh_from_db()
    assert seller.status == end


def test_an_illegal_decision_is_refused_with_a_message(client, reviewer):
    seller = complete_seller(status=SellerStatus.DRAFT)
    client.force_login(reviewer)
    response = _action(client, "suspend", [seller], confirm="1", reason="No.")
    page = client.get(response["Location"]).content.decode()
    assert "cannot move from “Draft” to “Suspended”" in page
    seller.refresh_from_db()
    assert seller.status == SellerStatus.DRAFT


@pytest.mark.parametrize("action", ["approve", "request_changes", "reject", "suspend", "reinstate", "start_review"])
def test_support_staff_can_read_but_not_decide(client, support, action):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(support)

    assert client.get(CHANGELIST).status_code == 200
    assert client.get(f"{CHANGELIST}{seller.pk}/change/").status_code == 200
    page = client.get(CHANGELIST).content.decode()
    assert "Older" not in page and f'value="{action}"' not in page  # no decision is offered to support
    _action(client, action, [seller], confirm="1", reason="Trying anyway.")

    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUBMITTED
    assert not OutboxJob.objects.exists()


def test_reviewers_see_the_decision_actions(client, reviewer):
    complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(reviewer)
    page = client.get(CHANGELIST).content.decode()
    for action in ["approve", "request_changes", "reject", "suspend", "reinstate"]:
        assert f'value="{action}"' in page


def test_the_seller_cannot_be_edited_in_admin(client, reviewer):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    client.force_login(reviewer)
    client.post(f"{CHANGELIST}{seller.pk}/change/", {"status": "approved", "legal_name": "Hacked"})
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUBMITTED and seller.legal_name != "Hacked"
