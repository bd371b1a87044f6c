"""Categories (read-only: they come from the gateway) and products for program staff.

Products are read here, never edited: their fields are the seller's, their status changes through actions that ask
for a reason on an intermediate page and call one service (``catalog.moderate_product`` to block or unblock).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from catalog import services
from catalog.models import Category, CategoryAttribute, PriceTier, Product, ProductAttributeValue, ProductEvent
from catalog.rules import listing_problems, quality_score
from dxports.errors import ApplicationError


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # The rows of a product or category are part of it: whoever may read it reads them.
        opts = self.parent_model._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CategoryAttributeInline(ReadOnlyInline):
    model = CategoryAttribute
    fields = ["attribute_id", "name", "is_required", "input_type", "values"]
    readonly_fields = fields


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["category_id", "name", "parent", "level", "is_leaf", "synced_at"]
    list_filter = ["is_leaf", "level"]
    list_select_related = ["parent"]
    search_fields = ["name", "=category_id"]
    readonly_fields = ["category_id", "name", "parent", "level", "is_leaf", "synced_at"]
    inlines = [CategoryAttributeInline]


class PriceTierInline(ReadOnlyInline):
    model = PriceTier
    fields = ["start_quantity", "price"]
    readonly_fields = fields


class ProductAttributeValueInline(ReadOnlyInline):
    model = ProductAttributeValue
    fields = ["attribute", "value_id", "value_name"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("attribute")


class ProductEventInline(ReadOnlyInline):
    model = ProductEvent
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "version", "changes", "reason"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the seller reads it)"), widget=forms.Textarea(attrs={"rows": 3}), required=True
    )


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ["title", "sku", "seller", "category", "status", "version", "synced_version", "updated_at"]
    list_filter = ["status", ("category", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["seller", "category"]
    search_fields = ["title", "=sku", "seller__legal_name"]
    date_hierarchy = "created_at"
    inlines = [PriceTierInline, ProductAttributeValueInline, ProductEventInline]
    actions = ["block", "unblock"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Product._meta.fields] + ["problems_display"]

    @admin.display(description=_("listing check"))
    def problems_display(self, obj):
        problems = listing_problems(obj)
        lines = [f"{_('Quality score')}: {quality_score(problems)}/100"]
        lines += [
            f"{'✗' if problem.blocking else '·'} {problem.field}: {problem.message} {problem.fix}"
            for problem in problems
        ]
        return "\n".join(lines)

    def has_moderate_permission(self, request):
        return request.user.has_perm("catalog.moderate_product")

    def _moderate(self, request, queryset, *, title, service, action):
        """An intermediate page asking for the reason, then ``service`` for each selected product."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            done, refused = [], []
            for product in queryset:
                try:
                    service(product=product, actor=request.user, reason=form.cleaned_data["reason"])
                except ApplicationError as error:
                    refused.append(f"{product}: {error.message}")
                else:
                    done.append(str(product))
            if done:
                self.message_user(request, f"{title}: {', '.join(done)}")
            for message in refused:
                self.message_user(request, message, level=messages.ERROR)
            return None
        return TemplateResponse(
            request,
            "admin/catalog/product/moderation.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "products": queryset.select_related("seller"),
                "form": form,
                "action": action,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Block (with a reason the seller sees)"), permissions=["moderate"])
    def block(self, request, queryset):
        return self._moderate(request, queryset, title=_("Block"), service=services.product_block, action="block")

    @admin.action(description=_("Unblock (back to draft)"), permissions=["moderate"])
    def unblock(self, request, queryset):
        return self._moderate(request, queryset, title=_("Unblock"), service=services.product_unblock, action="unblock")
