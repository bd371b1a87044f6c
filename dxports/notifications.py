"""The seller's notifications: the decisions a seller's team hears about, listed on the dashboard with an unread
count. They are the domain events (``dxports.events``) of the seller that a domain registered, so the list shows
the same decisions its e-mails announce (each domain sends those from a subscriber of the same events).

A domain registers each event type it notifies, with the template that words one, in its ``AppConfig.ready``::

    notifications.register("product.live", template="catalog/notifications/product_live.html")

The template receives ``event`` (``type``, ``data``, ``subject_id``, ``created_at``). A person's notifications
newer than ``User.notifications_read_at`` are unread; opening the list marks them read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from dxports.models import Event, User

LIST_LENGTH = 50
_NEVER = datetime(2000, 1, 1, tzinfo=UTC)
_templates: dict[str, str] = {}


@dataclass(frozen=True)
class Notification:
    event: Event
    template: str
    is_unread: bool


def register(event_type: str, *, template: str) -> None:
    """List events of ``event_type`` among a seller's notifications, worded by ``template``. Registering a type
    again replaces its template."""
    _templates[event_type] = template


def _of_seller(seller_id: int) -> QuerySet[Event]:
    return Event.objects.filter(seller_id=seller_id, type__in=list(_templates))


def notifications_for(*, user: User, seller_id: int, limit: int = LIST_LENGTH) -> list[Notification]:
    """The seller's latest notifications, newest first, each marked unread for ``user`` or not (one query)."""
    read_at = user.notifications_read_at or _NEVER
    return [
        Notification(event, _templates[event.type], event.created_at > read_at)
        for event in _of_seller(seller_id)[:limit]
    ]


def unread_count(*, user_id: int, seller_id: int) -> int:
    """How many of the seller's notifications ``user_id`` has not read (one query)."""
    read_at = User.objects.filter(pk=user_id).values("notifications_read_at")
    return _of_seller(seller_id).filter(created_at__gt=Coalesce(Subquery(read_at), Value(_NEVER))).count()


def mark_read(*, user: User, now: datetime | None = None) -> None:
    """Every notification until ``now`` is read for ``user``."""
    user.notifications_read_at = now or timezone.now()
    User.objects.filter(pk=user.pk).update(notifications_read_at=user.notifications_read_at)


def badge(member: Any) -> int | None:
    """The dashboard section's badge: the member's unread notifications, or none."""
    return unread_count(user_id=member.user_id, seller_id=member.seller_id) or None
