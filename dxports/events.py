"""Domain events that partners hear about, recorded in the transaction of the change (DESIGN.md §2).

A domain records what happened where it happens, usually through its state machine (``StateMachine(events=…)``)::

    events.record("product.live", seller_id=product.seller_id, subject=product, data={"status": "live"})

The row commits with the change or not at all. Subscribers of the event's type (``subscribe``) run inside that
transaction; after commit, every registered listener is called with the event's id (partners register one that
queues webhook deliveries); a listener that fails is logged and does not undo the change. The event names a
subject by its public id (``subject.public_id``) and type (``"product"``); ``data`` holds a small public
description (never internal ids or secrets), which the partner API shows as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from dxports.models import Event

logger = logging.getLogger("dxports.events")

Listener = Callable[[int], None]
Subscriber = Callable[[Event], None]
_listeners: list[Listener] = []
_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(event_type: str, subscriber: Subscriber) -> None:
    """Call ``subscriber(event)`` inside the transaction that records ``event_type``: a higher domain reacting to a
    lower one's change (catalog taking listings off when a seller is suspended), so that both commit together or not
    at all. A subscriber writes local state only (the outbox for the gateway) and may refuse the change by raising.
    Subscribing the same pair again is a no-op."""
    subscribers = _subscribers.setdefault(event_type, [])
    if subscriber not in subscribers:
        subscribers.append(subscriber)


def unsubscribe(event_type: str, subscriber: Subscriber) -> None:
    if subscriber in _subscribers.get(event_type, []):
        _subscribers[event_type].remove(subscriber)


def register_listener(listener: Listener) -> None:
    """Call ``listener(event_id)`` after the commit of every recorded event. Registering it again is a no-op."""
    if listener not in _listeners:
        _listeners.append(listener)


def unregister_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def record(event_type: str, *, seller_id: int | None, subject: Any, data: dict[str, Any] | None = None) -> Event:
    """Record ``event_type`` about ``subject`` (a model with ``public_id``) of the seller ``seller_id``. Call it in
    the transaction of the change it announces."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("events.record must run inside the transaction of the change it announces.")
    event = Event.objects.create(
        type=event_type,
        seller_id=seller_id,
        subject_type=subject._meta.model_name,
        subject_id=subject.public_id,
        data=data or {},
    )
    for subscriber in list(_subscribers.get(event_type, [])):
        subscriber(event)
    for listener in list(_listeners):
        transaction.on_commit(partial(_notify, listener, event.pk))
    return event


def _notify(listener: Listener, event_id: int) -> None:
    try:
        listener(event_id)
    except Exception:  # the change is committed; a listener's failure must not turn it into an error page
        logger.exception("event %s: listener %r failed", event_id, listener)
