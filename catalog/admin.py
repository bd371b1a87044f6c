"""Categories (read-only: they come from the gateway) and products for program staff.

Products are read here, never edited: their fields are the seller's, their status changes through actions that ask
for a reason on an intermediate page and call one service (``catalog.moderate_product`` to block or unblock).
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from catalog import selectors, services
from catalog.models import (
    REPAIRED_KINDS,
    Category,
    CategoryAttribute,
    FindingKind,
    PriceTier,
    Product,
    ProductAttributeValue,
    ProductEvent,
    ReconciliationFinding,
    ReconciliationRun,
)
from catalog.rules import listing_problems, quality_score
from dxports.admin_tools import (
    ModeratedAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    apply_each,
    problems_in_words,
    sync_attempts_table,
)


class PartInline(ReadOnlyInline):
    """Rows that belong to a product or category, shown read-only on its page."""

    def has_view_permission(self, request, obj=None):
        # The rows of a product or category are part of it: whoever may read it reads them.
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class CategoryAttributeInline(PartInline):
    model = CategoryAttribute
    fields = ("attribute_id", "name", "name_bn", "is_required", "input_type", "values", "value_names_bn")
    readonly_fields = fields


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["category_id", "name", "name_bn", "parent", "level", "is_leaf", "synced_at"]
    list_filter = ["is_leaf", "level"]
    list_select_related = ["parent"]
    search_fields = ["name", "name_bn", "=category_id"]
    readonly_fields = ["category_id", "name", "name_bn", "parent", "level", "is_leaf", "synced_at"]
    inlines = [CategoryAttributeInline]


class PriceTierInline(PartInline):
    model = PriceTier
    fields = ("start_quantity", "price")
    readonly_fields = fields


class ProductAttributeValueInline(PartInline):
    model = ProductAttributeValue
    fields = ("attribute", "value_id", "value_name")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("attribute")


class ProductEventInline(PartInline):
    model = ProductEvent
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "version", "changes_in_words", "reason")
    readonly_fields = fields
    ordering = ["-created_at", "-id"]

    @admin.display(description=_("what changed"))
    def changes_in_words(self, obj):
        return format_html_join(
            "", "<div>{}: {} → {}</div>", ((line.label, line.before, line.after) for line in obj.change_lines())
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


SYNC_ATTEMPTS_SHOWN = 20


class SyncAttentionFilter(admin.SimpleListFilter):
    """Products whose sync needs staff across the program: failed, or stuck on the way."""

    title = _("sync needs attention")
    parameter_name = "sync_attention"

    def lookups(self, request, model_admin):
        return [
            ("any", _("failed or stuck")),
            ("failed", _("sync failed")),
            ("stuck", _("stuck: publishing, updating or delisting for over 30 minutes")),
        ]

    def queryset(self, request, queryset):
        conditions = {
            "any": queryset.sync_needing_attention(),
            "failed": queryset.sync_failed(),
            "stuck": queryset.sync_stuck(),
        }
        return conditions.get(self.value() or "", queryset)


@admin.register(Product)
class ProductAdmin(ModeratedAdmin):
    list_display = ["title", "sku", "seller", "category", "status", "version", "synced_version", "updated_at"]
    list_filter = [SyncAttentionFilter, "status", ("category", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["seller", "category"]
    search_fields = ["title", "=sku", "seller__legal_name", "=gateway_product_id"]
    date_hierarchy = "created_at"
    inlines = [PriceTierInline, ProductAttributeValueInline, ProductEventInline]
    actions = ["block", "unblock", "retry_sync"]
    moderate_permission = "catalog.moderate_product"
    moderated = "product"
    block_service = staticmethod(services.product_block)
    unblock_service = staticmethod(services.product_unblock)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Product._meta.fields] + ["problems_display", "sync_display", "attempts_display"]

    @admin.display(description=_("sync with Alibaba.com"))
    def sync_display(self, obj):
        in_step = _("in step") if obj.is_synced else _("behind")
        jobs = reverse("admin:alibaba_outboxjob_changelist") + f"?target={obj.pk}"
        attention = reverse("admin:alibaba_outboxjob_changelist") + "?attention=any"
        return format_html(
            '{}: {} · {}: {} / {}: {} ({}) · <a href="{}">{}</a> · <a href="{}">{}</a>',
            _("gateway id"),
            obj.gateway_product_id or "—",
            _("synced version"),
            obj.synced_version or "—",
            _("version"),
            obj.version,
            in_step,
            jobs,
            _("its outbox jobs"),
            attention,
            _("every job that needs attention"),
        )

    @admin.display(description=_("sync attempts (newest first)"))
    def attempts_display(self, obj):
        attempts = list(selectors.product_sync_history(product=obj)[:SYNC_ATTEMPTS_SHOWN])
        return sync_attempts_table(attempts, with_kind=True)

    @admin.action(description=_("Retry the sync with Alibaba.com"), permissions=["moderate"])
    def retry_sync(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda product: services.product_sync_retry(product=product, actor=request.user),
            title=_("Sync retried"),
        )

    @admin.display(description=_("listing check"))
    def problems_display(self, obj):
        problems = listing_problems(obj)
        return problems_in_words(problems, score_label=_("Quality score"), score=quality_score(problems))

    def moderate_label(self, product):
        return f"{product.title or product.sku} — {product.seller}"


# Reconciliation runs -----------------------------------------------------------------------------------------------


def _findings_url(run, kind=None):
    url = reverse("admin:catalog_reconciliationfinding_changelist") + f"?run__id__exact={run.pk}"
    return url + (f"&kind__exact={kind}" if kind else "")


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin):
    """Every run of the listing reconciliation, with what it found and repaired; each count links to the listings
    involved."""

    list_display = ["started_at", "sellers", "checked", "on_gateway", "repaired", "reported"]
    date_hierarchy = "started_at"
    fields = ("started_at", "finished_at", "sellers", "checked", "on_gateway", "findings_display")
    readonly_fields = fields

    @admin.display(description=_("repaired"))
    def repaired(self, run):
        return sum(count for kind, count in run.counts.items() if kind in REPAIRED_KINDS)

    @admin.display(description=_("reported for a person"))
    def reported(self, run):
        return sum(count for kind, count in run.counts.items() if kind not in REPAIRED_KINDS)

    @admin.display(description=_("findings"))
    def findings_display(self, run):
        found = [(kind, count) for kind, count in run.counts.items() if count]
        if not found:
            return _("Nothing: Alibaba.com holds what we believe.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: {}</li>',
                (
                    (_findings_url(run, kind), FindingKind(kind).label if kind in FindingKind.values else kind, count)
                    for kind, count in found
                ),
            ),
        )


@admin.register(ReconciliationFinding)
class ReconciliationFindingAdmin(ReadOnlyAdmin):
    list_display = ["run", "kind", "product_link", "seller", "details_display"]
    list_filter = ["kind"]
    list_select_related = ["run", "product", "seller"]
    search_fields = ["product__title", "=product__sku", "seller__legal_name"]
    raw_id_fields = ["run", "product", "seller"]
    fields = ("run", "kind", "product_link", "seller", "details_display")
    readonly_fields = fields

    @admin.display(description=_("listing"), ordering="product__title")
    def product_link(self, finding):
        if finding.product is None:
            return finding.details.get("custom_code", "—")
        url = reverse("admin:catalog_product_change", args=[finding.product_id])
        return format_html('<a href="{}">{}</a>', url, f"{finding.product} ({finding.product.sku})")

    @admin.display(description=_("what the run saw"))
    def details_display(self, finding):
        return "; ".join(
            f"{name.replace('_', ' ')}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
            for name, value in finding.details.items()
            if name not in ("product", "seller")
        )
