"""Pushes from the gateway (DESIGN.md §5 "Pushes"): stored once by ``event_id``, processed once in a task.

A domain registers one handler per message type, usually in its ``AppConfig.ready``::

    pushes.register_push_handler("product.reviewed", record_listing_review)

``handler(push)`` runs inside the transaction that marks the push processed, so its writes and the status commit
together: a push is applied exactly once however often it is delivered or its task runs, and a handler that raises
leaves nothing behind and is retried with backoff (at most ``ALIBABA_PUSH_MAX_ATTEMPTS`` times, then ``failed``:
a person must look). Handlers therefore write local state only; anything the gateway must hear goes through
``outbox.enqueue``. A handler that finds a push it must not apply (it names no supplier, or another supplier's
object) raises ``PushRefused``: nothing is applied, the push is recorded as refused with the reason, and it is not
retried. A handler that finds a push it cannot apply *yet* (it is about something whose sync has not recorded its
answer) raises ``PushDeferred``: nothing is applied and the push waits, without counting as a failed attempt
however long it waits, since waiting for our own work to settle is no fault that a person could mend.
"""

from __future__ import annotations

import logging
import random
import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from alibaba.gateway import parse_time
from alibaba.models import InboundPush
from alibaba.outbox import backoff_delay, dispatch_on_commit, redispatch, storable_text
from dxports import numbers

logger = logging.getLogger("dxports.alibaba.pushes")

PushHandler = Callable[[InboundPush], None]
Status = InboundPush.Status

ENVELOPE_KEYS = ("event_id", "message_type", "data", "timestamp", "site")
_SURROGATE = re.compile("[\ud800-\udfff]")

_handlers: dict[str, PushHandler] = {}
_random = random.Random()


def register_push_handler(message_type: str, handler: PushHandler) -> None:
    """Make ``handler(push)`` the handler of ``message_type``. Registering the same pair again is a no-op; another
    handler for a registered type is an error."""
    current = _handlers.get(message_type)
    if current is not None and current != handler:
        raise ValueError(f"push type {message_type!r} is already handled by {current!r}")
    _handlers[message_type] = handler


def unregister_push_handler(message_type: str) -> None:
    _handlers.pop(message_type, None)


class PushRefused(Exception):
    """Raised by a handler: this push must not be applied (its content is not trustworthy or not ours). The
    message is kept on the push for staff."""


class PushDeferred(Exception):
    """Raised by a handler: this push cannot be applied until something else has happened (say, the sync of the
    object it is about has recorded the gateway's answer). Processed again later, the wait growing with the time
    already waited (at most ``ALIBABA_PUSH_DEFER_MAX_S``); never counted as an attempt, never ``failed``. The
    message is kept on the push, so staff can see what it waits for."""


class EnvelopeError(ValueError):
    """The body is not the push envelope ``{"event_id", "message_type", "data", "timestamp", "site"}``."""


@dataclass(frozen=True)
class Envelope:
    event_id: str
    message_type: str
    data: dict[str, Any]
    sent_at: datetime
    site: str


def parse_envelope(body: Any) -> Envelope:
    """Check a decoded JSON body; raise ``EnvelopeError`` naming what is wrong."""
    if not isinstance(body, Mapping):
        raise EnvelopeError("the body must be a JSON object")
    missing = [key for key in ENVELOPE_KEYS if key not in body]
    if missing:
        raise EnvelopeError(f"missing: {', '.join(missing)}")
    event_id, message_type, data, site = body["event_id"], body["message_type"], body["data"], body["site"]
    if not isinstance(event_id, str | int) or isinstance(event_id, bool) or not str(event_id).strip():
        raise EnvelopeError("event_id must be a non-empty string")
    if len(str(event_id)) > 128:
        raise EnvelopeError("event_id is longer than 128 characters")
    if not isinstance(message_type, str) or not message_type.strip() or len(message_type) > 128:
        raise EnvelopeError("message_type must be a non-empty string of at most 128 characters")
    if not isinstance(data, Mapping):
        raise EnvelopeError("data must be a JSON object")
    if not isinstance(site, str) or len(site) > 64:
        raise EnvelopeError("site must be a string of at most 64 characters")
    for name, value in (("event_id", event_id), ("message_type", message_type), ("site", site), ("data", data)):
        if _has_unstorable(value):
            raise EnvelopeError(f"{name} contains a NUL character or an unpaired surrogate")
    return Envelope(
        event_id=str(event_id).strip(),
        message_type=message_type.strip(),
        data=dict(data),
        sent_at=_parse_timestamp(body["timestamp"]),
        site=site,
    )


