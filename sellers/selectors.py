"""Reads of the sellers domain for a caller. Every read for a seller's user goes through the user's membership, so
another seller's rows are never returned (the views turn "none" into 404). Other apps name the rows these reads
return (``Seller``, ``SellerMember``) by the types imported here, in their annotations only."""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, DateField, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import TruncWeek
from django.utils import formats, timezone
from django_stubs_ext import StrOrPromise

from dxports.audit import EMPTY, ChangeLine
from dxports.models import User
from sellers import geo
from sellers.fields import mask
from sellers.models import (
    PROGRAM_STATES,
    SELLING_STATES,
    SENSITIVE_FIELDS,
    AccountClaim,
    BusinessType,
    Document,
    DocumentKind,
    EventKind,
    ExportTurnover,
    Invitation,
    MemberRole,
    ReviewReason,
    Sector,
    Seller,
    SellerEvent,
    SellerMember,
    SellerMilestones,
    SellerStatus,
    SupplierAccount,
)
from sellers.requirements import REQUIREMENTS, Checklist, RequirementState, checklist, profile_field
from sellers.validators import PROFILE_FIELDS  # noqa: F401 - offered here: the fields of a seller's profile


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


def seller_by_public_id(*, public_id: str) -> Seller | None:
    try:
        return Seller.objects.filter(public_id=UUID(str(public_id))).first()
    except ValueError:
        return None


# The program figures' filters that sellers answer for (``sellers.figures`` registers them).
FIGURE_FILTERS = ("division", "district", "sector")


def seller_figures_filter(*, filters: Mapping[str, str], prefix: str = "") -> Q:
    """The figures page's seller filters chosen in ``filters`` (division, district, sector) as a condition on the
    seller reached through ``prefix`` (``"seller__"`` from a product, ``"product__seller__"`` from a product's
    event); empty when none is chosen, so that an unfiltered figure reads no seller row."""
    fields = {"division": "division", "district": "district", "sector": "categories__code"}
    condition = Q()
    for key in FIGURE_FILTERS:
        if filters.get(key):
            condition &= Q(**{f"{prefix}{fields[key]}": filters[key]})
    return condition


def seller_funnel_by_week(
    *, start: datetime, end: datetime, filters: Mapping[str, str], steps: Mapping[str, str]
) -> dict[date, dict[str, int]]:
    """The sellers who signed up in ``[start, end)`` and pass the figures' ``filters``, by signup week (its
    Monday): for each key of ``steps``, how many reached that step (a milestone of ``SellerMilestones.STEPS``)
    before ``end``. One query over the cohort's milestones (only sellers who reached a step have them), read from
    the index alone when no filter is chosen, whatever the program's history."""
    unknown = set(steps.values()) - set(SellerMilestones.STEPS)
    if unknown:
        raise ValueError(f"unknown funnel steps {sorted(unknown)}")
    found = (
        SellerMilestones.objects.filter(
            seller_figures_filter(filters=filters, prefix="seller__"), signed_up_at__gte=start, signed_up_at__lt=end
        )
        .annotate(week=TruncWeek("signed_up_at", output_field=DateField()))
        .values("week")
        .annotate(**{key: Count(step, filter=Q(**{f"{step}__lt": end})) for key, step in steps.items()})
        .order_by("week")
    )
    return {row.pop("week"): row for row in found}


def sellers_signed_up_by_week(*, start: datetime, end: datetime, filters: Mapping[str, str]) -> dict[date, int]:
    """How many sellers signed up in each week (its Monday) of ``[start, end)``, of those passing the figures'
    ``filters``: one query (the index on the signup time)."""
    found = (
        Seller.objects.filter(seller_figures_filter(filters=filters), created_at__gte=start, created_at__lt=end)
        .annotate(week=TruncWeek("created_at", output_field=DateField()))
        .values("week")
        .annotate(n=Count("*"))
        .order_by("week")
    )
    return {row["week"]: row["n"] for row in found}


def division_names() -> dict[str, str]:
    """Division code → name, in the current language."""
    return {code: str(label) for code, label in geo.DIVISION_CHOICES}


def district_names() -> dict[str, str]:
    """District code → name, in the current language."""
    return {code: str(name) for code, (name, _division) in geo.DISTRICTS.items()}


def division_of(district: str) -> str:
    """The division code of a district code ("" for none)."""
    return geo.division_of(district) or ""


def sector_choices() -> list[tuple[str, str]]:
    """The program's sectors as (code, name), in their order (one query)."""
    return [(sector.code, sector.name) for sector in Sector.objects.all()]


def sellers_by_ids(*, ids: Iterable[int]) -> QuerySet[Seller]:
    return Seller.objects.filter(pk__in=list(ids))


def sellers_in_program() -> QuerySet[Seller]:
    """Sellers approved into the program and not suspended or rejected (``Seller.is_in_program``): those the
    program's figures count."""
    return Seller.objects.filter(status__in=PROGRAM_STATES)


def supplier_id_of(*, seller_id: int) -> str | None:
    """The gateway's supplier id of the seller, or ``None`` when it has no supplier account yet."""
    return SupplierAccount.objects.filter(seller_id=seller_id).values_list("supplier_id", flat=True).first()


# The review of a seller (the admin's seller page) ------------------------------------------------------------------

# The decisions whose reason or note the seller reads on the dashboard.
DECISION_STATES = (
    SellerStatus.CHANGES_REQUESTED,
    SellerStatus.APPROVED,
    SellerStatus.REJECTED,
    SellerStatus.SUSPENDED,
    SellerStatus.ACTIVE,
)


@dataclass
class ReviewField:
    target: str
    label: StrOrPromise
    value: str


@dataclass
class ReviewDocument:
    state: RequirementState
    target: str

    @property
    def document(self) -> Document | None:
        return self.state.document


