"""Buyers, their inquiries and the threads both ways, quotations, the files buyers attach, and what helps the seller
answer fast: reply templates, the working week, notification choices.

Writes go through ``buyers.services``; an inquiry's status changes only through ``services.MACHINE`` (the door
``inquiry_transition``), which enforces ``TRANSITIONS`` below. Rows that come from the gateway carry its ids under
unique constraints, so a push and a pull of the same inquiry or message, in any order and any number of times,
store it once.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from buyers import workhours
from dxports.audit import AuditEvent
from dxports.storage import PrivateStorage


class InquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    READ = "read", _("Read")
    REPLIED = "replied", _("Replied")
    NEGOTIATING = "negotiating", _("Negotiating")
    QUOTED = "quoted", _("Quoted")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    CLOSED = "closed", _("Closed")
    SPAM = "spam", _("Spam")


S = InquiryStatus

# The inquiry's life: from → the states it may move to. Enforced by services.MACHINE only.
# new → read (a seller's user opens it) → replied (the first answer) → negotiating (the buyer writes back) → quoted
# (a quotation is sent) → won | lost | closed. An answer or a quotation may come straight from new or read; a
# quotation may be followed by more talk (negotiating) and another quotation. Spam is reported instead of an answer
# (it counts as a response, as on Alibaba.com) and can be taken back (read). A buyer who writes again after a lost
# or closed inquiry reopens it (negotiating); a won deal stays won.
TRANSITIONS = {
    S.NEW: {S.READ, S.REPLIED, S.QUOTED, S.CLOSED, S.SPAM},
    S.READ: {S.REPLIED, S.QUOTED, S.CLOSED, S.SPAM},
    S.REPLIED: {S.NEGOTIATING, S.QUOTED, S.WON, S.LOST, S.CLOSED, S.SPAM},
    S.NEGOTIATING: {S.QUOTED, S.WON, S.LOST, S.CLOSED, S.SPAM},
    S.QUOTED: {S.NEGOTIATING, S.WON, S.LOST, S.CLOSED},
    S.WON: set(),
    S.LOST: {S.NEGOTIATING},
    S.CLOSED: {S.NEGOTIATING},
    S.SPAM: {S.READ},
}
# The states a seller may choose from the thread page (the others follow from what happens in the thread).
OUTCOME_STATES = (S.WON, S.LOST, S.CLOSED, S.SPAM)
# States in which a buyer's message asks for an answer again (the seller had answered).
ANSWERED_STATES = frozenset({S.REPLIED, S.QUOTED, S.LOST, S.CLOSED})
# States that end the wait for an answer without one.
NOT_WAITING_STATES = frozenset({S.WON, S.LOST, S.CLOSED, S.SPAM})
# What Alibaba.com ranks: answered within 24 hours, over the last 30 days.
RESPONSE_TARGET = timedelta(hours=24)
RATE_WINDOW = timedelta(days=30)

# The outbox kinds of buyers (handled in buyers.sync).
REPLY_KIND = "inquiry.reply"
ATTACHMENTS_KIND = "inquiry.attachments"

# Sizes that outside text is cut to or refused at (services.clean_text): a buyer's message on Alibaba.com is at most
# a few thousand characters; anything far larger is not a message.
MAX_SUBJECT = 300
MAX_CONTENT = 20_000
MAX_NAME = 200
MAX_REPLY = 8000  # the gateway's limit on a reply


class Buyer(models.Model):
    """One importer, however many inquiries they send. The gateway gives no buyer id, so a buyer is known by name,
    company and country (``key``: a hash of the three, case and spacing folded)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=MAX_NAME)
    company = models.CharField(_("company"), max_length=MAX_NAME, blank=True)
    country = CountryField(_("country"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("buyer")
        verbose_name_plural = _("buyers")

    def __str__(self):
        return f"{self.name} ({self.company})" if self.company else self.name


class InquiryQuerySet(models.QuerySet):
    def waiting(self):
        """Waiting for the seller's answer: the one definition, used by the badge, filters and reminders."""
        return self.filter(awaiting_reply_since__isnull=False)


class Inquiry(models.Model):
    """A buyer's inquiry to a seller about a product. ``product`` is ours when we hold the product the gateway
    names (by ``custom_code``); an inquiry about a product we no longer hold keeps the gateway's id and code.

    ``awaiting_reply_since`` is set while the latest word is the buyer's and the seller has not answered; the first
    answer (a reply, a quotation or a spam report) fills ``first_response_at`` and the two response times."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="inquiries")
    buyer = models.ForeignKey(Buyer, on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("buyer"))
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("product"),
    )
    gateway_inquiry_id = models.BigIntegerField(_("Alibaba.com inquiry id"), unique=True)
    gateway_product_id = models.BigIntegerField(_("Alibaba.com product id"), null=True, blank=True)
    custom_code = models.CharField(_("listing id"), max_length=64, blank=True)
    subject = models.CharField(_("subject"), max_length=MAX_SUBJECT)
    quantity = models.PositiveBigIntegerField(_("quantity"), null=True, blank=True)
    quantity_unit = models.CharField(_("unit"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=InquiryStatus.choices, default=InquiryStatus.NEW)
    status_changed_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(_("received at"), help_text=_("When the buyer sent it (the gateway's time)."))
    last_message_at = models.DateTimeField(_("last message at"))
    has_unread = models.BooleanField(_("unread"), default=True)
    awaiting_reply_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    reminder_sent_for = models.DateTimeField(null=True, blank=True, help_text=_("The wait the last reminder was for."))
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the seller's users were e-mailed about the new inquiry.")
    )
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    response_seconds = models.PositiveBigIntegerField(_("response time (s)"), null=True, blank=True)
    response_working_seconds = models.PositiveBigIntegerField(
        _("response time in working hours (s)"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-has_unread", "-last_message_at", "-id"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        permissions = [("handle_spam", _("Can mark inquiries as spam and take the mark back"))]
        indexes = [
            models.Index(fields=["seller", "-has_unread", "-last_message_at"], name="buyers_inbox_idx"),
            models.Index(fields=["seller", "received_at"], name="buyers_inquiry_received_idx"),
            models.Index(
                fields=["seller", "awaiting_reply_since"],
                condition=Q(awaiting_reply_since__isnull=False),
                name="buyers_inquiry_waiting_idx",
            ),
            models.Index(
                fields=["created_at"], condition=Q(notified_at__isnull=True), name="buyers_inquiry_unnotified_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=InquiryStatus.values), name="inquiry_status_valid"),
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True) | Q(response_seconds__isnull=False),
                name="inquiry_response_time_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.subject} ({self.gateway_inquiry_id})"

    @property
    def is_waiting(self):
        return self.awaiting_reply_since is not None

    @property
    def response_hours(self):
        return None if self.response_seconds is None else self.response_seconds / 3600

    @property
    def response_working_hours(self):
        return None if self.response_working_seconds is None else self.response_working_seconds / 3600


class Sender(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")


class Delivery(models.TextChoices):
    """How a seller's message is doing on its way to the buyer (the ``inquiry.reply`` outbox job)."""

    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """One message of a thread, both ways, in order of ``created_at``. The buyer's opening is a message too
    (``is_opening``). A seller's message is ``sending`` until the gateway has it (``gateway_message_id``), or
    ``failed`` with the reason; a buyer's message has no delivery state."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    gateway_message_id = models.BigIntegerField(_("Alibaba.com message id"), null=True, blank=True, unique=True)
    sender = models.CharField(_("from"), max_length=8, choices=Sender.choices)
    is_opening = models.BooleanField(default=False)
    content = models.TextField(_("message"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    delivery = models.CharField(_("delivery"), max_length=8, choices=Delivery.choices, blank=True)
    failure_reason = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["inquiry", "created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["inquiry", "created_at"], name="buyers_message_thread_idx")]
        constraints = [
            models.UniqueConstraint(fields=["inquiry"], condition=Q(is_opening=True), name="message_one_opening"),
            models.CheckConstraint(
                condition=(Q(sender="buyer") & Q(delivery="")) | (Q(sender="seller") & ~Q(delivery="")),
                name="message_delivery_only_for_seller",
            ),
            models.CheckConstraint(
                condition=~Q(delivery="sent") | Q(gateway_message_id__isnull=False), name="message_sent_has_id"
            ),
        ]

    def __str__(self):
        return f"{self.get_sender_display()}: {self.content[:60]}"


class Incoterm(models.TextChoices):
    """Incoterms 2020, as the gateway takes them."""

    EXW = "EXW", _("EXW: Ex Works")
    FCA = "FCA", _("FCA: Free Carrier")
    FAS = "FAS", _("FAS: Free Alongside Ship")
    FOB = "FOB", _("FOB: Free On Board")
    CFR = "CFR", _("CFR: Cost and Freight")
    CIF = "CIF", _("CIF: Cost, Insurance and Freight")
    CPT = "CPT", _("CPT: Carriage Paid To")
    CIP = "CIP", _("CIP: Carriage and Insurance Paid To")
    DAP = "DAP", _("DAP: Delivered At Place")
    DPU = "DPU", _("DPU: Delivered at Place Unloaded")
    DDP = "DDP", _("DDP: Delivered Duty Paid")


# Under these the buyer's carrier takes the goods at the seller's door or a named place: no port of loading.
NO_PORT_TERMS = frozenset({Incoterm.EXW, Incoterm.FCA})
# C and D terms name the destination.
DESTINATION_TERMS = frozenset(
    {Incoterm.CFR, Incoterm.CIF, Incoterm.CPT, Incoterm.CIP, Incoterm.DAP, Incoterm.DPU, Incoterm.DDP}
)


class Quotation(models.Model):
    """The export terms of a seller's quotation message (docs/gateway.md, ``/dexports/inquiry/reply``).
    ``payment_terms`` is a list of the gateway's payment methods."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="quotation")
    price = models.DecimalField(_("price per unit (USD)"), max_digits=9, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=20)
    incoterm = models.CharField(_("Incoterm"), max_length=3, choices=Incoterm.choices)
    port_of_loading = models.CharField(_("port of loading"), max_length=128, blank=True)
    destination = models.CharField(_("destination"), max_length=128, blank=True)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"))
    payment_terms = models.JSONField(_("payment terms"), default=list)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    sample_terms = models.CharField(_("sample terms"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=Decimal("0.01")), name="quotation_price_positive"),
            models.CheckConstraint(condition=Q(incoterm__in=Incoterm.values), name="quotation_incoterm_valid"),
        ]

    def __str__(self):
        return f"US${self.price} × {self.quantity} {self.unit} {self.incoterm}"


class AttachmentStatus(models.TextChoices):
    PENDING = "pending", _("Being fetched")
    STORED = "stored", _("Stored")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Could not be fetched")


# Buyers' files: no URL, served only by the seller's permission-checked view.
_attachment_storage = PrivateStorage(root_setting="BUYERS_PRIVATE_ROOT")


def attachment_storage() -> PrivateStorage:
    return _attachment_storage


def attachment_upload_to(instance, filename):
    # The buyer's file name never reaches the disk.
    return f"inquiries/{instance.inquiry.public_id}/{instance.public_id}{instance.extension}"


class Attachment(models.Model):
    """A file a buyer attached to a message, fetched in the background (``inquiry.attachments``), checked by its
    content and kept in private storage: it reaches a browser only through the seller's permission-checked view."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    gateway_attachment_id = models.BigIntegerField(unique=True)
    file_name = models.CharField(_("file name"), max_length=200)
    declared_type = models.CharField(max_length=100, blank=True)
    declared_size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=AttachmentStatus.choices, default=AttachmentStatus.PENDING)
    problem = models.TextField(blank=True)
    file = models.FileField(storage=attachment_storage, upload_to=attachment_upload_to, max_length=200, blank=True)
    content_type = models.CharField(max_length=40, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    stored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["message", "gateway_attachment_id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(condition=~Q(status="stored") | ~Q(file=""), name="attachment_stored_has_file"),
        ]

    def __str__(self):
        return self.file_name

    @property
    def extension(self):
        return {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(self.content_type, "")


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Status changed")
    REPLY = "reply", _("Reply written")
    DELIVERY = "delivery", _("Delivery")


class InquiryEvent(AuditEvent):
    """The audit trail: who did what to an inquiry, when, what changed (before → after) and why."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    from_status = models.CharField(max_length=16, choices=InquiryStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=InquiryStatus.choices, blank=True)

    class Meta(AuditEvent.Meta):
        indexes = [models.Index(fields=["inquiry", "-created_at"])]


class ReplyTemplate(models.Model):
    """A seller's saved answer. ``body`` may hold the placeholders of ``buyers.placeholders``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="reply_templates")
    name = models.CharField(_("name"), max_length=80)
    body = models.TextField(_("text"), max_length=MAX_REPLY)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        constraints = [models.UniqueConstraint(fields=["seller", "name"], name="reply_template_name_unique")]

    def __str__(self):
        return self.name


class WorkingWeek(models.Model):
    """A seller's working week (Asia/Dhaka): the daily hours and the weekly off-days (``off_days``: weekday numbers,
    Monday 0); public holidays are ``Holiday`` rows. A seller without one has the default week (Friday off)."""

    seller = models.OneToOneField("sellers.Seller", on_delete=models.CASCADE, related_name="working_week")
    day_starts_at = models.TimeField(_("working day starts at"), default=workhours.DEFAULT_DAY_STARTS_AT)
    day_ends_at = models.TimeField(_("working day ends at"), default=workhours.DEFAULT_DAY_ENDS_AT)
    off_days = models.JSONField(_("weekly off-days"), default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("working week")
        verbose_name_plural = _("working weeks")

    def __str__(self):
        return f"{self.seller_id}: {self.day_starts_at:%H:%M}–{self.day_ends_at:%H:%M}"


class Holiday(models.Model):
    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["seller", "date"], name="holiday_unique_per_seller")]

    def __str__(self):
        return f"{self.date} {self.name}"


class NotificationSettings(models.Model):
    """What a user wants to hear about inquiries by e-mail (a user without a row gets everything)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inquiry_settings")
    new_inquiry_email = models.BooleanField(_("e-mail me when a new inquiry arrives"), default=True)
    daily_digest_email = models.BooleanField(_("e-mail me a daily digest"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inquiry e-mail settings")
        verbose_name_plural = _("inquiry e-mail settings")

    def __str__(self):
        return str(self.user_id)


class PullCursor(models.Model):
    """Where the pull of ``/dexports/inquiry/list`` stopped for a seller's supplier account: the gateway's
    ``next_cursor``, kept so the next pull asks only for what changed."""

    seller = models.OneToOneField("sellers.Seller", on_delete=models.CASCADE, related_name="inquiry_cursor")
    cursor = models.CharField(max_length=128, blank=True)
    pulled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("inquiry pull cursor")
        verbose_name_plural = _("inquiry pull cursors")

    def __str__(self):
        return f"{self.seller_id}: {self.cursor or '-'}"
