"""Inquiries between the mock Alibaba.com gateway and a partner, end to end: a buyer's inquiry pushed by the gateway
reaches the partner's webhook receiver signed (and the partner reads it through the API by the event's subject); the
partner's answer through the API reaches the buyer on the gateway exactly once, even when the partner retries its
request and the gateway's answer to the worker is lost; other partners hear nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alibaba.models import OutboxJob
from partners import services, webhooks
from partners.models import WebhookDelivery
from tests.buyers.support import ask, inquiry_of, private_root_fixture, threads_of  # noqa: F401 - autouse fixture
from tests.catalog.sync_support import gateway_fixture, supplier_fixture, sync_fixture  # noqa: F401 - fixtures
from tests.partners.support import grant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_supplier_memory():
    """Each test's gateway numbers its suppliers from the start again: forget the previous test's."""
    from buyers import sync

    sync._SELLER_OF_SUPPLIER.clear()
    yield
    sync._SELLER_OF_SUPPLIER.clear()


@pytest.fixture(autouse=True)
def _notify_in_process(monkeypatch):
    """The seller's new-inquiry e-mail is sent in this process when its message would go to the broker."""
    from buyers import tasks

    task = tasks.buyers_notify_inquiry
    monkeypatch.setattr(task, "apply_async", lambda args, **kwargs: task.run(*args))


@pytest.fixture
def live(sync, supplier):
    from tests.buyers.support import go_live

    return go_live(sync, supplier)[0]


def _supplier_messages(sync, supplier, inquiry):
    (thread,) = [
        thread
        for thread in threads_of(sync.state(), supplier.supplier_account.supplier_id)
        if thread["inquiry_id"] == inquiry.gateway_inquiry_id
    ]
    return [message for message in thread["messages"] if message["sender"] == "supplier"]


def test_an_inquiry_from_alibaba_reaches_the_entitled_partners_webhook_signed(
    api,
    partner,
    other_partner,
    sync,
    supplier,
    live,
    receiver,
    loopback,
    dispatched,
    django_capture_on_commit_callbacks,
):
    grant(partner, supplier)
    grant(other_partner, supplier, ["sellers:read", "catalog:read"])  # no inquiries:read: hears nothing of them
    endpoint = services.webhook_endpoint_create(
        partner=partner, url=receiver.url, event_types=["inquiry.received", "inquiry.replied"]
    )
    receiver.secret = endpoint.secret
    services.webhook_endpoint_create(partner=other_partner, url=receiver.url, event_types=["*"])

    with django_capture_on_commit_callbacks(execute=True):
        (asked,) = ask(sync, count=1, attachments=0)
    inquiry = inquiry_of(asked)
    (delivery_id,) = dispatched
    attempt = webhooks.deliver(delivery_id)

    assert attempt.outcome == "succeeded"
    (request,) = receiver.received
    assert request["verified"] is True
    event = request["body"]
    assert event["type"] == "inquiry.received" and request["headers"]["Dxports-Event-Type"] == "inquiry.received"
    assert event["subject"] == {"object": "inquiry", "id": str(inquiry.public_id)}
    assert event["seller"] == str(supplier.public_id) and event["data"]["status"] == "new"
    assert event["data"]["product_custom_code"] == str(live.public_id)
    assert WebhookDelivery.objects.get().endpoint == endpoint.endpoint

    # The partner reads the inquiry the event names, and answers it.
    body = api.get(f"inquiries/{event['subject']['id']}/").json()
    assert body["product"]["id"] == str(live.public_id) and body["messages"][0]["content"] == asked["content"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"inquiries/{inquiry.public_id}/reply/", {"content": "Thank you, samples are free."})
    assert response.status_code == 201, response.json()
    webhooks.deliver(dispatched[1])
    replied = receiver.received[1]
    assert replied["verified"] is True and replied["body"]["type"] == "inquiry.replied"
    assert replied["body"]["data"] == {"status": "replied", "previous_status": "new", "reason": ""}
    assert len(dispatched) == 2 and WebhookDelivery.objects.filter(endpoint__partner=other_partner).count() == 0

    listed = api.get("events/", {"type": "inquiry."}).json()["data"]
    assert [item["type"] for item in listed] == ["inquiry.replied", "inquiry.received"]


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("reply", {"content": "Thank you! US$2.40 per piece FOB Chattogram."}),
        (
            "quote",
            {
                "content": "Our offer, CIF Hamburg.",
                "price": "2.35",
                "quantity": 2000,
                "unit": "piece",
                "incoterm": "CIF",
                "port_of_loading": "Chattogram",
                "destination": "Hamburg",
                "lead_time_days": 30,
                "payment_terms": ["T/T", "L/C"],
                "valid_until": (timezone.now().date() + timedelta(days=20)).isoformat(),
            },
        ),
    ],
)
def test_an_answer_through_the_api_reaches_the_buyer_exactly_once(api, partner, sync, supplier, live, action, body):
    grant(partner, supplier)
    inquiry = inquiry_of(ask(sync, count=1, attachments=0)[0])
    path = f"inquiries/{inquiry.public_id}/{action}/"

    first = api.post(path, body, headers={"idempotency-key": f"{action}-1"})
    retried = api.post(path, body, headers={"idempotency-key": f"{action}-1"})  # the partner's retry after a timeout
    assert first.status_code == retried.status_code == 201, first.json()
    assert retried["Idempotent-Replayed"] == "true" and first.json()["delivery"] == "sending"
    (job,) = OutboxJob.objects.filter(kind="inquiry.reply")

    sync.gateway.configure(timeout_rate=1.0)
    lost = sync.run_once(job)  # the gateway keeps the message; the worker never hears so
    sync.gateway.configure(timeout_rate=0.0)
    sync.drain()

    assert lost.outcome == "timeout"
    (held,) = _supplier_messages(sync, supplier, inquiry)
    assert held["content"] == body["content"] and sync.state()["reply_duplicates"] == {}
    assert sync.state()["calls"]["/dexports/inquiry/reply"] == {"timeout": 1}
    message = api.get(f"inquiries/{inquiry.public_id}/").json()["messages"][-1]
    assert message["id"] == first.json()["id"]
    assert message["delivery"] == "sent" and message["sent_at"] is not None and message["failure_reason"] == ""
    if action == "quote":
        assert held["quotation"]["price"] == "2.35" and held["quotation"]["incoterm"] == "CIF"
        assert message["quotation"]["destination"] == "Hamburg"
