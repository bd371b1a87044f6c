"""Outbound webhooks: from a domain event to a signed POST on each partner endpoint entitled to it.

1. Fan-out. ``on_event`` is registered with ``dxports.events``: after the commit of every event it creates one
   ``WebhookDelivery`` per endpoint (enabled or not) whose partner holds the event's scope on the event's seller
   (``SellerGrant``) and that subscribed to its type, marks the event fanned out (``EventFanout``, in the same
   transaction) and, after commit, sends each delivery's id to the workers. Nothing is sent from a request.
2. Delivery (``deliver``, a Celery task): a worker claims the delivery with a conditional update and a lease (a dead
   worker's delivery is taken over once the lease ends), checks the URL again (``partners.ssrf``: the name may
   resolve elsewhere now) and POSTs the event's JSON to the checked address, signed::

       Dxports-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>[,v1=<with the previous secret>]

   Every attempt is logged (``WebhookAttempt``, successes too). A 2xx is a success; anything else (another status,
   a redirect, no answer in ``PARTNERS_WEBHOOK_TIMEOUT_S``, an address no longer allowed) is retried after
   ``RETRY_DELAYS`` with ±20 % jitter: ten attempts over more than a day. A delivery that spends them fails; if its
   endpoint has had no success for a day, the endpoint is disabled and the partner's contact is e-mailed.
   A disabled endpoint's deliveries wait; enabling it again sends them (``resume``).
3. The relay (beat, every ``PARTNERS_WEBHOOK_RELAY_INTERVAL_S``): fans out events whose listener did not run (the
   process died after commit, the database was unreachable) and re-sends deliveries that are due with no message on
   their way, so a lost message or a dead worker delays a webhook and loses none.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import time
from datetime import timedelta
from functools import partial

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dxports import mail
from dxports.models import Event
from partners import objects, ssrf
from partners.errors import DeliveryBusy, UnsafeUrl
from partners.models import (
    EventFanout,
    SellerGrant,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    scope_of_event,
)
from sellers import selectors as sellers_selectors

logger = logging.getLogger("dxports.partners.webhooks")

Status = WebhookDelivery.Status
Outcome = WebhookAttempt.Outcome

# Seconds after attempt n (1-based) before attempt n + 1: 31.6 hours in all, more than a day even at -20 %.
RETRY_DELAYS = (60, 300, 1800, 3600, 7200, 14400, 28800, 28800, 28800)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
JITTER = 0.2
LEASE = timedelta(minutes=2)
# A retry due within this wait rides on a Celery countdown; later ones are left to the relay.
COUNTDOWN_MAX_S = 300
REDISPATCH = timedelta(minutes=2)
FANOUT_GRACE = timedelta(seconds=10)  # the listener's time to fan an event out before the relay does it
FANOUT_WINDOW = timedelta(days=3)
DISABLE_AFTER = timedelta(days=1)  # no success for this long and a delivery gave up: the endpoint is disabled
EXCERPT_CHARS = 1000
USER_AGENT = "dxports-webhooks/1.0"

_random = random.Random()


def signature_header(*, secrets, body, timestamp):
    """``t=<timestamp>,v1=<signature>`` with one ``v1`` per secret (the current one first)."""
    signed = f"{timestamp}.".encode() + body
    parts = [f"t={timestamp}"]
    parts += [f"v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}" for secret in secrets]
    return ",".join(parts)


def signing_secrets(endpoint, *, now):
    from partners.services import webhook_secret

    found = [webhook_secret(endpoint.secret_salt)]
    if (
        endpoint.previous_secret_salt
        and endpoint.previous_secret_expires_at
        and endpoint.previous_secret_expires_at > now
    ):
        found.append(webhook_secret(endpoint.previous_secret_salt))
    return found


def event_body(event):
    """The bytes sent for ``event``: its API object as compact JSON."""
    public_ids = sellers_selectors.seller_public_ids(ids=[event.seller_id]) if event.seller_id else {}
    data = objects.event_object(event, seller_public_id=public_ids.get(event.seller_id))
    return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()


# Fan-out -------------------------------------------------------------------------------------------------------------


def on_event(event_id):
    """The ``dxports.events`` listener: fan the event out (after the commit of the change that recorded it)."""
    fan_out(event_id)


def fan_out(event_id):
    """Create the event's deliveries, once however often it is called; returns their ids."""
    with transaction.atomic():
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            return []
        _marker, created = EventFanout.objects.get_or_create(event_id=event.pk)
        if not created:
            return []
        scope = scope_of_event(event.type)
        if scope is None or event.seller_id is None:
            return []
        partner_ids = SellerGrant.objects.filter(seller_id=event.seller_id, scope=scope).values("partner_id")
        endpoints = [
            endpoint
            for endpoint in WebhookEndpoint.objects.filter(partner_id__in=partner_ids, partner__is_active=True)
            if endpoint.subscribes_to(event.type)
        ]
        if not endpoints:
            return []
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(endpoint=endpoint, event=event, dispatched_at=timezone.now()) for endpoint in endpoints],
            ignore_conflicts=True,
        )
        ids = list(
            WebhookDelivery.objects.filter(event=event, endpoint__status=WebhookEndpoint.Status.ENABLED).values_list(
                "pk", flat=True
            )
        )
        for delivery_id in ids:
            dispatch_on_commit(delivery_id)
    return ids


