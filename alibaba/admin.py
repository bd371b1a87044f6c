"""Staff's view of the sync: read-only records, a "needs attention" filter, and actions that call services."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alibaba import outbox, pushes
from alibaba.models import InboundPush, OutboxAttempt, OutboxJob
from dxports.admin_tools import ReadOnlyAdmin


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("any", _("any of these")),
            ("failed", _("failed")),
            ("stuck", _("stuck: running past its lease")),
            ("overdue", _("overdue: due but not taken by a worker")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        conditions = {
            "any": queryset.needing_attention(now),
            "failed": queryset.failed(),
            "stuck": queryset.stuck(now),
            "overdue": queryset.overdue(now),
        }
        return conditions.get(self.value() or "", queryset)


@admin.register(OutboxJob)
class OutboxJobAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "target",
        "status",
        "version",
        "synced_version",
        "attempts",
        "next_attempt_at",
        "last_error_code",
        "updated_at",
    ]
    list_filter = [NeedsAttentionFilter, "status", "kind"]
    search_fields = ["target", "=kind", "last_error_code", "last_error_message", "=last_request_id"]
    date_hierarchy = "updated_at"
    actions = ["retry_now"]
    fields = (
        "kind",
        "target",
        "status",
        "version",
        "synced_version",
        "attempts",
        "has_unconfirmed_write",
        "next_attempt_at",
        "lease_owner",
        "lease_expires_at",
        "dispatched_at",
        "last_error_code",
        "last_error_message",
        "last_request_id",
        "created_at",
        "updated_at",
        "attempt_log",
    )
    readonly_fields = fields

    @admin.display(description=_("attempt log"))
    def attempt_log(self, job):
        url = reverse("admin:alibaba_outboxattempt_changelist") + f"?job__id__exact={job.pk}"
        return format_html('<a href="{}">{}</a>', url, _("every attempt of this job"))

    def has_retry_permission(self, request):
        return request.user.has_perm("alibaba.change_outboxjob")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        retried = sum(outbox.retry(job=job) for job in queryset)
        skipped = len(queryset) - retried
        self.message_user(
            request, ngettext("%d job will be retried now.", "%d jobs will be retried now.", retried) % retried
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%d job was left alone: only failed, pending or stuck jobs can be retried.",
                    "%d jobs were left alone: only failed, pending or stuck jobs can be retried.",
                    skipped,
                )
                % skipped,
                level=messages.WARNING,
            )


@admin.register(OutboxAttempt)
class OutboxAttemptAdmin(ReadOnlyAdmin):
    list_display = ["id", "job", "version", "outcome", "error_code", "request_id", "started_at", "duration_ms"]
    list_filter = ["outcome", "job__kind"]
    list_select_related = ["job"]
    search_fields = ["=job__target", "=request_id", "error_code", "message"]
    raw_id_fields = ["job"]
    date_hierarchy = "started_at"


@admin.register(InboundPush)
class InboundPushAdmin(ReadOnlyAdmin):
    list_display = ["event_id", "message_type", "status", "attempts", "received_at", "processed_at"]
    list_filter = ["status", "message_type"]
    search_fields = ["=event_id", "message_type", "error"]
    date_hierarchy = "received_at"
    actions = ["process_again"]

    def has_retry_permission(self, request):
        return request.user.has_perm("alibaba.change_inboundpush")

    @admin.action(description=_("Process again"), permissions=["retry"])
    def process_again(self, request, queryset):
        retried = sum(pushes.push_retry(push=push) for push in queryset)
        self.message_user(
            request,
            ngettext("%d push will be processed again.", "%d pushes will be processed again.", retried) % retried,
        )
