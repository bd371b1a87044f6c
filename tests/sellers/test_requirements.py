"""The requirements registry: one source for the checklist, the submission check and the review."""

import datetime

import pytest
from django.utils import timezone

from sellers.models import ReasonCode, SellerStatus
from sellers.requirements import REQUIREMENTS, TARGETS, RequirementStatus
from sellers.selectors import seller_file
from sellers.services import seller_request_changes
from tests.sellers.factories import SellerFactory, StaffFactory, complete_seller

pytestmark = pytest.mark.django_db


def _states(seller, **kwargs):
    _seller, checklist = seller_file(seller=seller, **kwargs)
    return {state.key: state for state in checklist.states}, checklist


def test_a_new_seller_has_everything_due_except_what_is_optional():
    states, checklist = _states(SellerFactory())

    assert states["etin"].status == RequirementStatus.DUE
    assert states["document:trade_licence"].status == RequirementStatus.DUE
    assert not states["erc"].needed and not states["document:erc"].needed  # may start without an ERC
    assert "listing products for export needs one" in str(states["erc"].requirement.note)
    assert checklist.done_count == 0
    assert {s.key for s in checklist.blocking} == {r.key for r in REQUIREMENTS} - {"erc", "document:erc"}


def test_a_complete_file_is_fine_and_submittable():
    states, checklist = _states(complete_seller())
    assert all(state.status == RequirementStatus.FINE for state in states.values()), {
        k: (s.status, s.problems) for k, s in states.items() if s.status != "fine"
    }
    assert checklist.is_complete and checklist.percent == 100


def test_an_erc_number_makes_the_erc_certificate_needed():
    seller = SellerFactory(erc_number="RA-0123456")
    states, _checklist = _states(seller)
    assert states["erc"].needed and states["erc"].missing  # the expiry date is missing
    assert states["document:erc"].needed


def test_expiring_soon_and_expired():
    today = timezone.localdate()
    seller = complete_seller(
        trade_licence_expires_on=today + datetime.timedelta(days=10), erc_expires_on=today - datetime.timedelta(days=1)
    )
    states, checklist = _states(seller)

    assert states["trade_licence"].status == RequirementStatus.EXPIRING_SOON
    assert states["trade_licence"].is_done
    assert states["erc"].status == RequirementStatus.EXPIRED
    assert states["document:erc"].status == RequirementStatus.EXPIRED
    assert {s.key for s in checklist.blocking} == {"erc", "document:erc"}


def test_invalid_stored_values_are_reported_not_trusted():
    seller = complete_seller(etin="123", bank_account_name="Someone Else")
    states, _checklist = _states(seller)
    assert states["etin"].status == RequirementStatus.DUE
    assert "12 digits" in states["etin"].problems[0]
    assert "must match the business or owner name" in states["bank"].problems[0]


def test_a_reviewers_reason_marks_the_requirement_refused_until_the_seller_changes_it():
    seller = complete_seller(status=SellerStatus.UNDER_REVIEW)
    seller_request_changes(
        seller=seller,
        actor=StaffFactory(),
        reasons=[
            {"target": "bin", "code": ReasonCode.MISMATCH, "message": "The BIN differs from the Mushak-2.3."},
            {"target": "document:nid_back", "code": ReasonCode.UNREADABLE, "message": "Too dark to read."},
        ],
    )
    states, checklist = _states(seller)

    assert states["bin"].status == RequirementStatus.REFUSED
    assert states["bin"].reasons[0].message == "The BIN differs from the Mushak-2.3."
    assert states["document:nid_back"].status == RequirementStatus.REFUSED
    assert {s.key for s in checklist.blocking} == {"bin", "document:nid_back"}
    assert checklist.as_dict()["refused"] == ["bin", "document:nid_back"]


def test_every_target_has_a_label():
    assert "etin" in TARGETS and "document:trade_licence" in TARGETS
    assert all(str(label) for label in TARGETS.values())
