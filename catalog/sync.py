"""The catalog's side of the sync engine (DESIGN.md §6): the outbox handlers of ``product.upsert`` and
``product.delist``, their failure hook, and the ``product.reviewed`` push handler. Registered in
``CatalogConfig.ready``.

The handlers run outside any transaction and may run twice or late (a lost lease, a duplicate message), so each
re-reads the product and acts on its *current* state:

- ``product.upsert`` uploads the images the seller's photobank lacks (once per content hash and supplier), maps
  the product to the gateway's product JSON and adds or updates it. An add is never repeated blindly: unless this is
  the job's very first attempt, a product without a recorded gateway id is first looked up by ``custom_code`` (its
  public id), since a timeout, a killed worker or a lost lease can each hide an add the gateway applied. The result
  (gateway id, synced version) is recorded by ``services.product_sync_record``.
- ``product.delist`` switches the product's display off (there is no delete).
- An expired access token is refreshed once (``sellers.services.SupplierSession``) and the call repeated.
- Transient errors propagate to the engine, which retries with backoff and waits out bans; a refusal
  (``Rejected``, ``ConfigurationError``) or giving up reaches ``sync_failed``, which shows the seller what to fix.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import translation
from django.utils.translation import gettext as _

from alibaba import outbox, pushes
from alibaba.client import PRODUCT_ADD, PRODUCT_UPDATE
from alibaba.errors import ConfigurationError, GatewayError, Rejected, TransientError
from alibaba.gateway import parse_time, shared_client
from catalog import services
from catalog.models import SYNCED_STATES, InputType, Port, Product, ProductAttributeValue, ProductImage, ProductStatus
from dxports import events
from sellers import selectors as sellers_selectors
from sellers.services import SupplierSession

logger = logging.getLogger("dxports.catalog.sync")

UPSERT = services.UPSERT_KIND
DELIST = services.DELIST_KIND
REVIEWED = "product.reviewed"
DELETED_MEANWHILE = "the product was deleted meanwhile"
# What the product JSON reads besides the product, its seller and category.
SYNC_PREFETCH = (
    "price_tiers",
    "images",
    Prefetch("attribute_values", queryset=ProductAttributeValue.objects.select_related("attribute")),
)

# The gateway's product fields and what the seller calls them, to name the field a refusal is about.
FIELD_LABELS = (
    ("subject", "title (English)"),
    ("category_id", "category"),
    ("keywords", "keywords"),
    ("attributes", "attributes"),
    ("main_image", "images"),
    ("sourcing_trade.fob_min_price", "price tiers"),
    ("sourcing_trade.fob_max_price", "price tiers"),
    ("sourcing_trade.fob_unit_type", "unit"),
    ("sourcing_trade.min_order_quantity", "minimum order quantity"),
    ("sourcing_trade.supply_quantity", "supply ability"),
    ("sourcing_trade.supply_period_type", "supply period"),
    ("sourcing_trade.delivery_port", "port of shipment"),
    ("sourcing_trade.payment_methods", "payment terms"),
    ("sourcing_trade.deliver_periods", "lead time by quantity"),
    ("sourcing_trade.packaging_desc", "packaging"),
    ("bulk_discount_prices", "price tiers"),
    ("description", "description"),
)


def register() -> None:
    outbox.register(UPSERT, sync_product, on_failure=sync_failed)
    outbox.register(DELIST, delist_product, on_failure=sync_failed)
    pushes.register_push_handler(REVIEWED, record_review)
    for event_type in services.RIGHT_TO_SELL_ENDED:
        events.subscribe(event_type, services.withdraw_on_seller_event)


class RightToSellEnded(Exception):
    """The seller lost the right to sell after the job started: nothing more is sent (its listings are being taken
    off by ``services.products_withdraw_for_seller``)."""


def _check_right_to_sell(product: Product) -> None:
    """Right before a call that puts the product on the gateway: the seller's status read afresh."""
    if not sellers_selectors.seller_may_sell(seller_id=product.seller_id):
        raise RightToSellEnded(product.seller_id)


# The gateway's product JSON -------------------------------------------------------------------------------------------


