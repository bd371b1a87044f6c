"""Every write of the partners domain: organisations, API keys, the access sellers give, webhook endpoints.

How a partner acts: each partner has a service user (``Partner.service_user``: no password, cannot log in, never a
member of a seller), passed as ``actor`` to the sellers' and catalog's services. Their audit trails record it like
any person, so a seller's history shows "<partner> (API)" beside what its own people did, with no partner column
in another app's tables; the dashboard's Partners section lists a partner's rows by that actor.

Keys: ``dxp_<mode>_<key_id>_<secret>``, shown once; stored as ``key_id`` (the lookup) and an HMAC-SHA256 of the whole
key under ``PARTNERS_SECRET_KEY``: one indexed read and one hash per request, and a stolen database holds no key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxports.models import User
from partners import ssrf
from partners.errors import PartnerInvalid
from partners.models import (
    EVENT_TYPES,
    SELLER_SCOPES,
    ApiKey,
    KeyMode,
    Partner,
    Scope,
    SellerGrant,
    WebhookDelivery,
    WebhookEndpoint,
)
from sellers import services as sellers_services
from sellers.selectors import Seller

ALPHABET = string.ascii_letters + string.digits
KEY_ID_LENGTH = 12
KEY_SECRET_LENGTH = 32
KEY_PATTERN = re.compile(r"dxp_(live|test)_([A-Za-z0-9]{12})_([A-Za-z0-9]{32})")
MAX_KEY_OVERLAP = timedelta(days=7)
MAX_SECRET_OVERLAP = timedelta(days=7)
SERVICE_USER_DOMAIN = "partners.dxports.invalid"


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _mac(purpose: str, value: str) -> hmac.HMAC:
    return hmac.new(settings.PARTNERS_SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256)


def key_hash(key: str) -> str:
    """The stored hash of an API key."""
    return _mac("api-key", key).hexdigest()


# Partners -------------------------------------------------------------------------------------------------------------


def _actor_name(name: str) -> str:
    return f"{name} (API)"[:150]


@transaction.atomic
def partner_create(*, name: str, contact_email: str, language: str = "en") -> Partner:
    """A partner organisation and its service user (the actor of everything it does)."""
    name = " ".join((name or "").split())
    if not name:
        raise PartnerInvalid(_("Enter the partner's name."), extra={"field": "name"})
    if Partner.objects.filter(name__iexact=name).exists():
        raise PartnerInvalid(_("A partner named %(name)s exists already.") % {"name": name}, extra={"field": "name"})
    user = get_user_model().objects.create_user(
        email=f"api+{uuid.uuid4().hex}@{SERVICE_USER_DOMAIN}",
        password=None,
        first_name=_actor_name(name),
        is_active=False,
    )
    return Partner.objects.create(name=name, contact_email=contact_email, language=language, service_user=user)


@transaction.atomic
def partner_update(*, partner: Partner, **fields: Any) -> Partner:
    """Change ``name``, ``contact_email``, ``language`` or ``is_active``; the service user's name follows."""
    partner = Partner.objects.select_for_update().select_related("service_user").get(pk=partner.pk)
    for name, value in fields.items():
        if name not in ("name", "contact_email", "language", "is_active"):
            raise TypeError(f"not a partner field: {name}")
        setattr(partner, name, value)
    partner.save()
    partner.service_user.first_name = _actor_name(partner.name)
    partner.service_user.save(update_fields=["first_name"])
    return partner


# API keys -------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedKey:
    """A new key: ``key`` is its only copy (show it once)."""

    api_key: ApiKey
    key: str


