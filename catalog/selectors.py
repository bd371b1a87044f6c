"""Reads of the catalog domain for a caller. A seller's reads are scoped to the seller, so another seller's product
is never returned (the views turn "none" into 404)."""

from django.db.models import F, Q

from catalog.models import Category, ImportJob, Product, ProductEvent, ProductImage, ProductStatus
from catalog.rules import LISTING_PREFETCH

SENDING_STATES = [ProductStatus.PUBLISHING, ProductStatus.UPDATING, ProductStatus.DELISTING]


def products_for_seller(*, seller):
    """The seller's products with everything the listing rules read: a constant number of queries for any page."""
    return Product.objects.filter(seller=seller).select_related("category").prefetch_related(*LISTING_PREFETCH)


def product_for_seller(*, seller, public_id):
    """One of the seller's products, or None."""
    return products_for_seller(seller=seller).filter(public_id=public_id).first()


def leaf_categories():
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


def sync_state(product):
    """The key of ``SYNC_STATES`` that ``product`` is in."""
    if product.status == ProductStatus.SYNC_FAILED:
        return "failed"
    if product.status in SENDING_STATES:
        return "sending"
    if product.gateway_product_id is None:
        return "not_sent"
    return "in_step" if product.synced_version == product.version else "behind"


def products_for_dashboard(*, seller, status="", category=None, sync="", search=""):
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


def categories_of_seller(*, seller):
    """The categories the seller's products use, for the list's filter."""
    return Category.objects.filter(products__seller=seller).distinct().order_by("name")


def product_events(*, product):
    """The product's audit trail, newest first, with the actors (one query)."""
    return ProductEvent.objects.filter(product=product).select_related("actor")


def product_image_for_user(*, user, public_id, sha256):
    """An image the user may see: of a product of the user's own seller, or any for staff allowed to view products;
    None otherwise."""
    if not user.is_authenticated:
        return None
    images = ProductImage.objects.select_related("product").filter(product__public_id=public_id, sha256=sha256)
    if user.is_staff and user.has_perm("catalog.view_product"):
        return images.first()
    return images.filter(product__seller__members__user=user).first()


# Listing sync ----------------------------------------------------------------------------------------------------


def product_sync_history(*, product):
    """Every attempt to send the product to the gateway or take it off (``product.upsert`` and ``product.delist``
    outbox attempts), newest first, each with its job (kind): one query whatever their number."""
    from alibaba.models import OutboxAttempt

    return (
        OutboxAttempt.objects.filter(job__kind__in=("product.upsert", "product.delist"), job__target=str(product.pk))
        .select_related("job")
        .order_by("-started_at", "-id")
    )


def import_jobs_for_seller(*, seller):
    return ImportJob.objects.filter(seller=seller).select_related("created_by")


def import_job_for_seller(*, seller, public_id):
    """One of the seller's jobs, or None."""
    return ImportJob.objects.filter(seller=seller, public_id=public_id).first()
