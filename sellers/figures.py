"""The sellers' part of the program figures (``dxports.figures``): the filters by place and sector, the first four
steps of the funnel, and the review. Registered in ``SellersConfig.ready``.

Queries: the funnel's steps two, the review four, the sector filter's choices one; whatever the number of sellers.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, DurationField, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dxports import figures
from dxports.aggregates import Percentile
from dxports.figures import FunnelStep, Link, Scope, Section, Table
from sellers import geo, selectors
from sellers.models import (
    REVIEW_WAIT_BANDS,
    ReasonCode,
    ReviewDecision,
    ReviewReason,
    Seller,
    SellerStatus,
)
from sellers.requirements import TARGETS

S = SellerStatus
DECISIONS = (S.APPROVED, S.CHANGES_REQUESTED, S.REJECTED)
FINAL = (S.APPROVED, S.REJECTED)
TOP_REASONS = 10


def register() -> None:
    figures.register_filter(
        key="division", label=gettext_lazy("Division"), choices=lambda: geo.DIVISION_CHOICES, order=10
    )
    figures.register_filter(
        key="district", label=gettext_lazy("District"), choices=lambda: geo.DISTRICT_CHOICES, order=20
    )
    figures.register_filter(key="sector", label=gettext_lazy("Sector"), choices=selectors.sector_choices, order=30)
    figures.register_funnel(key="sellers", order=10, steps=funnel_steps)
    figures.register_section(key="review", order=20, build=review_section)


def _in_scope(scope: Scope, prefix: str = "") -> Q:
    return selectors.seller_figures_filter(filters=scope.filters, prefix=prefix)


def funnel_steps(scope: Scope) -> list[FunnelStep]:
    """Signed up, submitted, approved, supplier account ready: the sellers who signed up in each week of the range
    and reached each step by its end (two queries: the cohort's sign-ups and its milestones)."""
    signed_up = selectors.sellers_signed_up_by_week(start=scope.start, end=scope.end, filters=scope.filters)
    steps = [("submitted", _("Submitted")), ("approved", _("Approved")), ("ready", _("Supplier account ready"))]
    weeks = selectors.seller_funnel_by_week(
        start=scope.start,
        end=scope.end,
        filters=scope.filters,
        steps={"submitted": "submitted_at", "approved": "approved_at", "ready": "ready_at"},
    )
    return [
        FunnelStep("signed_up", _("Signed up"), signed_up),
        *(FunnelStep(key, label, {week: row[key] for week, row in weeks.items()}) for key, label in steps),
    ]


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "—"
    hours = value.total_seconds() / 3600
    if hours < 48:
        return _("%(hours).1f hours") % {"hours": hours}
    return _("%(days).1f days") % {"days": hours / 24}


def review_section(scope: Scope) -> Section:
    """Submissions waiting now (by how long), the decisions of the range with the time from submission to decision
    (median, 90th percentile), the rounds of changes before a final decision, and the reasons given most often
    (four queries)."""
    queue = reverse("admin:sellers_seller_changelist")
    return Section(
        key="review",
        title=_("Review"),
        tables=[_waiting(scope, queue), *_decisions(scope), _rounds(scope), _reasons(scope)],
        note=_("Waiting counts are now; the rest counts what happened in the range."),
    )


def _waiting(scope: Scope, queue: str) -> Table:
    bands = {
        "lt1": _("Less than a day"),
        "1to3": _("1 to 3 days"),
        "3to7": _("3 to 7 days"),
        "gt7": _("More than a week"),
    }

    def band(low: int, high: int | None) -> Q:
        condition = Q(submitted_at__lte=scope.now - timedelta(days=low))
        return condition & Q(submitted_at__gt=scope.now - timedelta(days=high)) if high is not None else condition

    counts = Seller.objects.filter(_in_scope(scope), status__in=[S.SUBMITTED, S.UNDER_REVIEW]).aggregate(
        **{key: Count("pk", filter=band(*REVIEW_WAIT_BANDS[key])) for key in bands}
    )
    rows: list[list[figures.Cell | Link]] = [
        [str(label), counts[key], Link(_("see them"), f"{queue}?waiting={key}")] for key, label in bands.items()
    ]
    return Table(_("Submissions waiting for a decision, by how long"), [_("Waiting"), _("Sellers"), ""], rows, "bars")


def _decisions(scope: Scope) -> list[Table]:
    found = (
        ReviewDecision.objects.filter(
            _in_scope(scope, "seller__"), decided_at__gte=scope.start, decided_at__lt=scope.end
        )
        .annotate(waited=F("decided_at") - F("submitted_at"))
        .aggregate(
            **{str(status): Count("decision", filter=Q(decision=status)) for status in DECISIONS},
            median=Percentile("waited", 0.5, output_field=DurationField()),
            p90=Percentile("waited", 0.9, output_field=DurationField()),
        )
    )
    counts = Table(
        _("Decisions taken in the range"),
        [_("Decision"), _("Sellers")],
        [[str(S(status).label), found[status]] for status in DECISIONS],
        chart="bars",
    )
    times = Table(
        _("Time from submission to decision"),
        [_("Figure"), _("Time")],
        [[_("Median"), _duration(found["median"])], [_("90th percentile"), _duration(found["p90"])]],
    )
    return [counts, times]


def _rounds(scope: Scope) -> Table:
    found = (
        ReviewDecision.objects.filter(
            _in_scope(scope, "seller__"),
            decision__in=FINAL,
            decided_at__gte=scope.start,
            decided_at__lt=scope.end,
        )
        .values("changes_before")
        .annotate(sellers=Count("*"))
        .order_by()
    )
    by_rounds = {row["changes_before"]: row["sellers"] for row in found}
    decided = sum(by_rounds.values())
    rows: list[list[figures.Cell | Link]] = [
        [_("None"), by_rounds.get(0, 0)],
        [ngettext("%(n)d round", "%(n)d rounds", 1) % {"n": 1}, by_rounds.get(1, 0)],
        [ngettext("%(n)d round", "%(n)d rounds", 2) % {"n": 2}, by_rounds.get(2, 0)],
        [_("3 rounds or more"), sum(count for rounds, count in by_rounds.items() if rounds >= 3)],
    ]
    mean = sum(rounds * count for rounds, count in by_rounds.items()) / decided if decided else None
    return Table(
        _("Changes requested before the final decision (sellers approved or rejected in the range)"),
        [_("Rounds of changes"), _("Sellers")],
        rows,
        chart="bars",
        note=_("On average %(mean).1f rounds per seller.") % {"mean": mean} if mean is not None else "",
    )


def _reasons(scope: Scope) -> Table:
    found = (
        ReviewReason.objects.filter(_in_scope(scope, "seller__"), created_at__gte=scope.start, created_at__lt=scope.end)
        .values("target", "code")
        .annotate(n=Count("pk"))
        .order_by("-n", "target", "code")[:TOP_REASONS]
    )
    rows: list[list[figures.Cell | Link]] = [
        [
            f"{TARGETS.get(row['target'], row['target'])}: {ReasonCode(row['code']).label}"
            if row["code"] in ReasonCode.values
            else str(TARGETS.get(row["target"], row["target"])),
            row["n"],
        ]
        for row in found
    ]
    return Table(_("Reasons given most often"), [_("Field or document: problem"), _("Times")], rows, chart="bars")
