"""The review queue and the seller's page for program staff.

Status is never edited here. The seller's page is the review: the profile with every document previewed beside
the fields it proves, earlier reasons and what changed since, and the decisions as buttons, each calling one
service. Several sellers can also be decided at once from the list (actions that ask for a reason). Only holders of
``sellers.decide_seller`` (the Reviewers role) decide, or see the NID and account numbers in full; the decide view
checks the permission again, so a forged post cannot skip it.
"""

from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from dxports import numbers
from dxports.admin_tools import OptionalReasonForm, ReadOnlyAdmin, ReasonForm, reason_action
from dxports.errors import ApplicationError
from sellers import geo, selectors, services
from sellers.forms import Decision, ReviewDecisionForm
from sellers.models import REVIEW_WAIT_BANDS, Sector, Seller, SellerEvent, SellerStatus, SupplierAccount


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
        codes = (
            [geo.district_code(name) for name in geo.DIVISIONS[division][1]]
            if division in geo.DIVISIONS
            else list(geo.DISTRICTS)
        )
        return sorted(((code, str(geo.district_name(code))) for code in codes), key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        return queryset.filter(district=self.value()) if self.value() else queryset


def _decision(action, *, title, service, description=None, form_class=ReasonForm):
    """The bulk admin action named ``action``: ``SellerAdmin._decide`` with ``form_class``, calling ``service``. Its
    description in the action menu is ``title`` unless ``description`` says more."""

    @admin.action(description=description or title, permissions=["decide"])
    def decide(self, request, queryset):
        return self._decide(request, queryset, title=title, service=service, form_class=form_class, action=action)

    decide.__name__ = action
    return decide


# The decisions offered on the seller's page in each status (the services decide for good and say why not).
OFFERED = {
    SellerStatus.SUBMITTED: [Decision.START_REVIEW, Decision.APPROVE, Decision.REQUEST_CHANGES, Decision.REJECT],
    SellerStatus.UNDER_REVIEW: [Decision.APPROVE, Decision.REQUEST_CHANGES, Decision.REJECT],
    SellerStatus.ACTIVE: [Decision.SUSPEND],
    SellerStatus.ACTION_NEEDED: [Decision.SUSPEND],
    SellerStatus.SUSPENDED: [Decision.REINSTATE],
}


def _take(decision, *, seller, actor, note, reasons):
    """Call the service of ``decision`` (a ``Decision``) for ``seller``; returns the seller."""
    if decision == Decision.START_REVIEW:
        return services.seller_start_review(seller=seller, actor=actor)
    if decision == Decision.REQUEST_CHANGES:
        return services.seller_request_changes(seller=seller, actor=actor, reasons=reasons, note=note)
    service = {
        Decision.APPROVE: services.seller_approve,
        Decision.REJECT: services.seller_reject,
        Decision.SUSPEND: services.seller_suspend,
        Decision.REINSTATE: services.seller_reinstate,
    }[decision]
    return service(seller=seller, actor=actor, reason=note)


# Staff read the file here; every change is the seller's (dashboard) or a decision (the page's buttons, or actions
# on several sellers at once).
@admin.register(Seller)
class SellerAdmin(ReadOnlyAdmin):
    # Four short columns: the list must fit a laptop's screen beside the admin's menu and the filters.
    list_display = ["business", "status_line", "where", "submitted"]
    list_display_links = ["business"]
    list_filter = [QueueFilter, "status", WaitingFilter, "division", DistrictFilter, "categories", "business_type"]
    search_fields = ["legal_name", "trade_name", "etin", "bin", "trade_licence_number", "members__user__email"]
    ordering = ["submitted_at", "id"]
    list_per_page = 50
    actions = ["start_review", "approve", "reject", "suspend", "reinstate"]

    def has_decide_permission(self, request):
        return request.user.has_perm("sellers.decide_seller")

    def get_search_results(self, request, queryset, search_term):
        """Also finds the seller by their mobile number typed any way a person types it (stored in E.164)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        try:
            phone = numbers.bd_mobile(search_term, field=_("mobile number"))
        except ValidationError:
            return found, may_have_duplicates
        return found | queryset.filter(contact_phone=phone), may_have_duplicates

    def shows_full_numbers(self, request):
        """The one rule of masking: the NID and account numbers are shown in full only to those who decide (they
        compare them with the documents); everyone else sees them masked."""
        return self.has_decide_permission(request)

    # Columns -----------------------------------------------------------------------------------------------------

    @admin.display(description=_("business"), ordering="legal_name")
    def business(self, obj):
        return obj.legal_name

    @admin.display(description=_("status"), ordering="status")
    def status_line(self, obj):
        if obj.provisioning_error:
            return _("%(status)s (supplier account failed)") % {"status": obj.get_status_display()}
        return obj.get_status_display()

    @admin.display(description=_("district, division"), ordering="district")
    def where(self, obj):
        return ", ".join(part for part in (obj.get_district_display(), obj.get_division_display()) if part)

    @admin.display(description=_("submitted (waiting)"), ordering="submitted_at")
    def submitted(self, obj):
        if not obj.submitted_at:
            return ""
        day = date_format(timezone.localtime(obj.submitted_at), "j M Y")
        if obj.status not in (SellerStatus.SUBMITTED, SellerStatus.UNDER_REVIEW):
            return day
        days = (timezone.now() - obj.submitted_at).days
        return f"{day} ({ngettext('%(n)d day', '%(n)d days', days) % {'n': days}})"

    # The seller's page: the review ---------------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="sellers_seller_decide",
            ),
            *super().get_urls(),
        ]

    # A PDF is previewed in a frame of our own origin (the document view lets only our pages frame it).
    @method_decorator(csp_update({"frame-src": [SELF]}))
    def change_view(self, request, object_id, form_url="", extra_context=None):
        seller = self.get_object(request, unquote(object_id))
        if seller is None:
            raise Http404
        if not self.has_view_permission(request, seller):
            raise PermissionDenied
        return self._review_page(request, seller, form=None)

    @method_decorator(require_POST)
    @method_decorator(csp_update({"frame-src": [SELF]}))
    def decide_view(self, request, object_id):
        if not self.has_decide_permission(request):
            raise PermissionDenied
        seller = self.get_object(request, unquote(object_id))
        if seller is None:
            raise Http404
        form = ReviewDecisionForm(request.POST, decisions=OFFERED.get(seller.status, []))
        if form.is_valid():
            decision = Decision(form.cleaned_data["decision"])
            try:
                seller = _take(
                    decision,
                    seller=seller,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                    reasons=form.cleaned_data["reasons"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                self.message_user(
                    request,
                    _("%(decision)s: %(name)s is now “%(status)s”.")
                    % {"decision": decision.label, "name": seller.legal_name, "status": seller.get_status_display()},
                )
                return redirect("admin:sellers_seller_change", seller.pk)
        response = self._review_page(request, seller, form=form)
        response.status_code = 400
        return response

    def _review_page(self, request, seller, *, form):
        full_numbers = self.shows_full_numbers(request)
        review = selectors.seller_review(seller=seller, full_numbers=full_numbers)
        decisions = OFFERED.get(seller.status, []) if self.has_decide_permission(request) else []
        if decisions and form is None:
            form = ReviewDecisionForm(decisions=decisions)

        def beside(rows):
            """Each row with the reviewer's inputs for its field or document (none without a decision to take)."""
            return [(row, form.reason_fields(row.target) if form is not None else None) for row in rows]

        sections = [
            {"item": item, "fields": beside(item.fields), "documents": beside(item.documents)} for item in review.items
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": seller,
            "title": seller.legal_name,
            "subtitle": None,
            "review": review,
            "sections": sections,
            "form": form,
            "decisions": [(decision, Decision(decision).label) for decision in decisions],
            "shows_documents": request.user.has_perm("sellers.view_document"),
            "full_numbers": full_numbers,
        }
        return TemplateResponse(request, "admin/sellers/seller/review.html", context)

    # Actions on several sellers ------------------------------------------------------------------------------------

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
