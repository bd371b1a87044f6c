"""The pull of ``/dexports/inquiry/list`` from a stored cursor catches whatever a push missed; push and pull, in any
order, any number of times, even at the same moment, store each inquiry and message once."""

import threading

import pytest
from django.db import connection

from alibaba import pushes
from alibaba.models import InboundPush
from buyers import sync as buyers_sync
from buyers.models import Inquiry, InquiryStatus, Message, PullCursor
from tests.buyers.support import ask, go_live, inquiry_of, process_pushes

pytestmark = pytest.mark.django_db


def gateway_counts(sync, supplier):
    threads = [t for t in sync.state()["threads"] if str(t["supplier_id"]) == supplier.supplier_account.supplier_id]
    return len(threads), sum(len(t["messages"]) for t in threads)


def local_counts():
    return Inquiry.objects.count(), Message.objects.filter(is_opening=False).count()


def test_the_pull_brings_what_the_pushes_missed_and_remembers_where_it_stopped(sync, supplier, live):
    sync.gateway.simulate_inquiries(count=5, attachments=1)
    sync.gateway.simulate_messages(count=4, attachments=0)
    sync.gateway.tick()
    sync.pushes.clear()  # every push lost

    counts = buyers_sync.pull_seller(seller=supplier, page_size=2)

    assert counts["inquiries"] == 5 and counts["pages"] >= 3
    assert local_counts() == gateway_counts(sync, supplier) == (5, 4)
    cursor = PullCursor.objects.get(seller=supplier)
    assert cursor.cursor and cursor.pulled_at is not None and cursor.last_error == ""
    calls_before = sync.state()["calls"]["/dexports/inquiry/list"]["ok"]

    again = buyers_sync.pull_seller(seller=supplier)

    assert again["inquiries"] == 0 and again["pages"] == 1
    assert sync.state()["calls"]["/dexports/inquiry/list"]["ok"] == calls_before + 1
    assert local_counts() == (5, 4)


@pytest.mark.parametrize("pull_first", [True, False])
def test_push_and_pull_in_either_order_store_everything_once(sync, supplier, live, pull_first):
    sync.gateway.simulate_inquiries(count=3, attachments=2)
    sync.gateway.simulate_messages(count=3, attachments=1)
    sync.gateway.tick()
    if pull_first:
        buyers_sync.pull_seller(seller=supplier)
        sync.deliver()
    else:
        sync.deliver()
        buyers_sync.pull_seller(seller=supplier)
    sync.deliver()  # nothing left; and a second pull on top
    buyers_sync.pull_seller(seller=supplier)

    assert local_counts() == gateway_counts(sync, supplier) == (3, 3)
    assert Message.objects.filter(is_opening=True).count() == 3
    inquiry_pushes = InboundPush.objects.filter(message_type__startswith="inquiry.")
    assert inquiry_pushes.filter(status=InboundPush.Status.PROCESSED).count() == 6


def test_an_answer_given_on_alibaba_com_is_stored_as_sent_and_counts_as_the_response(sync, supplier, live):
    from alibaba.client import AlibabaClient

    (asked,) = ask(sync, count=1, attachments=0)
    with AlibabaClient.from_settings() as client:
        client.inquiry_reply(
            supplier.supplier_account.access_token, asked["inquiry_id"], content="Answered on the site"
        )
    sync.gateway.simulate_messages(count=1, inquiry_id=asked["inquiry_id"], attachments=0)
    sync.gateway.tick()
    sync.pushes.clear()

    buyers_sync.pull_seller(seller=supplier)

    inquiry = inquiry_of(asked)
    seller_message = inquiry.messages.get(sender="seller")
    assert seller_message.content == "Answered on the site" and seller_message.delivery == "sent"
    assert seller_message.author is None
    assert inquiry.first_response_at is not None
    # The buyer wrote after the answer: a negotiation, waiting for the seller again.
    assert inquiry.status == InquiryStatus.NEGOTIATING and inquiry.awaiting_reply_since is not None


def test_pulling_every_seller_goes_on_after_one_fails(sync, supplier, live):
    from sellers.models import SupplierAccount
    from tests.catalog.sync_support import supplier_on

    other = supplier_on(sync.gateway, legal_name="Buriganga Leather Works Ltd.")
    go_live(sync, other)
    sync.gateway.simulate_inquiries(count=4, attachments=0)
    sync.gateway.tick()
    sync.pushes.clear()
    SupplierAccount.objects.filter(seller=supplier).update(access_token="revoked", refresh_token="revoked")

    totals = buyers_sync.pull_all()

    assert totals["failed"] == 1 and totals["sellers"] == 1
    assert PullCursor.objects.get(seller=supplier).last_error
    assert Inquiry.objects.filter(seller=other).count() == gateway_counts(sync, other)[0]


@pytest.mark.django_db(transaction=True)
def test_push_and_pull_racing_store_everything_once(sync, supplier, live, client):
    sync.gateway.simulate_inquiries(count=8, attachments=1)
    sync.gateway.simulate_messages(count=8, attachments=0)
    sync.gateway.tick()
    for body, headers in sync.pushes:
        sync.post(body, headers)  # received, not processed yet
    sync.pushes.clear()
    push_ids = list(InboundPush.objects.order_by("pk").values_list("pk", flat=True))
    start = threading.Barrier(3)
    errors = []

    def run(work):
        try:
            start.wait(timeout=10)
            work()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def push_all():
        for push_id in push_ids:
            pushes.process_push(push_id)

    def pull():
        buyers_sync.pull_seller(seller=supplier, page_size=3)

    threads = [threading.Thread(target=run, args=(work,)) for work in (push_all, pull, pull)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    process_pushes()  # a message that came before its inquiry is retried once the inquiry is there

    assert errors == []
    assert local_counts() == gateway_counts(sync, supplier) == (8, 8)
    assert Message.objects.filter(is_opening=True).count() == 8
    assert not InboundPush.objects.exclude(status=InboundPush.Status.PROCESSED).exists()
    # Each inquiry is announced once, whichever path stored it.
    from dxports.models import Event

    assert Event.objects.filter(type="inquiry.received").count() == 8


def test_an_inquiry_stored_by_both_paths_is_mailed_once(sync, supplier, live, django_capture_on_commit_callbacks):
    sync.gateway.simulate_inquiries(count=1, attachments=0)
    sync.gateway.tick()
    with django_capture_on_commit_callbacks(execute=True):
        buyers_sync.pull_seller(seller=supplier)
        sync.deliver()

    from dxports.models import OutgoingEmail

    assert OutgoingEmail.objects.filter(key__startswith="inquiry-new:").count() == 1
