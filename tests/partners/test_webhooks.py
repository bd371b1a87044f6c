"""Webhooks: an event reaches the endpoints of the partners entitled to it, signed; a receiver written as a partner
would verifies it; failures are retried for more than a day, then the endpoint is disabled and its contact told;
everything is logged and redeliverable; nothing goes to loopback or private addresses."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from dxports import events
from partners import services, webhooks
from partners.models import EventFanout, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from sellers.models import SellerStatus
from tests.catalog.factories import complete_product
from tests.partners.receiver import verify_signature
from tests.partners.support import error_of, grant
from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(partner):
    seller = OwnerFactory(seller__status=SellerStatus.ACTIVE).seller
    grant(partner, seller)
    return seller


def _endpoint(partner, receiver, events_=("product.live",)):
    created = services.webhook_endpoint_create(partner=partner, url=receiver.url, event_types=list(events_))
    receiver.secret = created.secret
    return created.endpoint


def _product_goes_live(seller, django_capture_on_commit_callbacks):
    from catalog import services as catalog_services
    from catalog.models import ProductStatus

    product = complete_product(seller=seller, status=ProductStatus.UNDER_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.product_transition(product=product, to=ProductStatus.LIVE, reason="Approved by Alibaba.com.")
    return product


def test_product_live_reaches_the_partner_signed(
    partner, seller, receiver, loopback, dispatched, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(partner, receiver)
    product = _product_goes_live(seller, django_capture_on_commit_callbacks)

    (delivery_id,) = dispatched  # queued after commit; sent by a worker:
    attempt = webhooks.deliver(delivery_id)

    assert attempt.outcome == "succeeded" and attempt.status_code == 200
    (request,) = receiver.received
    assert request["verified"] is True
    body = request["body"]
    assert body["type"] == "product.live" and body["object"] == "event"
    assert body["subject"] == {"object": "product", "id": str(product.public_id)}
    assert body["seller"] == str(seller.public_id) and body["data"]["status"] == "live"
    assert request["headers"]["Dxports-Event-Type"] == "product.live"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "succeeded" and delivery.endpoint == endpoint
    assert not verify_signature(b'{"tampered": true}', request["headers"]["Dxports-Signature"], receiver.secret)
    assert not verify_signature(b"x", request["headers"]["Dxports-Signature"], "whsec_wrong")


def test_only_entitled_subscribed_endpoints_get_a_delivery(
    partner, other_partner, seller, receiver, loopback, dispatched, django_capture_on_commit_callbacks
):
    _endpoint(partner, receiver, ["seller.approved"])  # not subscribed to product.live
    services.webhook_endpoint_create(partner=other_partner, url=receiver.url, event_types=["*"])  # no access
    _product_goes_live(seller, django_capture_on_commit_callbacks)
    assert dispatched == [] and not WebhookDelivery.objects.exists()
    assert EventFanout.objects.count() == 1


def test_a_failing_endpoint_is_retried_for_more_than_a_day_then_disabled_and_its_contact_told(
    partner, seller, receiver, loopback, dispatched, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(partner, receiver)
    receiver.status = 503
    _product_goes_live(seller, django_capture_on_commit_callbacks)
    delivery_id = dispatched[0]
    started = timezone.now()
    with time_machine.travel(started, tick=False) as clock:
        for attempt in range(1, webhooks.MAX_ATTEMPTS + 1):
            with django_capture_on_commit_callbacks(execute=True):
                webhooks.deliver(delivery_id)
            delivery = WebhookDelivery.objects.get(pk=delivery_id)
            if attempt < webhooks.MAX_ATTEMPTS:
                assert delivery.status == "pending" and delivery.last_status_code == 503
                assert webhooks.deliver(delivery_id) is None  # not due yet
                clock.move_to(delivery.next_attempt_at + timedelta(seconds=1))
        elapsed = timezone.now() - started

    assert elapsed > timedelta(days=1)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == webhooks.MAX_ATTEMPTS
    assert WebhookAttempt.objects.filter(delivery=delivery, outcome="http_error").count() == webhooks.MAX_ATTEMPTS
    endpoint.refresh_from_db()
    assert endpoint.status == "disabled" and "more than a day" in endpoint.disabled_reason
    # The seller heard about its listing going live; the partner's contact about its endpoint.
    (email,) = [message for message in mail.outbox if message.to == ["api@dcci.example"]]
    assert receiver.url in email.body


def test_a_delivery_is_redeliverable_from_the_api_and_every_attempt_is_logged(
    api, partner, seller, receiver, loopback, dispatched, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(partner, receiver)
    _product_goes_live(seller, django_capture_on_commit_callbacks)
    webhooks.deliver(dispatched[0])
    delivery = WebhookDelivery.objects.get()

    listed = api.get(f"webhook_endpoints/{endpoint.public_id}/deliveries/").json()["data"]
    assert [item["id"] for item in listed] == [str(delivery.public_id)] and listed[0]["status"] == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"webhook_deliveries/{delivery.public_id}/redeliver/")
    assert response.status_code == 202 and response.json()["status"] == "pending"
    webhooks.deliver(dispatched[-1])
    detail = api.get(f"webhook_deliveries/{delivery.public_id}/").json()
    assert detail["status"] == "succeeded" and [a["outcome"] for a in detail["attempt_log"]] == ["succeeded"] * 2
    assert len(receiver.received) == 2 and all(r["verified"] for r in receiver.received)


def test_a_rotated_secret_keeps_signing_with_the_old_one_during_the_overlap(
    partner, seller, receiver, loopback, dispatched, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(partner, receiver)
    old_secret = receiver.secret
    rotated = services.webhook_endpoint_rotate_secret(endpoint=endpoint, overlap=timedelta(hours=1))
    _product_goes_live(seller, django_capture_on_commit_callbacks)
    webhooks.deliver(dispatched[0])
    header = receiver.received[0]["headers"]["Dxports-Signature"]
    body = WebhookDelivery.objects.get().event
    payload = webhooks.event_body(body)
    assert verify_signature(payload, header, old_secret) and verify_signature(payload, header, rotated.secret)
    assert header.count("v1=") == 2


def test_the_relay_fans_out_an_event_whose_listener_never_ran_and_resends_lost_messages(
    partner, seller, receiver, loopback, dispatched, django_capture_on_commit_callbacks
):
    _endpoint(partner, receiver)
    product = complete_product(seller=seller)
    with transaction.atomic():  # the process died after commit: no listener ran (no on-commit captured)
        events.record("product.live", seller_id=seller.pk, subject=product, data={"status": "live"})
    assert not WebhookDelivery.objects.exists()
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        fanned, _sent = webhooks.relay()
        assert fanned == 1
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(dispatched_at=timezone.now() - timedelta(minutes=10))
        dispatched.clear()
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.relay()
        assert dispatched == [delivery.pk]
        assert webhooks.relay() == (0, 0)  # a message is on its way now


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks",
        "https://172.16.5.4/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/hooks",
        "https://[::1]/hooks",
        "https://[fd00::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://0.0.0.0/hooks",
        "https://user:pass@93.184.216.34/hooks",
        "ftp://93.184.216.34/hooks",
        "https://no-such-host.invalid/hooks",
    ],
)
def test_registration_refuses_urls_that_are_not_public_https(api, url):
    response = api.post("webhook_endpoints/", {"url": url, "events": ["product.live"]})
    assert response.status_code == 400, response.json()
    error = error_of(response)
    assert error["field"] == "url" and error["code"] == "url_not_allowed"
    assert not WebhookEndpoint.objects.exists()


def test_a_public_https_url_is_registered_and_the_secret_shown_once(api, monkeypatch):
    from partners import ssrf

    monkeypatch.setattr(ssrf, "resolve", lambda host, port: ["93.184.216.34"])
    response = api.post("webhook_endpoints/", {"url": "https://hooks.partner.example/dxports", "events": ["*"]})
    assert response.status_code == 201
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["status"] == "enabled"
    assert "secret" not in api.get(f"webhook_endpoints/{body['id']}/").json()
    assert body["secret"] not in str(WebhookEndpoint.objects.values().get())


def test_delivery_refuses_a_name_that_now_resolves_to_a_private_address(
    partner, seller, receiver, dispatched, monkeypatch, django_capture_on_commit_callbacks
):
    from partners import ssrf

    monkeypatch.setattr(ssrf, "resolve", lambda host, port: ["93.184.216.34"])
    created = services.webhook_endpoint_create(
        partner=partner, url="https://hooks.partner.example/dxports", event_types=["product.live"]
    )
    monkeypatch.setattr(ssrf, "resolve", lambda host, port: ["127.0.0.1"])  # DNS rebinding
    _product_goes_live(seller, django_capture_on_commit_callbacks)
    attempt = webhooks.deliver(dispatched[0])
    assert attempt.outcome == "refused" and "not a public internet address" in attempt.error
    assert receiver.received == []
    assert WebhookDelivery.objects.get().status == "pending"  # retried later, in case the name is fixed
    assert created.endpoint.url == "https://hooks.partner.example/dxports"


def test_loopback_is_allowed_only_with_the_development_exception(api, receiver, settings):
    settings.PARTNERS_WEBHOOKS_ALLOW_LOOPBACK = False
    assert api.post("webhook_endpoints/", {"url": receiver.url, "events": ["*"]}).status_code == 400
    settings.PARTNERS_WEBHOOKS_ALLOW_LOOPBACK = True
    assert api.post("webhook_endpoints/", {"url": receiver.url, "events": ["*"]}).status_code == 201
    response = api.post("webhook_endpoints/", {"url": "http://10.0.0.1/x", "events": ["*"]})
    assert response.status_code == 400  # private networks never


def test_the_development_exception_is_refused_without_debug():
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "dxports.settings",
            "DJANGO_SECRET_KEY": "s" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
            "DJANGO_ALLOWED_HOSTS": "dxports.example",
            "PARTNERS_WEBHOOKS_ALLOW_LOOPBACK": "1",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "development only" in result.stderr


def test_endpoints_of_another_partner_are_not_found(api, other_partner, make_api, receiver, loopback):
    created = services.webhook_endpoint_create(partner=other_partner, url=receiver.url, event_types=["*"])
    path = f"webhook_endpoints/{created.endpoint.public_id}/"
    assert api.get(path).status_code == 404
    assert api.patch(path, {"enabled": False}).status_code == 404
    assert api.delete(path).status_code == 404
    assert api.get("webhook_endpoints/").json()["data"] == []


def test_an_endpoint_is_updated_disabled_and_enabled_again(api, receiver, loopback):
    body = api.post("webhook_endpoints/", {"url": receiver.url, "events": ["product.live"]}).json()
    path = f"webhook_endpoints/{body['id']}/"
    response = api.patch(path, {"events": ["product.live", "seller.approved"], "enabled": False})
    assert response.json()["status"] == "disabled" and response.json()["events"] == ["product.live", "seller.approved"]
    assert api.patch(path, {"enabled": True}).json()["status"] == "enabled"
    response = api.patch(path, {"events": ["product.exploded"]})
    assert response.status_code == 400 and error_of(response)["field"] == "events"
    assert api.delete(path).status_code == 204
