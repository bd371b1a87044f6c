"""The onboarding state machine: every legal move succeeds with an audit row, every illegal one is refused."""

import pytest

from sellers.errors import IllegalTransition
from sellers.models import TRANSITIONS, EventKind, SellerEvent, SellerStatus
from sellers.services import seller_transition
from tests.sellers.factories import SellerFactory, StaffFactory

pytestmark = pytest.mark.django_db

S = SellerStatus
LEGAL = [(a, b) for a in S for b in sorted(TRANSITIONS[a])]
ILLEGAL = [(a, b) for a in S for b in S if b not in TRANSITIONS[a]]


def test_the_table_is_the_issues_state_machine():
    assert TRANSITIONS[S.DRAFT] == {S.SUBMITTED}
    assert TRANSITIONS[S.SUBMITTED] == {S.UNDER_REVIEW}
    assert TRANSITIONS[S.UNDER_REVIEW] == {S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED}
    assert TRANSITIONS[S.CHANGES_REQUESTED] == {S.SUBMITTED}
    assert S.ACTIVE in TRANSITIONS[S.APPROVED]
    assert S.SUSPENDED in TRANSITIONS[S.ACTIVE] and S.ACTIVE in TRANSITIONS[S.SUSPENDED]
    assert TRANSITIONS[S.REJECTED] == set()
    assert set(TRANSITIONS) == set(S)


def _seller_in(status):
    return SellerFactory(status=status)


@pytest.mark.parametrize(("start", "to"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_a_legal_transition_changes_the_state_and_writes_the_audit_row(start, to):
    seller = _seller_in(start)
    actor = StaffFactory()

    event = seller_transition(seller=seller, to=to, actor=actor, reason="because")

    seller.refresh_from_db()
    assert seller.status == to
    assert (event.kind, event.from_status, event.to_status, event.actor, event.reason) == (
        EventKind.TRANSITION,
        start,
        to,
        actor,
        "because",
    )


@pytest.mark.parametrize(("start", "to"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_an_illegal_transition_is_refused_and_changes_nothing(start, to):
    seller = _seller_in(start)

    with pytest.raises(IllegalTransition) as error:
        seller_transition(seller=seller, to=to)

    assert str(S(start).label) in error.value.message and str(S(to).label) in error.value.message
    seller.refresh_from_db()
    assert seller.status == start
    assert not SellerEvent.objects.filter(seller=seller).exists()


def test_submission_time_is_recorded():
    seller = _seller_in(S.DRAFT)
    seller_transition(seller=seller, to=S.SUBMITTED)
    seller.refresh_from_db()
    assert seller.submitted_at is not None