def clean_scopes(scopes: Iterable[object] | None) -> list[str]:
    """``scopes`` (an iterable of names) as a sorted list of known scopes; ``PartnerInvalid`` naming the unknown."""
    names = [str(scope).strip() for scope in scopes or () if str(scope).strip()]
    unknown = sorted(set(names) - set(Scope.values))
    if unknown:
        raise PartnerInvalid(
            _("Unknown scopes: %(unknown)s. The scopes are: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(Scope.values)},
            extra={"field": "scopes"},
        )
    if not names:
        raise PartnerInvalid(_("Give the key at least one scope."), extra={"field": "scopes"})
    return sorted(set(names))


def _issue(
    *, partner: Partner, scopes: list[str], name: str, mode: str, expires_at: datetime | None, created_by: User | None
) -> IssuedKey:
    for _attempt in range(5):
        key_id, secret = _random(KEY_ID_LENGTH), _random(KEY_SECRET_LENGTH)
        key = f"dxp_{mode}_{key_id}_{secret}"
        try:
            with transaction.atomic():
                api_key = ApiKey.objects.create(
                    partner=partner,
                    name=name,
                    mode=mode,
                    key_id=key_id,
                    key_hash=key_hash(key),
                    scopes=scopes,
                    expires_at=expires_at,
                    created_by=created_by,
                )
        except IntegrityError:  # the same key id drawn twice: draw again
            continue
        return IssuedKey(api_key=api_key, key=key)
    raise RuntimeError("could not draw a unique API key id")


@transaction.atomic
def api_key_create(
    *,
    partner: Partner,
    scopes: Iterable[object],
    name: str = "",
    mode: str | None = None,
    expires_at: datetime | None = None,
    created_by: User | None = None,
) -> IssuedKey:
    """A new key of ``partner`` with ``scopes`` (``clean_scopes``), of ``mode`` (this server's by default,
    ``PARTNERS_KEY_MODE``), valid until ``expires_at`` (``None``: until revoked)."""
    mode = mode or settings.PARTNERS_KEY_MODE
    if mode not in KeyMode.values:
        raise PartnerInvalid(_("A key is live or test."), extra={"field": "mode"})
    if expires_at is not None and expires_at <= timezone.now():
        raise PartnerInvalid(_("The expiry must be in the future."), extra={"field": "expires_at"})
    return _issue(
        partner=partner,
        scopes=clean_scopes(scopes),
        name=(name or "").strip()[:100],
        mode=mode,
        expires_at=expires_at,
        created_by=created_by,
    )


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """The key stops working now. Revoking a revoked key changes nothing."""
    ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    api_key.refresh_from_db()
    return api_key


@transaction.atomic
def api_key_rotate(
    *, api_key: ApiKey, overlap: timedelta = timedelta(hours=24), created_by: User | None = None
) -> IssuedKey:
    """A new key with the same partner, name, mode and scopes; the old one keeps working for ``overlap`` (at most
    7 days; zero ends it now), so that the partner can deploy the new one first. ``PartnerInvalid`` for a key that
    no longer works."""
    api_key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    now = timezone.now()
    if not api_key.is_usable(now):
        raise PartnerInvalid(_("This key is revoked or expired: create a new one instead."))
    if not timedelta(0) <= overlap <= MAX_KEY_OVERLAP:
        raise PartnerInvalid(_("The overlap is between 0 and 7 days."), extra={"field": "overlap"})
    issued = _issue(
        partner=api_key.partner,
        scopes=api_key.scopes,
        name=api_key.name,
        mode=api_key.mode,
        expires_at=None,
        created_by=created_by,
    )
    ends = now + overlap
    api_key.expires_at = ends if api_key.expires_at is None else min(api_key.expires_at, ends)
    api_key.replaced_by = issued.api_key
    api_key.save(update_fields=["expires_at", "replaced_by"])
    return issued


def api_key_touch(*, api_key: ApiKey, now: datetime) -> None:
    """Remember when the key was last used, at most once a minute (so that a busy key is not a write per request)."""
    if api_key.last_used_at is None or api_key.last_used_at < now - timedelta(minutes=1):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


# The access sellers give ----------------------------------------------------------------------------------------------


def _scopes_label(scopes: set[str]) -> list[str] | None:
    return sorted(scopes) or None


@transaction.atomic
def seller_grants_set(
    *,
    seller: Seller,
    partner: Partner,
    scopes: Iterable[str],
    actor: User | None,
    origin: str = SellerGrant.Origin.GRANTED,
) -> list[str]:
    """Give ``partner`` exactly ``scopes`` (of ``SELLER_SCOPES``) on ``seller``'s data; an empty list withdraws
    every access. The change is recorded in the seller's history (``actor``: the owner, or the partner's service
    user when it onboarded the seller). Returns the scopes now given."""
    wanted = set(scopes)
    unknown = wanted - {scope.value for scope in SELLER_SCOPES}
    if unknown:
        raise PartnerInvalid(
            _("Unknown scopes: %(unknown)s.") % {"unknown": ", ".join(sorted(unknown))}, extra={"field": "scopes"}
        )
    current = set(
        SellerGrant.objects.select_for_update().filter(partner=partner, seller=seller).values_list("scope", flat=True)
    )
    if wanted == current:
        return sorted(current)
    SellerGrant.objects.filter(partner=partner, seller=seller, scope__in=current - wanted).delete()
    SellerGrant.objects.bulk_create(
        [
            SellerGrant(partner=partner, seller=seller, scope=scope, origin=origin, granted_by=actor)
            for scope in sorted(wanted - current)
        ]
    )
    sellers_services.seller_access_record(
        seller=seller, actor=actor, changes={partner.name: [_scopes_label(current), _scopes_label(wanted)]}
    )
    return sorted(wanted)


@transaction.atomic
def seller_create_for_partner(
    *, partner: Partner, email: str, legal_name: str, language: str = "", profile: dict[str, Any] | None = None
) -> Seller:
    """A seller registered by ``partner`` on its owner's behalf (``sellers.services.seller_create_on_behalf``: the
    owner is e-mailed a claim link), to which the partner gets every seller scope. Returns the seller."""
    seller = sellers_services.seller_create_on_behalf(
        actor=partner.service_user,
        email=email,
        legal_name=legal_name,
        organisation=partner.name,
        language=language,
        profile=profile,
    )
    seller_grants_set(
        seller=seller,
        partner=partner,
        scopes=[scope.value for scope in SELLER_SCOPES],
        actor=partner.service_user,
        origin=SellerGrant.Origin.ONBOARDED,
    )
    return seller


# Webhook endpoints ----------------------------------------------------------------------------------------------------


def webhook_secret(salt: str) -> str:
    """The signing secret derived from a salt of an endpoint."""
    return "whsec_" + _mac("webhook-secret", salt).hexdigest()[:48]


def clean_event_types(event_types: Iterable[object] | None) -> list[str]:
    types = sorted({str(item).strip() for item in event_types or ()})
    unknown = [item for item in types if item != "*" and item not in EVENT_TYPES]
    if unknown:
        raise PartnerInvalid(
            _("Unknown events: %(unknown)s. The events are: %(known)s, or * for all.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(EVENT_TYPES)},
            extra={"field": "events"},
        )
    if not types:
        raise PartnerInvalid(
            _("Subscribe the endpoint to at least one event (or * for all)."), extra={"field": "events"}
        )
    return types


@dataclass(frozen=True)
class EndpointWithSecret:
    endpoint: WebhookEndpoint
    secret: str


@transaction.atomic
def webhook_endpoint_create(
    *, partner: Partner, url: str, event_types: Iterable[object], description: str = ""
) -> EndpointWithSecret:
    """Register ``url`` (checked: ``ssrf.check``) for ``event_types``; returns the endpoint and its signing secret
    (shown once)."""
    target = ssrf.check(url)
    endpoint = WebhookEndpoint.objects.create(
        partner=partner,
        url=target.url,
        event_types=clean_event_types(event_types),
        description=(description or "").strip(),
        secret_salt=_random(32),
    )
    return EndpointWithSecret(endpoint, webhook_secret(endpoint.secret_salt))


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    event_types: Iterable[object] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    """Change the URL (checked again), the events, the description, or enable / disable it. Enabling a disabled
    endpoint sends its waiting deliveries now, each with a fresh budget of attempts."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if url is not None:
        endpoint.url = ssrf.check(url).url
    if event_types is not None:
        endpoint.event_types = clean_event_types(event_types)
    if description is not None:
        endpoint.description = description.strip()
    if enabled is not None:
        was = endpoint.status
        endpoint.status = WebhookEndpoint.Status.ENABLED if enabled else WebhookEndpoint.Status.DISABLED
        if enabled and was != endpoint.status:
            endpoint.disabled_reason, endpoint.disabled_at = "", None
            from partners import webhooks

            webhooks.resume(endpoint=endpoint)
        elif not enabled and was != endpoint.status:
            endpoint.disabled_reason, endpoint.disabled_at = _("Disabled by the partner."), timezone.now()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """The endpoint and its deliveries' log go; nothing more is sent to it."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


@transaction.atomic
def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, overlap: timedelta = timedelta(hours=24)
) -> EndpointWithSecret:
    """A new signing secret; deliveries carry a signature with the old one too for ``overlap`` (at most 7 days),
    so the receiver can switch without refusing anything. Returns the endpoint and its new secret."""
    if not timedelta(0) <= overlap <= MAX_SECRET_OVERLAP:
        raise PartnerInvalid(_("The overlap is between 0 and 7 days."), extra={"field": "expires_in_hours"})
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret_salt = endpoint.secret_salt
    endpoint.previous_secret_expires_at = timezone.now() + overlap
    endpoint.secret_salt = _random(32)
    endpoint.save()
    return EndpointWithSecret(endpoint, webhook_secret(endpoint.secret_salt))


@transaction.atomic
def webhook_delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the delivery again now, with a fresh budget of attempts (whatever became of it). ``DeliveryBusy``
    while a worker is sending it."""
    from partners import webhooks

    return webhooks.redeliver(delivery=WebhookDelivery.objects.get(pk=delivery.pk))
