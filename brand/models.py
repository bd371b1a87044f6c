"""The supplier's public company profile on Alibaba.com: who the company is (story, year, people, capacity, export
markets, trade shows), its factory photos and brand logo, its certificates, the profile's sync and review state
machine and its audit trail.

What buyers read is in English, as Alibaba.com shows it; the dashboard around it speaks the seller's language.
Writes go through ``brand.services``; the one place a profile's status changes is ``services.profile_transition``,
which enforces ``TRANSITIONS`` below. Whether a profile may be sent is decided by ``brand.rules``, not by the
database: a draft may be incomplete.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.fields import Country, CountryField

from alibaba.gateway import Unit
from dxports.audit import AuditEvent
from dxports.storage import PrivateStorage

# The outbox kind of the profile's sync (handled in brand.sync).
SYNC_KIND = "company.profile.update"


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", _("Not sent yet")
    SENDING = "sending", _("Being sent")
    IN_REVIEW = "in_review", _("In review on Alibaba.com")
    LIVE = "live", _("Live")
    REJECTED = "rejected", _("Rejected by Alibaba.com")
    SYNC_FAILED = "sync_failed", _("Sync failed")
    BLOCKED = "blocked", _("Blocked by staff")


S = ProfileStatus

# The profile's state machine: from → the states it may move to. Enforced by services.profile_transition only.
# The seller sends a draft; once the gateway holds a version, the review makes it live or rejected. While it is on
# its way, in review or live, every edit is sent at once (→ sending again; one outbox row, so ten edits cost one
# call); a rejected or failed profile is fixed, then sent again. Staff can block a profile in any state: nothing
# more is sent (the gateway has no call to withdraw a profile), and unblocking returns it to draft.
TRANSITIONS = {
    S.DRAFT: {S.SENDING, S.BLOCKED},
    S.SENDING: {S.IN_REVIEW, S.SYNC_FAILED, S.BLOCKED},
    S.IN_REVIEW: {S.LIVE, S.REJECTED, S.SENDING, S.SYNC_FAILED, S.BLOCKED},
    S.LIVE: {S.SENDING, S.BLOCKED},
    S.REJECTED: {S.SENDING, S.BLOCKED},
    S.SYNC_FAILED: {S.SENDING, S.BLOCKED},
    S.BLOCKED: {S.DRAFT},
}
# An edit of a profile in these states is sent to the gateway at once (→ sending).
AUTO_SEND_STATES = frozenset({S.SENDING, S.IN_REVIEW, S.LIVE})
# States whose outbox job sends the profile; any other state makes the handler skip the job.
SENDABLE_STATES = frozenset({S.SENDING, S.IN_REVIEW})
# States the seller sends from with "Send to Alibaba.com".
SEND_FROM_STATES = frozenset({S.DRAFT, S.REJECTED, S.SYNC_FAILED})
# The gateway holds a version the seller sent and has not refused it.
HELD_STATES = frozenset({S.IN_REVIEW, S.LIVE})


# Alibaba.com's ranges of the number of employees (docs/gateway.md): buyers see the range of the head count.
EMPLOYEE_RANGES = (
    (4, "fewer_than_5"),
    (10, "5-10"),
    (50, "11-50"),
    (100, "51-100"),
    (200, "101-200"),
    (300, "201-300"),
    (500, "301-500"),
    (1000, "501-1000"),
)


def employee_range(head_count: int) -> str:
    """The gateway's range of ``head_count`` (at least 1)."""
    return next((name for top, name in EMPLOYEE_RANGES if head_count <= top), "above_1000")


