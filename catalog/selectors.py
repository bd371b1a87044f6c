"""Reads of the catalog domain for a caller. A seller's reads are scoped to the seller, so another seller's product
is never returned (the views turn "none" into 404)."""

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, F, Max, Q, QuerySet, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from alibaba import outbox
from catalog.errors import ProductInvalid
from catalog.models import (
    PAYMENT_METHODS,
    PRODUCT_TERMS_FIELDS,
    SENDING_STATES,
    STUCK_AFTER,
    SYNC_KINDS,
    TRANSITIONS,
    WAITING_STATES,
    Category,
    EventKind,
    ImportJob,
    PhotoImportJob,
    Port,
    PriceTier,
    Product,
    ProductAttributeValue,
    ProductEvent,
    ProductImage,
    ProductStatus,
    SamplePolicy,
    SupplyPeriod,
    Unit,
    localized_name,
)
from catalog.rules import (
    LISTING_PREFETCH,
    AttributeValue,
    Listing,
    Problem,
    listing_of,
    normalize_hs_code,
    problems_of,
    quality_score,
)
from dxports.audit import version_at
from dxports.models import User
from sellers.selectors import Seller


def products_for_seller(*, seller: Seller) -> QuerySet[Product]:
    """The seller's products with everything the listing rules read: a constant number of queries for any page."""
    return Product.objects.filter(seller=seller).select_related("category").prefetch_related(*LISTING_PREFETCH)


def product_for_seller(*, seller: Seller, public_id: UUID) -> Product | None:
    """One of the seller's products, or None."""
    return products_for_seller(seller=seller).filter(public_id=public_id).first()


def seller_has_products(*, seller: Seller) -> bool:
    """Whether the seller has listed a product yet (a dashboard next step; one query)."""
    return Product.objects.filter(seller=seller).exists()


def seller_has_product_photos(*, seller: Seller) -> bool:
    """Whether any of the seller's products has a photo (a dashboard next step; one query)."""
    return ProductImage.objects.filter(product__seller=seller).exists()


def leaf_categories() -> QuerySet[Category]:
    """The categories a product may use, with their attributes."""
    return Category.objects.filter(is_leaf=True).select_related("parent").prefetch_related("attributes")


# The seller's dashboard -----------------------------------------------------------------------------------------------

# How far the gateway is from the product, for the dashboard: sync failed (the seller has something to fix), being
# sent (publishing, updating, delisting), not sent yet, in step (the gateway holds the current version) or behind
# (edited since the gateway last received it). Each product is in exactly one; ``sync_state`` says which in Python.
_SETTLED = ~Q(status__in=[*SENDING_STATES, ProductStatus.SYNC_FAILED])
SYNC_STATES = {
    "failed": Q(status=ProductStatus.SYNC_FAILED),
    "sending": Q(status__in=SENDING_STATES),
    "not_sent": _SETTLED & Q(gateway_product_id__isnull=True),
    "in_step": _SETTLED & Q(gateway_product_id__isnull=False, synced_version=F("version")),
    "behind": _SETTLED
    & Q(gateway_product_id__isnull=False)
    & (Q(synced_version__isnull=True) | ~Q(synced_version=F("version"))),
}


def sync_state(product: Product) -> str:
    """The key of ``SYNC_STATES`` that ``product`` is in."""
    return sync_state_of(
        status=product.status,
        gateway_product_id=product.gateway_product_id,
        version=product.version,
        synced_version=product.synced_version,
    )


def products_for_dashboard(
    *, seller: Seller, status: str = "", category: Category | None = None, sync: str = "", search: str = ""
) -> QuerySet[Product]:
    """The seller's products for the dashboard list, filtered, with everything a row shows (thumbnail, category,
    quality score): a constant number of queries whatever the page size."""
    products = products_for_seller(seller=seller)
    if status:
        products = products.filter(status=status)
    if category is not None:
        products = products.filter(category=category)
    if sync in SYNC_STATES:
        products = products.filter(SYNC_STATES[sync])
    search = (search or "").strip()
    if search:
        products = products.filter(
            Q(title__icontains=search) | Q(title_bn__icontains=search) | Q(sku__icontains=search)
        )
    return products