def gateway_product(product: Product, image_urls: Iterable[str]) -> dict[str, Any]:
    """The product JSON of docs/gateway.md ("Product rules") for ``product`` (with ``SYNC_PREFETCH``) and its
    images' photobank URLs, in the seller's order."""
    tiers = list(product.price_tiers.all())
    prices = [tier.price for tier in tiers]
    attributes = []
    for value in product.attribute_values.all():
        item: dict[str, Any] = {"attribute_id": value.attribute.attribute_id}
        if value.attribute.input_type == InputType.INPUT or value.value_id is None:
            item["value_name"] = value.value_name
        else:
            item["value_id"] = value.value_id
        attributes.append(item)
    with translation.override("en"):
        port = str(Port(product.port).label) if product.port in Port.values else product.port
    return {
        "subject": product.title,
        "category_id": product.category.category_id if product.category else None,
        "keywords": list(product.keywords or []),
        "attributes": attributes,
        "main_image": {"images": list(image_urls)},
        "sourcing_trade": {
            "fob_currency": "USD",
            "fob_min_price": min(prices) if prices else None,
            "fob_max_price": max(prices) if prices else None,
            "fob_unit_type": product.unit,
            "min_order_quantity": product.min_order_quantity,
            "supply_quantity": product.supply_quantity,
            "supply_period_type": product.supply_period,
            "delivery_port": port,
            "payment_methods": list(product.payment_terms or []),
            "deliver_periods": [
                {"quantity": item.get("quantity"), "days": item.get("days")} for item in product.lead_times or []
            ],
            # The gateway refuses an empty string; an absent field is "no packaging description".
            "packaging_desc": product.packaging or None,
        },
        "bulk_discount_prices": [{"start_quantity": tier.start_quantity, "price": tier.price} for tier in tiers],
        "description": product.description,
        "custom_code": str(product.public_id),
    }


def _load(job: outbox.OutboxJob) -> Product | None:
    product = (
        Product.objects.select_related("seller", "category").filter(pk=_pk(job.target)).first()
        if _pk(job.target) is not None
        else None
    )
    if product is not None:
        prefetch_related_objects([product], *SYNC_PREFETCH)
    return product


def _pk(target: str) -> int | None:
    try:
        return int(target)
    except (TypeError, ValueError):
        return None


# product.upsert -------------------------------------------------------------------------------------------------------


def sync_product(job: outbox.OutboxJob) -> dict[str, Any]:
    """Send the product's current version to the gateway (see the module's docstring). Returns what the attempt
    log keeps: the action, the gateway's product id, the version sent and the gateway's ``gmt_modified``."""
    product = _load(job)
    if product is None:
        return {"skipped": "the product no longer exists"}
    if product.status not in SYNCED_STATES:
        return {"skipped": f"the product is {product.status}"}
    session = SupplierSession(shared_client(), product.seller)
    try:
        return session.run(lambda: _upsert(job, product, session))
    except RightToSellEnded:
        return {"skipped": "the seller may not sell now"}


def _upsert(job: outbox.OutboxJob, product: Product, session: SupplierSession) -> dict[str, Any]:
    images = list(product.images.all())
    uploads = _ensure_photobank(product, images, session)
    payload = gateway_product(product, [image.photobank_url for image in images])
    gateway_id = product.gateway_product_id
    looked_up = None
    if gateway_id is None and _add_may_have_happened(job):
        found = session.client.product_list(session.token, custom_code=str(product.public_id), page_size=50)
        ids = sorted(item.product_id for item in found.products)
        looked_up = ids
        if ids:
            gateway_id = ids[0]
        if len(ids) > 1:
            # Copies left by adds whose answers were lost before this safeguard: keep one, hide the others.
            session.client.product_set_display(session.token, ids[1:], on=False)
    _check_right_to_sell(product)
    if gateway_id is None:
        answer = session.client.call(PRODUCT_ADD, {"product": payload}, access_token=session.token)
        action, gateway_id = "add", int(answer["product_id"])
    else:
        try:
            answer = session.client.call(
                PRODUCT_UPDATE, {"product_id": gateway_id, "product": payload}, access_token=session.token
            )
        except Rejected as error:
            if error.field != "product_id":
                raise
            # The gateway no longer knows the id we recorded: forget it, so the retry looks the product up by its
            # custom code and adds it when it is not there.
            services.product_gateway_forget(product=product, gateway_product_id=gateway_id)
            raise TransientError("UnknownProductId", f"the gateway does not know product {gateway_id}") from error
        action = "update"
        if product.status == ProductStatus.PUBLISHING:
            # Published again after a delisting or a block: the gateway remembers the display off through review.
            _check_right_to_sell(product)
            session.client.product_set_display(session.token, [gateway_id], on=True)
    try:
        services.product_sync_record(product=product, version=product.version, gateway_product_id=gateway_id)
    except Product.DoesNotExist:
        # Deleted while it was being sent: the gateway must not go on showing a listing we no longer know.
        session.client.product_set_display(session.token, [gateway_id], on=False)
        return {"skipped": DELETED_MEANWHILE, "action": action, "product_id": gateway_id, "hidden": [gateway_id]}
    return {
        "action": action,
        "product_id": gateway_id,
        "version": product.version,
        "gmt_modified": answer.get("gmt_modified"),
        "request_id": answer.get("request_id"),
        "uploaded_images": uploads,
        "looked_up": looked_up,
    }


