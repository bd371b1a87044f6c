"""Company profiles and certificates for program staff.

Read here, never edited: the profile is the seller's. Staff act through actions that call one service each:
blocking and unblocking a profile (with a reason the seller reads), sending it again, and checking certificates
(verified, refused with a reason, or back to not verified). ``brand.moderate_companyprofile`` is needed to act.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from brand import rules, selectors, services
from brand.models import (
    Certificate,
    CertificateReview,
    CompanyProfile,
    ExportMarket,
    ProfileEvent,
    ProfilePhoto,
    ProfileStatus,
    TradeShow,
)
from dxports.admin_tools import (
    ModeratedAdmin,
    OptionalReasonForm,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ReasonForm,
    apply_each,
    problems_in_words,
    reason_action,
    sync_attempts_table,
)

SYNC_ATTEMPTS_SHOWN = 20


class PartInline(ReadOnlyInline):
    """Rows that belong to a profile, shown read-only on its page."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("brand.view_companyprofile")


class ExportMarketInline(PartInline):
    model = ExportMarket
    fields = ("country", "share")
    readonly_fields = fields


class TradeShowInline(PartInline):
    model = TradeShow
    fields = ("name", "year", "country")
    readonly_fields = fields


class ProfilePhotoInline(PartInline):
    model = ProfilePhoto
    fields = ("kind", "position", "photo_link", "width", "height", "size_bytes")
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def photo_link(self, obj):
        url = reverse("brand:photo", args=[obj.public_id])
        return format_html('<a href="{}"><img src="{}" alt="" width="80"></a>', url, f"{url}thumbnail/")


class CertificateInline(PartInline):
    model = Certificate
    fields = ("type", "number", "issuer", "valid_from", "valid_until", "review", "on_gateway")
    readonly_fields = fields
    show_change_link = True


class ProfileEventInline(PartInline):
    model = ProfileEvent
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "version", "changes", "reason")
    readonly_fields = fields
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class SyncAttentionFilter(admin.SimpleListFilter):
    title = _("sync needs attention")
    parameter_name = "sync_attention"

    def lookups(self, request, model_admin):
        return [("failed", _("sync failed")), ("stuck", _("stuck: being sent for over 30 minutes"))]

    def queryset(self, request, queryset):
        conditions = {"failed": queryset.filter(status=ProfileStatus.SYNC_FAILED), "stuck": queryset.sync_stuck()}
        return conditions.get(self.value() or "", queryset)


@admin.register(CompanyProfile)
class CompanyProfileAdmin(ModeratedAdmin):
    list_display = ["seller", "status", "employees", "year_established", "version", "synced_version", "updated_at"]
    list_filter = [SyncAttentionFilter, "status"]
    list_select_related = ["seller"]
    search_fields = ["seller__legal_name", "company_story"]
    date_hierarchy = "updated_at"
    inlines = [ExportMarketInline, TradeShowInline, ProfilePhotoInline, CertificateInline, ProfileEventInline]
    actions = ["block", "unblock", "send_again"]
    moderate_permission = "brand.moderate_companyprofile"
    moderated = "profile"
    block_service = staticmethod(services.profile_block)
    unblock_service = staticmethod(services.profile_unblock)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in CompanyProfile._meta.fields] + ["problems_display", "attempts_display"]

    @admin.display(description=_("completeness check"))
    def problems_display(self, obj):
        problems = rules.profile_problems(obj)
        return problems_in_words(
            problems, score_label=_("Completeness score"), score=rules.completeness_score(problems)
        )

    @admin.display(description=_("sync attempts (newest first)"))
    def attempts_display(self, obj):
        attempts = list(selectors.profile_sync_history(profile=obj)[:SYNC_ATTEMPTS_SHOWN])
        return sync_attempts_table(attempts)

    @admin.action(description=_("Send to Alibaba.com again"), permissions=["moderate"])
    def send_again(self, request, queryset):
        apply_each(
            self,
            request,
            queryset.select_related("seller"),
            lambda profile: services.profile_send(profile=profile, actor=request.user),
            title=_("Sent again"),
        )


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("valid", _("valid")), ("expiring", _("expires within 30 days")), ("expired", _("expired"))]

    def queryset(self, request, queryset):
        today = rules.today()
        conditions = {
            "valid": queryset.filter(valid_from__lte=today, valid_until__gte=today),
            "expiring": queryset.filter(valid_until__gte=today, valid_until__lte=today + rules.EXPIRY_NOTICE),
            "expired": queryset.filter(valid_until__lt=today),
        }
        return conditions.get(self.value() or "", queryset)


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["type", "number", "seller", "issuer", "valid_from", "valid_until", "review", "on_gateway"]
    list_filter = ["review", ValidityFilter, "type", "on_gateway"]
    list_select_related = ["profile__seller"]
    search_fields = ["number", "issuer", "profile__seller__legal_name"]
    actions = ["verify", "refuse", "unverify"]
    exclude = ["file"]  # private: it has no URL; ``file_link`` leads to the permission-checked view

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Certificate._meta.fields if field.name != "file"] + ["file_link"]

    @admin.display(description=_("seller"), ordering="profile__seller__legal_name")
    def seller(self, obj):
        return obj.profile.seller

    @admin.display(description=_("file"))
    def file_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> ({}, {} bytes)',
            reverse("brand:certificate", args=[obj.public_id]),
            obj.original_name,
            obj.content_type,
            obj.size,
        )

    def has_moderate_permission(self, request):
        return request.user.has_perm("brand.moderate_companyprofile")

    def _review(self, request, queryset, *, verdict, title, action, form_class=OptionalReasonForm):
        return reason_action(
            self,
            request,
            queryset.select_related("profile__seller"),
            action=action,
            title=title,
            call=lambda certificate, note: services.certificate_review(
                certificate=certificate, actor=request.user, verdict=verdict, note=note
            ),
            allowed=self.has_moderate_permission(request),
            form_class=form_class,
            label=lambda certificate: f"{certificate} — {certificate.profile.seller}",
            describe=lambda certificate: (
                f"{certificate.issuer}, {certificate.valid_from:%Y-%m-%d} – {certificate.valid_until:%Y-%m-%d}"
                f"{' (' + str(_('expired')) + ')' if certificate.valid_until < rules.today() else ''}"
            ),
        )

    @admin.action(description=_("Mark verified (checked with the issuer)"), permissions=["moderate"])
    def verify(self, request, queryset):
        return self._review(
            request, queryset, verdict=CertificateReview.VERIFIED, title=_("Mark verified"), action="verify"
        )

    @admin.action(
        description=_("Refuse (with a reason the seller sees; buyers no longer see it)"), permissions=["moderate"]
    )
    def refuse(self, request, queryset):
        return self._review(
            request,
            queryset,
            verdict=CertificateReview.REFUSED,
            title=_("Refuse"),
            action="refuse",
            form_class=ReasonForm,
        )

    @admin.action(description=_("Back to not verified"), permissions=["moderate"])
    def unverify(self, request, queryset):
        return self._review(
            request, queryset, verdict=CertificateReview.UNVERIFIED, title=_("Back to not verified"), action="unverify"
        )
