"""The review queue for program staff.

Status is never edited here: every decision is an action that asks for a reason on an intermediate page and calls
one service. "Reviewers" (``sellers.decide_seller``) can decide; "Support" can only read (the actions are not even
offered, and the action views check the permission again).
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dxports.admin_tools import (
    OptionalReasonForm,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ReasonForm,
    action_page,
    reason_action,
)
from dxports.errors import ApplicationError
from sellers import geo, services
from sellers.forms import ReasonFormSet
from sellers.models import (
    REVIEW_WAIT_BANDS,
    Document,
    ReviewReason,
    Sector,
    Seller,
    SellerEvent,
    SellerMember,
    SellerStatus,
    SupplierAccount,
)


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting time")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [
            ("lt1", _("less than a day")),
            ("1to3", _("1 to 3 days")),
            ("3to7", _("3 to 7 days")),
            ("gt7", _("more than a week")),
        ]

    def queryset(self, request, queryset):
        band = REVIEW_WAIT_BANDS.get(self.value() or "")
        if band is None:
            return queryset
        return queryset.waiting_for_review(min_days=band[0], max_days=band[1])


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("review", _("Waiting for review"))]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(status__in=[SellerStatus.SUBMITTED, SellerStatus.UNDER_REVIEW])
        return queryset


class DistrictFilter(admin.SimpleListFilter):
    title = _("district")
    parameter_name = "district"

    def lookups(self, request, model_admin):
        division = request.GET.get("division__exact")
        names = (
            geo.DIVISIONS[division][1]
            if division in geo.DIVISIONS
            else sorted(name for name, _division in geo.DISTRICTS.values())
        )
        return [(geo.district_code(name), name) for name in names]

    def queryset(self, request, queryset):
        return queryset.filter(district=self.value()) if self.value() else queryset


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ("kind", "view", "original_name", "content_type", "size", "is_current", "uploaded_at", "uploaded_by")
    readonly_fields = fields
    ordering = ["-is_current", "kind", "-uploaded_at"]

    @admin.display(description=_("file"))
    def view(self, obj):
        # Through the permission-checked view: the file has no URL of its own.
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("open"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


class ReviewReasonInline(ReadOnlyInline):
    model = ReviewReason
    fields = ("target", "code", "message", "created_at", "resolved_at")
    readonly_fields = fields


class SellerEventInline(ReadOnlyInline):
    model = SellerEvent
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "changes", "reason")
    readonly_fields = fields
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class MemberInline(ReadOnlyInline):
    model = SellerMember
    fields = ("user", "role", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


def _decision(action, *, title, service, description=None, form_class=ReasonForm):
    """The admin action named ``action``: ``SellerAdmin._decide`` with ``form_class``, calling ``service``. Its
    description in the action menu is ``title`` unless ``description`` says more."""

    @admin.action(description=description or title, permissions=["decide"])
    def decide(self, request, queryset):
        return self._decide(request, queryset, title=title, service=service, form_class=form_class, action=action)

    decide.__name__ = action
    return decide


# Staff read the file here; every change is the seller's (dashboard) or a decision (actions).
@admin.register(Seller)
class SellerAdmin(ReadOnlyAdmin):
    list_display = [
        "legal_name",
        "status",
        "division",
        "district_name",
        "submitted_at",
        "waiting",
        "owner_nid_masked_display",
        "bank_account_masked_display",
        "has_provisioning_error",
    ]
    list_filter = [QueueFilter, "status", WaitingFilter, "division", DistrictFilter, "categories", "business_type"]
    search_fields = ["legal_name", "trade_name", "etin", "bin", "trade_licence_number", "members__user__email"]
    ordering = ["submitted_at", "id"]
    list_per_page = 50
    actions = ["start_review", "approve", "request_changes", "reject", "suspend", "reinstate"]
    inlines = [MemberInline, DocumentInline, ReviewReasonInline, SellerEventInline]
    filter_horizontal = ["categories"]
    fieldsets = [
        (None, {"fields": ["public_id", "status", "submitted_at", "decided_at", "provisioning_error"]}),
        (
            _("Business"),
            {
                "fields": [
                    "legal_name",
                    "trade_name",
                    "business_type",
                    "year_established",
                    "employees",
                    "categories",
                    "export_turnover",
                    "website",
                ]
            },
        ),
        (_("Address"), {"fields": ["address", "postcode", "division", "district", "contact_phone"]}),
        (
            _("Identifiers"),
            {
                "fields": [
                    "trade_licence_number",
                    "trade_licence_authority",
                    "trade_licence_expires_on",
                    "etin",
                    "bin",
                    "erc_number",
                    "erc_expires_on",
                ]
            },
        ),
        (
            _("Owner and bank"),
            {
                "fields": [
                    "owner_name",
                    "owner_nid_display",
                    "bank_name",
                    "bank_branch",
                    "bank_routing_number",
                    "bank_account_display",
                    "bank_account_name",
                ]
            },
        ),
        (_("Checklist"), {"fields": ["checklist_display"]}),
    ]

    def has_decide_permission(self, request):
        return request.user.has_perm("sellers.decide_seller")

    def get_readonly_fields(self, request, obj=None):
        return [name for _title, options in self.get_fieldsets(request, obj) for name in options["fields"]]

    # Columns ----------------------------------------------------------------------------------------------------------

    @admin.display(description=_("district"), ordering="district")
    def district_name(self, obj):
        return geo.district_name(obj.district) if obj.district else ""

    @admin.display(description=_("waiting"), ordering="submitted_at")
    def waiting(self, obj):
        if obj.status not in (SellerStatus.SUBMITTED, SellerStatus.UNDER_REVIEW) or not obj.submitted_at:
            return ""
        days = (timezone.now() - obj.submitted_at).days
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}

    @admin.display(description=_("NID"))
    def owner_nid_masked_display(self, obj):
        return obj.owner_nid_masked

    @admin.display(description=_("account"))
    def bank_account_masked_display(self, obj):
        return obj.bank_account_number_masked

    @admin.display(description=_("provisioning OK"), boolean=True)
    def has_provisioning_error(self, obj):
        return not obj.provisioning_error

    # Detail -----------------------------------------------------------------------------------------------------------

    @admin.display(description=_("owner's NID number"))
    def owner_nid_display(self, obj):
        return obj.owner_nid_masked

    @admin.display(description=_("owner's NID number"))
    def owner_nid_full(self, obj):
        return obj.owner_nid

    @admin.display(description=_("account number"))
    def bank_account_display(self, obj):
        return obj.bank_account_number_masked

    @admin.display(description=_("account number"))
    def bank_account_full(self, obj):
        return obj.bank_account_number

    def get_fieldsets(self, request, obj=None):
        if not self.has_decide_permission(request):
            return self.fieldsets
        # Reviewers compare the numbers with the documents; support staff see them masked.
        full: dict[Any, str] = {"owner_nid_display": "owner_nid_full", "bank_account_display": "bank_account_full"}
        return [
            (title, {**options, "fields": [full.get(name, name) for name in options["fields"]]})
            for title, options in self.fieldsets
        ]

    @admin.display(description=_("requirements"))
    def checklist_display(self, obj):
        states = services.seller_checklist(seller=obj).states
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong>: {} {}</li>",
                (
                    (state.status_label, state.requirement.label, "; ".join(str(p) for p in state.problems))
                    for state in states
                ),
            ),
        )

    # Actions ----------------------------------------------------------------------------------------------------------

    def _check_decide(self, request):
        if not self.has_decide_permission(request):
            raise PermissionDenied

    def _decide(self, request, queryset, *, title, service, form_class, action):
        return reason_action(
            self,
            request,
            queryset,
            action=action,
            title=title,
            call=lambda seller, reason: service(seller=seller, actor=request.user, reason=reason),
            allowed=self.has_decide_permission(request),
            form_class=form_class,
            label=lambda seller: seller.legal_name,
            describe=lambda seller: seller.get_status_display(),
        )

    @admin.action(description=_("Start review"), permissions=["decide"])
    def start_review(self, request, queryset):
        self._check_decide(request)
        for seller in queryset:
            try:
                services.seller_start_review(seller=seller, actor=request.user)
            except ApplicationError as error:
                self.message_user(request, f"{seller.legal_name}: {error.message}", level=messages.ERROR)

    approve = _decision(
        "approve",
        title=_("Approve"),
        description=_("Approve (bulk: incomplete files are refused)"),
        service=services.seller_approve,
        form_class=OptionalReasonForm,
    )
    reject = _decision("reject", title=_("Reject"), service=services.seller_reject)
    suspend = _decision("suspend", title=_("Suspend"), service=services.seller_suspend)
    reinstate = _decision("reinstate", title=_("Reinstate"), service=services.seller_reinstate)

    @admin.action(description=_("Request changes (every reason at once)"), permissions=["decide"])
    def request_changes(self, request, queryset):
        self._check_decide(request)
        if queryset.count() != 1:
            self.message_user(request, _("Request changes for one seller at a time."), level=messages.ERROR)
            return None
        seller = queryset.get()
        confirmed = "confirm" in request.POST
        formset = ReasonFormSet(request.POST if confirmed else None, prefix="reasons")
        note_form = OptionalReasonForm(request.POST if confirmed else None)
        if confirmed and formset.is_valid() and note_form.is_valid():
            reasons = [form.cleaned_data for form in formset.forms if form.cleaned_data]
            try:
                services.seller_request_changes(
                    seller=seller, actor=request.user, reasons=reasons, note=note_form.cleaned_data["reason"]
                )
            except ApplicationError as error:
                self.message_user(request, f"{seller.legal_name}: {error.message}", level=messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "Changes requested from %(name)s (%(n)d reason).",
                        "Changes requested from %(name)s (%(n)d reasons).",
                        len(reasons),
                    )
                    % {"name": seller.legal_name, "n": len(reasons)},
                )
            return None
        return action_page(
            self,
            request,
            "admin/sellers/seller/request_changes.html",
            {
                "title": _("Request changes from %(name)s") % {"name": seller.legal_name},
                "seller": seller,
                "formset": formset,
                "note_form": note_form,
            },
        )


@admin.register(SellerEvent)
class SellerEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "seller", "kind", "actor", "from_status", "to_status", "reason"]
    list_filter = ["kind", "to_status"]
    search_fields = ["seller__legal_name", "actor__email", "reason"]
    list_select_related = ["seller", "actor"]
    date_hierarchy = "created_at"


@admin.register(SupplierAccount)
class SupplierAccountAdmin(ReadOnlyAdmin):
    list_display = ["supplier_id", "seller", "access_expires_at", "refresh_expires_at", "refreshed_at", "token_error"]
    list_select_related = ["seller"]
    search_fields = ["supplier_id", "seller__legal_name"]
    fields = ("seller", "supplier_id", "access_expires_at", "refresh_expires_at", "refreshed_at", "token_error")
    readonly_fields = fields


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
