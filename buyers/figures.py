"""The buyers' part of the program figures (``dxports.figures``): the funnel's last steps (first inquiry, first
reply) and the inquiries of the range by the buyer's country and the product's category, the share answered within
a day, the median time to a first answer, and the sellers with inquiries waiting now. Registered in
``BuyersConfig.ready``.

Queries: the funnel steps one, the section five, whatever the number of sellers or inquiries. The category filter
narrows inquiries to those about a product in that category (and what is under it, down to the tree's third level).
"""

from __future__ import annotations

from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries import countries

from buyers.models import RESPONSE_TARGET, Inquiry
from catalog import selectors as catalog_selectors
from dxports import figures, numbers
from dxports.aggregates import Percentile
from dxports.figures import Cell, FunnelStep, Link, Scope, Section, Table, percent
from sellers import selectors as sellers_selectors

TOP_ROWS = 15


def register() -> None:
    figures.register_funnel(key="buyers", order=70, steps=funnel_steps)
    figures.register_section(key="buyers", order=40, build=buyers_section)


def _in_scope(scope: Scope) -> Q:
    condition = sellers_selectors.seller_figures_filter(filters=scope.filters, prefix="seller__")
    category = numbers.ascii_whole(scope.get("category"))
    if category is not None:
        condition &= (
            Q(product__category_id=category)
            | Q(product__category__parent_id=category)
            | Q(product__category__parent__parent_id=category)
        )
    return condition


def funnel_steps(scope: Scope) -> list[FunnelStep]:
    """First inquiry and first reply: the sellers who signed up in each week of the range with an inquiry received,
    and answered, by its end (one query: the sellers' milestones, or with a category chosen the inquiries about
    it)."""
    if numbers.ascii_whole(scope.get("category")) is not None:
        found = (
            Inquiry.objects.filter(
                _in_scope(scope),
                # A cohort's inquiries came after it signed up, so within the range.
                received_at__gte=scope.start,
                received_at__lt=scope.end,
                seller__created_at__gte=scope.start,
                seller__created_at__lt=scope.end,
            )
            .annotate(week=TruncWeek("seller__created_at", output_field=DateField()))
            .values("week")
            .annotate(
                asked=Count("seller_id", distinct=True),
                answered=Count("seller_id", distinct=True, filter=Q(first_response_at__lt=scope.end)),
            )
            .order_by("week")
        )
        weeks = {row.pop("week"): row for row in found}
    else:
        weeks = sellers_selectors.seller_funnel_by_week(
            start=scope.start,
            end=scope.end,
            filters=scope.filters,
            steps={"asked": "first_inquiry_at", "answered": "first_reply_at"},
        )
    return [
        FunnelStep("first_inquiry", _("First inquiry"), {week: row["asked"] for week, row in weeks.items()}),
        FunnelStep("first_reply", _("First reply"), {week: row["answered"] for week, row in weeks.items()}),
    ]


def buyers_section(scope: Scope) -> Section:
    """Inquiries received in the range by country and category; how they were answered; the sellers with inquiries
    waiting now (five queries, the category tree's among them)."""
    received = Inquiry.objects.filter(_in_scope(scope), received_at__gte=scope.start, received_at__lt=scope.end)
    by_country: list[list[Cell | Link]] = [
        [str(countries.name(row["buyer__country"]) or row["buyer__country"]) or _("Unknown"), row["n"]]
        for row in received.values("buyer__country").annotate(n=Count("pk")).order_by("-n", "buyer__country")[:TOP_ROWS]
    ]
    tops = catalog_selectors.top_level_category_names()
    categories: dict[str, int] = {}
    for row in received.values("product__category_id").annotate(n=Count("pk")).order_by():
        name = tops.get(row["product__category_id"], _("No product of ours"))
        categories[name] = categories.get(name, 0) + row["n"]
    by_category: list[list[Cell | Link]] = [
        [name, count] for name, count in sorted(categories.items(), key=lambda item: (-item[1], item[0]))
    ]
    # An inquiry counts for the reply rate once answered, or once its day to answer has passed.
    due = Q(first_response_at__isnull=False) | Q(received_at__lte=scope.now - RESPONSE_TARGET)
    answers = received.aggregate(
        counted=Count("pk", filter=due),
        in_time=Count("pk", filter=Q(response_seconds__lte=RESPONSE_TARGET.total_seconds())),
        median=Percentile("response_seconds", 0.5),
    )
    waiting = Inquiry.objects.waiting().filter(_in_scope(scope)).aggregate(sellers=Count("seller", distinct=True))
    median = answers["median"]
    replies: list[list[Cell | Link]] = [
        [_("Answered within a day"), percent(answers["in_time"], answers["counted"])],
        [
            _("Median time to the first answer"),
            "—" if median is None else _("%(hours).1f hours") % {"hours": median / 3600},
        ],
    ]
    inbox = reverse("admin:buyers_inquiry_changelist")
    return Section(
        key="buyers",
        title=_("Buyers"),
        note=_("Inquiries received in the range; waiting counts are now."),
        attention=[
            Link(
                _("%(n)d sellers have inquiries waiting for an answer") % {"n": waiting["sellers"]},
                f"{inbox}?waiting=yes",
            )
        ],
        tables=[
            Table(_("Inquiries by the buyer's country"), [_("Country"), _("Inquiries")], by_country, "bars"),
            Table(_("Inquiries by category"), [_("Category"), _("Inquiries")], by_category, "bars"),
            Table(_("Answers"), [_("Figure"), _("Value")], replies),
        ],
    )
