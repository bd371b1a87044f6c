"""The outbox of work for the gateway, its attempt log, and the pushes the gateway sent us (DESIGN.md §5, §6).

``alibaba/`` knows no domain: a job is a (kind, target) pair whose meaning belongs to the domain that registered
the kind (``alibaba.outbox.register``); a push is an envelope whose ``data`` belongs to the domain that registered
its message type (``alibaba.pushes.register_push_handler``).
"""

from datetime import timedelta

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A due job that no worker has taken for this long means the workers (or the relay) are not running.
OVERDUE_AFTER = timedelta(minutes=10)


class OutboxJobQuerySet(models.QuerySet):
    """The jobs staff must look at: the one definition of "failed", "stuck" and "overdue"."""

    def failed(self):
        return self.filter(status=OutboxJob.Status.FAILED)

    def stuck(self, now=None):
        """Running past its lease: its worker died or overran."""
        return self.filter(status=OutboxJob.Status.RUNNING, lease_expires_at__lte=now or timezone.now())

    def overdue(self, now=None):
        """Due for ``OVERDUE_AFTER`` and not taken by a worker."""
        now = now or timezone.now()
        return self.filter(status=OutboxJob.Status.PENDING, next_attempt_at__lte=now - OVERDUE_AFTER)

    def needing_attention(self, now=None):
        now = now or timezone.now()
        return self.failed() | self.stuck(now) | self.overdue(now)


class OutboxJob(models.Model):
    """One row per (kind, target): "make the gateway hold version ``version`` of this target".

    ``version`` is bumped by every enqueue; ``synced_version`` is the version the last successful run started from.
    The job is ``done`` when they are equal. A worker holds the row while it runs through a lease that expires (and
    that each step of the handler renews), so a dead worker delays the work by at most the lease.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed (needs a person)")

    kind = models.CharField(max_length=64)
    target = models.CharField(max_length=255, help_text=_("The domain's key for what to sync (e.g. a product id)."))
    version = models.PositiveIntegerField(default=1, help_text=_("Desired version: bumped by every change."))
    synced_version = models.PositiveIntegerField(default=0, help_text=_("The version the gateway last received."))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(
        default=0,
        help_text=_(
            "Attempts since the last success; the job gives up after ALIBABA_OUTBOX_MAX_ATTEMPTS unless a write may "
            "have reached the gateway."
        ),
    )
    has_unconfirmed_write = models.BooleanField(
        default=False,
        help_text=_(
            "A write of this job may have reached the gateway and no successful attempt has confirmed it since: "
            "transient errors never make the job fail, the next attempt looks first."
        ),
    )
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_owner = models.CharField(max_length=128, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the last message sent to Celery becomes deliverable (send time plus countdown)."),
    )
    last_error_code = models.CharField(max_length=128, blank=True)
    last_error_message = models.TextField(blank=True)
    last_request_id = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutboxJobQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("outbox job")
        verbose_name_plural = _("outbox jobs")
        constraints = [
            models.UniqueConstraint(fields=["kind", "target"], name="alibaba_outboxjob_one_per_target"),
            models.CheckConstraint(
                condition=Q(synced_version__lte=F("version")), name="alibaba_outboxjob_synced_not_ahead"
            ),
            models.CheckConstraint(
                condition=~Q(status="running") | Q(lease_expires_at__isnull=False),
                name="alibaba_outboxjob_running_has_lease",
            ),
        ]
        indexes = [
            # The relay's two questions: which pending jobs are due, which running jobs lost their worker.
            # Partial, so they stay small while done jobs pile up.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="alibaba_outbox_due_idx"),
            models.Index(fields=["lease_expires_at"], condition=Q(status="running"), name="alibaba_outbox_lease_idx"),
            models.Index(fields=["status", "updated_at"], name="alibaba_outbox_status_idx"),
        ]

    def __str__(self):
        return f"{self.kind} {self.target} v{self.version}"


class OutboxAttempt(models.Model):
    """One run of a job's handler: what version it started from, how it ended, and what the gateway said."""

    class Outcome(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        OK = "ok", _("ok")
        TRANSIENT = "transient", _("transient error")
        TIMEOUT = "timeout", _("timeout")
        RATE_LIMITED = "rate_limited", _("rate limited")
        TOKEN_EXPIRED = "token_expired", _("token expired")
        REJECTED = "rejected", _("rejected")
        MISCONFIGURED = "misconfigured", _("misconfigured")
        CRASHED = "crashed", _("crashed")
        LOST_LEASE = "lost_lease", _("lost lease (worker died or overran)")

    job = models.ForeignKey(OutboxJob, on_delete=models.CASCADE, related_name="attempt_log")
    version = models.PositiveIntegerField()
    lease_owner = models.CharField(max_length=128, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.IN_PROGRESS)
    error_code = models.CharField(max_length=128, blank=True)
    message = models.TextField(blank=True)
    request_id = models.CharField(max_length=128, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True, help_text=_("What the handler returned (e.g. the gateway id)."))

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("outbox attempt")
        verbose_name_plural = _("outbox attempts")
        indexes = [models.Index(fields=["job", "-started_at"], name="alibaba_attempt_job_idx")]

    def __str__(self):
        return f"{self.job_id} v{self.version} {self.outcome}"


class InboundPush(models.Model):
    """A push the gateway sent to /hooks/alibaba/, stored once by ``event_id`` and processed in a task."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        PROCESSED = "processed", _("processed")
        FAILED = "failed", _("failed (needs a person)")
        UNHANDLED = "unhandled", _("failed: no handler for this message type")
        REFUSED = "refused", _("refused: not applied (the error says why)")

    event_id = models.CharField(max_length=128, unique=True)
    message_type = models.CharField(max_length=128)
    site = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)
    sent_at = models.DateTimeField(null=True, blank=True, help_text=_("The push's own timestamp."))
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound push")
        verbose_name_plural = _("inbound pushes")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="received"), name="alibaba_push_due_idx"),
            models.Index(fields=["message_type", "status"], name="alibaba_push_type_idx"),
            # The program figures: pushes by state and age.
            models.Index(fields=["status", "received_at"], name="alibaba_push_status_idx"),
        ]

    def __str__(self):
        return f"{self.message_type} {self.event_id}"
