"""Reads of the buyers domain for a caller. A seller's reads are scoped to the seller, so another seller's inquiry,
message or file is never returned (the views turn "none" into 404); staff read through the admin only."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_stubs_ext import StrOrPromise

from buyers import workhours
from buyers.models import (
    MAX_REPLY,
    RATE_WINDOW,
    RESPONSE_TARGET,
    Attachment,
    AttachmentStatus,
    Delivery,
    Holiday,
    Incoterm,
    Inquiry,
    InquiryStatus,
    Message,
    NotificationSettings,
    PullCursor,
    ReplyTemplate,
    Sender,
    WorkingWeek,
)
from dxports.models import User
from sellers.selectors import Seller

# The inbox's waiting filter: how long an inquiry has waited for an answer (plain hours).
WAITING_FILTERS = {"waiting": timedelta(), "over_12h": timedelta(hours=12), "over_24h": timedelta(hours=24)}

# The values of the domain's choices, for callers that describe them (the partner API's schema and input checks).
INQUIRY_CHOICES = {
    "status": InquiryStatus.values,
    "sender": Sender.values,
    "delivery": Delivery.values,
    "incoterm": Incoterm.values,
    "attachment_status": AttachmentStatus.values,
}
# The longest answer Alibaba.com takes (``services.inquiry_reply`` refuses longer ones).
REPLY_MAX_LENGTH = MAX_REPLY


def waiting_count(*, seller: Seller) -> int:
    """How many of the seller's inquiries wait for an answer: the dashboard's badge (one query)."""
    return Inquiry.objects.filter(seller=seller).waiting().count()


def seller_has_answered(*, seller: Seller) -> bool:
    """Whether the seller has answered a buyer's inquiry yet (a dashboard next step; one query)."""
    return Inquiry.objects.filter(seller=seller, first_response_at__isnull=False).exists()


def inbox_for_seller(
    *,
    seller: Seller,
    status: str = "",
    product_id: int | None = None,
    country: str = "",
    waiting: str = "",
    search: str = "",
    now: datetime | None = None,
) -> QuerySet[Inquiry]:
    """The seller's inquiries for the inbox, unread first, then the latest conversation, with everything a row
    shows (buyer, product): one query per page whatever its size (plus the paginator's count)."""
    inquiries = Inquiry.objects.filter(seller=seller).select_related("buyer", "product")
    if status:
        inquiries = inquiries.filter(status=status)
    if product_id is not None:
        inquiries = inquiries.filter(product_id=product_id)
    if country:
        inquiries = inquiries.filter(buyer__country=country)
    if waiting in WAITING_FILTERS:
        since = (now or timezone.now()) - WAITING_FILTERS[waiting]
        inquiries = inquiries.filter(awaiting_reply_since__lte=since)
    search = (search or "").strip()
    if search:
        inquiries = inquiries.filter(
            Q(subject__icontains=search) | Q(buyer__name__icontains=search) | Q(buyer__company__icontains=search)
        )
    return inquiries.order_by("-has_unread", "-last_message_at", "-id")


def inbox_choices(*, seller: Seller) -> tuple[list[tuple[int, str]], list[str]]:
    """The products and countries the seller's inquiries are about, for the inbox's filters (two queries):
    ``([(product id, title)], [country code])``."""
    products = list(
        Inquiry.objects.filter(seller=seller, product__isnull=False)
        .values_list("product_id", "product__title")
        .distinct()
        .order_by("product__title")
    )
    countries = list(
        Inquiry.objects.filter(seller=seller)
        .exclude(buyer__country="")
        .values_list("buyer__country", flat=True)
        .distinct()
        .order_by("buyer__country")
    )
    return products, countries


def inquiry_for_seller(*, seller: Seller, public_id: UUID) -> Inquiry | None:
    """One of the seller's inquiries with its buyer and product, or ``None``."""
    return Inquiry.objects.filter(seller=seller, public_id=public_id).select_related("buyer", "product").first()