@dataclass
class Changed:
    """What the seller changed about one field or document, and when."""

    at: datetime
    line: ChangeLine


@dataclass
class EarlierReason:
    """A reason of an earlier round, and what the seller changed about its field or document since."""

    reason: ReviewReason
    changed: list[Changed]


@dataclass
class ReviewItem:
    """One requirement as a reviewer checks it: its state, its fields' values, the documents that prove it, and the
    reasons given about it in earlier rounds."""

    state: RequirementState
    fields: list[ReviewField]
    documents: list[ReviewDocument] = field(default_factory=list)
    earlier: list[EarlierReason] = field(default_factory=list)

    @property
    def targets(self) -> list[str]:
        return [item.target for item in self.fields] + [document.target for document in self.documents]


@dataclass
class SellerReview:
    seller: Seller
    checklist: Checklist
    items: list[ReviewItem]
    events: list[SellerEvent]  # newest first, with actors and the reasons of each decision
    members: list[SellerMember]
    supplier_account: SupplierAccount | None
    last_decision: SellerEvent | None  # the latest decision with its note
    changed_since_decision: list[Changed]  # what the seller changed after the latest request for changes
    rounds: int  # how many times changes were requested


def _shown_value(seller: Seller, name: str, *, full_numbers: bool) -> str:
    if name == "categories":
        return ", ".join(sector.name for sector in seller.categories.all()) or EMPTY
    value = getattr(seller, name)
    if value is None or value == "":
        return EMPTY
    if name in SENSITIVE_FIELDS and not full_numbers:
        return mask(value)
    model_field = profile_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, date):
        return formats.date_format(value, "j M Y")
    return str(value)


def _changes_by_target(events: list[SellerEvent]) -> dict[str, list[Changed]]:
    """Every change the seller made to each field or document, oldest first."""
    found: dict[str, list[Changed]] = {}
    for event in reversed(events):
        if event.kind in (EventKind.PROFILE, EventKind.DOCUMENT):
            for line in event.change_lines():
                found.setdefault(line.name, []).append(Changed(event.created_at, line))
    return found


def seller_review(*, seller: Seller, full_numbers: bool, today: date | None = None) -> SellerReview:
    """Everything a reviewer checks on one page: the checklist, each requirement with its values (the NID and account
    number masked unless ``full_numbers``), the documents that prove it, the reasons of earlier rounds with what
    changed since, and the audit trail. Seven queries, whatever the seller's history."""
    prefetch_related_objects([seller], "categories")
    documents = list(Document.objects.filter(seller=seller, is_current=True))
    reasons = list(ReviewReason.objects.filter(seller=seller).order_by("created_at", "id"))
    events = SellerEvent.with_words(history_for_seller(seller=seller))
    members = list(SellerMember.objects.filter(seller=seller).select_related("user"))
    supplier_account = SupplierAccount.objects.filter(seller=seller).first()
    seller_checklist = checklist(
        seller, documents=documents, reasons=[r for r in reasons if r.resolved_at is None], today=today
    )
    states = {state.key: state for state in seller_checklist.states}
    changes = _changes_by_target(events)

    items: dict[str, ReviewItem] = {}
    for requirement in REQUIREMENTS:
        state = states[requirement.key]
        if requirement.document:
            proven = items.get(requirement.proves or "")
            target = requirement.targets[0]
            if proven is None:
                items[requirement.key] = ReviewItem(state=state, fields=[], documents=[ReviewDocument(state, target)])
            else:
                proven.documents.append(ReviewDocument(state, target))
            continue
        fields = [
            ReviewField(name, profile_field(name).verbose_name, _shown_value(seller, name, full_numbers=full_numbers))
            for name in requirement.targets
        ]
        items[requirement.key] = ReviewItem(state=state, fields=fields)
    for item in items.values():
        targets = set(item.targets)
        item.earlier = [
            EarlierReason(reason, [c for c in changes.get(reason.target, []) if c.at > reason.created_at])
            for reason in reasons
            if reason.resolved_at is not None and reason.target in targets
        ]

    decisions = [e for e in events if e.kind == EventKind.TRANSITION and e.to_status in DECISION_STATES]
    last_decision = decisions[0] if decisions else None
    last_request = next((e for e in decisions if e.to_status == SellerStatus.CHANGES_REQUESTED), None)
    changed_since = (
        [c for found in changes.values() for c in found if c.at > last_request.created_at] if last_request else []
    )
    changed_since.sort(key=lambda changed: changed.at)
    return SellerReview(
        seller=seller,
        checklist=seller_checklist,
        items=list(items.values()),
        events=events,
        members=members,
        supplier_account=supplier_account,
        last_decision=last_decision,
        changed_since_decision=changed_since,
        rounds=sum(1 for e in decisions if e.to_status == SellerStatus.CHANGES_REQUESTED),
    )


def decision_note_for_seller(*, seller: Seller) -> SellerEvent | None:
    """The latest decision about the seller that came with a note from the program (one query), or ``None``."""
    return (
        SellerEvent.objects.filter(
            seller=seller, kind=EventKind.TRANSITION, to_status__in=DECISION_STATES, actor__isnull=False
        )
        .exclude(reason="")
        .first()
    )


def seller_id_for_supplier(*, supplier_id: object) -> int | None:
    """The id of the seller whose supplier account on the gateway is ``supplier_id`` (one query), or ``None``."""
    if supplier_id in (None, ""):
        return None
    return SupplierAccount.objects.filter(supplier_id=str(supplier_id)).values_list("seller_id", flat=True).first()


def users_of_seller(*, seller: Seller | int) -> QuerySet[User]:
    """The users who work for ``seller`` (or the seller of that id: owner and team), as a user queryset a caller may
    narrow further."""
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