def categories_of_seller(*, seller: Seller) -> QuerySet[Category]:
    """The categories the seller's products use, for the list's filter."""
    return Category.objects.filter(products__seller=seller).distinct().order_by("name")


def product_events(*, product: Product) -> QuerySet[ProductEvent]:
    """The product's audit trail, newest first, with the actors (one query)."""
    return ProductEvent.objects.filter(product=product).select_related("actor")


def product_events_by_actor(*, seller: Seller, actor: User) -> QuerySet[ProductEvent]:
    """What ``actor`` did to the seller's products, newest first, each with its product (one query)."""
    return ProductEvent.objects.filter(product__seller=seller, actor=actor).select_related("product", "actor")


def product_image_for_user(*, user: User | AnonymousUser, public_id: UUID, sha256: str) -> ProductImage | None:
    """An image the user may see: of a product of the user's own seller, or any for staff allowed to view products;
    None otherwise."""
    if not user.is_authenticated:
        return None
    images = ProductImage.objects.select_related("product").filter(product__public_id=public_id, sha256=sha256)
    if user.is_staff and user.has_perm("catalog.view_product"):
        return images.first()
    return images.filter(product__seller__members__user=user).first()


# Listing sync ---------------------------------------------------------------------------------------------------------


def product_sync_history(*, product: Product) -> QuerySet[outbox.OutboxAttempt]:
    """Every attempt to send the product to the gateway or take it off (``product.upsert`` and ``product.delist``
    outbox attempts), newest first, each with its job (kind) and the product's version it sent
    (``subject_version``): one query whatever their number."""
    return outbox.attempts_of(kinds=SYNC_KINDS, target=str(product.pk)).annotate(
        subject_version=version_at(ProductEvent.objects.filter(product=product))
    )


def import_jobs_for_seller(*, seller: Seller) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(seller=seller).select_related("created_by")


def import_job_for_seller(*, seller: Seller, public_id: UUID) -> ImportJob | None:
    """One of the seller's jobs, or None."""
    return ImportJob.objects.filter(seller=seller, public_id=public_id).first()


def photo_import_jobs_for_seller(*, seller: Seller) -> QuerySet[PhotoImportJob]:
    return PhotoImportJob.objects.filter(seller=seller).select_related("created_by")


def photo_import_job_for_seller(*, seller: Seller, public_id: UUID) -> PhotoImportJob | None:
    """One of the seller's photo imports, or None."""
    return PhotoImportJob.objects.filter(seller=seller, public_id=public_id).first()


def products_of_import(*, job: ImportJob) -> QuerySet[Product]:
    """The products ``job`` created or changed, by SKU, each once, with ``import_created`` (True for the ones it
    created)."""
    return (
        Product.objects.filter(seller_id=job.seller_id, events__import_job=job)
        .annotate(import_created=Max(Case(When(events__kind=EventKind.CREATED, then=1), default=0)))
        .order_by("sku")
    )


@dataclass(frozen=True)
class ProductActions:
    """What the seller may ask of a product in its state, read off the state table (the services decide for good
    and say why not)."""

    can_edit: bool
    can_publish: bool  # draft → ready → publishing
    can_retry: bool  # a failed sync sent again, or one waiting out an error (or stuck) sent now
    can_delist: bool
    edit_to_publish: bool  # must be edited back to draft before it can be published again
    is_waiting: bool  # the gateway has it, or it is on its way there


def product_actions(product: Product, *, now: datetime | None = None) -> ProductActions:
    """What the seller may ask of ``product`` (one query: its sync job). Sending again now is offered only when it
    would help: the sync failed, waits out an error, or is stuck; not during a normal wait for the gateway."""
    status = ProductStatus(product.status)
    targets = TRANSITIONS[status]
    can_publish = status == ProductStatus.READY or ProductStatus.READY in targets
    can_retry = status == ProductStatus.SYNC_FAILED or (
        status in SENDING_STATES and _sync_retry_due(product, now=now or timezone.now())
    )
    return ProductActions(
        can_edit=product.is_editable,
        can_publish=can_publish,
        can_retry=can_retry,
        can_delist=ProductStatus.DELISTING in targets,
        edit_to_publish=product.is_editable and ProductStatus.DRAFT in targets and not (can_publish or can_retry),
        is_waiting=status in WAITING_STATES,
    )


