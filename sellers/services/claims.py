"""Sellers created on their owner's behalf by an organisation (a partner), the owner's claim of the account, and the
record of what access organisations have.

An organisation creates the seller with the owner's e-mail address: the owner gets an account without a password
and one e-mail, in Bengali and English, with a link to set a password (``seller_account_claim``) and finish the
onboarding. The link works once, for ``CLAIM_DAYS`` days; the organisation may send a new one while the account is
unclaimed. A person who already has an account is never attached to a seller by someone else: they grant the
organisation access from their dashboard instead.
"""

import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dxports import mail
from dxports.audit import Actor
from dxports.models import User
from sellers import selectors
from sellers.errors import ClaimInvalid, TeamError
from sellers.models import AccountClaim, EventKind, MemberRole, Seller, SellerEvent, SellerMember
from sellers.services.common import lock_seller
from sellers.services.onboarding import create_seller, seller_update_profile

CLAIM_DAYS = 14


def _normalize_email(email: str) -> str:
    from django.core.validators import validate_email

    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise TeamError(_("Enter a valid e-mail address."), extra={"field": "owner_email"}) from error
    return email


@transaction.atomic
def seller_create_on_behalf(
    *,
    actor: User,
    email: str,
    legal_name: str,
    organisation: str,
    language: str = "",
    profile: Mapping[str, Any] | None = None,
) -> Seller:
    """A new draft seller whose owner is a new account for ``email`` (no password yet), created by ``actor`` for
    ``organisation`` (its name, shown in the e-mail); ``profile`` (field → value) is filled in through
    ``seller_update_profile``, with its rules, in the same transaction. The owner is e-mailed the claim link.
    ``TeamError`` (field ``owner_email``) when the address has an account already; ``ProfileInvalid`` when the
    profile breaks a rule: nothing is created then."""
    email = _normalize_email(email)
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise TeamError(
            _(
                "%(email)s already has a dxports account. Ask its owner to give your organisation access from their "
                "dashboard (Partners)."
            )
            % {"email": email},
            extra={"field": "owner_email", "code": "account_exists"},
        )
    owner = get_user_model().objects.create_user(email=email, password=None, language=language or "")
    seller = create_seller(owner=owner, legal_name=legal_name, actor=actor)
    if profile:
        seller = seller_update_profile(seller=seller, actor=actor, data=profile)
    _send_claim(seller=seller, owner=owner, actor=actor, organisation=organisation)
    return seller


@transaction.atomic
def seller_claim_resend(*, seller: Seller, actor: User, organisation: str) -> AccountClaim:
    """Send the owner a new claim link (the earlier ones stop working). ``TeamError`` when the owner has claimed
    the account already (or it was never created on their behalf)."""
    seller = lock_seller(seller)
    owner = SellerMember.objects.select_related("user").get(seller=seller, role=MemberRole.OWNER).user
    if owner.has_usable_password() or not AccountClaim.objects.filter(seller=seller, user=owner).exists():
        raise TeamError(_("The owner has taken over the account already: there is nothing to claim."))
    return _send_claim(seller=seller, owner=owner, actor=actor, organisation=organisation)


def _send_claim(*, seller: Seller, owner: User, actor: User, organisation: str) -> AccountClaim:
    now = timezone.now()
    AccountClaim.objects.filter(seller=seller, claimed_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    claim = AccountClaim.objects.create(
        seller=seller,
        user=owner,
        token_hash=selectors.token_hash(token),
        created_by=actor,
        expires_at=now + timedelta(days=CLAIM_DAYS),
    )
    SellerEvent.record(seller=seller, actor=actor, kind=EventKind.TEAM, changes={"claim_sent": [None, owner.email]})
    # One e-mail in both languages: the owner has not chosen one yet, and may read either.
    mail.send(
        owner.email,
        "sellers/email/claim",
        {
            "seller_name": seller.legal_name,
            "organisation": organisation,
            "claim_url": mail.site_url(reverse("sellers:claim", kwargs={"token": token})),
            "days": CLAIM_DAYS,
        },
        key=f"seller-claim:{claim.pk}",
    )
    return claim


@transaction.atomic
def seller_account_claim(*, token: str, password: str) -> User:
    """The owner sets ``password`` (already checked by the caller's password validation) through a claim link:
    the account can log in (its e-mail address is confirmed by the link) and the link is used up. ``ClaimInvalid``
    when the link is unknown, used, replaced or expired. Returns the user."""
    from allauth.account.models import EmailAddress

    claim = selectors.claim_for_token(token)
    if claim is None:
        raise ClaimInvalid()
    claim = AccountClaim.objects.select_for_update().select_related("user", "seller").get(pk=claim.pk)
    if not claim.is_open():
        raise ClaimInvalid()
    user = claim.user
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    claim.claimed_at = timezone.now()
    claim.save(update_fields=["claimed_at"])
    SellerEvent.record(seller=claim.seller, actor=user, kind=EventKind.TEAM, changes={"claimed": [None, user.email]})
    return user


@transaction.atomic
def seller_access_record(
    *, seller: Seller, actor: Actor, changes: dict[str, list[Any]], reason: str = ""
) -> SellerEvent:
    """Record in the seller's history that an organisation's access changed (``changes``:
    ``{"<organisation>": [scopes before, scopes after]}``). The access itself is kept by the organisation's app."""
    return SellerEvent.record(
        seller=lock_seller(seller), actor=actor, kind=EventKind.ACCESS, changes=changes, reason=reason
    )


@transaction.atomic
def seller_product_deleted_record(*, seller: Seller, actor: Actor, product: dict[str, str]) -> SellerEvent:
    """Record in the seller's history that ``actor`` deleted a draft product (``product``: its public id, SKU and
    title), since the product's own trail goes with it."""
    return SellerEvent.record(
        seller=lock_seller(seller), actor=actor, kind=EventKind.PRODUCT_DELETED, changes={"product": [product, None]}
    )
