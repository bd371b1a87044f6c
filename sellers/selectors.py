"""Reads of the sellers domain for a caller. Every read for a seller's user goes through the user's membership, so
another seller's rows are never returned (the views turn "none" into 404). Other apps name the rows these reads
return (``Seller``, ``SellerMember``) by the types imported here, in their annotations only."""

import hashlib
from datetime import date, datetime, timedelta
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from dxports.models import User
from sellers.models import (
    PROGRAM_STATES,
    SELLING_STATES,
    Document,
    Invitation,
    ReviewReason,
    Seller,
    SellerEvent,
    SellerMember,
    SellerStatus,
    SupplierAccount,
)
from sellers.requirements import Checklist, checklist


def membership_for_user(*, user: User | AnonymousUser) -> SellerMember | None:
    """The user's membership with its seller (one query), or None."""
    if not user.is_authenticated:
        return None
    return SellerMember.objects.select_related("seller").filter(user=user).first()


def seller_file(*, seller: Seller, today: date | None = None) -> tuple[Seller, Checklist]:
    """The seller with its categories, current documents, open reasons and checklist: three queries."""
    prefetch_related_objects([seller], "categories")
    documents = list(Document.objects.filter(seller=seller, is_current=True))
    reasons = list(ReviewReason.objects.filter(seller=seller, resolved_at__isnull=True))
    return seller, checklist(seller, documents=documents, reasons=reasons, today=today)


def document_for_user(*, user: User | AnonymousUser, public_id: UUID) -> Document | None:
    """A document the user may see: one of their own seller's, or any for staff allowed to view documents."""
    if not user.is_authenticated:
        return None
    documents = Document.objects.select_related("seller")
    if user.is_staff and user.has_perm("sellers.view_document"):
        return documents.filter(public_id=public_id).first()
    return documents.filter(public_id=public_id, seller__members__user=user).first()


def member_for_seller(*, seller: Seller, public_id: UUID) -> SellerMember | None:
    return SellerMember.objects.select_related("user").filter(seller=seller, public_id=public_id).first()


def invitation_for_seller(*, seller: Seller, public_id: UUID) -> Invitation | None:
    return Invitation.objects.filter(seller=seller, public_id=public_id).first()


def team_for_seller(*, seller: Seller) -> tuple[list[SellerMember], list[Invitation]]:
    members = list(SellerMember.objects.filter(seller=seller).select_related("user"))
    invitations = list(
        Invitation.objects.filter(seller=seller, accepted_at__isnull=True, revoked_at__isnull=True).select_related(
            "invited_by"
        )
    )
    return members, invitations


def history_for_seller(*, seller: Seller) -> QuerySet[SellerEvent]:
    """The seller's audit trail, newest first, with actors and the reviewer's reasons (two queries)."""
    return (
        SellerEvent.objects.filter(seller=seller)
        .select_related("actor")
        .prefetch_related(Prefetch("review_reasons", queryset=ReviewReason.objects.order_by("id")))
    )


def open_invitations_for_email(*, email: str, now: datetime | None = None) -> QuerySet[Invitation]:
    """The invitations the address can still accept (an expired one is no longer open: ``Invitation.is_open``)."""
    return Invitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
    )


def sellers_for_expiry_check() -> QuerySet[Seller]:
    return Seller.objects.filter(status__in=[SellerStatus.APPROVED, SellerStatus.ACTIVE]).exclude(
        trade_licence_expires_on__isnull=True, erc_expires_on__isnull=True
    )


def supplier_accounts_due_for_refresh(
    *, now: datetime, within: timedelta = timedelta(days=2)
) -> QuerySet[SupplierAccount]:
    """Accounts whose access token expires within ``within`` and whose refresh token still works."""
    return SupplierAccount.objects.filter(
        access_expires_at__lt=now + within, refresh_expires_at__gt=now, token_error=""
    ).select_related("seller")


def token_hash(token: str | None) -> str:
    """How an invitation's token is stored: only its hash, so the database never holds a usable token."""
    return hashlib.sha256((token or "").encode()).hexdigest()


def invitation_for_token(token: str) -> Invitation | None:
    return Invitation.objects.select_related("seller").filter(token_hash=token_hash(token)).first()


def seller_may_sell(*, seller_id: int) -> bool:
    """Whether the seller may have listings on Alibaba.com at this moment, read afresh (not from a row read
    earlier): the check a sync makes right before it calls the gateway."""
    return Seller.objects.filter(pk=seller_id, status__in=SELLING_STATES).exists()


def sellers_that_may_sell() -> QuerySet[Seller]:
    """Sellers whose listings belong on Alibaba.com now: active, with a supplier account."""
    return Seller.objects.filter(status__in=SELLING_STATES, supplier_account__isnull=False).order_by("pk")


def sellers_in_program() -> QuerySet[Seller]:
    """Sellers approved into the program and not suspended or rejected (``Seller.is_in_program``): those the
    program's figures count."""
    return Seller.objects.filter(status__in=PROGRAM_STATES)


def supplier_id_of(*, seller_id: int) -> str | None:
    """The gateway's supplier id of the seller, or ``None`` when it has no supplier account yet."""
    return SupplierAccount.objects.filter(seller_id=seller_id).values_list("supplier_id", flat=True).first()


def seller_id_for_supplier(*, supplier_id: object) -> int | None:
    """The id of the seller whose supplier account on the gateway is ``supplier_id`` (one query), or ``None``."""
    if supplier_id in (None, ""):
        return None
    return SupplierAccount.objects.filter(supplier_id=str(supplier_id)).values_list("seller_id", flat=True).first()


def users_of_seller(*, seller: Seller | int) -> QuerySet[User]:
    """The users who work for ``seller`` (or the seller of that id: owner and team), as a user queryset a caller may
    narrow further."""
    return User.objects.filter(seller_membership__seller=seller, is_active=True)