def _sync_retry_due(product: Product, *, now: datetime) -> bool:
    if product.status_changed_at <= now - STUCK_AFTER:
        return True
    return outbox.retry_is_due(outbox.latest_job(kinds=SYNC_KINDS, target=str(product.pk)), now=now)


# For organisations that work with many sellers (the partner API) ------------------------------------------------------
# ``seller_ids`` is what the caller may see: a list of seller pks or a subquery of them. The rows are plain values
# (no model instances: a page of 50 products with their tiers, images and attributes is four queries and no
# objects), in the order and shape ``product_rows`` documents.

# The values of the product's choice fields, for callers that describe them (the API's schema).
PRODUCT_CHOICES = {
    "status": ProductStatus.values,
    "unit": Unit.values,
    "supply_period": SupplyPeriod.values,
    "port": Port.values,
    "payment_terms": list(PAYMENT_METHODS),
    "sample_policy": SamplePolicy.values,
}

PRODUCT_ROW_FIELDS = (
    "id",
    "public_id",
    "seller__public_id",
    "sku",
    "status",
    "status_reason",
    "title",
    "title_bn",
    "description",
    "category__category_id",
    "category__name",
    *PRODUCT_TERMS_FIELDS,
    "version",
    "gateway_product_id",
    "synced_version",
    "created_at",
    "updated_at",
)


def products_among(
    *,
    seller_ids: Iterable[int] | QuerySet[Any, Any],
    seller: UUID | None = None,
    status: str = "",
    category_id: int | None = None,
    updated_since: datetime | None = None,
    search: str = "",
) -> QuerySet[Product]:
    """The products of the sellers ``seller_ids``, filtered: of one seller (its public id), in a status, in a
    category (the gateway's category id), changed since a time, or whose title or SKU holds ``search``. Newest
    first."""
    products = Product.objects.filter(seller_id__in=seller_ids)
    if seller is not None:
        products = products.filter(seller__public_id=seller)
    if status:
        products = products.filter(status=status)
    if category_id is not None:
        products = products.filter(category__category_id=category_id)
    if updated_since is not None:
        products = products.filter(updated_at__gte=updated_since)
    search = (search or "").strip()
    if search:
        products = products.filter(
            Q(title__icontains=search) | Q(title_bn__icontains=search) | Q(sku__icontains=search)
        )
    return products.order_by("-created_at", "-id")


def product_among(*, seller_ids: Iterable[int] | QuerySet[Any, Any], public_id: UUID) -> Product | None:
    """One product of the sellers ``seller_ids`` by its public id, or None."""
    return Product.objects.filter(seller_id__in=seller_ids, public_id=public_id).select_related("seller").first()


