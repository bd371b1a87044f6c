"""Categories (copied from the gateway), products with their price tiers, attribute values and images, the listing
state machine and its audit trail.

Writes go through ``catalog.services``; the one place a product's status changes is
``services.product_transition``, which enforces ``TRANSITIONS`` below. Whether a product may be listed is decided by
``catalog.rules.listing_problems``, not by the database: a draft may be incomplete.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from alibaba.gateway import Unit
from dxports.audit import AuditEvent

MIN_PRICE, MAX_PRICE = Decimal("0.01"), Decimal("9999999.00")
MAX_TIER_QUANTITY = 99_999


def localized_name(name: str, name_bn: str) -> str:
    """The gateway's English ``name``, or its Bengali translation when the active language is Bengali and one
    exists."""
    return name_bn if name_bn and (get_language() or "").startswith("bn") else name


class Category(models.Model):
    """A category of the gateway's tree, kept in step by ``catalog.categories.categories_sync``. Products may only
    use leaves."""

    category_id = models.BigIntegerField(_("gateway category id"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    # Ours, not the gateway's: the sync fills it from catalog.names_bn when empty and never overwrites it.
    name_bn = models.CharField(_("name (Bengali)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    level = models.PositiveSmallIntegerField(_("level"))  # 1 = a top-level sector
    is_leaf = models.BooleanField(_("leaf"), default=False)
    synced_at = models.DateTimeField(_("last synced at"), default=timezone.now)

    class Meta:
        ordering = ["category_id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.CheckConstraint(condition=Q(level__gte=1), name="category_level_positive")]

    def __str__(self):
        return f"{self.name} ({self.category_id})"

    @property
    def display_name(self) -> str:
        """The name in the active language."""
        return localized_name(self.name, self.name_bn)


class InputType(models.TextChoices):
    SINGLE_SELECT = "single_select", _("One of the values")
    MULTI_SELECT = "multi_select", _("Several of the values")
    INPUT = "input", _("Free text")


class CategoryAttribute(models.Model):
    """An attribute the gateway asks for in a leaf category. ``values`` is ``[{"value_id": int, "name": str}]``,
    empty for free text."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="attributes")
    attribute_id = models.BigIntegerField(_("gateway attribute id"))
    name = models.CharField(_("name"), max_length=200)
    name_bn = models.CharField(_("name (Bengali)"), max_length=200, blank=True)  # as Category.name_bn
    is_required = models.BooleanField(_("required"), default=False)
    input_type = models.CharField(_("input type"), max_length=20, choices=InputType.choices)
    values = models.JSONField(_("allowed values"), default=list, blank=True)
    # {str(value_id): Bengali name}, ours as name_bn is.
    value_names_bn = models.JSONField(_("value names (Bengali)"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    synced_at = models.DateTimeField(_("last synced at"), default=timezone.now)

    class Meta:
        ordering = ["category", "position", "attribute_id"]
        verbose_name = _("category attribute")
        verbose_name_plural = _("category attributes")
        constraints = [
            models.UniqueConstraint(fields=["category", "attribute_id"], name="category_attribute_unique"),
            models.CheckConstraint(condition=Q(input_type__in=InputType.values), name="category_attribute_type"),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language."""
        return localized_name(self.name, self.name_bn)

    @property
    def value_names(self):
        """value_id → name."""
        return {value["value_id"]: value["name"] for value in self.values}

    @property
    def display_value_names(self):
        """value_id → name in the active language."""
        return {
            value["value_id"]: localized_name(value["name"], self.value_names_bn.get(str(value["value_id"]), ""))
            for value in self.values
        }


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    READY = "ready", _("Ready to publish")
    PUBLISHING = "publishing", _("Publishing")
    UNDER_REVIEW = "under_review", _("Under review on Alibaba.com")
    LIVE = "live", _("Live")
    REJECTED = "rejected", _("Rejected by Alibaba.com")
    SYNC_FAILED = "sync_failed", _("Sync failed")
    UPDATING = "updating", _("Updating")
    DELISTING = "delisting", _("Delisting")
    DELISTED = "delisted", _("Delisted")
    BLOCKED = "blocked", _("Blocked by staff")


P = ProductStatus

# The listing state machine: from → the states it may move to. Enforced by services.product_transition only.
# The path is draft → ready → publishing → under review → live | rejected | sync failed, live → updating →
# live, live → delisting → delisted. Around it: an update goes through review again, so it can end like a first
# publication; a sync that failed can be retried (publishing, updating, delisting) or fixed by an edit (draft); a
# rejected, delisted or ready product that is edited goes back to draft; staff can block a product in any state
# and unblocking returns it to draft. A seller who loses the right to sell (suspended, documents expired) has every
# listing taken off, wherever it is on its way: publishing, in review, live or updating → delisting.
TRANSITIONS = {
    P.DRAFT: {P.READY, P.BLOCKED},
    P.READY: {P.DRAFT, P.PUBLISHING, P.BLOCKED},
    P.PUBLISHING: {P.UNDER_REVIEW, P.SYNC_FAILED, P.DELISTING, P.BLOCKED},
    P.UNDER_REVIEW: {P.LIVE, P.REJECTED, P.SYNC_FAILED, P.DELISTING, P.BLOCKED},
    P.LIVE: {P.UPDATING, P.DELISTING, P.BLOCKED},
    P.UPDATING: {P.LIVE, P.REJECTED, P.SYNC_FAILED, P.DELISTING, P.BLOCKED},
    P.DELISTING: {P.DELISTED, P.SYNC_FAILED, P.BLOCKED},
    P.DELISTED: {P.DRAFT, P.BLOCKED},
    P.REJECTED: {P.DRAFT, P.BLOCKED},
    P.SYNC_FAILED: {P.DRAFT, P.PUBLISHING, P.UPDATING, P.DELISTING, P.BLOCKED},
    P.BLOCKED: {P.DRAFT},
}

# States in which the seller may edit a product. An edit moves ready, rejected, sync-failed and delisted back to
# draft; a live product's edit is sent to the gateway at once (live → updating, services.product_update), and an
# updating one's next edit joins the update on its way. While the gateway holds a version we cannot change
# (publishing, under review, delisting) or staff blocked it, edits wait.
EDITABLE_STATES = frozenset({P.DRAFT, P.READY, P.REJECTED, P.SYNC_FAILED, P.DELISTED, P.LIVE, P.UPDATING})
# Edits of these states are sent to the gateway (an outbox row) instead of going back to draft.
LIVE_EDIT_STATES = frozenset({P.LIVE, P.UPDATING})
# Edits of these states send the product back to draft; the only states a bulk edit (an import) may change.
OFFLINE_EDIT_STATES = EDITABLE_STATES - LIVE_EDIT_STATES
# States in which the gateway may hold (a version of) the product.
GATEWAY_STATES = frozenset({P.PUBLISHING, P.UNDER_REVIEW, P.LIVE, P.UPDATING, P.DELISTING, P.SYNC_FAILED})
# States whose product.upsert is sent; any other state makes the handler skip the job.
SYNCED_STATES = frozenset({P.PUBLISHING, P.UPDATING, P.UNDER_REVIEW})
# States that wait for the gateway's review of the version it holds.
IN_REVIEW_STATES = frozenset({P.UNDER_REVIEW, P.UPDATING})
# On their way to the gateway (a job runs or waits out a backoff): "send again now" may skip the wait.
SENDING_STATES = frozenset({P.PUBLISHING, P.UPDATING, P.DELISTING})
# The seller waits for the gateway: the product is on its way there or in its first review.
WAITING_STATES = SENDING_STATES | {P.UNDER_REVIEW}
# The outbox kinds of the listing sync (handled in catalog.sync).
UPSERT_KIND = "product.upsert"
DELIST_KIND = "product.delist"
SYNC_KINDS = (UPSERT_KIND, DELIST_KIND)
# States that need an active seller to be entered.
PUBLISHING_STATES = frozenset({P.READY, P.PUBLISHING, P.UPDATING})


class SupplyPeriod(models.TextChoices):
    DAY = "day", _("per day")
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    YEAR = "year", _("per year")


class Port(models.TextChoices):
    """Ports of shipment; the label is what the gateway's ``delivery_port`` receives."""

    CHATTOGRAM = "chattogram", _("Chattogram")
    MONGLA = "mongla", _("Mongla")
    DHAKA_AIRPORT = "dhaka_airport", _("Dhaka airport")
    BENAPOLE = "benapole", _("Benapole")


# The gateway's payment methods, as it spells them.
PAYMENT_METHODS = ("T/T", "L/C", "D/P", "D/A", "Western Union", "MoneyGram", "PayPal")


class SamplePolicy(models.TextChoices):
    NONE = "none", _("No samples")
    FREE = "free", _("Free samples")
    PAID = "paid", _("Paid samples")


# The product's fields after its category that the seller edits directly (services.PRODUCT_FIELDS) and partners read
# as they are (selectors.PRODUCT_ROW_FIELDS): what it is sought by, how it is sold, shipped and packed.
PRODUCT_TERMS_FIELDS = (
    "keywords",
    "hs_code",
    "min_order_quantity",
    "unit",
    "supply_quantity",
    "supply_period",
    "lead_times",
    "port",
    "payment_terms",
    "packaging",
    "certifications",
    "sample_policy",
)

# A product on its way to or off the gateway for this long without an answer is stuck (the outbox's own job view
# says why: failed, past its lease, or not taken by a worker).
STUCK_AFTER = timedelta(minutes=30)


class ProductQuerySet(models.QuerySet):
    """The products whose sync staff must look at: the one definition of "failed" and "stuck"."""

    def sync_failed(self):
        return self.filter(status=ProductStatus.SYNC_FAILED)

    def sync_stuck(self, now=None):
        now = now or timezone.now()
        return self.filter(status__in=SENDING_STATES, status_changed_at__lte=now - STUCK_AFTER)

    def sync_needing_attention(self, now=None):
        return self.sync_failed() | self.sync_stuck(now)


class Product(models.Model):
    """A seller's export product. ``version`` counts the seller's edits; ``synced_version`` is the version the
    gateway holds (``gateway_product_id``), so a product is in step when they are equal.

    ``keywords`` is a list of strings; ``payment_terms`` a list of ``PAYMENT_METHODS``; ``lead_times`` the
    gateway's deliver periods, ``[{"quantity": int, "days": int}]`` by ascending quantity; ``certifications`` a list
    of strings."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(_("SKU"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=ProductStatus.choices, default=ProductStatus.DRAFT)

    title = models.CharField(_("title (English)"), max_length=128)
    title_bn = models.CharField(_("title (Bengali)"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="products", verbose_name=_("category")
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)

    # Trade terms
    min_order_quantity = models.PositiveIntegerField(_("minimum order quantity"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, blank=True)
    supply_quantity = models.PositiveIntegerField(_("supply ability"), null=True, blank=True)
    supply_period = models.CharField(_("supply period"), max_length=10, choices=SupplyPeriod.choices, blank=True)
    lead_times = models.JSONField(_("lead time by quantity"), default=list, blank=True)
    port = models.CharField(_("port of shipment"), max_length=20, choices=Port.choices, blank=True)
    payment_terms = models.JSONField(_("payment terms"), default=list, blank=True)
    packaging = models.TextField(_("packaging"), blank=True)
    certifications = models.JSONField(_("certifications"), default=list, blank=True)
    sample_policy = models.CharField(_("samples"), max_length=10, choices=SamplePolicy.choices, blank=True)

    # Listing
    version = models.PositiveIntegerField(default=1)
    gateway_product_id = models.BigIntegerField(_("Alibaba.com product id"), null=True, blank=True, unique=True)
    synced_version = models.PositiveIntegerField(null=True, blank=True)
    # Shown to the seller: why staff blocked the product, or why Alibaba.com rejected it.
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        permissions = [("moderate_product", _("Can block and unblock products"))]
        indexes = [
            models.Index(fields=["seller", "status"]),
            # Syncs stuck on their way (``sync_stuck``), counted across the program.
            models.Index(fields=["status", "status_changed_at"], name="catalog_product_status_idx"),
            # The program figures' live listings by category and division, read from the index alone.
            models.Index(fields=["category", "seller"], condition=Q(status="live"), name="catalog_product_live_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["seller", "sku"], name="product_sku_unique_per_seller"),
            models.CheckConstraint(condition=Q(status__in=ProductStatus.values), name="product_status_valid"),
            models.CheckConstraint(condition=~Q(sku=""), name="product_sku_not_empty"),
            models.CheckConstraint(
                condition=~Q(status=ProductStatus.BLOCKED) | ~Q(status_reason=""), name="product_blocked_has_reason"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="product_version_positive"),
        ]

    def __str__(self):
        return f"{self.title or self.sku}"

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATES

    @property
    def is_synced(self):
        return self.gateway_product_id is not None and self.synced_version == self.version


class PriceTier(models.Model):
    """An FOB price in USD from ``start_quantity`` units up. Order and falling prices are checked by
    ``catalog.rules``; the ranges the gateway accepts are constraints."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_tiers")
    start_quantity = models.PositiveIntegerField(_("from quantity"))
    price = models.DecimalField(_("price (USD)"), max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["product", "start_quantity"]
        verbose_name = _("price tier")
        verbose_name_plural = _("price tiers")
        constraints = [
            models.UniqueConstraint(fields=["product", "start_quantity"], name="price_tier_unique_start"),
            models.CheckConstraint(
                condition=Q(price__gte=MIN_PRICE, price__lte=MAX_PRICE), name="price_tier_price_range"
            ),
            models.CheckConstraint(
                condition=Q(start_quantity__gte=1, start_quantity__lte=MAX_TIER_QUANTITY),
                name="price_tier_quantity_range",
            ),
        ]

    def __str__(self):
        return f"≥ {self.start_quantity}: US${self.price}"


class ProductAttributeValue(models.Model):
    """One value of a category attribute: ``value_id`` (one of the attribute's values) for a select, ``value_name``
    for free text. A multi-select attribute has one row per value."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="attribute_values")
    attribute = models.ForeignKey(CategoryAttribute, on_delete=models.CASCADE, related_name="+")
    value_id = models.BigIntegerField(null=True, blank=True)
    value_name = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["product", "attribute", "id"]
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        constraints = [
            models.CheckConstraint(
                condition=Q(value_id__isnull=False) | ~Q(value_name=""), name="attribute_value_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.attribute_id}: {self.value_id or self.value_name}"


def image_upload_to(instance, filename):
    # The seller's file name never reaches the disk; the content hash names the file.
    return f"products/{instance.product.public_id}/{instance.sha256}{instance.extension}"


def thumbnail_upload_to(instance, filename):
    return f"products/{instance.product.public_id}/thumbs/{instance.sha256}.jpg"


class ProductImage(models.Model):
    """A product image, checked by content when uploaded. ``photobank_url`` is set once it is uploaded to the
    gateway's photobank (keyed by ``sha256``, so the same content is uploaded once)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=image_upload_to, max_length=200)
    content_type = models.CharField(max_length=20, default="image/jpeg")
    sha256 = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    photobank_url = models.URLField(max_length=500, blank=True)  # empty until uploaded
    thumbnail = models.ImageField(upload_to=thumbnail_upload_to, max_length=200, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["product", "position", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.UniqueConstraint(fields=["product", "sha256"], name="product_image_unique_content"),
            models.CheckConstraint(
                condition=Q(content_type__in=["image/jpeg", "image/png"]), name="product_image_type"
            ),
        ]

    def __str__(self):
        return f"{self.product_id} #{self.position}"

    @property
    def extension(self):
        return ".png" if self.content_type == "image/png" else ".jpg"


class EventKind(models.TextChoices):
    CREATED = "created", _("Product created")
    EDITED = "edited", _("Product edited")
    TRANSITION = "transition", _("Status changed")


class ProductEvent(AuditEvent):
    """The audit trail: who did what to a product, when, what changed (before → after) and why.

    ``changes`` is ``{field: [before, after]}``."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=ProductStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ProductStatus.choices, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)
    # The catalog import that made this change, if one did: the import's page links to the products it made.
    import_job = models.ForeignKey(
        "ImportJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="product_events"
    )

    class Meta(AuditEvent.Meta):
        indexes = [
            models.Index(fields=["product", "-created_at"]),
            # The program figures: listings live, rejected or failed in a range.
            models.Index(fields=["to_status", "created_at"], name="catalog_event_status_idx"),
            # The rejections of a range by reason, read from the index alone.
            models.Index(
                fields=["created_at"],
                include=["reason"],
                condition=Q(to_status="rejected"),
                name="catalog_event_rejected_idx",
            ),
        ]

    CHANGE_LABELS = {"images": _("Photos"), "price_tiers": _("Prices (FOB, US$)"), "attributes": _("Attributes")}
    SUCCESS_STATES = frozenset({ProductStatus.LIVE})
    PROBLEM_STATES = frozenset({ProductStatus.REJECTED, ProductStatus.SYNC_FAILED, ProductStatus.BLOCKED})

    @classmethod
    def names_for(cls, events):
        """The names of the categories and attributes (and their values) the events' changes name by gateway id:
        two queries at most, whatever the number of events."""
        category_ids: set[int] = set()
        attribute_ids: set[int] = set()
        for event in events:
            category_ids.update(_ids(event.changes.get("category")))
            for side in event.changes.get("attributes") or ():
                attribute_ids.update(item[0] for item in side or () if isinstance(item, list) and item)
        categories = Category.objects.filter(category_id__in=category_ids) if category_ids else Category.objects.none()
        attributes = (
            CategoryAttribute.objects.filter(attribute_id__in=attribute_ids)
            if attribute_ids
            else CategoryAttribute.objects.none()
        )
        found: dict[str, dict] = {"categories": {c.category_id: c.name for c in categories}, "attributes": {}}
        for attribute in attributes:
            found["attributes"].setdefault(attribute.attribute_id, (str(attribute), attribute.value_names))
        return found

    def value_in_words(self, name, value):
        if name == "images" and isinstance(value, list):
            return ngettext("%(n)d photo", "%(n)d photos", len(value)) % {"n": len(value)}
        if name == "price_tiers" and isinstance(value, list):
            return "; ".join(_("from %(quantity)s: US$%(price)s") % {"quantity": q, "price": p} for q, p in value)
        if name == "category" and value is not None:
            return self.names["categories"].get(value, str(value))
        if name == "attributes" and isinstance(value, list) and value:
            return "; ".join(self._attribute_in_words(*item) for item in value)
        if name == "lead_times" and isinstance(value, list) and value:
            return "; ".join(
                _("up to %(quantity)s: %(days)s days") % {"quantity": item.get("quantity"), "days": item.get("days")}
                for item in value
                if isinstance(item, dict)
            )
        return super().value_in_words(name, value)

    def _attribute_in_words(self, attribute_id, value_id=None, value_name="", *rest):
        label, values = self.names["attributes"].get(attribute_id) or (_("Attribute %(id)s") % {"id": attribute_id}, {})
        shown = values.get(value_id, value_name) if value_id is not None else value_name
        return f"{label}: {shown or '—'}"


def _ids(pair):
    return [value for value in pair or () if value is not None]


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Could not be read")


class ImportJob(models.Model):
    """One uploaded catalog file (CSV or XLSX), imported in the background. Rows are keyed by the seller's SKU, so
    importing the same file twice changes nothing; bad rows are reported in ``error_file`` with line, column and
    message, and good rows are imported."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to="imports/", max_length=200)
    original_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=4, choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(null=True, blank=True)  # known once the file is counted
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    error_file = models.FileField(upload_to="imports/errors/", max_length=200, blank=True)
    # What the stored files weigh (the seller's storage quota), and when they were removed (imports.imports_cleanup).
    file_size = models.PositiveBigIntegerField(default=0)
    error_file_size = models.PositiveBigIntegerField(default=0)
    files_removed_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)  # why a file could not be read at all
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("catalog import")
        verbose_name_plural = _("catalog imports")

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def imported_count(self):
        """The rows imported: created, updated or found equal; the others failed (``error_count``)."""
        return self.created_count + self.updated_count + self.unchanged_count


class PhotoImportJob(models.Model):
    """Photos for many products at once (``catalog.imports.photos``): several files or one ZIP, each matched to one of
    the seller's products by the SKU in its name, added in the background; each file's result is a
    ``PhotoImportFile``. The uploaded files are removed once they are added (or refused)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="photo_import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    original_name = models.CharField(max_length=255)  # the ZIP's name, or the first file's
    archive = models.FileField(upload_to="photo-imports/", max_length=200, blank=True)  # the ZIP, until read
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_files = models.PositiveIntegerField(default=0)
    processed_files = models.PositiveIntegerField(default=0)
    added_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)  # why the job stopped, if it did
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("photo import")
        verbose_name_plural = _("photo imports")

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"


class PhotoFileStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ADDED = "added", _("Added")
    REFUSED = "refused", _("Not added")


class PhotoImportFile(models.Model):
    """One file of a photo import and what became of it: the product it matched, added or why not."""

    job = models.ForeignKey(PhotoImportJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()  # the order files are added in: a product's photos by their number
    name = models.CharField(max_length=200)  # as shown (the file's name, without folders)
    entry = models.CharField(max_length=500, blank=True)  # its name inside the ZIP
    file = models.FileField(upload_to="photo-imports/", max_length=200, blank=True)  # an uploaded file, until read
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=PhotoFileStatus.choices, default=PhotoFileStatus.WAITING)
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["job", "position"]
        verbose_name = _("photo import file")
        verbose_name_plural = _("photo import files")
        constraints = [models.UniqueConstraint(fields=["job", "position"], name="photo_import_file_position")]

    def __str__(self):
        return self.name


class ReconciliationRun(models.Model):
    """One run of the listing reconciliation (``catalog.reconcile``): how much it compared, and what it found and
    repaired (its ``findings``). ``counts`` is ``{kind: number}`` over every ``FindingKind``."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), default=timezone.now)
    sellers = models.PositiveIntegerField(_("sellers checked"), default=0)
    checked = models.PositiveIntegerField(_("listings compared"), default=0)
    on_gateway = models.PositiveIntegerField(_("listings on Alibaba.com"), default=0)
    counts = models.JSONField(_("findings by kind"), default=dict)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")

    def __str__(self):
        return f"{timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


class FindingKind(models.TextChoices):
    """The lists of a reconciliation's report (``catalog.reconcile.Report``), by their keys."""

    MISSING = "missing", _("Missing on Alibaba.com: sent again")
    STALE = "stale", _("Stale on Alibaba.com: sent again")
    DUPLICATES = "duplicates", _("Duplicate copies: switched off")
    REVIEWS_APPLIED = "reviews_applied", _("Review applied (its push was lost)")
    REDELISTED = "redelisted", _("Shown again: switched off")
    EXTRA = "extra", _("Unknown listings on Alibaba.com")
    DRIFT = "drift", _("Differs from ours: left for a person")
    ERRORS = "errors", _("Could not be checked")


# The findings a run repairs itself; the others are reported for a person.
REPAIRED_KINDS = frozenset(
    {
        FindingKind.MISSING,
        FindingKind.STALE,
        FindingKind.DUPLICATES,
        FindingKind.REVIEWS_APPLIED,
        FindingKind.REDELISTED,
    }
)


class ReconciliationFinding(models.Model):
    """One thing a run found about one listing (or a seller whose listings could not be read). ``kind`` is the key of
    the report's list it came from (``FindingKind`` names the known ones); ``details`` is the report's entry (the
    gateway's ids, statuses, the error)."""

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("finding"), max_length=40, choices=FindingKind.choices)
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    seller = models.ForeignKey(
        "sellers.Seller", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("seller")
    )
    details = models.JSONField(_("details"), default=dict)

    class Meta:
        ordering = ["run", "kind", "id"]
        verbose_name = _("reconciliation finding")
        verbose_name_plural = _("reconciliation findings")
        indexes = [models.Index(fields=["run", "kind"])]

    def __str__(self):
        return self.get_kind_display()

    @property
    def repaired(self):
        return self.kind in REPAIRED_KINDS
