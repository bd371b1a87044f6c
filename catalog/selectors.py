"""Reads of the catalog domain for a caller. A seller's reads are scoped to the seller, so another seller's product
is never returned (the views turn "none" into 404)."""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet, Sum

from alibaba import outbox
from catalog.models import (
    SENDING_STATES,
    SYNC_KINDS,
    TRANSITIONS,
    WAITING_STATES,
    Category,
    ImportJob,
    Product,
    ProductEvent,
    ProductImage,
    ProductStatus,
)
from catalog.rules import LISTING_PREFETCH
from dxports.models import User
from sellers.selectors import Seller


def products_for_seller(*, seller: Seller) -> QuerySet[Product]:
    """The seller's products with everything the listing rules read: a constant number of queries for any page."""
    return Product.objects.filter(seller=seller).select_related("category").prefetch_related(*LISTING_PREFETCH)


def product_for_seller(*, seller: Seller, public_id: UUID) -> Product | None:
    """One of the seller's products, or None."""
    return products_for_seller(seller=seller).filter(public_id=public_id).first()


def leaf_categories() -> QuerySet[Category]:
    """The categories a product may use, with their attributes."""
    return Category.objects.filter(is_leaf=True).select_related("parent").prefetch_related("attributes")


# The seller's dashboard --------------------------------------------------------------------------------------------

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
    if product.status == ProductStatus.SYNC_FAILED:
        return "failed"
    if product.status in SENDING_STATES:
        return "sending"
    if product.gateway_product_id is None:
        return "not_sent"
    return "in_step" if product.synced_version == product.version else "behind"


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


def product_image_for_user(*, user: User | AnonymousUser, public_id: UUID, sha256: str) -> ProductImage | None:
    """An image the user may see: of a product of the user's own seller, or any for staff allowed to view products;
    None otherwise."""
    if not user.is_authenticated:
        return None
    images = ProductImage.objects.select_related("product").filter(product__public_id=public_id, sha256=sha256)
    if user.is_staff and user.has_perm("catalog.view_product"):
        return images.first()
    return images.filter(product__seller__members__user=user).first()


# Listing sync ----------------------------------------------------------------------------------------------------


def product_sync_history(*, product: Product) -> QuerySet[outbox.OutboxAttempt]:
    """Every attempt to send the product to the gateway or take it off (``product.upsert`` and ``product.delist``
    outbox attempts), newest first, each with its job (kind): one query whatever their number."""
    return outbox.attempts_of(kinds=SYNC_KINDS, target=str(product.pk))


def import_jobs_for_seller(*, seller: Seller) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(seller=seller).select_related("created_by")


def import_job_for_seller(*, seller: Seller, public_id: UUID) -> ImportJob | None:
    """One of the seller's jobs, or None."""
    return ImportJob.objects.filter(seller=seller, public_id=public_id).first()


@dataclass(frozen=True)
class ProductActions:
    """What the seller may ask of a product in its state, read off the state table (the services decide for good
    and say why not)."""

    can_edit: bool
    can_publish: bool  # draft → ready → publishing
    can_retry: bool  # a failed sync sent again, or a waiting one sent now
    can_delist: bool
    edit_to_publish: bool  # must be edited back to draft before it can be published again
    is_waiting: bool  # the gateway has it, or it is on its way there


def product_actions(product: Product) -> ProductActions:
    status = ProductStatus(product.status)
    targets = TRANSITIONS[status]
    can_publish = status == ProductStatus.READY or ProductStatus.READY in targets
    can_retry = status == ProductStatus.SYNC_FAILED or status in SENDING_STATES
    return ProductActions(
        can_edit=product.is_editable,
        can_publish=can_publish,
        can_retry=can_retry,
        can_delist=ProductStatus.DELISTING in targets,
        edit_to_publish=product.is_editable and ProductStatus.DRAFT in targets and not (can_publish or can_retry),
        is_waiting=status in WAITING_STATES,
    )


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