def product_rows(
    products: QuerySet[Product], *, after: tuple[datetime, int] | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Rows of ``products`` (from ``products_among``) after the position ``after`` (``(created_at, id)`` of the
    last row of the previous page), at most ``limit``: each a dict of ``PRODUCT_ROW_FIELDS`` plus ``sync_state``,
    ``price_tiers`` ``[(start_quantity, price)]``, ``images`` ``[{sha256, position, content_type, width, height,
    size_bytes, photobank_url}]`` and ``attributes`` ``[(attribute_id, value_id, value_name)]``. Four queries."""
    if after is not None:
        created_at, pk = after
        products = products.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    values = products.values(*PRODUCT_ROW_FIELDS)
    rows: list[dict[str, Any]] = list(values[:limit] if limit is not None else values)
    if not rows:
        return rows
    by_id: dict[int, dict[str, Any]] = {}
    for row in rows:
        row["price_tiers"], row["images"], row["attributes"] = [], [], []
        row["sync_state"] = sync_state_of(
            status=row["status"],
            gateway_product_id=row["gateway_product_id"],
            version=row["version"],
            synced_version=row["synced_version"],
        )
        by_id[row["id"]] = row
    ids = list(by_id)
    tiers = PriceTier.objects.filter(product_id__in=ids).order_by("product_id", "start_quantity")
    for product_id, start_quantity, price in tiers.values_list("product_id", "start_quantity", "price"):
        by_id[product_id]["price_tiers"].append((start_quantity, price))
    images = ProductImage.objects.filter(product_id__in=ids).order_by("product_id", "position", "id")
    for image in images.values(
        "product_id", "sha256", "position", "content_type", "width", "height", "size_bytes", "photobank_url"
    ):
        item: dict[str, Any] = dict(image)
        by_id[item.pop("product_id")]["images"].append(item)
    values = ProductAttributeValue.objects.filter(product_id__in=ids).order_by("product_id", "attribute_id", "id")
    for product_id, attribute_id, value_id, value_name in values.values_list(
        "product_id", "attribute__attribute_id", "value_id", "value_name"
    ):
        by_id[product_id]["attributes"].append((attribute_id, value_id, value_name))
    return rows


def product_row(*, product: Product) -> dict[str, Any]:
    """``product_rows`` of one product."""
    return product_rows(Product.objects.filter(pk=product.pk))[0]


def sync_state_of(*, status: str, gateway_product_id: int | None, version: int, synced_version: int | None) -> str:
    """``sync_state`` from the fields it reads."""
    if status == ProductStatus.SYNC_FAILED:
        return "failed"
    if status in SENDING_STATES:
        return "sending"
    if gateway_product_id is None:
        return "not_sent"
    return "in_step" if synced_version == version else "behind"


def categories_for_api(*, search: str = "", after: int | None = None, limit: int | None = None) -> list[Category]:
    """Leaf categories by their gateway id, with their attributes (two queries), after the gateway id ``after``."""
    categories = Category.objects.filter(is_leaf=True).select_related("parent").order_by("category_id")
    search = (search or "").strip()
    if search:
        categories = categories.filter(name__icontains=search)
    if after is not None:
        categories = categories.filter(category_id__gt=after)
    categories = categories.prefetch_related("attributes")
    return list(categories[:limit] if limit is not None else categories)


def category_by_gateway_id(*, category_id: int, leaf_only: bool = False) -> Category | None:
    """The category with the gateway's ``category_id``, with its attributes, or None."""
    categories = Category.objects.filter(category_id=category_id).prefetch_related("attributes")
    if leaf_only:
        categories = categories.filter(is_leaf=True)
    return categories.first()


def product_image_of(*, product: Product, sha256: str) -> ProductImage | None:
    return ProductImage.objects.filter(product=product, sha256=sha256).first()


def product_quality(*, product: Product, changes: dict[str, Any] | None = None) -> tuple[int, list[Problem]]:
    """``(score, problems)`` of ``product`` as it is, or as it would be with ``changes`` (what ``product_update``
    takes: fields, ``category`` a ``Category`` or None, ``price_tiers`` ``[(start_quantity, price)]``,
    ``attributes`` ``[{"attribute_id", "value_id", "value_name"}]``). Nothing is saved: the dry run of the quality
    check. ``ProductInvalid`` for an attribute the category does not have."""
    listing = listing_of(product)
    changes = changes or {}
    overrides = {name: _tupled(changes[name]) for name in _LISTING_FIELDS if name in changes}
    if "hs_code" in overrides:
        overrides["hs_code"] = normalize_hs_code(overrides["hs_code"] or "")
    category = listing.category
    if "category" in changes:
        category = changes["category"]
        overrides["category"] = category
        overrides["category_attributes"] = tuple(category.attributes.all()) if category else ()
        overrides["attribute_values"] = ()
    if changes.get("price_tiers") is not None:
        overrides["tiers"] = tuple((quantity, price) for quantity, price in changes["price_tiers"])
    if changes.get("attributes") is not None:
        known = {attribute.attribute_id: attribute for attribute in (category.attributes.all() if category else ())}
        values = []
        for item in changes["attributes"]:
            attribute = known.get(item.get("attribute_id"))
            if attribute is None:
                raise ProductInvalid(
                    _("Attribute %(id)s is not an attribute of the product's category.")
                    % {"id": item.get("attribute_id")},
                    extra={"field": "attributes"},
                )
            values.append(AttributeValue(attribute, item.get("value_id"), (item.get("value_name") or "").strip()))
        overrides["attribute_values"] = tuple(values)
    problems = problems_of(replace(listing, **overrides))
    return quality_score(problems), problems


# The product's fields the listing rules read as they are (a ``Listing`` field of the same name).
_LISTING_FIELDS = tuple(
    name for name in ("title", "description", *PRODUCT_TERMS_FIELDS) if name in {f.name for f in fields(Listing)}
)


def _tupled(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


# For the inquiries of buyers (buyers/) -----------------------------------------------------------------------------


def trade_units() -> list[tuple[str, StrOrPromise]]:
    """The gateway's units (``fob_unit_type``) as ``[(value, label)]``."""
    return list(Unit.choices)


def payment_methods() -> tuple[str, ...]:
    """The gateway's payment methods, as it spells them."""
    return PAYMENT_METHODS


def has_live_products(*, seller: Seller) -> bool:
    """Whether buyers can find any of the seller's products on Alibaba.com now (one query)."""
    return Product.objects.filter(seller=seller, status=ProductStatus.LIVE).exists()


def product_id_for_listing(
    *, seller_id: int, custom_code: str = "", gateway_product_id: int | None = None
) -> int | None:
    """The id of the seller's (``seller_id``) product that the gateway names by ``custom_code`` (our public id) or
    its own product id, or ``None`` when we no longer hold it (one query)."""
    match = Q()
    with contextlib.suppress(ValueError):
        match |= Q(public_id=UUID(str(custom_code)))
    if gateway_product_id is not None:
        match |= Q(gateway_product_id=gateway_product_id)
    if not match:
        return None
    return Product.objects.filter(match, seller_id=seller_id).values_list("pk", flat=True).first()


@dataclass(frozen=True)
class ProductTerms:
    """What a reply may quote of a product: its title, minimum order and unit, payment terms, and price tiers
    (``[(start_quantity, price)]`` by ascending quantity)."""

    title: str
    min_order_quantity: int | None
    unit: str
    payment_terms: tuple[str, ...]
    tiers: tuple[tuple[int, Decimal], ...]

    def price_for(self, quantity: int | None) -> Decimal | None:
        """The tier price for ``quantity`` (the first tier below the minimum), or ``None`` without tiers."""
        price = self.tiers[0][1] if self.tiers else None
        for start, tier_price in self.tiers:
            if quantity is not None and quantity >= start:
                price = tier_price
        return price


def product_terms(*, product_ids: Iterable[int]) -> dict[int, ProductTerms]:
    """``{product id: ProductTerms}`` of the given products (two queries whatever their number)."""
    products = Product.objects.filter(pk__in=list(product_ids)).prefetch_related("price_tiers")
    return {
        product.pk: ProductTerms(
            title=product.title,
            min_order_quantity=product.min_order_quantity,
            unit=product.unit,
            payment_terms=tuple(product.payment_terms or ()),
            tiers=tuple((tier.start_quantity, tier.price) for tier in product.price_tiers.all()),
        )
        for product in products
    }


def storage_used(*, seller: Seller) -> int:
    """The bytes ``seller``'s files take on dxports: product photos (thumbnails aside) and the import files still
    kept. Two aggregate queries."""
    photos = ProductImage.objects.filter(product__seller=seller).aggregate(total=Sum("size_bytes"))["total"] or 0
    imports = ImportJob.objects.filter(seller=seller, files_removed_at__isnull=True).aggregate(
        total=Sum(F("file_size") + F("error_file_size"))
    )["total"]
    return photos + (imports or 0)


def product_names(*, ids: Iterable[int]) -> dict[int, str]:
    """id → "title (SKU), seller" for the products ``ids`` (one query): how a report names them."""
    products = Product.objects.filter(pk__in=list(ids)).select_related("seller")
    return {product.pk: f"“{product.title}” ({product.sku}), {product.seller.legal_name}" for product in products}


def top_level_category_names() -> dict[int, str]:
    """Category id → the name of its top-level group, in the active language (one query over the category tree,
    whose size is the gateway's, not the program's)."""
    parents = {row["pk"]: row for row in Category.objects.values("pk", "name", "name_bn", "parent_id")}
    names = {}
    for pk in parents:
        top = parents[pk]
        while top["parent_id"] in parents:
            top = parents[top["parent_id"]]
        names[pk] = localized_name(top["name"], top["name_bn"])
    return names
