"""Every write of the catalog domain: one function per use case, keyword-only, one transaction each.

A product's status changes only in ``product_transition``, which locks the row, checks ``models.TRANSITIONS``,
writes the audit row and the new state together. Nothing here reaches the gateway yet: publishing, updating and
delisting will write their outbox row in the same transaction (DESIGN.md §6).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from catalog.errors import IllegalTransition, ListingIncomplete, NotEditable, ProductInvalid, SellerNotActive
from catalog.models import (
    MAX_PRICE,
    MAX_TIER_QUANTITY,
    MIN_PRICE,
    PUBLISHING_STATES,
    TRANSITIONS,
    Category,
    CategoryAttribute,
    EventKind,
    PriceTier,
    Product,
    ProductAttributeValue,
    ProductEvent,
    ProductStatus,
)
from catalog.rules import blocking_problems, listing_problems
from sellers.models import SellerStatus

REASONED_STATES = frozenset({ProductStatus.BLOCKED, ProductStatus.REJECTED, ProductStatus.SYNC_FAILED})
# The fields a seller edits directly; ``price_tiers`` and ``attributes`` are edited as whole lists.
PRODUCT_FIELDS = (
    "sku",
    "title",
    "title_bn",
    "description",
    "category",
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


def _lock(product):
    return Product.objects.select_for_update().get(pk=product.pk)


def _audit(*, product, actor, kind, changes=None, reason="", from_status="", to_status=""):
    return ProductEvent.objects.create(
        product=product,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        version=product.version,
        changes=changes or {},
        reason=reason,
        from_status=from_status,
        to_status=to_status,
    )


def _require_active_seller(seller):
    if seller.status != SellerStatus.ACTIVE:
        raise SellerNotActive(seller=seller)


# The state machine -----------------------------------------------------------------------------------------------


@transaction.atomic
def product_transition(*, product, to, actor=None, reason="", changes=None):
    """Move ``product`` to status ``to`` if ``TRANSITIONS`` allows it (``IllegalTransition`` otherwise), with an
    audit row. Entering ready, publishing or updating needs an active seller (``SellerNotActive``). Returns the
    audit row; ``event.product`` is the updated product."""
    product = Product.objects.select_for_update().select_related("seller").get(pk=product.pk)
    to = ProductStatus(to)
    if to not in TRANSITIONS[ProductStatus(product.status)]:
        raise IllegalTransition(product=product, to=to)
    if to in PUBLISHING_STATES:
        _require_active_seller(product.seller)
    if to == ProductStatus.BLOCKED:
        reason = _require_reason(reason)
    before = product.status
    product.status = to
    product.status_changed_at = timezone.now()
    fields = ["status", "status_changed_at", "updated_at"]
    # The reason the seller sees belongs to the state it explains: a block, a rejection, a failed sync.
    product.status_reason = reason if to in REASONED_STATES else ""
    fields.append("status_reason")
    product.save(update_fields=fields)
    return _audit(
        product=product,
        actor=actor,
        kind=EventKind.TRANSITION,
        from_status=before,
        to_status=to,
        reason=reason,
        changes=changes,
    )


@transaction.atomic
def product_mark_ready(*, product, actor):
    """The seller's dry run passed: the product is ready to publish. Refused with every blocking problem at once
    (``ListingIncomplete``), and for a seller that is not active."""
    product = _lock(product)
    if ProductStatus.READY not in TRANSITIONS[ProductStatus(product.status)]:
        raise IllegalTransition(product=product, to=ProductStatus.READY)
    _require_active_seller(product.seller)
    blocking = blocking_problems(listing_problems(product))
    if blocking:
        raise ListingIncomplete(blocking)
    return product_transition(product=product, to=ProductStatus.READY, actor=actor).product


def _require_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ProductInvalid(_("Give the reason: the seller reads it."))
    return reason


@transaction.atomic
def product_block(*, product, actor, reason):
    """Staff moderation: the product is blocked, with a reason the seller sees."""
    reason = _require_reason(reason)
    return product_transition(product=product, to=ProductStatus.BLOCKED, actor=actor, reason=reason).product


@transaction.atomic
def product_unblock(*, product, actor, reason):
    """Staff lift a block; the product goes back to draft, to be checked and published again."""
    reason = _require_reason(reason)
    return product_transition(product=product, to=ProductStatus.DRAFT, actor=actor, reason=reason).product


# Creating and editing --------------------------------------------------------------------------------------------


def _check_category(category):
    if category is not None and not category.is_leaf:
        raise ProductInvalid(
            _("“%(name)s” is a group of categories: choose one of the categories inside it.") % {"name": category.name},
            extra={"field": "category"},
        )


def _clean_fields(fields):
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"not product fields: {sorted(unknown)}")
    if "sku" in fields:
        fields["sku"] = (fields["sku"] or "").strip()
        if not fields["sku"]:
            raise ProductInvalid(_("Enter the product's SKU."), extra={"field": "sku"})
    if "title" in fields:
        fields["title"] = " ".join((fields["title"] or "").split())
    for name, value in fields.items():
        field = Product._meta.get_field(name)
        if value is None or field.is_relation:
            continue
        try:
            fields[name] = field.to_python(value)
            field.run_validators(fields[name])
        except ValidationError as exc:
            raise ProductInvalid(
                f"{capfirst(field.verbose_name)}: {' '.join(exc.messages)}", extra={"field": name}
            ) from exc
    _check_category(fields.get("category"))
    return fields


def _save(product, *, update_fields=None):
    try:
        with transaction.atomic():
            product.save(update_fields=update_fields)
    except IntegrityError as exc:
        if Product.objects.filter(seller_id=product.seller_id, sku=product.sku).exclude(pk=product.pk).exists():
            raise ProductInvalid(
                _("You already have a product with the SKU “%(sku)s”.") % {"sku": product.sku}, extra={"field": "sku"}
            ) from exc
        raise


def _tiers_of(product):
    return [[tier.start_quantity, str(tier.price)] for tier in PriceTier.objects.filter(product=product)]


def _attributes_of(product):
    values = ProductAttributeValue.objects.filter(product=product).select_related("attribute")
    return [[value.attribute.attribute_id, value.value_id, value.value_name] for value in values]


def _set_tiers(product, tiers):
    """``tiers``: ``[(start_quantity, price)]``. Prices out of the gateway's range are refused by the database's
    constraints, so they are refused here first with a message."""
    cleaned = []
    for start_quantity, price in tiers:
        try:
            cleaned.append(PriceTier(product=product, start_quantity=int(start_quantity), price=Decimal(str(price))))
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise ProductInvalid(
                _("Enter each price tier as a quantity and a price."), extra={"field": "price_tiers"}
            ) from exc
    for tier in cleaned:
        if not (
            tier.price.is_finite()
            and tier.price.as_tuple().exponent >= -2
            and MIN_PRICE <= tier.price <= MAX_PRICE
            and 1 <= tier.start_quantity <= MAX_TIER_QUANTITY
        ):
            raise ProductInvalid(
                _("A price tier starts at 1 to 99,999 units and costs US$0.01 to US$9,999,999.00, in cents at most."),
                extra={"field": "price_tiers"},
            )
    if len({tier.start_quantity for tier in cleaned}) != len(cleaned):
        raise ProductInvalid(_("Two price tiers start at the same quantity."), extra={"field": "price_tiers"})
    PriceTier.objects.filter(product=product).delete()
    PriceTier.objects.bulk_create(cleaned)


def _set_attributes(product, attributes):
    """``attributes``: ``[{"attribute_id": <gateway id>, "value_id": int | None, "value_name": str}]`` of the
    product's category. Whether the values are allowed is a listing rule, so a draft can hold a wrong one."""
    known = {
        attribute.attribute_id: attribute for attribute in CategoryAttribute.objects.filter(category=product.category)
    }
    rows = []
    for item in attributes:
        attribute = known.get(item.get("attribute_id"))
        if attribute is None:
            raise ProductInvalid(
                _("Attribute %(id)s is not an attribute of the product's category.") % {"id": item.get("attribute_id")},
                extra={"field": "attributes"},
            )
        value_id, value_name = item.get("value_id"), (item.get("value_name") or "").strip()
        if value_id is None and not value_name:
            continue
        rows.append(
            ProductAttributeValue(product=product, attribute=attribute, value_id=value_id, value_name=value_name)
        )
    ProductAttributeValue.objects.filter(product=product).delete()
    ProductAttributeValue.objects.bulk_create(rows)


