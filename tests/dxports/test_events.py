"""Domain events (dxports.events): recorded by the state machines in the transaction of the change."""

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from dxports import events
from dxports.models import Event
from sellers import services
from sellers.errors import IllegalTransition
from sellers.models import SellerStatus
from tests.sellers.factories import StaffFactory, complete_seller

pytestmark = pytest.mark.django_db


def test_a_transition_records_its_event_with_the_change(django_capture_on_commit_callbacks):
    seller = complete_seller()
    owner = seller.members.get().user
    heard = []
    events.register_listener(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.seller_submit(seller=seller, actor=owner)
    finally:
        events.unregister_listener(heard.append)

    event = Event.objects.get()
    assert (event.type, event.seller_id, event.subject_type) == ("seller.submitted", seller.pk, "seller")
    assert event.subject_id == seller.public_id
    assert event.data == {"status": "submitted", "previous_status": "draft", "reason": ""}
    assert heard == [event.pk]


def test_a_refused_transition_records_nothing():
    seller = complete_seller(status=SellerStatus.REJECTED)
    owner = seller.members.get().user
    with pytest.raises(IllegalTransition):
        services.seller_submit(seller=seller, actor=owner)
    assert not Event.objects.exists()


def test_a_listener_that_fails_does_not_undo_the_change(django_capture_on_commit_callbacks):
    seller = complete_seller(status=SellerStatus.SUBMITTED)

    def broken(event_id):
        raise RuntimeError("listener bug")

    events.register_listener(broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.seller_approve(seller=seller, actor=StaffFactory())
    finally:
        events.unregister_listener(broken)
    assert Event.objects.filter(type="seller.approved").exists()


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused():
    seller = complete_seller()
    with pytest.raises(TransactionManagementError):
        events.record("seller.submitted", seller_id=seller.pk, subject=seller)
    with transaction.atomic():
        events.record("seller.submitted", seller_id=seller.pk, subject=seller)