class CertificationType(models.TextChoices):
    """The certifications the gateway knows, as it spells them (docs/gateway.md)."""

    BSCI = "BSCI", "amfori BSCI"
    SMETA = "SMETA", "SMETA (Sedex)"
    SA8000 = "SA8000", "SA8000"
    WRAP = "WRAP", "WRAP"
    OEKO_TEX = "OEKO-TEX", "OEKO-TEX"
    GOTS = "GOTS", "GOTS (Global Organic Textile Standard)"
    OCS = "OCS", "OCS (Organic Content Standard)"
    GRS = "GRS", "GRS (Global Recycled Standard)"
    FAIRTRADE = "Fairtrade", "Fairtrade"
    FSC = "FSC", "FSC"
    LWG = "LWG", "LWG (Leather Working Group)"
    ISO_9001 = "ISO 9001", "ISO 9001"
    ISO_14001 = "ISO 14001", "ISO 14001"
    ISO_45001 = "ISO 45001", "ISO 45001"
    ISO_22000 = "ISO 22000", "ISO 22000"
    FSSC_22000 = "FSSC 22000", "FSSC 22000"
    HACCP = "HACCP", "HACCP"
    BRCGS = "BRCGS", "BRCGS"
    BAP = "BAP", "BAP (Best Aquaculture Practices)"
    ASC = "ASC", "ASC (Aquaculture Stewardship Council)"
    HALAL = "Halal", "Halal"
    KOSHER = "Kosher", "Kosher"
    CE = "CE", "CE"


# A profile being sent for this long is stuck (the outbox's own job view says why: failed, past its lease, or not
# taken by a worker).
STUCK_AFTER = timedelta(minutes=30)


class ProfileQuerySet(models.QuerySet):
    """The profiles whose sync staff must look at: the one definition of "stuck"."""

    def sync_stuck(self, now=None):
        return self.filter(status=ProfileStatus.SENDING, status_changed_at__lte=(now or timezone.now()) - STUCK_AFTER)


