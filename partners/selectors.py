"""Reads of the partners domain. What a partner may see is decided here: the sellers that gave it a scope
(``granted_seller_ids``, a subquery the other domains' selectors filter by), and its own endpoints and deliveries.
Anything else is "not found"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from dxports.models import Event
from partners.models import (
    EVENT_SCOPES,
    ApiKey,
    Partner,
    SellerGrant,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    scope_of_event,
)
from sellers.selectors import Seller


def api_key_for(*, key_id: str) -> ApiKey | None:
    """The key with ``key_id``, with its partner and the partner's service user (one query), or None."""
    return ApiKey.objects.select_related("partner__service_user").filter(key_id=key_id).first()


def granted_seller_ids(*, partner: Partner, scope: str) -> QuerySet[SellerGrant, Any]:
    """The sellers that gave ``partner`` ``scope``: a subquery of seller pks."""
    return SellerGrant.objects.filter(partner=partner, scope=scope).values("seller_id")


def scopes_on_sellers(*, partner: Partner, seller_ids: Iterable[int]) -> dict[int, list[str]]:
    """``{seller pk: [scopes]}`` that ``partner`` holds on ``seller_ids``."""
    found: dict[int, list[str]] = {}
    grants = SellerGrant.objects.filter(partner=partner, seller_id__in=list(seller_ids)).order_by("scope")
    for seller_id, scope in grants.values_list("seller_id", "scope"):
        found.setdefault(seller_id, []).append(scope)
    return found


def events_for_partner(
    *,
    partner: Partner,
    scopes: Iterable[str],
    type: str = "",
    seller_id: int | None = None,
    created_since: datetime | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int | None = None,
) -> list[Event]:
    """The events ``partner`` may see with the key's ``scopes``: of the sellers that gave it the scope of the
    event's kind, newest first; filtered by ``type`` (exact, or a prefix ending in ``.``), a seller pk, a time."""
    visible = Q(pk__in=[])
    for prefix, scope in EVENT_SCOPES.items():
        if scope in scopes:
            visible |= Q(type__startswith=f"{prefix}.", seller_id__in=granted_seller_ids(partner=partner, scope=scope))
    events = Event.objects.filter(visible)
    if type:
        events = events.filter(type__startswith=type) if type.endswith(".") else events.filter(type=type)
    if seller_id is not None:
        events = events.filter(seller_id=seller_id)
    if created_since is not None:
        events = events.filter(created_at__gte=created_since)
    if after is not None:
        created_at, pk = after
        events = events.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    events = events.order_by("-created_at", "-pk")
    return list(events[:limit] if limit is not None else events)


def event_for_partner(*, partner: Partner, scopes: Iterable[str], public_id: UUID) -> Event | None:
    """One event ``partner`` may see with ``scopes`` (``events_for_partner``'s rule), or None."""
    event = Event.objects.filter(public_id=public_id).first()
    if event is None or event.seller_id is None:
        return None
    scope = scope_of_event(event.type)
    if scope not in scopes:
        return None
    if not SellerGrant.objects.filter(partner=partner, seller_id=event.seller_id, scope=scope).exists():
        return None
    return event


def endpoints_for_partner(
    *, partner: Partner, after: tuple[datetime, int] | None = None, limit: int | None = None
) -> list[WebhookEndpoint]:
    endpoints = WebhookEndpoint.objects.filter(partner=partner)
    if after is not None:
        created_at, pk = after
        endpoints = endpoints.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    endpoints = endpoints.order_by("-created_at", "-pk")
    return list(endpoints[:limit] if limit is not None else endpoints)


def endpoint_for_partner(*, partner: Partner, public_id: UUID) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.filter(partner=partner, public_id=public_id).first()


def deliveries_for_partner(
    *,
    partner: Partner,
    endpoint: WebhookEndpoint | None = None,
    status: str = "",
    event_public_id: UUID | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int | None = None,
) -> list[WebhookDelivery]:
    """The deliveries to ``partner``'s endpoints, newest first, each with its endpoint and event (one query)."""
    deliveries = WebhookDelivery.objects.filter(endpoint__partner=partner).select_related("endpoint", "event")
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    if status:
        deliveries = deliveries.filter(status=status)
    if event_public_id is not None:
        deliveries = deliveries.filter(event__public_id=event_public_id)
    if after is not None:
        created_at, pk = after
        deliveries = deliveries.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    deliveries = deliveries.order_by("-created_at", "-pk")
    return list(deliveries[:limit] if limit is not None else deliveries)


def delivery_for_partner(*, partner: Partner, public_id: UUID) -> WebhookDelivery | None:
    return (
        WebhookDelivery.objects.filter(endpoint__partner=partner, public_id=public_id)
        .select_related("endpoint", "event")
        .first()
    )


def delivery_attempts(*, delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return delivery.attempt_log.order_by("-started_at", "-id")


# The seller's dashboard -----------------------------------------------------------------------------------------------


def partners_for_seller(*, seller: Seller) -> list[Partner]:
    """Every active partner with the scopes it holds on ``seller`` (``partner.scopes``) and whether it registered
    the seller (``partner.onboarded``): two queries."""
    partners = list(Partner.objects.filter(is_active=True).select_related("service_user"))
    grants = SellerGrant.objects.filter(seller=seller).values_list("partner_id", "scope", "origin")
    by_partner: dict[int, list[tuple[str, str]]] = {}
    for partner_id, scope, origin in grants:
        by_partner.setdefault(partner_id, []).append((scope, origin))
    for partner in partners:
        held = by_partner.get(partner.pk, [])
        partner.scopes = sorted(  # type: ignore[attr-defined]
            scope for scope, _origin in held
        )
        partner.onboarded = any(  # type: ignore[attr-defined]
            origin == SellerGrant.Origin.ONBOARDED for _scope, origin in held
        )
    return partners


def partner_for_seller(*, public_id: UUID) -> Partner | None:
    """An active partner by its public id (a seller may give any active partner access), or None."""
    return Partner.objects.filter(public_id=public_id, is_active=True).select_related("service_user").first()


def partner_by_name(*, name: str) -> Partner | None:
    return Partner.objects.filter(name__iexact=" ".join((name or "").split())).first()
