"""Profile changes, submission and review decisions through the services: audit rows, reasons, e-mails."""

import pytest
from django.utils import timezone

from sellers.errors import NotEditable, ReasonsRequired, SubmissionIncomplete
from sellers.models import EventKind, ReasonCode, ReviewReason, SellerEvent, SellerStatus
from sellers.services import (
    seller_approve,
    seller_reinstate,
    seller_reject,
    seller_request_changes,
    seller_submit,
    seller_suspend,
    seller_update_profile,
)
from tests.sellers.factories import StaffFactory, complete_seller

pytestmark = pytest.mark.django_db


def test_a_profile_change_is_audited_with_before_and_after_and_sensitive_values_masked(seller, owner):
    seller_update_profile(seller=seller, actor=owner, data={"etin": "123456789012", "owner_nid": "19871234567890123"})

    event = SellerEvent.objects.get(kind=EventKind.PROFILE)
    assert event.actor == owner
    assert event.changes["etin"] == [None, "123456789012"]
    assert event.changes["owner_nid"][0] is None
    assert event.changes["owner_nid"][1].endswith("0123") and "19871234567890123" not in str(event.changes)


def test_sensitive_values_are_encrypted_at_rest(seller, owner):
    from django.db import connection

    seller_update_profile(
        seller=seller, actor=owner, data={"owner_nid": "19871234567890123", "bank_account_number": "0123456789012"}
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT owner_nid, bank_account_number FROM sellers_seller WHERE id = %s", [seller.pk])
        raw_nid, raw_account = cursor.fetchone()
    assert "19871234567890123" not in raw_nid and "0123456789012" not in raw_account
    seller.refresh_from_db()
    assert seller.owner_nid == "19871234567890123"
    assert seller.owner_nid_masked == "•••••••••••••0123"


def test_an_unchanged_save_writes_no_audit_row(seller, owner):
    seller_update_profile(seller=seller, actor=owner, data={"legal_name": seller.legal_name})
    assert not SellerEvent.objects.filter(kind=EventKind.PROFILE).exists()


def test_the_profile_cannot_change_during_review(submitted):
    owner = submitted.members.get().user
    with pytest.raises(NotEditable):
        seller_update_profile(seller=submitted, actor=owner, data={"etin": "999999999999"})


def test_an_incomplete_file_is_refused_with_every_problem_at_once(seller, owner, mailoutbox):
    with pytest.raises(SubmissionIncomplete) as error:
        seller_submit(seller=seller, actor=owner)

    due = error.value.extra["due"]
    assert {"business", "etin", "bin", "trade_licence", "bank", "document:trade_licence", "document:nid_front"} <= set(
        due
    )
    assert "erc" not in due
    seller.refresh_from_db()
    assert seller.status == SellerStatus.DRAFT
    assert mailoutbox == []


def test_an_expired_trade_licence_is_refused_at_submission():
    seller = complete_seller(trade_licence_expires_on=timezone.localdate().replace(year=2020))
    with pytest.raises(SubmissionIncomplete) as error:
        seller_submit(seller=seller, actor=seller.members.get().user)
    assert set(error.value.extra["due"]) == {"trade_licence", "document:trade_licence"}


def test_a_complete_file_is_submitted_and_the_seller_is_told(complete, django_capture_on_commit_callbacks, mailoutbox):
    owner = complete.members.get().user
    with django_capture_on_commit_callbacks(execute=True):
        seller = seller_submit(seller=complete, actor=owner)

    assert seller.status == SellerStatus.SUBMITTED and seller.submitted_at
    assert SellerEvent.objects.filter(kind=EventKind.TRANSITION, to_status="submitted", actor=owner).exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [owner.email]
    assert mailoutbox[0].subject == f"{complete.legal_name}: submitted for review"
    assert complete.legal_name in mailoutbox[0].body and complete.legal_name in mailoutbox[0].alternatives[0][0]
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_request_changes_records_every_reason_and_tells_the_seller(
    submitted, django_capture_on_commit_callbacks, mailoutbox
):
    reviewer = StaffFactory()
    reasons = [
        {"target": "etin", "code": ReasonCode.INVALID, "message": "The e-TIN is not on the certificate."},
        {"target": "document:bank_proof", "code": ReasonCode.UNREADABLE, "message": "The cheque leaf is blurred."},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        seller = seller_request_changes(seller=submitted, actor=reviewer, reasons=reasons, note="Two things.")

    assert seller.status == SellerStatus.CHANGES_REQUESTED
    # submitted → under review → changes requested, each audited
    assert list(SellerEvent.objects.filter(kind=EventKind.TRANSITION).values_list("to_status", flat=True)) == [
        "changes_requested",
        "under_review",
    ]
    assert ReviewReason.objects.filter(seller=seller, resolved_at=None).count() == 2
    body = mailoutbox[0].body
    assert "The e-TIN is not on the certificate." in body and "The cheque leaf is blurred." in body
    assert "Two things." in body


def test_fixing_the_refused_items_allows_resubmission(submitted):
    from sellers.services import seller_document_upload
    from tests.sellers import files

    owner = submitted.members.get().user
    seller_request_changes(
        seller=submitted,
        actor=StaffFactory(),
        reasons=[
            {"target": "etin", "code": ReasonCode.INVALID, "message": "Wrong."},
            {"target": "document:nid_front", "code": ReasonCode.UNREADABLE, "message": "Blurred."},
        ],
    )
    with pytest.raises(SubmissionIncomplete) as error:
        seller_submit(seller=submitted, actor=owner)
    assert set(error.value.extra["due"]) == {"etin", "document:nid_front"}

    seller_update_profile(seller=submitted, actor=owner, data={"etin": "210987654321"})
    seller_document_upload(seller=submitted, actor=owner, kind="nid_front", uploaded=files.good_pdf("nid.pdf"))
    seller = seller_submit(seller=submitted, actor=owner)

    assert seller.status == SellerStatus.SUBMITTED
    assert not ReviewReason.objects.filter(seller=seller, resolved_at=None).exists()


@pytest.mark.parametrize(
    "reasons",
    [[], [{"target": "nonsense", "code": "invalid", "message": "x"}], [{"target": "etin", "code": "x", "message": ""}]],
)
def test_request_changes_needs_well_formed_reasons(submitted, reasons):
    with pytest.raises(ReasonsRequired):
        seller_request_changes(seller=submitted, actor=StaffFactory(), reasons=reasons)
    submitted.refresh_from_db()
    assert submitted.status == SellerStatus.SUBMITTED


@pytest.mark.parametrize("service", [seller_reject, seller_suspend, seller_reinstate])
def test_decisions_need_a_reason(service):
    seller = complete_seller(status=SellerStatus.UNDER_REVIEW)
    with pytest.raises(ReasonsRequired):
        service(seller=seller, actor=StaffFactory(), reason="  ")


def test_reject_suspend_and_reinstate_tell_the_seller_why(django_capture_on_commit_callbacks, mailoutbox):
    reviewer = StaffFactory()
    rejected = complete_seller(status=SellerStatus.SUBMITTED)
    active = complete_seller(status=SellerStatus.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        seller_reject(seller=rejected, actor=reviewer, reason="The trade licence belongs to another firm.")
        seller_suspend(seller=active, actor=reviewer, reason="Buyers reported counterfeit goods.")
        seller_reinstate(seller=active, actor=reviewer, reason="The complaint was withdrawn.")

    rejected.refresh_from_db()
    active.refresh_from_db()
    assert rejected.status == SellerStatus.REJECTED and active.status == SellerStatus.ACTIVE
    bodies = [message.body for message in mailoutbox]
    assert any("another firm" in body for body in bodies)
    assert any("counterfeit" in body for body in bodies)
    assert any("withdrawn" in body for body in bodies)


def test_approval_refuses_an_incomplete_file(submitted):
    submitted.documents.filter(kind="nid_back").delete()
    with pytest.raises(SubmissionIncomplete, match="Owner's NID, back"):
        seller_approve(seller=submitted, actor=StaffFactory())
