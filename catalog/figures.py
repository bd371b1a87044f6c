"""The catalog's part of the program figures (``dxports.figures``): the category filter, the funnel's "first listing
live" step, and the listings: live by category and division, rejected by Alibaba.com and why, syncs that need a
person. Registered in ``CatalogConfig.ready``.

Queries: the funnel step one, the section six, the category filter's choices one; whatever the number of sellers
or products. The category filter narrows listings (and the sellers' first live listing) to a category and what is
under it, down to the tree's third level.
"""

from __future__ import annotations

from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import selectors
from catalog.models import Category, Product, ProductEvent, ProductStatus
from dxports import figures, numbers
from dxports.figures import FunnelStep, Link, Scope, Section, Table
from sellers import selectors as sellers_selectors

P = ProductStatus
TOP_REASONS = 10


def register() -> None:
    figures.register_filter(key="category", label=gettext_lazy("Category"), choices=category_choices, order=40)
    figures.register_funnel(key="catalog", order=50, steps=funnel_steps)
    figures.register_section(key="catalog", order=30, build=catalog_section)


def category_choices() -> list[tuple[str, str]]:
    """The tree's first two levels, each under its parent (one query)."""
    found = Category.objects.filter(level__lte=2).select_related("parent").order_by("category_id")
    return [
        (
            str(category.pk),
            f"{category.parent.display_name} › {category.display_name}" if category.parent else category.display_name,
        )
        for category in found
    ]


def _in_scope(scope: Scope, prefix: str) -> Q:
    """The sellers' filters, and the category's, on the product reached through ``prefix``."""
    condition = sellers_selectors.seller_figures_filter(filters=scope.filters, prefix=f"{prefix}seller__")
    category = numbers.ascii_whole(scope.get("category"))
    if category is not None:
        condition &= (
            Q(**{f"{prefix}category_id": category})
            | Q(**{f"{prefix}category__parent_id": category})
            | Q(**{f"{prefix}category__parent__parent_id": category})
        )
    return condition


def funnel_steps(scope: Scope) -> list[FunnelStep]:
    """First listing live: the sellers who signed up in each week of the range with a listing live on Alibaba.com
    by its end (one query: the sellers' milestones, or with a category chosen the listings that went live)."""
    label = _("First listing live")
    if numbers.ascii_whole(scope.get("category")) is None:
        weeks = sellers_selectors.seller_funnel_by_week(
            start=scope.start, end=scope.end, filters=scope.filters, steps={"first_live": "first_live_at"}
        )
        return [FunnelStep("first_live", label, {week: row["first_live"] for week, row in weeks.items()})]
    found = (
        ProductEvent.objects.filter(
            _in_scope(scope, "product__"),
            to_status=P.LIVE,
            # A cohort's listings went live after it signed up, so within the range (bounded by the index).
            created_at__gte=scope.start,
            created_at__lt=scope.end,
            product__seller__created_at__gte=scope.start,
            product__seller__created_at__lt=scope.end,
        )
        .annotate(week=TruncWeek("product__seller__created_at", output_field=DateField()))
        .values("week")
        .annotate(sellers=Count("product__seller_id", distinct=True))
        .order_by("week")
    )
    return [FunnelStep("first_live", label, {row["week"]: row["sellers"] for row in found})]


def catalog_section(scope: Scope) -> Section:
    """Listings live now by category and division; listings Alibaba.com rejected in the range, by its reason;
    syncs failed or stuck now, with links to them (six queries)."""
    products = reverse("admin:catalog_product_changelist")
    failed = Product.objects.sync_failed().filter(_in_scope(scope, "")).count()
    stuck = Product.objects.sync_stuck(scope.now).filter(_in_scope(scope, "")).count()
    return Section(
        key="catalog",
        title=_("Listings"),
        tables=[*_live(scope), *_rejected(scope)],
        attention=[
            Link(
                _("%(n)d listings whose sync failed (the seller must act)") % {"n": failed},
                f"{products}?sync_attention=failed",
            ),
            Link(
                _("%(n)d listings stuck on their way to Alibaba.com") % {"n": stuck},
                f"{products}?sync_attention=stuck",
            ),
        ],
        note=_("Live listings and syncs are counted now; rejections in the range."),
    )


def _live(scope: Scope) -> list[Table]:
    # Grouped by the leaf's id (small keys, counted in memory); the few categories name their top-level group.
    found = (
        Product.objects.filter(_in_scope(scope, ""), status=P.LIVE)
        .values("category_id", "seller__division")
        .annotate(n=Count("*"))
        .order_by()
    )
    tops = selectors.top_level_category_names()
    by_category: dict[str, dict[str, int]] = {}
    for row in found:
        name = tops.get(row["category_id"], _("No category"))
        counts = by_category.setdefault(name, {})
        counts[row["seller__division"] or ""] = counts.get(row["seller__division"] or "", 0) + row["n"]
    divisions = sorted({division for counts in by_category.values() for division in counts})
    labels = sellers_selectors.division_names()
    ordered = sorted(by_category.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    rows: list[list[figures.Cell | Link]] = [
        [name, sum(counts.values()), *(counts.get(division, 0) for division in divisions)] for name, counts in ordered
    ]
    totals = {division: sum(counts.get(division, 0) for counts in by_category.values()) for division in divisions}
    return [
        Table(
            _("Listings live now, by category and division"),
            [_("Category"), _("Live"), *(labels.get(division, _("No division")) for division in divisions)],
            rows,
            chart="bars",
        ),
        Table(
            _("Listings live now, by division"),
            [_("Division"), _("Live")],
            [
                [labels.get(division, _("No division")), count]
                for division, count in sorted(totals.items(), key=lambda item: -item[1])
            ],
            chart="bars",
        ),
    ]


def _rejected(scope: Scope) -> list[Table]:
    rejections = ProductEvent.objects.filter(
        _in_scope(scope, "product__"), to_status=P.REJECTED, created_at__gte=scope.start, created_at__lt=scope.end
    )
    total = rejections.count()
    reasons = rejections.values("reason").annotate(n=Count("*")).order_by("-n", "reason")[:TOP_REASONS]
    rows: list[list[figures.Cell | Link]] = [[row["reason"] or _("No reason given"), row["n"]] for row in reasons]
    return [
        Table(
            _("Rejected by Alibaba.com in the range, by reason"),
            [_("Reason"), _("Listings")],
            rows,
            chart="bars",
            note=_("%(n)d rejections in all.") % {"n": total},
        )
    ]
