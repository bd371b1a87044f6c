"""Seller businesses, their users, the KYC profile and documents, the onboarding state machine and its audit trail.

Writes go through ``sellers.services``; the one place a seller's status changes is ``services.seller_transition``,
which enforces ``TRANSITIONS`` below.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxports.audit import AuditEvent
from sellers import geo
from sellers.fields import EncryptedCharField, mask
from sellers.storage import private_storage


class SellerStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    # An approved or active seller whose trade licence or ERC expired: uploads the renewal and submits again.
    ACTION_NEEDED = "action_needed", _("Action needed")


S = SellerStatus

# The onboarding state machine: from → the states it may move to. Enforced by services.seller_transition only.
TRANSITIONS = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.UNDER_REVIEW},
    S.UNDER_REVIEW: {S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED},
    S.CHANGES_REQUESTED: {S.SUBMITTED},
    S.APPROVED: {S.ACTIVE, S.ACTION_NEEDED},
    S.ACTIVE: {S.SUSPENDED, S.ACTION_NEEDED},
    S.SUSPENDED: {S.ACTIVE},
    S.ACTION_NEEDED: {S.SUBMITTED, S.SUSPENDED},
    S.REJECTED: set(),
}

# States in which the seller may change the profile and documents (everything else is under review or decided).
EDITABLE_STATES = frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.ACTION_NEEDED})
# States of a seller that was approved, so must have (or get) its Alibaba.com supplier account.
PROVISIONED_STATES = frozenset({S.APPROVED, S.ACTIVE, S.SUSPENDED, S.ACTION_NEEDED})
# The seller's rights in the program, the one definition the other domains ask (``Seller.may_sell``,
# ``Seller.is_in_program``): only an active seller lists on Alibaba.com; an approved seller may prepare its catalog.
SELLING_STATES = frozenset({S.ACTIVE})
PROGRAM_STATES = frozenset({S.APPROVED, S.ACTIVE, S.ACTION_NEEDED})
# Identifiers kept encrypted, masked in audit rows, and shown in full only to staff who decide on sellers.
SENSITIVE_FIELDS = frozenset({"owner_nid", "bank_account_number"})


class BusinessType(models.TextChoices):
    PROPRIETORSHIP = "proprietorship", _("Sole proprietorship")
    PARTNERSHIP = "partnership", _("Partnership")
    PRIVATE_LIMITED = "private_limited", _("Private limited company")


class ExportTurnover(models.TextChoices):
    NONE = "none", _("No exports yet")
    UNDER_50K = "lt_50k", _("Under US$50,000")
    UNDER_250K = "lt_250k", _("US$50,000 – 250,000")
    UNDER_1M = "lt_1m", _("US$250,000 – 1 million")
    OVER_1M = "gte_1m", _("US$1 million or more")


class Sector(models.Model):
    """A sector of the export program that a seller works in (jute, leather, seafood…): the program's own short list,
    chosen on the seller's profile; not a product category (those come from the gateway: ``catalog.Category``)."""

    code = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name


# How long a submission has waited for a decision, in days: the bands staff filter and count by.
REVIEW_WAIT_BANDS = {"lt1": (0, 1), "1to3": (1, 3), "3to7": (3, 7), "gt7": (7, None)}


class SellerQuerySet(models.QuerySet):
    def waiting_for_review(self, *, min_days=0, max_days=None, now=None):
        """Submitted or under review, waiting since at least ``min_days`` and less than ``max_days`` days."""
        now = now or timezone.now()
        waiting = self.filter(
            status__in=[SellerStatus.SUBMITTED, SellerStatus.UNDER_REVIEW],
            submitted_at__lte=now - timedelta(days=min_days),
        )
        if max_days is not None:
            waiting = waiting.filter(submitted_at__gt=now - timedelta(days=max_days))
        return waiting