class CompanyProfile(models.Model):
    """A seller's company profile, one per seller, created when first edited. ``version`` counts the edits;
    ``synced_version`` is the version the gateway last accepted (its own number for it is ``gateway_version``), so
    the profile is in step when they are equal. ``employees`` is the head count: buyers see its range
    (``employee_range``), the program's figures add the people up."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.OneToOneField("sellers.Seller", on_delete=models.CASCADE, related_name="company_profile")
    status = models.CharField(_("status"), max_length=20, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT)

    company_story = models.TextField(_("company story (English)"), blank=True)
    year_established = models.PositiveSmallIntegerField(_("year established"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("number of employees"), null=True, blank=True)
    capacity_quantity = models.PositiveIntegerField(_("production capacity per month"), null=True, blank=True)
    capacity_unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, blank=True)

    version = models.PositiveIntegerField(default=1)
    # What is on the gateway already, by content hash (so that the same content is uploaded once): the seller's
    # photobank URL of each photo, the certificate URL of each certificate file.
    photobank_urls = models.JSONField(default=dict, blank=True)
    certificate_urls = models.JSONField(default=dict, blank=True)
    synced_version = models.PositiveIntegerField(null=True, blank=True)
    gateway_version = models.PositiveIntegerField(_("Alibaba.com's version"), null=True, blank=True)
    sent_at = models.DateTimeField(_("last accepted by Alibaba.com at"), null=True, blank=True)
    # Shown to the seller: why staff blocked the profile, why Alibaba.com rejected it, or why the sync stopped.
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("company profile")
        verbose_name_plural = _("company profiles")
        permissions = [("moderate_companyprofile", _("Can block profiles and verify certificates"))]
        indexes = [models.Index(fields=["status", "status_changed_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProfileStatus.values), name="profile_status_valid"),
            models.CheckConstraint(condition=Q(version__gte=1), name="profile_version_positive"),
            models.CheckConstraint(
                condition=~Q(status=ProfileStatus.BLOCKED) | ~Q(status_reason=""), name="profile_blocked_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(capacity_unit="") | Q(capacity_unit__in=Unit.values), name="profile_capacity_unit_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.seller)

    @property
    def is_synced(self) -> bool:
        return self.synced_version == self.version

    @property
    def employee_range(self) -> str:
        return employee_range(self.employees) if self.employees else ""


class ExportMarket(models.Model):
    """One of the profile's main export markets: a country and its share of exports, in percent."""

    profile = models.ForeignKey(CompanyProfile, on_delete=models.CASCADE, related_name="markets")
    country = CountryField(_("country"))
    share = models.PositiveSmallIntegerField(_("share of exports (%)"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["profile", "position", "id"]
        verbose_name = _("export market")
        verbose_name_plural = _("export markets")
        constraints = [
            models.UniqueConstraint(fields=["profile", "country"], name="export_market_once"),
            models.CheckConstraint(condition=Q(share__gte=1, share__lte=100), name="export_market_share_range"),
        ]

    def __str__(self) -> str:
        return f"{self.country.code} {self.share}%"


class TradeShow(models.Model):
    """A trade show the company attended."""

    profile = models.ForeignKey(CompanyProfile, on_delete=models.CASCADE, related_name="trade_shows")
    name = models.CharField(_("trade show"), max_length=128)
    year = models.PositiveSmallIntegerField(_("year"))
    country = CountryField(_("country"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["profile", "position", "id"]
        verbose_name = _("trade show")
        verbose_name_plural = _("trade shows")

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class PhotoKind(models.TextChoices):
    FACTORY = "factory", _("Factory or workshop photo")
    LOGO = "logo", _("Brand logo")


PHOTO_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}


def photo_upload_to(instance: "ProfilePhoto", filename: str) -> str:
    # The seller's file name never reaches the disk; the content hash names the file.
    return f"company/{instance.profile.public_id}/{instance.kind}/{instance.sha256}{instance.extension}"


def photo_thumbnail_upload_to(instance: "ProfilePhoto", filename: str) -> str:
    return f"company/{instance.profile.public_id}/{instance.kind}/thumbs/{instance.sha256}.jpg"


class ProfilePhoto(models.Model):
    """A factory or workshop photo (up to 10, in the seller's order) or the brand logo (one), checked by content
    when uploaded (``dxports.photos``). Its photobank URL, once uploaded, is the profile's (``photobank_urls``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(CompanyProfile, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=PhotoKind.choices, default=PhotoKind.FACTORY)
    file = models.FileField(upload_to=photo_upload_to, max_length=200)
    thumbnail = models.ImageField(upload_to=photo_thumbnail_upload_to, max_length=200, blank=True)
    content_type = models.CharField(max_length=20, default="image/jpeg")
    sha256 = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["profile", "kind", "position", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.UniqueConstraint(fields=["profile", "kind", "sha256"], name="profile_photo_unique_content"),
            models.UniqueConstraint(fields=["profile"], condition=Q(kind="logo"), name="profile_one_logo"),
            models.CheckConstraint(condition=Q(kind__in=PhotoKind.values), name="profile_photo_kind"),
            models.CheckConstraint(condition=Q(content_type__in=list(PHOTO_EXTENSIONS)), name="profile_photo_type"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.position}"

    @property
    def extension(self) -> str:
        return PHOTO_EXTENSIONS.get(self.content_type, ".jpg")


class CertificateReview(models.TextChoices):
    """What program staff made of a certificate: not looked at yet, verified against its issuer, or refused (it
    leaves the public profile; the seller reads why)."""

    UNVERIFIED = "unverified", _("Not verified yet")
    VERIFIED = "verified", _("Verified by the program")
    REFUSED = "refused", _("Refused by the program")


CERTIFICATE_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

_certificate_storage = PrivateStorage(root_setting="BRAND_PRIVATE_ROOT")


def certificate_storage() -> PrivateStorage:
    return _certificate_storage


def certificate_upload_to(instance: "Certificate", filename: str) -> str:
    # The seller's file name never reaches the disk: a random name and the extension of the detected content type.
    return f"certificates/{instance.profile.public_id}/{uuid.uuid4().hex}{instance.extension}"


class Certificate(models.Model):
    """A certification the company holds, with its file (checked by content like a KYC document, stored privately,
    served only through a permission-checked view). It is public (sent to the gateway) from ``valid_from`` to
    ``valid_until`` unless staff refused it; ``on_gateway`` says whether the version the gateway holds lists it.
    The file's URL on the gateway, once uploaded, is the profile's (``certificate_urls``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    profile = models.ForeignKey(CompanyProfile, on_delete=models.CASCADE, related_name="certificates")
    type = models.CharField(_("certification"), max_length=20, choices=CertificationType.choices)
    issuer = models.CharField(_("issued by"), max_length=128)
    number = models.CharField(_("certificate number"), max_length=64)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    file = models.FileField(storage=certificate_storage, upload_to=certificate_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    on_gateway = models.BooleanField(default=False)
    review = models.CharField(
        _("program check"), max_length=12, choices=CertificateReview.choices, default=CertificateReview.UNVERIFIED
    )
    review_note = models.TextField(_("note of the program staff"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["profile", "valid_until", "id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        indexes = [models.Index(fields=["type", "valid_until"]), models.Index(fields=["on_gateway", "valid_until"])]
        constraints = [
            models.UniqueConstraint(fields=["profile", "type", "number"], name="certificate_once"),
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")), name="certificate_dates"),
            models.CheckConstraint(condition=Q(size__gt=0), name="certificate_not_empty"),
            models.CheckConstraint(
                condition=Q(content_type__in=list(CERTIFICATE_TYPES)), name="certificate_allowed_type"
            ),
            models.CheckConstraint(condition=Q(review__in=CertificateReview.values), name="certificate_review_valid"),
            models.CheckConstraint(
                condition=~Q(review=CertificateReview.REFUSED) | ~Q(review_note=""), name="certificate_refused_note"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.number}"

    @property
    def extension(self) -> str:
        return CERTIFICATE_TYPES[self.content_type]


class EventKind(models.TextChoices):
    CREATED = "created", _("Profile created")
    EDITED = "edited", _("Profile edited")
    TRANSITION = "transition", _("Status changed")
    CERTIFICATE = "certificate", _("Certificate checked by the program")


class ProfileEvent(AuditEvent):
    """The audit trail: who did what to a profile, when, what changed (before → after) and why.

    ``changes`` is ``{field: [before, after]}``."""

    profile = models.ForeignKey(CompanyProfile, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=ProfileStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ProfileStatus.choices, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)

    class Meta(AuditEvent.Meta):
        indexes = [models.Index(fields=["profile", "-created_at"])]

    CHANGE_LABELS = {
        "markets": _("Main export markets"),
        "trade_shows": _("Trade shows"),
        "factory_photos": _("Factory photos"),
        "brand_logo": _("Logo"),
        "certificates": _("Certificates"),
    }
    SUCCESS_STATES = frozenset({ProfileStatus.LIVE})
    PROBLEM_STATES = frozenset({ProfileStatus.REJECTED, ProfileStatus.SYNC_FAILED, ProfileStatus.BLOCKED})

    def value_in_words(self, name, value):
        if name == "markets" and isinstance(value, list) and value:
            return "; ".join(f"{Country(code).name} {share}%" for code, share in value)
        if name == "trade_shows" and isinstance(value, list) and value:
            return "; ".join(
                f"{show} ({year}, {Country(code).name})" if code else f"{show} ({year})" for show, year, code in value
            )
        if name in ("factory_photos", "brand_logo") and isinstance(value, list):
            return ngettext("%(n)d photo", "%(n)d photos", len(value)) % {"n": len(value)}
        if self.kind == EventKind.CERTIFICATE and isinstance(value, str):
            return str(CertificateReview(value).label) if value in CertificateReview.values else value
        return super().value_in_words(name, value)