def _add_may_have_happened(job: outbox.OutboxJob) -> bool:
    """Whether an earlier attempt of this job may have added the product without recording its id: any earlier
    attempt at all (a timeout, a crash, a lost lease or a killed worker each look the same from here)."""
    return outbox.had_earlier_attempts(job)


def _ensure_photobank(product: Product, images: list[ProductImage], session: SupplierSession) -> int:
    """Give every image a photobank URL: reuse the seller's URL for the same content, upload the rest (one upload
    per content and supplier, guarded by a cache lock across workers). Returns how many were uploaded."""
    missing = [image for image in images if not image.photobank_url]
    if not missing:
        return 0
    known = dict(
        ProductImage.objects.filter(product__seller_id=product.seller_id, sha256__in={i.sha256 for i in missing})
        .exclude(photobank_url="")
        .values_list("sha256", "photobank_url")
    )
    uploaded = 0
    for image in missing:
        url = known.get(image.sha256)
        if url is None:
            url = _upload(product, image, session)
            known[image.sha256] = url
            uploaded += 1
        image.photobank_url = url
    return uploaded


def _upload(product: Product, image: ProductImage, session: SupplierSession) -> str:
    lock = f"dxports:catalog:photobank:{product.seller_id}:{image.sha256}"
    if not cache.add(lock, 1, timeout=settings.ALIBABA_OUTBOX_LEASE_S):
        # Another worker is uploading the same content for this supplier: retry once it has stored the URL.
        raise TransientError("PhotobankUploadInProgress", "the same image is being uploaded by another worker")
    try:
        # Another worker may have finished the upload between our read and the lock.
        url = (
            ProductImage.objects.filter(product__seller_id=product.seller_id, sha256=image.sha256)
            .exclude(photobank_url="")
            .values_list("photobank_url", flat=True)
            .first()
        )
        if url:
            return url
        with image.file.open("rb") as handle:
            content = handle.read()
        url = session.client.photobank_upload(
            session.token, filename=f"{image.sha256[:16]}{image.extension}", content=content
        )
        services.product_images_photobank_store(seller=product.seller, sha256=image.sha256, photobank_url=url)
        return url
    finally:
        cache.delete(lock)


# product.delist -------------------------------------------------------------------------------------------------------


def delist_product(job: outbox.OutboxJob) -> dict[str, Any]:
    """Switch the product's display off on the gateway (every copy found by custom code when no id is recorded),
    then delisting → delisted. A product the gateway does not hold is delisted as it is."""
    product = _load(job)
    if product is None:
        return {"skipped": "the product no longer exists"}
    if product.status not in (ProductStatus.DELISTING, ProductStatus.DELISTED, ProductStatus.BLOCKED):
        return {"skipped": f"the product is {product.status}"}
    session = SupplierSession(shared_client(), product.seller)
    ids = session.run(lambda: _switch_off(product, session))
    try:
        services.product_delist_record(product=product)
    except Product.DoesNotExist:
        return {"skipped": DELETED_MEANWHILE, "action": "display_off", "product_ids": ids}
    return {"action": "display_off", "product_ids": ids}


def _switch_off(product: Product, session: SupplierSession) -> list[int]:
    ids = [product.gateway_product_id] if product.gateway_product_id else []
    if not ids:
        found = session.client.product_list(session.token, custom_code=str(product.public_id), page_size=50)
        ids = sorted(item.product_id for item in found.products)
    if ids:
        session.client.product_set_display(session.token, ids, on=False)
    return ids


# When the sync stops --------------------------------------------------------------------------------------------------