class Seller(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=SellerStatus.choices, default=SellerStatus.DRAFT)

    # Business profile
    legal_name = models.CharField(_("legal name (English, as registered)"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    business_type = models.CharField(_("business type"), max_length=20, choices=BusinessType.choices, blank=True)
    year_established = models.PositiveSmallIntegerField(_("year established"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    categories = models.ManyToManyField(Sector, verbose_name=_("main sectors"), blank=True)
    export_turnover = models.CharField(
        _("annual export turnover"), max_length=10, choices=ExportTurnover.choices, blank=True
    )
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    division = models.CharField(_("division"), max_length=20, choices=geo.DIVISION_CHOICES, blank=True)
    district = models.CharField(_("district"), max_length=30, choices=geo.DISTRICT_CHOICES, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=14, blank=True)

    # Identifiers
    trade_licence_number = models.CharField(_("trade licence number"), max_length=40, blank=True)
    trade_licence_authority = models.CharField(_("issuing authority"), max_length=120, blank=True)
    trade_licence_expires_on = models.DateField(_("trade licence expiry date"), null=True, blank=True)
    etin = models.CharField(_("e-TIN"), max_length=12, blank=True)
    bin = models.CharField(_("BIN"), max_length=13, blank=True)
    erc_number = models.CharField(_("ERC number"), max_length=40, blank=True)
    erc_expires_on = models.DateField(_("ERC expiry date"), null=True, blank=True)

    # Owner and payouts
    owner_name = models.CharField(_("owner's name (as on the NID)"), max_length=120, blank=True)
    owner_nid = EncryptedCharField(_("owner's NID number"), max_length=17, blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    bank_branch = models.CharField(_("branch"), max_length=120, blank=True)
    bank_routing_number = models.CharField(_("routing number"), max_length=9, blank=True)
    bank_account_number = EncryptedCharField(_("account number"), max_length=20, blank=True)
    bank_account_name = models.CharField(_("account name"), max_length=200, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # A permanent failure of the supplier-account provisioning, shown to staff until it succeeds.
    provisioning_error = models.TextField(_("provisioning error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SellerQuerySet.as_manager()

    class Meta:
        ordering = ["legal_name", "id"]
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")
        permissions = [("decide_seller", _("Can decide on seller applications (approve, reject, suspend)"))]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # The program figures' cohorts: the sellers who signed up in a range.
            models.Index(fields=["created_at"], name="sellers_seller_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SellerStatus.values), name="seller_status_valid"),
            models.CheckConstraint(
                condition=~Q(status__in=[S.SUBMITTED, S.UNDER_REVIEW]) | Q(submitted_at__isnull=False),
                name="seller_submitted_has_time",
            ),
        ]

    def __str__(self):
        return self.legal_name

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATES

    @property
    def may_sell(self):
        """Whether the seller may have listings on Alibaba.com now (publish, update, keep them live)."""
        return self.status in SELLING_STATES

    @property
    def is_in_program(self):
        """Whether the seller was approved into the program (and is not suspended or rejected)."""
        return self.status in PROGRAM_STATES

    @property
    def owner_nid_masked(self):
        return mask(self.owner_nid)

    @property
    def bank_account_number_masked(self):
        return mask(self.bank_account_number)


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")


class SellerMember(models.Model):
    """A user of a seller. A user belongs to one seller at most; each seller has exactly one owner."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seller_membership")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "created_at", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["seller"], condition=Q(role="owner"), name="seller_one_owner"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_owner(self):
        return self.role == MemberRole.OWNER


class Invitation(models.Model):
    """An invitation for a person to join a seller's team. Only a hash of the token is stored; the link in the
    e-mail is the only copy of the token."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return self.email

    def is_open(self, now=None):
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > (now or timezone.now())


class AccountClaim(models.Model):
    """The link that lets the owner of a seller created on their behalf (by a partner organisation) set a password
    and take over the account. Only a hash of the token is stored; the e-mail holds the only copy."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("account claim")
        verbose_name_plural = _("account claims")

    def __str__(self):
        return f"{self.user} ({self.seller})"

    def is_open(self, now=None):
        return self.claimed_at is None and self.revoked_at is None and self.expires_at > (now or timezone.now())


class DocumentKind(models.TextChoices):
    TRADE_LICENCE = "trade_licence", _("Trade licence")
    ETIN_CERTIFICATE = "etin_certificate", _("e-TIN certificate")
    ERC = "erc", _("Export registration certificate (ERC)")
    NID_FRONT = "nid_front", _("Owner's NID, front")
    NID_BACK = "nid_back", _("Owner's NID, back")
    BANK_PROOF = "bank_proof", _("Bank statement or cheque leaf")


DOCUMENT_EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def document_upload_to(instance, filename):
    # The person's file name never reaches the disk: a random name under the seller's folder, and the extension
    # of the detected content type.
    return f"kyc/{instance.seller.public_id}/{uuid.uuid4().hex}{instance.extension}"


class Document(models.Model):
    """An uploaded KYC document. A replacement keeps the earlier file (``is_current`` False) for the audit trail."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(storage=private_storage, upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    is_current = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["seller", "kind"], condition=Q(is_current=True), name="document_one_current_per_kind"
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="document_allowed_type",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.original_name})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("sellers:document", kwargs={"public_id": self.public_id})

    @property
    def extension(self):
        return DOCUMENT_EXTENSIONS[self.content_type]


class EventKind(models.TextChoices):
    CREATED = "created", _("Business created")
    TRANSITION = "transition", _("Status changed")
    PROFILE = "profile", _("Profile changed")
    DOCUMENT = "document", _("Document uploaded")
    TEAM = "team", _("Team changed")
    REMINDER = "reminder", _("Reminder sent")
    PROVISIONING = "provisioning", _("Supplier account")
    ACCESS = "access", _("Access of an organisation")
    PRODUCT_DELETED = "product_deleted", _("Product deleted")


class SellerEvent(AuditEvent):
    """The audit trail: who did what to a seller, when, what changed (before → after) and why.

    ``changes`` is ``{field: [before, after]}``; sensitive values are stored masked."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=SellerStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=SellerStatus.choices, blank=True)

    class Meta(AuditEvent.Meta):
        indexes = [
            models.Index(fields=["seller", "-created_at"]),
            # The program figures: the decisions and steps of a range.
            models.Index(fields=["to_status", "created_at"], name="sellers_event_status_idx"),
        ]

    CHANGE_LABELS = {
        "invited": _("Invitation"),
        "member": _("Team member"),
        "claim_sent": _("Invitation to take over the business"),
        "claimed": _("Business taken over by"),
        "supplier_id": _("Alibaba.com supplier ID"),
        "product": _("Product"),
        **{f"document:{kind.value}": kind.label for kind in DocumentKind},
    }
    SHOWN_ELSEWHERE = frozenset({"reasons"})
    SUCCESS_STATES = frozenset({SellerStatus.APPROVED, SellerStatus.ACTIVE})
    PROBLEM_STATES = frozenset(
        {SellerStatus.CHANGES_REQUESTED, SellerStatus.REJECTED, SellerStatus.SUSPENDED, SellerStatus.ACTION_NEEDED}
    )

    @classmethod
    def names_for(cls, events):
        codes = {code for event in events for code in _listed(event.changes.get("categories"))}
        return {"sectors": dict(Sector.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}}

    def value_in_words(self, name, value):
        if name == "categories" and isinstance(value, list):
            return ", ".join(self.names["sectors"].get(code) or str(code) for code in value)
        if name == "product" and isinstance(value, dict):
            return " · ".join(str(value[key]) for key in ("title", "sku") if value.get(key))
        return super().value_in_words(name, value)


def _listed(pair):
    """The codes in a ``[before, after]`` pair of lists (or ``None``s)."""
    return [code for side in pair or () if isinstance(side, list) for code in side]


class ReasonCode(models.TextChoices):
    MISSING = "missing", _("Missing")
    INVALID = "invalid", _("Not valid")
    MISMATCH = "mismatch", _("Does not match the documents")
    UNREADABLE = "unreadable", _("Not readable")
    EXPIRED = "expired", _("Expired")
    OTHER = "other", _("Other")


class ReviewReason(models.Model):
    """One problem a reviewer found, about one field or document (``target``, a key of
    ``sellers.requirements.TARGETS``). Open until the seller changes that field or document."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="review_reasons")
    event = models.ForeignKey(SellerEvent, on_delete=models.CASCADE, related_name="review_reasons")
    target = models.CharField(_("field or document"), max_length=40)
    code = models.CharField(_("problem"), max_length=20, choices=ReasonCode.choices)
    message = models.TextField(_("message to the seller"))
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("review reason")
        verbose_name_plural = _("review reasons")
        indexes = [
            models.Index(fields=["seller", "resolved_at"]),
            # The program figures' reasons given in a range, read from the index alone.
            models.Index(fields=["created_at"], include=["target", "code"], name="sellers_reason_created_idx"),
        ]

    def __str__(self):
        return f"{self.target}: {self.message}"

    @property
    def target_label(self):
        from sellers.requirements import TARGETS

        return TARGETS.get(self.target, self.target)


class ExpiryReminder(models.Model):
    """One reminder sent for one expiry date in one window, so that a reminder goes out once however often the
    beat task runs."""

    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="expiry_reminders")
    field = models.CharField(max_length=40)
    expires_on = models.DateField()
    days_before = models.SmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "field", "expires_on", "days_before"], name="reminder_once"),
        ]

    def __str__(self):
        return f"{self.field} {self.expires_on} (-{self.days_before} d)"


class SupplierAccount(models.Model):
    """The seller's Alibaba.com supplier account, created on the gateway after approval, and its tokens."""

    seller = models.OneToOneField(Seller, on_delete=models.CASCADE, related_name="supplier_account")
    supplier_id = models.CharField(_("supplier id"), max_length=64, unique=True)
    access_token = EncryptedCharField(blank=True)
    refresh_token = EncryptedCharField(blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # Set when a refresh failed for good (the refresh token expired): the seller must be authorized again.
    token_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("supplier account")
        verbose_name_plural = _("supplier accounts")

    def __str__(self):
        return self.supplier_id


class SellerMilestones(models.Model):
    """When the seller first reached each step of the program's funnel after signing up (``dxports.figures``),
    kept by the services as the step happens (the earliest time wins): the funnel reads one narrow row per seller
    of a cohort instead of every seller's audit history, inquiries and listings. The catalog and buyers record
    their steps through ``services.seller_milestone_reached``."""

    seller = models.OneToOneField(Seller, on_delete=models.CASCADE, primary_key=True, related_name="milestones")
    signed_up_at = models.DateTimeField()  # the seller's ``created_at``: the cohort it belongs to
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)  # the supplier account's creation
    first_live_at = models.DateTimeField(null=True, blank=True)
    first_inquiry_at = models.DateTimeField(null=True, blank=True)
    first_reply_at = models.DateTimeField(null=True, blank=True)

    STEPS = ("submitted_at", "approved_at", "ready_at", "first_live_at", "first_inquiry_at", "first_reply_at")

    class Meta:
        verbose_name = _("seller milestones")
        verbose_name_plural = _("seller milestones")
        indexes = [
            # The funnel's cohorts, read from the index alone.
            models.Index(
                fields=["signed_up_at"],
                include=[
                    "submitted_at",
                    "approved_at",
                    "ready_at",
                    "first_live_at",
                    "first_inquiry_at",
                    "first_reply_at",
                ],
                name="sellers_milestones_cohort_idx",
            ),
        ]

    def __str__(self):
        return f"milestones of seller {self.seller_id}"


class ReviewDecision(models.Model):
    """A reviewer's decision on a submission (approved, changes requested, rejected) with what the review figures
    ask of it, fixed when it is taken: when the decided submission was made and how many rounds of changes the
    seller was asked for before. Written with the decision's audit row (``event``), so the figures of a range read
    these rows alone rather than searching each seller's history for its submission and rounds."""

    event = models.OneToOneField(SellerEvent, on_delete=models.CASCADE, primary_key=True, related_name="decision")
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="review_decisions")
    decision = models.CharField(max_length=20, choices=SellerStatus.choices)
    decided_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)  # the decided submission's (its latest before)
    changes_before = models.PositiveIntegerField(default=0)  # changes requested of the seller before this decision

    class Meta:
        ordering = ["decided_at", "event"]
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        indexes = [
            # The review figures of a range, read from the index alone.
            models.Index(
                fields=["decided_at"],
                include=["decision", "submitted_at", "changes_before", "seller"],
                name="sellers_decision_range_idx",
            ),
        ]

    def __str__(self):
        return f"{self.decision} of seller {self.seller_id} at {self.decided_at}"
