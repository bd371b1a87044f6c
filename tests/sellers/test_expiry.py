"""The beat task: reminders before a trade licence or ERC expires, "action needed" after."""

import datetime

import pytest
from django.utils import timezone

from sellers.models import EventKind, ExpiryReminder, SellerStatus
from sellers.tasks import sellers_expiry_sweep
from tests.sellers.factories import complete_seller

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _days(n):
    return TODAY + datetime.timedelta(days=n)


def test_a_reminder_goes_out_once_per_window(django_capture_on_commit_callbacks, mailoutbox):
    seller = complete_seller(status=SellerStatus.ACTIVE, trade_licence_expires_on=_days(20))

    with django_capture_on_commit_callbacks(execute=True):
        sellers_expiry_sweep()
        sellers_expiry_sweep()

    assert ExpiryReminder.objects.filter(seller=seller, days_before=30).count() == 1
    assert len(mailoutbox) == 1
    assert "expires in 20 days" in mailoutbox[0].subject
    assert mailoutbox[0].alternatives
    assert seller.events.filter(kind=EventKind.REMINDER).count() == 1


def test_no_reminder_far_from_expiry_or_for_sellers_not_yet_approved(mailoutbox, django_capture_on_commit_callbacks):
    complete_seller(status=SellerStatus.ACTIVE, trade_licence_expires_on=_days(90), erc_expires_on=_days(90))
    complete_seller(status=SellerStatus.DRAFT, trade_licence_expires_on=_days(3))
    with django_capture_on_commit_callbacks(execute=True):
        sellers_expiry_sweep()
    assert mailoutbox == []


@pytest.mark.parametrize("status", [SellerStatus.APPROVED, SellerStatus.ACTIVE])
@pytest.mark.parametrize("field", ["trade_licence_expires_on", "erc_expires_on"])
def test_an_expired_licence_or_erc_moves_the_seller_to_action_needed(
    status, field, django_capture_on_commit_callbacks, mailoutbox
):
    seller = complete_seller(status=status, **{field: _days(-1)})

    with django_capture_on_commit_callbacks(execute=True):
        sellers_expiry_sweep()

    seller.refresh_from_db()
    assert seller.status == SellerStatus.ACTION_NEEDED
    event = seller.events.get(to_status="action_needed")
    assert event.actor is None and "Expired" in event.reason
    assert "action needed" in mailoutbox[0].subject
    assert seller.is_editable  # the seller can upload the renewal


def test_a_seller_in_action_needed_renews_and_submits_again(client):
    from sellers.services import seller_expiry_check, seller_submit, seller_update_profile

    seller = complete_seller(status=SellerStatus.ACTIVE, erc_expires_on=_days(-3))
    seller = seller_expiry_check(seller=seller)
    owner = seller.members.get().user
    seller_update_profile(seller=seller, actor=owner, data={"erc_expires_on": _days(365)})
    seller = seller_submit(seller=seller, actor=owner)
    assert seller.status == SellerStatus.SUBMITTED