def sync_failed(job: outbox.OutboxJob, error: BaseException) -> None:
    """The outbox gave up on a job (a refusal, our configuration, or too many transient errors): the product is
    sync-failed with what to fix."""
    pk = _pk(job.target)
    product = Product.objects.filter(pk=pk).first() if pk is not None else None
    if product is None:
        return
    try:
        services.product_sync_failed(product=product, reason=failure_reason(job, error))
    except Product.DoesNotExist:
        logger.info("outbox %s: product %s was deleted before its failure was recorded", job.pk, pk)


def failure_reason(job: outbox.OutboxJob, error: BaseException) -> str:
    """The sentence the seller reads: the gateway's own message and the field of the form it is about."""
    if isinstance(error, Rejected):
        field = error.field or ""
        label = next((label for prefix, label in FIELD_LABELS if field.startswith(prefix)), field)
        message = error.user_message or error.message
        if label:
            return _(
                "Alibaba.com refused the listing: %(message)s (field: %(field)s). Correct it and publish again."
            ) % {"message": message, "field": label}
        return _("Alibaba.com refused the listing: %(message)s. Correct it and publish again.") % {"message": message}
    if isinstance(error, ConfigurationError):
        return _(
            "The listing could not be sent because of a problem on our side (%(code)s); the program staff have "
            "been told and will retry it."
        ) % {"code": error.code}
    message = error.message if isinstance(error, GatewayError) else (job.last_error_message or str(error))
    return _(
        "Alibaba.com could not be reached after several attempts (%(message)s). Try again later, or ask the "
        "program staff."
    ) % {"message": message[:300]}


# Review pushes --------------------------------------------------------------------------------------------------------


class ReviewArrivedEarly(Exception):
    """A review of a product whose add we have not recorded yet (the push overtook the worker): retried later."""


def record_review(push: pushes.InboundPush) -> None:
    """``product.reviewed``: approved → live, tbd → rejected with the gateway's reason. A push about an unknown
    product, another copy, an old version or one applied already is recorded (the push row) and changes nothing."""
    data = push.data
    if data.get("supplier_id") in (None, ""):
        # Fail closed: without its supplier a push cannot be checked against the product's owner.
        raise pushes.PushRefused("product.reviewed names no supplier_id: not applied")
    product_id = _gateway_id(data.get("product_id"))
    if product_id is None:
        logger.warning("push %s: product.reviewed without a product id: %r", push.event_id, data)
        return
    product = Product.objects.filter(gateway_product_id=product_id).first()
    if product is None:
        product = _by_custom_code(data.get("custom_code"))
    if product is not None and not _of_supplier(product, data.get("supplier_id")):
        logger.warning(
            "push %s: review of product %s sent for supplier %r, not the product's supplier: ignored",
            push.event_id,
            product.pk,
            data.get("supplier_id"),
        )
        return
    if product is not None and product.gateway_product_id is None and product.status in SYNCED_STATES:
        raise ReviewArrivedEarly(f"product {product.pk} has no gateway id recorded yet")
    if product is None:
        logger.info("push %s: review of product %s, which is not ours", push.event_id, product_id)
        return
    if outbox.is_running(kind=UPSERT, target=str(product.pk)):
        # A worker is sending a version right now: until it has recorded what the gateway answered, we cannot
        # tell whether this verdict is about that version or the one before it.
        raise ReviewArrivedEarly(f"product {product.pk} is being sent to the gateway")
    status = data.get("status")
    if status not in ("approved", "tbd"):
        logger.warning("push %s: unknown review status %r", push.event_id, status)
        return
    applied = services.product_review_record(
        product=product,
        gateway_product_id=product_id,
        approved=status == "approved",
        reason=data.get("reason") or "",
        reviewed_at=parse_time(data.get("gmt_modified")),
    )
    if not applied:
        logger.info(
            "push %s: review of product %s not applied (old, repeated or superseded)", push.event_id, product.pk
        )


def _gateway_id(value: object) -> int | None:
    """A gateway product id (a whole number, or its digits as text), or None: int() would also take 12.9 as 12
    and True as 1, the id of another product."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _of_supplier(product: Product, supplier_id: object) -> bool:
    """Whether a push naming ``supplier_id`` may be about ``product``: a product is only ever listed under its own
    seller's supplier account, so a push for another supplier is not about it."""
    ours = sellers_selectors.supplier_id_of(seller_id=product.seller_id)
    return ours is not None and str(ours) == str(supplier_id)


def _by_custom_code(custom_code: object) -> Product | None:
    try:
        public_id = uuid.UUID(str(custom_code))
    except (TypeError, ValueError):
        return None
    return Product.objects.filter(public_id=public_id).first()
