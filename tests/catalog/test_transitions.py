"""The listing state machine: every legal move succeeds with an audit row, every illegal one is refused."""

import pytest

from catalog.errors import IllegalTransition, SellerNotActive
from catalog.models import PUBLISHING_STATES, TRANSITIONS, EventKind, ProductEvent, ProductStatus
from catalog.services import product_transition
from sellers.models import SellerStatus
from tests.catalog.factories import ProductFactory
from tests.sellers.factories import SellerFactory, StaffFactory

pytestmark = pytest.mark.django_db

P = ProductStatus
LEGAL = [(a, b) for a in P for b in sorted(TRANSITIONS[a])]
ILLEGAL = [(a, b) for a in P for b in P if b not in TRANSITIONS[a]]


def test_the_table_is_the_issues_state_machine():
    assert TRANSITIONS[P.DRAFT] == {P.READY, P.BLOCKED}
    assert P.PUBLISHING in TRANSITIONS[P.READY]
    assert {P.UNDER_REVIEW, P.SYNC_FAILED} <= TRANSITIONS[P.PUBLISHING]
    assert {P.LIVE, P.REJECTED, P.SYNC_FAILED} <= TRANSITIONS[P.UNDER_REVIEW]
    assert {P.UPDATING, P.DELISTING} <= TRANSITIONS[P.LIVE]
    assert P.LIVE in TRANSITIONS[P.UPDATING]
    assert P.DELISTED in TRANSITIONS[P.DELISTING]
    assert all(P.BLOCKED in TRANSITIONS[state] for state in P if state != P.BLOCKED)
    assert TRANSITIONS[P.BLOCKED] == {P.DRAFT}
    assert set(TRANSITIONS) == set(P)
    # Nothing reaches the gateway's states without going through publishing.
    assert not any(P.LIVE in TRANSITIONS[state] for state in (P.DRAFT, P.READY, P.REJECTED, P.DELISTED))


@pytest.mark.parametrize(("start", "to"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_a_legal_transition_changes_the_state_and_writes_the_audit_row(start, to):
    product = ProductFactory(status=start, status_reason="blocked before" if start == P.BLOCKED else "")
    actor = StaffFactory()

    event = product_transition(product=product, to=to, actor=actor, reason="because")

    product.refresh_from_db()
    assert product.status == to
    assert (event.kind, event.from_status, event.to_status, event.actor, event.reason, event.version) == (
        EventKind.TRANSITION,
        start,
        to,
        actor,
        "because",
        1,
    )


@pytest.mark.parametrize(("start", "to"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_an_illegal_transition_is_refused_and_changes_nothing(start, to):
    product = ProductFactory(status=start, status_reason="blocked before" if start == P.BLOCKED else "")

    with pytest.raises(IllegalTransition) as error:
        product_transition(product=product, to=to, reason="blocked" if to == P.BLOCKED else "")

    assert str(P(start).label) in error.value.message and str(P(to).label) in error.value.message
    product.refresh_from_db()
    assert product.status == start
    assert not ProductEvent.objects.filter(product=product).exists()


PUBLISHING_MOVES = [(a, b) for a, b in LEGAL if b in PUBLISHING_STATES]


@pytest.mark.parametrize("seller_status", [s for s in SellerStatus if s != SellerStatus.ACTIVE])
@pytest.mark.parametrize(("start", "to"), PUBLISHING_MOVES, ids=[f"{a}->{b}" for a, b in PUBLISHING_MOVES])
def test_only_an_active_sellers_product_moves_towards_the_gateway(start, to, seller_status):
    seller = SellerFactory(status=seller_status)
    product = ProductFactory(seller=seller, status=start)

    with pytest.raises(SellerNotActive):
        product_transition(product=product, to=to)

    product.refresh_from_db()
    assert product.status == start


def test_a_suspended_sellers_product_can_still_be_delisted_and_blocked():
    product = ProductFactory(seller=SellerFactory(status=SellerStatus.SUSPENDED), status=P.LIVE)

    product_transition(product=product, to=P.DELISTING)
    product = product_transition(product=product, to=P.BLOCKED, reason="Counterfeit brand").product

    assert (product.status, product.status_reason) == (P.BLOCKED, "Counterfeit brand")