def dispatch_on_commit(delivery_id, *, countdown=None):
    transaction.on_commit(partial(_send, delivery_id, countdown))


def _send(delivery_id, countdown):
    from partners import tasks

    try:
        tasks.webhook_deliver.apply_async((delivery_id,), countdown=countdown)
    except Exception:  # the row is committed; the relay sends it once the broker is back
        logger.warning("webhook delivery %s: broker unreachable, the relay will send it", delivery_id, exc_info=True)


# Delivery -------------------------------------------------------------------------------------------------------------


def _claimable(now):
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(status=Status.SENDING, lease_expires_at__lte=now)


def deliver(delivery_id, *, client=None):
    """Send one delivery if it is due, its endpoint is enabled and nobody else is sending it; returns the attempt,
    or ``None`` when there was nothing to do. Safe to call any number of times, late, or concurrently."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        _claimable(now), pk=delivery_id, endpoint__status=WebhookEndpoint.Status.ENABLED
    ).update(status=Status.SENDING, lease_expires_at=now + LEASE, attempts=F("attempts") + 1, updated_at=now)
    if claimed != 1:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint__partner", "event").get(pk=delivery_id)
    endpoint = delivery.endpoint
    body = event_body(delivery.event)
    started = time.monotonic()
    status_code, error, excerpt = None, "", ""
    try:
        target = ssrf.check(endpoint.url)
    except UnsafeUrl as refusal:
        outcome, error = Outcome.REFUSED, str(refusal.message)
    else:
        timestamp = int(time.time())
        headers = {
            "Host": target.host_header,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Dxports-Event-Id": str(delivery.event.public_id),
            "Dxports-Event-Type": delivery.event.type,
            "Dxports-Delivery-Id": str(delivery.public_id),
            "Dxports-Signature": signature_header(
                secrets=signing_secrets(endpoint, now=timezone.now()), body=body, timestamp=timestamp
            ),
        }
        outcome, status_code, error, excerpt = _post(target, headers, body, client=client)
    duration_ms = int((time.monotonic() - started) * 1000)
    _finish(delivery, outcome=outcome, status_code=status_code, error=error, excerpt=excerpt, duration_ms=duration_ms)
    return WebhookAttempt.objects.filter(delivery=delivery).order_by("-id").first()


def _post(target, headers, body, *, client=None):
    """POST ``body`` to the checked address of ``target`` (never a fresh lookup of the name): (outcome, status,
    error, excerpt of the answer)."""
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    own = client is None
    client = client or httpx.Client(timeout=settings.PARTNERS_WEBHOOK_TIMEOUT_S, follow_redirects=False)
    try:
        request = client.build_request("POST", target.connect_url, content=body, headers=headers, extensions=extensions)
        response = client.send(request, stream=True)
        try:
            excerpt = b""
            for chunk in response.iter_bytes():
                excerpt += chunk
                if len(excerpt) >= EXCERPT_CHARS:
                    break
        finally:
            response.close()
    except httpx.HTTPError as exc:
        return Outcome.NETWORK_ERROR, None, f"{type(exc).__name__}: {exc}"[:2000], ""
    finally:
        if own:
            client.close()
    text = excerpt[:EXCERPT_CHARS].decode("utf-8", "replace").replace("\x00", "\ufffd")
    if 200 <= response.status_code < 300:
        return Outcome.SUCCEEDED, response.status_code, "", text
    return (
        Outcome.HTTP_ERROR,
        response.status_code,
        _("The endpoint answered %(status)s.") % {"status": response.status_code},
        text,
    )


def _finish(delivery, *, outcome, status_code, error, excerpt, duration_ms):
    now = timezone.now()
    endpoint = delivery.endpoint
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            outcome=outcome,
            status_code=status_code,
            error=error,
            response_excerpt=excerpt,
            duration_ms=duration_ms,
            started_at=now - timedelta(milliseconds=duration_ms),
        )
        ours = WebhookDelivery.objects.filter(pk=delivery.pk, status=Status.SENDING)
        if outcome == Outcome.SUCCEEDED:
            ours.update(
                status=Status.SUCCEEDED,
                delivered_at=now,
                lease_expires_at=None,
                last_status_code=status_code,
                last_error="",
                updated_at=now,
            )
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(last_success_at=now)
            return
        fields = {"lease_expires_at": None, "last_status_code": status_code, "last_error": error, "updated_at": now}
        if delivery.attempts >= MAX_ATTEMPTS:
            ours.update(status=Status.FAILED, **fields)
            logger.warning(
                "webhook delivery %s to %s gave up after %d attempts", delivery.pk, endpoint.url, MAX_ATTEMPTS
            )
            _disable_if_failing(endpoint, now=now)
            return
        delay = RETRY_DELAYS[delivery.attempts - 1] * _random.uniform(1 - JITTER, 1 + JITTER)
        next_at = now + timedelta(seconds=delay)
        countdown = delay if delay <= COUNTDOWN_MAX_S else None
        ours.update(
            status=Status.PENDING,
            next_attempt_at=next_at,
            dispatched_at=next_at if countdown is not None else None,
            **fields,
        )
        if countdown is not None:
            dispatch_on_commit(delivery.pk, countdown=countdown)


def _disable_if_failing(endpoint, *, now):
    endpoint = WebhookEndpoint.objects.select_for_update().select_related("partner").get(pk=endpoint.pk)
    if endpoint.status != WebhookEndpoint.Status.ENABLED:
        return
    if endpoint.last_success_at is not None and endpoint.last_success_at > now - DISABLE_AFTER:
        return
    endpoint.status = WebhookEndpoint.Status.DISABLED
    endpoint.disabled_at = now
    endpoint.disabled_reason = _(
        "Disabled after failing for more than a day: a delivery was refused or unanswered %(n)d times."
    ) % {"n": MAX_ATTEMPTS}
    endpoint.save(update_fields=["status", "disabled_at", "disabled_reason", "updated_at"])
    partner = endpoint.partner
    mail.send(
        partner.contact_email,
        "partners/email/endpoint_disabled",
        {
            "partner": partner.name,
            "url": endpoint.url,
            "endpoint_id": str(endpoint.public_id),
            "attempts": MAX_ATTEMPTS,
        },
        language=partner.language,
        key=f"webhook-disabled:{endpoint.pk}:{int(now.timestamp())}",
    )
    logger.warning("webhook endpoint %s (%s) disabled", endpoint.pk, endpoint.url)


# Redelivery, resuming, the relay --------------------------------------------------------------------------------------


def redeliver(*, delivery):
    """Send ``delivery`` again now with a fresh budget of attempts, whatever became of it. ``DeliveryBusy`` while a
    worker holds it."""
    now = timezone.now()
    changed = (
        WebhookDelivery.objects.filter(pk=delivery.pk)
        .filter(~Q(status=Status.SENDING) | Q(lease_expires_at__lte=now))
        .update(
            status=Status.PENDING,
            attempts=0,
            next_attempt_at=now,
            lease_expires_at=None,
            dispatched_at=now,
            updated_at=now,
        )
    )
    if not changed:
        raise DeliveryBusy()
    dispatch_on_commit(delivery.pk)
    delivery.refresh_from_db()
    return delivery


def resume(*, endpoint):
    """An endpoint enabled again: its waiting deliveries are due now, each with a fresh budget of attempts."""
    now = timezone.now()
    waiting = WebhookDelivery.objects.filter(endpoint=endpoint, status=Status.PENDING)
    ids = list(waiting.values_list("pk", flat=True))
    waiting.update(attempts=0, next_attempt_at=now, dispatched_at=now, updated_at=now)
    for delivery_id in ids:
        dispatch_on_commit(delivery_id)


def relay(*, limit=500):
    """Fan out the events the listener missed and re-send due deliveries with no message on their way. Returns
    ``(events fanned out, deliveries sent)``."""
    now = timezone.now()
    missed = list(
        Event.objects.filter(
            created_at__gte=now - FANOUT_WINDOW, created_at__lte=now - FANOUT_GRACE, partner_fanout__isnull=True
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in missed:
        fan_out(event_id)
    no_message = Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=now - REDISPATCH)
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_claimable(now), no_message, endpoint__status=WebhookEndpoint.Status.ENABLED)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(dispatched_at=now)
            for delivery_id in ids:
                dispatch_on_commit(delivery_id)
    if missed or ids:
        logger.info("webhooks relay: %d event(s) fanned out, %d delivery(ies) sent", len(missed), len(ids))
    return len(missed), len(ids)