def _jsonable(value):
    if isinstance(value, Category):
        return value.category_id
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def product_create(*, seller, actor, sku, title, price_tiers=(), attributes=(), **fields):
    """A new draft product of ``seller`` (of any status: only publishing needs an active seller). Drafts may be
    incomplete: ``catalog.rules`` says what is missing; only what the database cannot hold is refused here."""
    fields = _clean_fields({"sku": sku, "title": title, **fields})
    product = Product(seller=seller, **fields)
    _save(product)
    if price_tiers:
        _set_tiers(product, price_tiers)
    if attributes:
        _set_attributes(product, attributes)
    changes = {name: [None, _jsonable(getattr(product, name))] for name in fields}
    if price_tiers:
        changes["price_tiers"] = [None, _tiers_of(product)]
    if attributes:
        changes["attributes"] = [None, _attributes_of(product)]
    _audit(product=product, actor=actor, kind=EventKind.CREATED, changes=changes)
    return product


@transaction.atomic
def product_update(*, product, actor, price_tiers=None, attributes=None, **fields):
    """Change some fields of an editable product (``NotEditable`` otherwise); ``price_tiers`` and ``attributes``
    replace the whole list when given. A real change bumps ``version`` and writes one audit row with every changed
    field before → after; a product that was ready, rejected, sync-failed or delisted goes back to draft. Changing
    nothing writes nothing. Changing the category drops the attribute values of the old one."""
    product = _lock(product)
    if not product.is_editable:
        raise NotEditable(product=product)
    fields = _clean_fields(fields)
    changes = {}
    for name, value in fields.items():
        before = getattr(product, name)
        if before != value:
            changes[name] = [_jsonable(before), _jsonable(value)]
            setattr(product, name, value)

    if "category" in changes and attributes is None:
        attributes = []
    if price_tiers is not None:
        before = _tiers_of(product)
        _set_tiers(product, price_tiers)
        after = _tiers_of(product)
        if before != after:
            changes["price_tiers"] = [before, after]
    if attributes is not None:
        before = _attributes_of(product)
        _set_attributes(product, attributes)
        after = _attributes_of(product)
        if before != after:
            changes["attributes"] = [before, after]

    if not changes:
        return product
    product.version += 1
    _save(product)
    _audit(product=product, actor=actor, kind=EventKind.EDITED, changes=changes)
    if product.status != ProductStatus.DRAFT:
        product = product_transition(
            product=product, to=ProductStatus.DRAFT, actor=actor, reason=_("Edited: check and publish again.")
        ).product
    return product
