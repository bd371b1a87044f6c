"""Partner organisations, their API keys and scopes, the access sellers give them, idempotency records, and outbound
webhooks (endpoints, deliveries and every attempt).

Writes go through ``partners.services`` (organisations, keys, access, endpoints) and ``partners.webhooks`` (the
delivery engine); the API reads through ``partners.selectors``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    SELLERS_READ = "sellers:read", _("Read sellers")
    SELLERS_WRITE = "sellers:write", _("Create and change sellers")
    CATALOG_READ = "catalog:read", _("Read products")
    CATALOG_WRITE = "catalog:write", _("Create, change and publish products")
    INQUIRIES_READ = "inquiries:read", _("Read buyer inquiries")
    INQUIRIES_WRITE = "inquiries:write", _("Answer buyer inquiries")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage webhooks")


# The scopes a seller grants a partner on its own data (``webhooks:manage`` is about the partner's own endpoints).
SELLER_SCOPES = (
    Scope.SELLERS_READ,
    Scope.SELLERS_WRITE,
    Scope.CATALOG_READ,
    Scope.CATALOG_WRITE,
    Scope.INQUIRIES_READ,
    Scope.INQUIRIES_WRITE,
)


class Partner(models.Model):
    """An organisation that works with many exporters through the API (a chamber of commerce, a bank, a logistics
    firm). It acts through ``service_user``, an account that cannot log in and that every audit trail records as
    the actor of what the partner did ("<name> (API)")."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    contact_email = models.EmailField(_("contact e-mail"), help_text=_("Told when a webhook endpoint is disabled."))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="en")
    is_active = models.BooleanField(_("active"), default=True, help_text=_("An inactive partner's keys are refused."))
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name


class KeyMode(models.TextChoices):
    LIVE = "live", _("Live")
    TEST = "test", _("Test")


class ApiKey(models.Model):
    """An API key: ``dxp_<mode>_<key_id>_<secret>``. Only ``key_id`` (to find it) and a keyed hash of the whole key
    are stored; the key is shown once. A key works until it is revoked or expires; rotating a key gives the new
    key an end date for the old one, so both work during the overlap."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100, blank=True)
    mode = models.CharField(_("mode"), max_length=4, choices=KeyMode.choices)
    key_id = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self):
        return f"dxp_{self.mode}_{self.key_id}_…"

    @property
    def prefix(self):
        return f"dxp_{self.mode}_{self.key_id}"

    def is_usable(self, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class SellerGrant(models.Model):
    """One scope a seller gives a partner on its data: given when the partner onboarded the seller, or by the
    seller's owner from the dashboard, and withdrawn by deleting the row (the seller's history keeps both)."""

    class Origin(models.TextChoices):
        ONBOARDED = "onboarded", _("The partner registered the business")
        GRANTED = "granted", _("Given by the business")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="grants")
    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=20, choices=[(s.value, s.label) for s in SELLER_SCOPES])
    origin = models.CharField(max_length=10, choices=Origin.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["partner", "seller", "scope"]
        verbose_name = _("access given to a partner")
        verbose_name_plural = _("access given to partners")
        constraints = [
            models.UniqueConstraint(fields=["partner", "seller", "scope"], name="seller_grant_unique"),
        ]
        indexes = [models.Index(fields=["seller", "scope"])]

    def __str__(self):
        return f"{self.partner} {self.scope} on seller {self.seller_id}"


class IdempotencyRecord(models.Model):
    """A POST or PATCH sent with an ``Idempotency-Key``, per partner: the request's fingerprint and, once it
    finished, the response, replayed for the same key and body for ``PARTNERS_IDEMPOTENCY_TTL_S``."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)  # None while it runs
    # JSON as text: an answer may quote what was sent, NUL included, which PostgreSQL's jsonb refuses.
    response_body = models.TextField(blank=True)
    locked_until = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["partner", "key"], name="idempotency_key_unique")]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self):
        return f"{self.partner_id}:{self.key}"


class WebhookEndpoint(models.Model):
    """A URL of a partner that receives the events it subscribed to, signed with a secret derived from the server's
    ``PARTNERS_SECRET_KEY`` and ``secret_salt`` (nothing in the database signs anything alone). Rotating the secret
    keeps the previous one signing too until ``previous_secret_expires_at``."""

    class Status(models.TextChoices):
        ENABLED = "enabled", _("enabled")
        DISABLED = "disabled", _("disabled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("events"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ENABLED)
    disabled_reason = models.TextField(_("why it was disabled"), blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    secret_salt = models.CharField(max_length=32, editable=False)
    previous_secret_salt = models.CharField(max_length=32, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["enabled", "disabled"]), name="webhook_endpoint_status"),
        ]

    def __str__(self):
        return self.url

    def subscribes_to(self, event_type):
        return "*" in self.event_types or event_type in self.event_types


class WebhookDelivery(models.Model):
    """One event for one endpoint, sent by the workers until the endpoint answers 2xx or the retries (more than a
    day of them) are spent. Redelivering makes it pending again; every attempt is kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SUCCEEDED = "succeeded", _("delivered")
        FAILED = "failed", _("failed (gave up)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("dxports.Event", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once_per_endpoint"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event_id} → {self.endpoint_id}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery and what came of it."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded", _("2xx")
        HTTP_ERROR = "http_error", _("answered, not 2xx")
        NETWORK_ERROR = "network_error", _("no answer (connection, timeout)")
        REFUSED = "refused", _("refused: the address is not allowed")

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["delivery", "-started_at", "-id"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self):
        return f"{self.delivery_id} #{self.number} {self.outcome}"


class EventFanout(models.Model):
    """That an event's deliveries were created (the listener after commit, or the relay when it was lost)."""

    event = models.OneToOneField("dxports.Event", on_delete=models.CASCADE, related_name="partner_fanout")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return str(self.event_id)


# The events partners hear about, and the scope a partner needs on the event's seller to hear of it.
EVENT_TYPES = (
    "seller.submitted",
    "seller.approved",
    "seller.active",
    "seller.changes_requested",
    "seller.rejected",
    "seller.suspended",
    "seller.action_needed",
    "product.live",
    "product.rejected",
    "product.sync_failed",
    "product.delisted",
    "product.blocked",
    "product.unblocked",
    "inquiry.received",
    "inquiry.replied",
    "inquiry.quoted",
    "inquiry.won",
    "inquiry.lost",
    "inquiry.closed",
)
EVENT_SCOPES = {"seller": Scope.SELLERS_READ, "product": Scope.CATALOG_READ, "inquiry": Scope.INQUIRIES_READ}


def scope_of_event(event_type):
    """The scope that lets a partner hear of ``event_type`` (``None``: no partner hears of it)."""
    return EVENT_SCOPES.get(event_type.split(".", 1)[0])
