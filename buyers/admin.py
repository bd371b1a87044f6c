"""Inquiries and their messages for program staff, read-only, and the program's reply times per seller.

Staff read inquiries here; nobody replies as a seller from the admin (there is no such action, and replying is not
an admin permission at all). Spam reports are handled through one service (``buyers.handle_spam``): marking an
inquiry as spam, or taking the mark back, with a reason on an intermediate page.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from buyers import selectors, services
from buyers.models import Buyer, Inquiry, InquiryEvent, InquiryStatus, Message
from dxports.admin_tools import ReadOnlyAdmin, ReadOnlyInline, reason_action


class PartInline(ReadOnlyInline):
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("buyers.view_inquiry")


class MessageInline(PartInline):
    model = Message
    fields = ("created_at", "sender", "content", "delivery", "failure_reason", "gateway_message_id")
    readonly_fields = fields
    ordering = ["created_at", "id"]


class InquiryEventInline(PartInline):
    model = InquiryEvent
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "changes", "reason")
    readonly_fields = fields
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting for an answer")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("waiting")), ("no", _("not waiting"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.waiting()
        if self.value() == "no":
            return queryset.filter(awaiting_reply_since__isnull=True)
        return queryset


@admin.register(Inquiry)
class InquiryAdmin(ReadOnlyAdmin):
    list_display = ["subject", "seller", "buyer", "country", "status", "received_at", "awaiting_reply_since",
                    "response_hours_display"]  # fmt: skip
    list_filter = ["status", WaitingFilter, "buyer__country", ("seller", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["seller", "buyer"]
    search_fields = ["subject", "buyer__name", "buyer__company", "seller__legal_name", "=gateway_inquiry_id"]
    date_hierarchy = "received_at"
    inlines = [MessageInline, InquiryEventInline]
    actions = ["mark_spam", "clear_spam"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Inquiry._meta.fields]

    @admin.display(description=_("country"), ordering="buyer__country")
    def country(self, obj):
        return obj.buyer.country.name if obj.buyer.country else ""

    @admin.display(description=_("first answer after (h)"), ordering="response_seconds")
    def response_hours_display(self, obj):
        return "—" if obj.response_hours is None else f"{obj.response_hours:.1f}"

    def has_handle_spam_permission(self, request):
        return request.user.has_perm("buyers.handle_spam")

    def _spam(self, request, queryset, *, title, to, action):
        return reason_action(
            self,
            request,
            queryset.select_related("seller", "buyer"),
            action=action,
            title=title,
            call=lambda inquiry, reason: services.inquiry_transition(
                inquiry=inquiry, to=to, actor=request.user, reason=reason
            ),
            allowed=self.has_handle_spam_permission(request),
            label=lambda inquiry: f"{inquiry.subject} — {inquiry.buyer} → {inquiry.seller}",
            describe=lambda inquiry: inquiry.get_status_display(),
        )

    @admin.action(description=_("Mark as spam"), permissions=["handle_spam"])
    def mark_spam(self, request, queryset):
        return self._spam(request, queryset, title=_("Mark as spam"), to=InquiryStatus.SPAM, action="mark_spam")

    @admin.action(description=_("Not spam (back to read)"), permissions=["handle_spam"])
    def clear_spam(self, request, queryset):
        return self._spam(request, queryset, title=_("Not spam"), to=InquiryStatus.READ, action="clear_spam")

    def get_urls(self):
        return [
            path("reply-times/", self.admin_site.admin_view(self.reply_times_view), name="buyers_reply_times"),
            *super().get_urls(),
        ]

    def reply_times_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/buyers/inquiry/reply_times.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Reply times per seller (last 30 days)"),
                "rows": selectors.program_reply_times(),
            },
        )


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["inquiry", "sender", "delivery", "created_at", "preview"]
    list_filter = ["sender", "delivery"]
    list_select_related = ["inquiry"]
    search_fields = ["content", "=gateway_message_id", "inquiry__subject"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Message._meta.fields]

    @admin.display(description=_("message"))
    def preview(self, obj):
        return obj.content[:100]


@admin.register(Buyer)
class BuyerAdmin(ReadOnlyAdmin):
    list_display = ["name", "company", "country", "created_at"]
    list_filter = ["country"]
    search_fields = ["name", "company"]
    readonly_fields = ["name", "company", "country", "created_at", "public_id"]
    exclude = ["key"]