def _has_unstorable(value: Any) -> bool:
    """Whether a decoded JSON value holds, in a string or key, U+0000 (PostgreSQL stores it in neither text nor
    jsonb) or an unpaired surrogate (JSON's "\\ud800" decodes to one, and no UTF-8 encoder writes it). Iterative,
    so that depth costs no stack."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or _SURROGATE.search(item):
                return True
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _parse_timestamp(value: Any) -> datetime:
    """Epoch milliseconds, as the gateway sends (epoch seconds are accepted too)."""
    parsed = parse_time(value) if isinstance(value, int | float) or numbers.ascii_whole(value) is not None else None
    if parsed is None:
        raise EnvelopeError("timestamp must be epoch milliseconds")
    return parsed


@transaction.atomic
def push_receive(*, envelope: Envelope) -> tuple[InboundPush, bool]:
    """Store a verified push once. Returns ``(push, created)``; a repeated ``event_id`` changes nothing (the first
    delivery's content stands). A new push is sent to ``push_process`` after commit."""
    now = timezone.now()
    push, created = InboundPush.objects.get_or_create(
        event_id=envelope.event_id,
        defaults={
            "message_type": envelope.message_type,
            "data": envelope.data,
            "site": envelope.site,
            "sent_at": envelope.sent_at,
            "received_at": now,
            "next_attempt_at": now,
            "dispatched_at": now,
        },
    )
    if created:
        _dispatch_on_commit(push.pk)
    return push, created


def process_push(push_id: int) -> InboundPush | None:
    """Apply a received push with its handler, once. Returns the push, or ``None`` when there was nothing to do
    (already processed, failed, not due yet, or being processed by another worker right now)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            # Marked processed first, in the handler's transaction: a concurrent run waits on this row and then
            # finds nothing to do; a failing handler rolls the mark back.
            claimed = InboundPush.objects.filter(pk=push_id, status=Status.RECEIVED, next_attempt_at__lte=now).update(
                status=Status.PROCESSED, processed_at=now, attempts=F("attempts") + 1, error=""
            )
            if claimed != 1:
                return None
            push = InboundPush.objects.get(pk=push_id)
            handler = _handlers.get(push.message_type)
            if handler is None:
                logger.warning("push %s: no handler for message type %r", push.event_id, push.message_type)
                push.status = Status.UNHANDLED
                push.processed_at = None
                push.error = f"No handler is registered for message type {push.message_type!r}."
                push.save(update_fields=["status", "processed_at", "error"])
                return push
            handler(push)
    except PushDeferred as deferral:
        logger.info("push %s: deferred: %s", push_id, deferral)
        return _defer(push_id, deferral)
    except PushRefused as refusal:
        logger.warning("push %s: refused: %s", push_id, refusal)
        InboundPush.objects.filter(pk=push_id, status=Status.RECEIVED).update(
            status=Status.REFUSED, attempts=F("attempts") + 1, error=storable_text(str(refusal))[:4000]
        )
        return InboundPush.objects.filter(pk=push_id).first()
    except Exception as exc:  # the handler's transaction is rolled back; record and retry
        logger.warning("push %s: handler failed", push_id, exc_info=True)
        return _record_failure(push_id, exc)
    return push


def _record_failure(push_id: int, error: Exception) -> InboundPush | None:
    now = timezone.now()
    push = InboundPush.objects.filter(pk=push_id).first()
    if push is None:
        return None
    attempts = push.attempts + 1
    message = storable_text("".join(traceback.format_exception(error)))[-4000:]
    fields: dict[str, Any] = {"attempts": attempts, "error": message}
    countdown = None
    if attempts >= settings.ALIBABA_PUSH_MAX_ATTEMPTS:
        fields.update(status=Status.FAILED)
        logger.error("push %s: gave up after %d attempts", push.event_id, attempts)
    else:
        delay = backoff_delay(attempts)
        next_at = now + timedelta(seconds=delay)
        countdown = delay if delay <= settings.ALIBABA_OUTBOX_COUNTDOWN_MAX_S else None
        fields.update(next_attempt_at=next_at, dispatched_at=next_at if countdown is not None else None)
    with transaction.atomic():
        # Conditional: a concurrent run may have processed it meanwhile.
        changed = InboundPush.objects.filter(pk=push_id, status=Status.RECEIVED, attempts=push.attempts).update(
            **fields
        )
        if changed and countdown is not None:
            _dispatch_on_commit(push_id, countdown=countdown)
    push.refresh_from_db()
    return push


def _defer(push_id: int, deferral: PushDeferred) -> InboundPush | None:
    now = timezone.now()
    push = InboundPush.objects.filter(pk=push_id).first()
    if push is None:
        return None
    # How long it has waited already says how long to wait next: exponential in effect, with no counter to keep.
    waited = max((now - push.received_at).total_seconds(), 0.0)
    delay = min(float(settings.ALIBABA_PUSH_DEFER_MAX_S), max(1.0, waited / 2)) * _random.uniform(0.5, 1.0)
    next_at = now + timedelta(seconds=delay)
    with transaction.atomic():
        changed = InboundPush.objects.filter(pk=push_id, status=Status.RECEIVED, attempts=push.attempts).update(
            next_attempt_at=next_at,
            dispatched_at=next_at,
            error=storable_text(f"Waiting (not a failure): {deferral}")[:4000],
        )
        if changed:
            _dispatch_on_commit(push_id, countdown=delay)
    push.refresh_from_db()
    return push


@transaction.atomic
def push_retry(*, push: InboundPush) -> bool:
    """Process again: a failed or unhandled push (e.g. once its handler is deployed), or one waiting out its
    backoff, becomes due now with a fresh attempt budget. Returns whether the push was changed."""
    now = timezone.now()
    changed = InboundPush.objects.filter(
        pk=push.pk, status__in=[Status.FAILED, Status.UNHANDLED, Status.RECEIVED]
    ).update(status=Status.RECEIVED, attempts=0, next_attempt_at=now, dispatched_at=now, error="")
    if changed:
        _dispatch_on_commit(push.pk)
    return bool(changed)


def relay_pushes(*, limit: int = 500) -> int:
    """Send a message for every received push that is due and has none on its way (the message was lost or its
    worker died inside the handler's transaction). Returns how many were sent."""
    now = timezone.now()
    due = InboundPush.objects.filter(status=Status.RECEIVED, next_attempt_at__lte=now)
    ids = redispatch(due, task_name="push_process", now=now, limit=limit)
    if ids:
        logger.info("push relay: re-sent %d push(es)", len(ids))
    return len(ids)


def _dispatch_on_commit(push_id: int, *, countdown: float | None = None) -> None:
    dispatch_on_commit("push_process", push_id, countdown=countdown)
