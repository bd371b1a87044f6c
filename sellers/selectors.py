"""Reads of the sellers domain for a caller. Every read for a seller's user goes through the user's membership, so
another seller's rows are never returned (the views turn "none" into 404). Other apps name the rows these reads
return (``Seller``, ``SellerMember``) by the types imported here, in their annotations only."""

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from dxports.models import User
from sellers import geo
from sellers.models import (
    PROGRAM_STATES,
    SELLING_STATES,
    AccountClaim,
    BusinessType,
    Document,
    DocumentKind,
    ExportTurnover,
    Invitation,
    MemberRole,
    ReviewReason,
    Sector,
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


def history_for_seller(*, seller: Seller, actor: User | None = None) -> QuerySet[SellerEvent]:
    """The seller's audit trail, newest first, with actors and the reviewer's reasons (two queries); only what
    ``actor`` did when given."""
    events = SellerEvent.objects.filter(seller=seller)
    if actor is not None:
        events = events.filter(actor=actor)
    return events.select_related("actor").prefetch_related(
        Prefetch("review_reasons", queryset=ReviewReason.objects.order_by("id"))
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


def claim_for_token(token: str) -> AccountClaim | None:
    """The account claim of ``token`` (open or not), with its seller and user, or None."""
    return AccountClaim.objects.select_related("seller", "user").filter(token_hash=token_hash(token)).first()


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


def users_of_seller(*, seller: Seller) -> QuerySet[User]:
    """The users who work for ``seller`` (owner and team), as a user queryset a caller may narrow further."""
    return User.objects.filter(seller_membership__seller=seller, is_active=True)


# For organisations that work with many sellers (the partner API) ------------------------------------------------------

# The values of the seller's choice fields, for callers that describe them (the API's schema).
SELLER_CHOICES = {
    "status": SellerStatus.values,
    "business_type": BusinessType.values,
    "export_turnover": ExportTurnover.values,
    "division": [value for value, _label in geo.DIVISION_CHOICES],
    "district": list(geo.DISTRICTS),
    "document_kind": DocumentKind.values,
}
# ``ids`` is what the caller may see: a list of seller pks or a subquery of them (``values("seller_id")``).


def sellers_among(
    *,
    ids: Iterable[int] | QuerySet[Any, Any],
    status: str = "",
    search: str = "",
    created_since: datetime | None = None,
    after: tuple[datetime, int] | None = None,
) -> QuerySet[Seller]:
    """The sellers among ``ids``, newest first, after the position ``after`` (``(created_at, pk)`` of the last of
    the previous page), with their sectors and owner (three queries for any page)."""
    sellers = Seller.objects.filter(pk__in=ids)
    if after is not None:
        sellers = sellers.filter(Q(created_at__lt=after[0]) | Q(created_at=after[0], pk__lt=after[1]))
    if status:
        sellers = sellers.filter(status=status)
    if created_since is not None:
        sellers = sellers.filter(created_at__gte=created_since)
    search = (search or "").strip()
    if search:
        sellers = sellers.filter(Q(legal_name__icontains=search) | Q(trade_name__icontains=search))
    owners = SellerMember.objects.filter(role=MemberRole.OWNER).select_related("user")
    return sellers.order_by("-created_at", "-id").prefetch_related(
        "categories", Prefetch("members", queryset=owners, to_attr="owners")
    )


def seller_among(*, ids: Iterable[int] | QuerySet[Any, Any], public_id: UUID) -> Seller | None:
    """One seller among ``ids`` by its public id, or None."""
    return sellers_among(ids=ids).filter(public_id=public_id).first()


def seller_ids_of(*, public_ids: Iterable[UUID]) -> dict[UUID, int]:
    """``{public_id: pk}`` of the sellers with these public ids (unknown ones left out)."""
    return dict(Seller.objects.filter(public_id__in=list(public_ids)).values_list("public_id", "pk"))


def seller_public_ids(*, ids: Iterable[int]) -> dict[int, UUID]:
    """``{pk: public_id}`` of the sellers ``ids``."""
    return dict(Seller.objects.filter(pk__in=list(ids)).values_list("pk", "public_id"))


def seller_names(*, ids: Iterable[int]) -> dict[int, str]:
    """``{pk: legal name}`` of the sellers ``ids``."""
    return dict(Seller.objects.filter(pk__in=list(ids)).values_list("pk", "legal_name"))


def sectors() -> QuerySet[Sector]:
    return Sector.objects.all()


def sectors_by_code(*, codes: Iterable[str]) -> dict[str, Sector]:
    """``{code: Sector}`` for the known ``codes``."""
    return {sector.code: sector for sector in Sector.objects.filter(code__in=list(codes))}


def current_documents(*, seller: Seller) -> QuerySet[Document]:
    return Document.objects.filter(seller=seller, is_current=True).order_by("kind")


def is_claimed(*, seller: Seller) -> bool:
    """Whether the seller's owner can log in (set a password): false for an account created on the owner's
    behalf and not claimed yet."""
    owner = SellerMember.objects.select_related("user").filter(seller=seller, role=MemberRole.OWNER).first()
    return owner is not None and owner.user.has_usable_password()