def thread(*, inquiry: Inquiry) -> list[Message]:
    """The inquiry's messages, oldest first, each with its quotation, author and attachments: two queries."""
    return list(
        Message.objects.filter(inquiry=inquiry)
        .select_related("quotation", "author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("gateway_attachment_id")))
        .order_by("created_at", "id")
    )


def message_for_seller(*, seller: Seller, public_id: UUID) -> Message | None:
    return Message.objects.filter(inquiry__seller=seller, public_id=public_id).select_related("inquiry").first()


def attachment_for_seller(*, seller: Seller, public_id: UUID) -> Attachment | None:
    """A stored file of one of the seller's inquiries, or ``None``: buyers' files reach the seller's users only."""
    return (
        Attachment.objects.filter(public_id=public_id, inquiry__seller=seller, status="stored")
        .select_related("inquiry")
        .first()
    )


# The partner API: inquiries of the sellers that gave a partner access -------------------------------------------

INQUIRY_ROW_FIELDS = (
    "id",
    "public_id",
    "seller__public_id",
    "status",
    "subject",
    "quantity",
    "quantity_unit",
    "buyer__public_id",
    "buyer__name",
    "buyer__company",
    "buyer__country",
    "product__public_id",
    "product__sku",
    "product__title",
    "gateway_product_id",
    "custom_code",
    "has_unread",
    "received_at",
    "last_message_at",
    "awaiting_reply_since",
    "first_response_at",
    "response_seconds",
    "response_working_seconds",
    "created_at",
    "updated_at",
)


def inquiries_among(
    *,
    seller_ids: Iterable[int] | QuerySet[Any, Any],
    seller: UUID | None = None,
    status: str = "",
    product: UUID | None = None,
    received_since: datetime | None = None,
    updated_since: datetime | None = None,
    waiting: bool | None = None,
    search: str = "",
) -> QuerySet[Inquiry]:
    """The inquiries of the sellers ``seller_ids``, filtered: of one seller or about one product (their public
    ids), in a status, received or changed since a time, waiting for an answer or not (``Inquiry.objects.waiting``),
    or whose subject or buyer's name or company holds ``search``. Latest received first."""
    inquiries = Inquiry.objects.filter(seller_id__in=seller_ids)
    if seller is not None:
        inquiries = inquiries.filter(seller__public_id=seller)
    if status:
        inquiries = inquiries.filter(status=status)
    if product is not None:
        inquiries = inquiries.filter(product__public_id=product)
    if received_since is not None:
        inquiries = inquiries.filter(received_at__gte=received_since)
    if updated_since is not None:
        inquiries = inquiries.filter(updated_at__gte=updated_since)
    if waiting is not None:
        waiting_ids = Inquiry.objects.waiting().values("pk")
        inquiries = inquiries.filter(pk__in=waiting_ids) if waiting else inquiries.exclude(pk__in=waiting_ids)
    search = (search or "").strip()
    if search:
        inquiries = inquiries.filter(
            Q(subject__icontains=search) | Q(buyer__name__icontains=search) | Q(buyer__company__icontains=search)
        )
    return inquiries.order_by("-received_at", "-id")


def inquiry_among(*, seller_ids: Iterable[int] | QuerySet[Any, Any], public_id: UUID) -> Inquiry | None:
    """One inquiry of the sellers ``seller_ids`` by its public id, with its seller, or None."""
    return Inquiry.objects.filter(seller_id__in=seller_ids, public_id=public_id).select_related("seller").first()


def inquiry_rows(
    inquiries: QuerySet[Inquiry], *, after: tuple[datetime, int] | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Rows of ``inquiries`` (from ``inquiries_among``) after the position ``after`` (``(received_at, id)`` of the
    last row of the previous page), at most ``limit``: each a dict of ``INQUIRY_ROW_FIELDS`` (the buyer's, the
    product's and the seller's fields joined in). One query."""
    if after is not None:
        received_at, pk = after
        inquiries = inquiries.filter(Q(received_at__lt=received_at) | Q(received_at=received_at, id__lt=pk))
    values = inquiries.values(*INQUIRY_ROW_FIELDS)
    return list(values[:limit] if limit is not None else values)


def inquiry_row(*, inquiry: Inquiry) -> dict[str, Any]:
    """``inquiry_rows`` of one inquiry."""
    return inquiry_rows(Inquiry.objects.filter(pk=inquiry.pk))[0]


def recorded_reply_ids(*, inquiry: Inquiry, exclude: Message | None = None) -> set[int]:
    """The gateway ids of the seller's messages of ``inquiry`` already recorded (but ``exclude``'s)."""
    messages = Message.objects.filter(inquiry=inquiry, sender=Sender.SELLER, gateway_message_id__isnull=False)
    if exclude is not None:
        messages = messages.exclude(pk=exclude.pk)
    return {message_id for message_id in messages.values_list("gateway_message_id", flat=True) if message_id}


def calendar_for(*, seller_id: int) -> workhours.Calendar:
    """The seller's working calendar (its week and holidays; the default week when it set none): two queries."""
    week = WorkingWeek.objects.filter(seller_id=seller_id).first()
    holidays = Holiday.objects.filter(seller_id=seller_id).values_list("date", flat=True)
    if week is None:
        return workhours.Calendar(holidays=frozenset(holidays))
    return workhours.calendar_of(
        day_starts_at=week.day_starts_at, day_ends_at=week.day_ends_at, off_days=week.off_days, holidays=holidays
    )


def working_week_for(*, seller: Seller) -> WorkingWeek | None:
    return WorkingWeek.objects.filter(seller=seller).first()


def holidays_for(*, seller: Seller) -> QuerySet[Holiday]:
    return Holiday.objects.filter(seller=seller).order_by("date")


def reply_templates_for(*, seller: Seller) -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.filter(seller=seller).order_by("name")


def reply_template_for(*, seller: Seller, public_id: UUID) -> ReplyTemplate | None:
    return ReplyTemplate.objects.filter(seller=seller, public_id=public_id).first()


def notification_settings_for(*, user: User) -> NotificationSettings:
    """The user's choices (unsaved defaults when the user never chose)."""
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def pull_cursor_for(*, seller: Seller) -> PullCursor | None:
    return PullCursor.objects.filter(seller=seller).first()


# Figures ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    day: date
    received: int
    answered_in_time: int


@dataclass(frozen=True)
class Figures:
    """A seller's response figures over ``RATE_WINDOW`` (30 days), as Alibaba.com counts them: the share of
    inquiries answered within 24 hours (those younger than 24 hours and still unanswered are not counted yet), the
    median time to the first answer in plain and in working hours, and the inquiries by status, product, country and
    day."""

    received: int
    counted: int
    answered_in_time: int
    waiting: int
    median_hours: float | None
    median_working_hours: float | None
    by_status: list[tuple[str, StrOrPromise, int]] = field(default_factory=list)
    by_product: list[tuple[str, int]] = field(default_factory=list)
    by_country: list[tuple[str, int]] = field(default_factory=list)
    days: list[Day] = field(default_factory=list)

    @property
    def reply_rate(self) -> float | None:
        return None if not self.counted else self.answered_in_time / self.counted


def figures_for_seller(*, seller: Seller, now: datetime | None = None) -> Figures:
    """``Figures`` of the seller: six queries whatever the number of inquiries."""
    now = now or timezone.now()
    since = now - RATE_WINDOW
    recent = Inquiry.objects.filter(seller=seller, received_at__gte=since)
    in_time = Q(response_seconds__lte=RESPONSE_TARGET.total_seconds())
    counted = Q(first_response_at__isnull=False) | Q(received_at__lte=now - RESPONSE_TARGET)
    totals = recent.aggregate(
        received=Count("id"),
        counted=Count("id", filter=counted),
        answered_in_time=Count("id", filter=in_time),
    )
    times = list(
        recent.filter(response_seconds__isnull=False).values_list("response_seconds", "response_working_seconds")
    )
    by_status = dict(recent.values_list("status").annotate(n=Count("id")).order_by())
    by_product = list(
        recent.values_list("product__title").annotate(n=Count("id")).order_by("-n", "product__title")[:10]
    )
    by_country = list(recent.values_list("buyer__country").annotate(n=Count("id")).order_by("-n", "buyer__country"))
    per_day = {
        row["day"]: row
        for row in recent.annotate(day=TruncDate("received_at", tzinfo=workhours.DHAKA))
        .values("day")
        .annotate(received=Count("id"), answered_in_time=Count("id", filter=in_time))
        .order_by("day")
    }
    today = now.astimezone(workhours.DHAKA).date()
    days = []
    for offset in range(RATE_WINDOW.days - 1, -1, -1):
        day = today - timedelta(days=offset)
        row = per_day.get(day, {})
        days.append(Day(day=day, received=row.get("received", 0), answered_in_time=row.get("answered_in_time", 0)))
    return Figures(
        received=totals["received"],
        counted=totals["counted"],
        answered_in_time=totals["answered_in_time"],
        waiting=waiting_count(seller=seller),
        median_hours=_median_hours(t for t, _w in times),
        median_working_hours=_median_hours(w for _t, w in times if w is not None),
        by_status=[(value, label, by_status[value]) for value, label in InquiryStatus.choices if value in by_status],
        by_product=[(title or "", n) for title, n in by_product],
        by_country=[(code or "", n) for code, n in by_country],
        days=days,
    )


def _median_hours(seconds: Iterable[int]) -> float | None:
    values = list(seconds)
    return statistics.median(values) / 3600 if values else None


@dataclass(frozen=True)
class SellerReplyTimes:
    seller_id: int
    seller_name: str
    received: int
    counted: int
    answered_in_time: int
    waiting: int
    median_hours: float | None

    @property
    def reply_rate(self) -> float | None:
        return None if not self.counted else self.answered_in_time / self.counted


def program_reply_times(*, now: datetime | None = None) -> list[SellerReplyTimes]:
    """Every seller's reply figures over ``RATE_WINDOW``, slowest share first, for program staff: two queries."""
    now = now or timezone.now()
    recent = Inquiry.objects.filter(received_at__gte=now - RATE_WINDOW)
    counted = Q(first_response_at__isnull=False) | Q(received_at__lte=now - RESPONSE_TARGET)
    rows = (
        recent.values("seller_id", "seller__legal_name")
        .annotate(
            received=Count("id"),
            counted=Count("id", filter=counted),
            answered_in_time=Count("id", filter=Q(response_seconds__lte=RESPONSE_TARGET.total_seconds())),
            waiting=Count("id", filter=Q(awaiting_reply_since__isnull=False)),
        )
        .order_by("seller__legal_name")
    )
    times: dict[int, list[int]] = {}
    for seller_id, seconds in recent.filter(response_seconds__isnull=False).values_list(
        "seller_id", "response_seconds"
    ):
        times.setdefault(seller_id, []).append(seconds)
    result = [
        SellerReplyTimes(
            seller_id=row["seller_id"],
            seller_name=row["seller__legal_name"],
            received=row["received"],
            counted=row["counted"],
            answered_in_time=row["answered_in_time"],
            waiting=row["waiting"],
            median_hours=_median_hours(times.get(row["seller_id"], [])),
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: (r.reply_rate if r.reply_rate is not None else 2, r.seller_name))
