"""Every write of the catalog domain: one function per use case, keyword-only, one transaction each.

A product's status changes only in ``product_transition``, which locks the row, checks ``models.TRANSITIONS``,
writes the audit row and the new state together. Nothing here calls the gateway: publishing, updating a live
product, delisting and blocking write their outbox row in the same transaction (DESIGN.md §6), and the handlers of
``catalog.sync`` report back through the services of the "Listing sync" section. The images' writes live in
``catalog.images`` and are offered here too (``product_image_add``, ``product_image_remove``, ``product_image_move``).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from alibaba import outbox
from alibaba.gateway import parse_time
from catalog.errors import (
    IllegalTransition,
    ListingIncomplete,
    NotEditable,
    NothingToRetry,
    ProductInvalid,
    SellerNotActive,
)
from catalog.images import product_image_add, product_image_move, product_image_remove  # noqa: F401 - offered here
from catalog.models import (
    DELIST_KIND,
    GATEWAY_STATES,
    IN_REVIEW_STATES,
    LIVE_EDIT_STATES,
    MAX_TIER_QUANTITY,
    OFFLINE_EDIT_STATES,
    PRODUCT_TERMS_FIELDS,
    PUBLISHING_STATES,
    SYNC_KINDS,
    SYNCED_STATES,
    TRANSITIONS,
    UPSERT_KIND,
    Category,
    CategoryAttribute,
    EventKind,
    ImportJob,
    PriceTier,
    Product,
    ProductAttributeValue,
    ProductEvent,
    ProductImage,
    ProductStatus,
    ReconciliationFinding,
    ReconciliationRun,
)
from catalog.rules import blocking_problems, hs_code_problems, is_price, listing_problems, normalize_hs_code
from dxports.audit import Actor, actor_or_none
from dxports.errors import ApplicationError
from dxports.models import Event
from dxports.states import StateMachine, require_reason
from sellers import selectors as sellers_selectors
from sellers import services as sellers_services
from sellers.selectors import Seller

# A price tier as given: ``(start_quantity, price)``, converted and checked here.
TierInput = Sequence[Any]
# An attribute value as given: ``{"attribute_id": <gateway id>, "value_id": int | None, "value_name": str}``.
AttributeInput = Mapping[str, Any]

# The fields a seller edits directly; ``price_tiers`` and ``attributes`` are edited as whole lists.
PRODUCT_FIELDS = (
    "sku",
    "title",
    "title_bn",
    "description",
    "category",
    *PRODUCT_TERMS_FIELDS,
)


def _lock(product: Product) -> Product:
    return Product.objects.select_for_update().get(pk=product.pk)


def _require_active_seller(seller: Seller) -> None:
    if not seller.may_sell:
        raise SellerNotActive(seller=seller)


# The state machine ----------------------------------------------------------------------------------------------------


# The one door of a product's status: ``models.TRANSITIONS`` checked, the audit row and the state written together.
# The reason the seller sees belongs to the state it explains: a block, a rejection, a failed sync.
MACHINE = StateMachine(
    table=TRANSITIONS,
    illegal=lambda product, to: IllegalTransition(product=product, to=to),
    audit=lambda product, **fields: ProductEvent(product=product, version=product.version, **fields),
    transition_kind=EventKind.TRANSITION,
    reasoned=frozenset({ProductStatus.BLOCKED, ProductStatus.REJECTED, ProductStatus.SYNC_FAILED}),
    reason_required=frozenset({ProductStatus.BLOCKED}),
    reason_error=ProductInvalid,
    reason_field="status_reason",
    events={
        ProductStatus.LIVE: "product.live",
        ProductStatus.REJECTED: "product.rejected",
        ProductStatus.SYNC_FAILED: "product.sync_failed",
        ProductStatus.DELISTED: "product.delisted",
        ProductStatus.BLOCKED: "product.blocked",
        (ProductStatus.BLOCKED, ProductStatus.DRAFT): "product.unblocked",
    },
    seller_of=lambda product: product.seller_id,
    describe=lambda product: {"title": product.title, "sku": product.sku},
)


@transaction.atomic
def product_transition(
    *, product: Product, to: str, actor: Actor = None, reason: str = "", changes: dict[str, Any] | None = None
) -> ProductEvent:
    """Move ``product`` to status ``to`` if ``TRANSITIONS`` allows it (``IllegalTransition`` otherwise), with an
    audit row. Entering ready, publishing or updating needs an active seller (``SellerNotActive``). Returns the
    audit row; ``event.product`` is the updated product."""
    product = Product.objects.select_for_update().select_related("seller").get(pk=product.pk)
    to = ProductStatus(to)
    if MACHINE.allows(product.status, to) and to in PUBLISHING_STATES:
        _require_active_seller(product.seller)
    event = MACHINE.move(product, to=to, actor=actor, reason=reason, changes=changes)
    if to == ProductStatus.LIVE:
        sellers_services.seller_milestone_reached(
            seller_id=product.seller_id, step="first_live_at", at=event.created_at
        )
    return event


def _require_reason(reason: str) -> str:
    return require_reason(reason, error=ProductInvalid)


@transaction.atomic
def product_block(*, product: Product, actor: Actor, reason: str) -> Product:
    """Staff moderation: the product is blocked, with a reason the seller sees. A product the gateway may hold
    (on its way there, in review, live, being delisted, or whose last sync failed) is taken off display there
    (a ``product.delist`` outbox row)."""
    reason = _require_reason(reason)
    event = product_transition(product=product, to=ProductStatus.BLOCKED, actor=actor, reason=reason)
    if event.from_status in GATEWAY_STATES or event.product.gateway_product_id is not None:
        outbox.enqueue(kind=DELIST_KIND, target=str(event.product.pk))
    return event.product


@transaction.atomic
def product_unblock(*, product: Product, actor: Actor, reason: str) -> Product:
    """Staff lift a block; the product goes back to draft, to be checked and published again."""
    reason = _require_reason(reason)
    return product_transition(product=product, to=ProductStatus.DRAFT, actor=actor, reason=reason).product


# Creating and editing -------------------------------------------------------------------------------------------------


def _check_category(category: Category | None) -> None:
    if category is not None and not category.is_leaf:
        raise ProductInvalid(
            _("“%(name)s” is a group of categories: choose one of the categories inside it.")
            % {"name": category.display_name},
            extra={"field": "category"},
        )


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"not product fields: {sorted(unknown)}")
    if "sku" in fields:
        fields["sku"] = (fields["sku"] or "").strip()
        if not fields["sku"]:
            raise ProductInvalid(_("Enter the product's SKU."), extra={"field": "sku"})
    if "title" in fields:
        fields["title"] = " ".join((fields["title"] or "").split())
    if fields.get("hs_code"):
        fields["hs_code"] = normalize_hs_code(fields["hs_code"])
        problems = hs_code_problems(fields["hs_code"])
        if problems:
            raise ProductInvalid(
                " ".join(f"{problem.message} {problem.fix}" for problem in problems), extra={"field": "hs_code"}
            )
    for name, value in fields.items():
        field = cast(models.Field, Product._meta.get_field(name))  # PRODUCT_FIELDS are concrete fields
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


def _save(product: Product, *, update_fields: list[str] | None = None) -> None:
    try:
        with transaction.atomic():
            product.save(update_fields=update_fields)
    except IntegrityError as exc:
        if Product.objects.filter(seller_id=product.seller_id, sku=product.sku).exclude(pk=product.pk).exists():
            raise ProductInvalid(
                _("You already have a product with the SKU “%(sku)s”.") % {"sku": product.sku}, extra={"field": "sku"}
            ) from exc
        raise


def _tiers_of(product: Product) -> list[list[Any]]:
    return [[tier.start_quantity, str(tier.price)] for tier in PriceTier.objects.filter(product=product)]


def _attributes_of(product: Product) -> list[list[Any]]:
    values = ProductAttributeValue.objects.filter(product=product).select_related("attribute")
    return [[value.attribute.attribute_id, value.value_id, value.value_name] for value in values]


def _set_tiers(product: Product, tiers: Iterable[TierInput]) -> None:
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
        if not (is_price(tier.price) and 1 <= tier.start_quantity <= MAX_TIER_QUANTITY):
            raise ProductInvalid(
                _("A price tier starts at 1 to 99,999 units and costs US$0.01 to US$9,999,999.00, in cents at most."),
                extra={"field": "price_tiers"},
            )
    if len({tier.start_quantity for tier in cleaned}) != len(cleaned):
        raise ProductInvalid(_("Two price tiers start at the same quantity."), extra={"field": "price_tiers"})
    PriceTier.objects.filter(product=product).delete()
    PriceTier.objects.bulk_create(cleaned)


def _set_attributes(product: Product, attributes: Iterable[AttributeInput]) -> None:
    """``attributes``: values of attributes of the product's category (``AttributeInput``). Whether the values are
    allowed is a listing rule, so a draft can hold a wrong one."""
    known: dict[int | None, CategoryAttribute] = {
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, Category):
        return value.category_id
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def product_create(
    *,
    seller: Seller,
    actor: Actor,
    sku: str,
    title: str,
    price_tiers: Iterable[TierInput] = (),
    attributes: Iterable[AttributeInput] = (),
    **fields: Any,
) -> Product:
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
    ProductEvent.record(product=product, version=product.version, actor=actor, kind=EventKind.CREATED, changes=changes)
    return product


@transaction.atomic
def product_update(
    *,
    product: Product,
    actor: Actor,
    price_tiers: Iterable[TierInput] | None = None,
    attributes: Iterable[AttributeInput] | None = None,
    **fields: Any,
) -> Product:
    """Change some fields of an editable product (``NotEditable`` otherwise); ``price_tiers`` and ``attributes``
    replace the whole list when given. A real change bumps ``version`` and writes one audit row with every changed
    field before → after; a product that was ready, rejected, sync-failed or delisted goes back to draft. A live or
    updating product stays listed: the edit must keep it complete (``ListingIncomplete`` with every blocking
    problem, and nothing is changed) and is sent to the gateway (live → updating, one outbox row). Changing
    nothing writes nothing. Changing the category drops the attribute values of the old one."""
    product = _lock(product)
    if not product.is_editable:
        raise NotEditable(product=product)
    fields = _clean_fields(fields)
    changes: dict[str, list[Any]] = {}
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
    ProductEvent.record(product=product, version=product.version, actor=actor, kind=EventKind.EDITED, changes=changes)
    return _after_edit(product=product, actor=actor)


DELETABLE_STATES = frozenset({ProductStatus.DRAFT, ProductStatus.READY})


@transaction.atomic
def product_delete(*, product: Product, actor: Actor) -> None:
    """Delete a product that never left for the gateway (draft or ready, never sent): its rows and, after commit,
    its image files. ``NotEditable`` otherwise (a product Alibaba.com may hold is delisted, not deleted)."""
    product = _lock(product)
    if product.status not in DELETABLE_STATES or product.gateway_product_id is not None:
        raise NotEditable(product=product)
    names = [name for image in product.images.all() for name in (image.file.name, image.thumbnail.name) if name]
    sellers_services.seller_product_deleted_record(
        seller=product.seller,
        actor=actor_or_none(actor),
        product={"id": str(product.public_id), "sku": product.sku, "title": product.title},
    )
    product.delete()
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


# Storage -----------------------------------------------------------------------------------------------------------


def storage_check(*, seller: Seller, adding: int, error: type[ApplicationError]) -> None:
    """Refuse (``error`` with a message) to store ``adding`` more bytes for ``seller`` beyond
    ``CATALOG_STORAGE_PER_SELLER_BYTES`` (product photos and the import files still kept)."""
    from catalog import selectors

    used, limit = selectors.storage_used(seller=seller), settings.CATALOG_STORAGE_PER_SELLER_BYTES
    if used + adding > limit:
        raise error(
            _(
                "Your business stores %(used)s MB of photos and files on dxports; the limit is %(limit)s MB. Remove "
                "photos of products you no longer sell (imported files are removed after %(days)d days), or ask the "
                "program staff for more room."
            )
            % {"used": round(used / 2**20, 1), "limit": limit // 2**20, "days": settings.CATALOG_IMPORT_KEEP_DAYS}
        )


# Bulk writes (the catalog import) -------------------------------------------------------------------------------


@dataclass
class BulkCreate:
    """A new product's ``fields`` (cleaned), its price tiers ``[(start_quantity, price)]`` and attribute values
    ``[(CategoryAttribute, value_id, value_name)]``."""

    fields: dict[str, Any]
    tiers: list[tuple[int, Decimal]] = field(default_factory=list)
    attributes: list[tuple[CategoryAttribute, int | None, str]] = field(default_factory=list)


@dataclass
class BulkEdit:
    """A change of a locked product: its new ``fields``, ``changes`` (``{field: [before, after]}``, for the audit
    row), and the new tiers or attribute values when they change (``None``: unchanged)."""

    product: Product
    fields: dict[str, Any]
    changes: dict[str, list[Any]]
    tiers: list[tuple[int, Decimal]] | None = None
    attributes: list[tuple[CategoryAttribute, int | None, str]] | None = None


def products_bulk_save(
    *,
    seller: Seller,
    actor: Actor,
    reason: str,
    creates: Sequence[BulkCreate],
    edits: Sequence[BulkEdit],
    import_job: ImportJob | None = None,
) -> tuple[list[Product], list[Product]]:
    """Create and change many products at once, with the consequences of ``product_create`` and
    ``product_update``: one audit row per product (created, or edited with its version bumped), and an edited
    product goes back to draft through the state table (``MACHINE.move_many``, its transition rows included).
    Call inside the caller's transaction, with every edited product locked. Only products whose edit goes back to
    draft (``OFFLINE_EDIT_STATES``) can be changed here: a product on the gateway is edited one at a time
    (``NotEditable`` otherwise)."""
    for edit in edits:
        if edit.product.status not in OFFLINE_EDIT_STATES:
            raise NotEditable(product=edit.product)
    now = timezone.now()
    products = Product.objects.bulk_create([Product(seller=seller, **create.fields) for create in creates])
    events: list[ProductEvent] = []
    tiers: list[PriceTier] = []
    values: list[ProductAttributeValue] = []
    for create, product in zip(creates, products, strict=True):
        changes: dict[str, list[Any]] = {name: [None, _jsonable(value)] for name, value in create.fields.items()}
        if create.tiers:
            tiers += [PriceTier(product=product, start_quantity=q, price=p) for q, p in create.tiers]
            changes["price_tiers"] = [None, [[q, str(p)] for q, p in create.tiers]]
        if create.attributes:
            values += [
                ProductAttributeValue(product=product, attribute=a, value_id=i, value_name=n)
                for a, i, n in create.attributes
            ]
            changes["attributes"] = [None, [[a.attribute_id, i, n] for a, i, n in create.attributes]]
        events.append(_event(product, actor=actor, kind=EventKind.CREATED, changes=changes, reason=reason, now=now))
        events[-1].import_job = import_job

    changed = [edit.product for edit in edits]
    for edit in edits:
        product = edit.product
        for name, value in edit.fields.items():
            setattr(product, name, value)
        product.version += 1
        product.updated_at = now
        events.append(_event(product, actor=actor, kind=EventKind.EDITED, changes=edit.changes, reason=reason, now=now))
        events[-1].import_job = import_job
        if edit.tiers is not None:
            tiers += [PriceTier(product=product, start_quantity=q, price=p) for q, p in edit.tiers]
        if edit.attributes is not None:
            values += [
                ProductAttributeValue(product=product, attribute=a, value_id=i, value_name=n)
                for a, i, n in edit.attributes
            ]
    if changed:
        names = sorted({name for edit in edits for name in edit.fields} - {"sku"})
        Product.objects.bulk_update(changed, [*names, "version", "updated_at"], batch_size=100)
        PriceTier.objects.filter(product__in=[e.product for e in edits if e.tiers is not None]).delete()
        ProductAttributeValue.objects.filter(
            product__in=[e.product for e in edits if e.attributes is not None]
        ).delete()
    PriceTier.objects.bulk_create(tiers)
    ProductAttributeValue.objects.bulk_create(values)
    ProductEvent.objects.bulk_create(events)
    MACHINE.move_many(
        [product for product in changed if product.status != ProductStatus.DRAFT],
        to=ProductStatus.DRAFT,
        actor=actor,
        reason=_("Edited by an import: check and publish again."),
    )
    return products, changed


def _event(
    product: Product, *, actor: Actor, kind: str, changes: dict[str, Any], reason: str, now: datetime
) -> ProductEvent:
    return ProductEvent(
        product=product,
        actor=actor_or_none(actor),
        kind=kind,
        version=product.version,
        changes=changes,
        reason=reason,
        created_at=now,
    )


# Edits made elsewhere (images: catalog.images) ------------------------------------------------------------------------


def product_lock_for_edit(*, product: Product) -> Product:
    """Lock ``product`` for an edit made outside ``product_update`` (its images), refused as ``product_update``
    refuses it (``NotEditable``). Call inside a transaction, then ``product_record_edit``."""
    product = Product.objects.select_for_update().select_related("seller").get(pk=product.pk)
    if not product.is_editable:
        raise NotEditable(product=product)
    return product


def product_record_edit(*, product: Product, actor: Actor, changes: dict[str, list[Any]]) -> Product:
    """Record an edit of a locked product made outside ``product_update``, with the same consequences: the version
    is bumped, one audit row holds ``changes`` (``{field: [before, after]}``), and the status follows the rule of
    ``product_update``. Returns the product."""
    product.version += 1
    _save(product, update_fields=["version", "updated_at"])
    ProductEvent.record(product=product, version=product.version, actor=actor, kind=EventKind.EDITED, changes=changes)
    return _after_edit(product=product, actor=actor)


# Listing sync (DESIGN.md §6) ------------------------------------------------------------------------------------------
# The seller's actions write an outbox row in their transaction; the handlers of catalog.sync run it against the
# gateway and report back through the services below. Every one of them is safe to run twice or late: it checks
# the product's current status and version before changing anything.


def _after_edit(*, product: Product, actor: Actor) -> Product:
    """The status rule after an edit (``product_update``, ``product_record_edit``): a live or updating product is
    sent to the gateway, provided it stays complete; any other state but draft goes back to draft."""
    if product.status in LIVE_EDIT_STATES:
        _require_active_seller(product.seller)
        blocking = blocking_problems(listing_problems(product))
        if blocking:
            raise ListingIncomplete(blocking)
        if product.status == ProductStatus.LIVE:
            product = product_transition(
                product=product,
                to=ProductStatus.UPDATING,
                actor=actor,
                reason=_("Edited: the change is sent to Alibaba.com."),
            ).product
        # An updating product's row is bumped: the handler sends the newest version, once.
        outbox.enqueue(kind=UPSERT_KIND, target=str(product.pk))
        return product
    if product.status != ProductStatus.DRAFT:
        product = product_transition(
            product=product, to=ProductStatus.DRAFT, actor=actor, reason=_("Edited: check and publish again.")
        ).product
    return product


@transaction.atomic
def product_publish(*, product: Product, actor: Actor) -> Product:
    """Send a draft, ready or sync-failed product to Alibaba.com: refused for a seller that is not active
    (``SellerNotActive``) and with every blocking problem at once (``ListingIncomplete``); otherwise the product is
    publishing and a ``product.upsert`` outbox row is written in the same transaction."""
    product = Product.objects.select_for_update(of=("self",)).select_related("seller", "category").get(pk=product.pk)
    start = ProductStatus(product.status)
    if start not in (ProductStatus.DRAFT, ProductStatus.READY, ProductStatus.SYNC_FAILED):
        raise IllegalTransition(product=product, to=ProductStatus.PUBLISHING)
    _require_active_seller(product.seller)
    blocking = blocking_problems(listing_problems(product))
    if blocking:
        raise ListingIncomplete(blocking)
    if start == ProductStatus.DRAFT:
        product_transition(product=product, to=ProductStatus.READY, actor=actor)
    product = product_transition(product=product, to=ProductStatus.PUBLISHING, actor=actor).product
    outbox.enqueue(kind=UPSERT_KIND, target=str(product.pk))
    return product


@transaction.atomic
def product_delist(*, product: Product, actor: Actor) -> Product:
    """Take a live product off Alibaba.com (display off: the gateway has no delete): live → delisting and a
    ``product.delist`` outbox row; the handler makes it delisted."""
    product = product_transition(product=product, to=ProductStatus.DELISTING, actor=actor).product
    outbox.enqueue(kind=DELIST_KIND, target=str(product.pk))
    return product


# The seller's events that end its right to sell: every listing is taken off the gateway in the same transaction.
RIGHT_TO_SELL_ENDED = ("seller.suspended", "seller.action_needed", "seller.rejected")


@transaction.atomic
def products_withdraw_for_seller(*, seller_id: int, reason: str) -> int:
    """Take every listing of the seller off Alibaba.com: each product the gateway may hold or be about to hold
    (publishing, in review, live, updating, sync failed) moves to delisting with ``reason`` and a ``product.delist``
    outbox row. Called inside the transaction that ended the seller's right to sell (``dxports.events``
    subscriber), so the two commit together. Returns how many products were withdrawn."""
    products = list(
        Product.objects.select_for_update()
        .filter(seller_id=seller_id, status__in=GATEWAY_STATES - {ProductStatus.DELISTING})
        .order_by("pk")
    )
    for product in products:
        MACHINE.move(product, to=ProductStatus.DELISTING, reason=reason)
        outbox.enqueue(kind=DELIST_KIND, target=str(product.pk))
    return len(products)


def withdraw_on_seller_event(event: Event) -> None:
    """``dxports.events`` subscriber of ``RIGHT_TO_SELL_ENDED``."""
    if event.seller_id is None:  # a seller event always names its seller
        return
    reason = _("Your business may not sell on Alibaba.com now (%(status)s): the listing is taken off.") % {
        "status": event.data.get("status", "")
    }
    products_withdraw_for_seller(seller_id=event.seller_id, reason=reason)


@transaction.atomic
def product_sync_retry(*, product: Product, actor: Actor) -> Product:
    """Send again: a product whose sync failed goes back to publishing (or delisting, when delisting failed) with a
    fresh outbox row; a product whose sync is waiting out a backoff, or stuck past its lease, is retried now
    (``alibaba.outbox.retry``). ``NothingToRetry`` when the sync is running, done, or was never started."""
    product = Product.objects.select_for_update().select_related("seller").get(pk=product.pk)
    job = outbox.latest_job(kinds=SYNC_KINDS, target=str(product.pk))
    sends_listing = job is None or job.kind == UPSERT_KIND
    if sends_listing and product.status != ProductStatus.DELISTING:
        _require_active_seller(product.seller)
    if product.status == ProductStatus.SYNC_FAILED:
        kind = job.kind if job is not None else UPSERT_KIND
        to = ProductStatus.DELISTING if kind == DELIST_KIND else ProductStatus.PUBLISHING
        if to == ProductStatus.PUBLISHING:
            blocking = blocking_problems(listing_problems(product))
            if blocking:
                raise ListingIncomplete(blocking)
        product = product_transition(
            product=product, to=to, actor=actor, reason=_("Sent to Alibaba.com again on request.")
        ).product
        outbox.enqueue(kind=kind, target=str(product.pk))
        return product
    if job is None or not outbox.retry(job=job):
        raise NothingToRetry()
    return product


def product_images_photobank_store(*, seller: Seller, sha256: str, photobank_url: str) -> int:
    """Record that the content ``sha256`` is in the seller's photobank at ``photobank_url``: every image of the
    seller with that content uses it, so the same content is never uploaded twice for one supplier. Returns how many
    images now use it."""
    return ProductImage.objects.filter(product__seller=seller, sha256=sha256, photobank_url="").update(
        photobank_url=photobank_url
    )


@transaction.atomic
def product_sync_record(*, product: Product, version: int, gateway_product_id: int) -> Product:
    """The gateway holds ``version`` of the product as ``gateway_product_id`` (an add or update it accepted):
    publishing → under review. A product blocked meanwhile is taken off display again (a ``product.delist`` row),
    since the write may have put it back on the gateway. Returns the product."""
    product = _lock(product)
    product.gateway_product_id = gateway_product_id
    product.synced_version = version
    product.save(update_fields=["gateway_product_id", "synced_version", "updated_at"])
    if product.status == ProductStatus.PUBLISHING:
        product = product_transition(
            product=product, to=ProductStatus.UNDER_REVIEW, reason=_("Alibaba.com received the listing.")
        ).product
    elif product.status not in SYNCED_STATES:
        outbox.enqueue(kind=DELIST_KIND, target=str(product.pk))
    return product


def product_gateway_id_record(*, product: Product, gateway_product_id: int) -> int | None:
    """The gateway holds the product as ``gateway_product_id`` (found by its custom code): recorded at once when the
    product has no gateway id yet, so that no later step adds it again, and left alone otherwise (the status and
    the synced version wait for ``product_sync_record``). Returns the gateway id the product has now (``None`` when
    it was deleted meanwhile)."""
    Product.objects.filter(pk=product.pk, gateway_product_id__isnull=True).update(
        gateway_product_id=gateway_product_id, updated_at=timezone.now()
    )
    return Product.objects.filter(pk=product.pk).values_list("gateway_product_id", flat=True).first()


@transaction.atomic
def product_gateway_forget(*, product: Product, gateway_product_id: int) -> int:
    """The gateway does not know ``gateway_product_id`` any more: forget it (if it is still the product's), so the
    next sync looks the product up by its custom code and adds it when it is not found. Returns 1 when it was
    forgotten, 0 otherwise."""
    return Product.objects.filter(pk=product.pk, gateway_product_id=gateway_product_id).update(
        gateway_product_id=None, synced_version=None, updated_at=timezone.now()
    )


@transaction.atomic
def product_delist_record(*, product: Product) -> Product:
    """The gateway shows the product no more: delisting → delisted (a blocked product stays blocked)."""
    product = _lock(product)
    if product.status == ProductStatus.DELISTING:
        product = product_transition(
            product=product, to=ProductStatus.DELISTED, reason=_("Taken off Alibaba.com.")
        ).product
    return product


@transaction.atomic
def product_sync_failed(*, product: Product, reason: str) -> Product:
    """The sync stopped for good (the gateway refused the listing, our setup is wrong, or it gave up after many
    transient errors): the product is sync-failed with ``reason``, what to fix, shown to the seller. A product
    that left the sync meanwhile (blocked, edited back to draft) is left alone."""
    product = _lock(product)
    if product.status in SYNCED_STATES or product.status == ProductStatus.DELISTING:
        product = product_transition(product=product, to=ProductStatus.SYNC_FAILED, reason=reason).product
    return product


@transaction.atomic
def product_review_record(
    *,
    product: Product,
    gateway_product_id: int,
    approved: bool,
    reason: str = "",
    reviewed_at: datetime | None = None,
) -> bool:
    """The gateway's review of the product (a push or reconciliation): approved → live, rejected → rejected with
    the gateway's reason. Applied only when it is about what we sent last: the product waits for a review
    (under review or updating), holds ``gateway_product_id``, has no newer version on its way, and was not sent
    again after ``reviewed_at`` (an aware datetime, when known). Returns whether it was applied; a review applied
    already, about an old version or another product changes nothing."""
    product = _lock(product)
    if (
        product.status not in IN_REVIEW_STATES
        or product.gateway_product_id != gateway_product_id
        or product.synced_version != product.version
    ):
        return False
    if reviewed_at is not None:
        sent_at = parse_time(outbox.last_result(kind=UPSERT_KIND, target=str(product.pk)).get("gmt_modified"))
        if sent_at is not None and reviewed_at < sent_at:
            return False
    if approved:
        product_transition(product=product, to=ProductStatus.LIVE, reason=_("Approved by Alibaba.com."))
    else:
        reason = (reason or "").strip() or _("Alibaba.com gave no reason.")
        product_transition(
            product=product,
            to=ProductStatus.REJECTED,
            reason=_("Rejected by Alibaba.com: %(reason)s. Edit the product and publish it again.")
            % {"reason": reason.rstrip(".")},
        )
    return True


@transaction.atomic
def product_resync(*, product: Product, reason: str, forget_gateway_id: bool = False) -> bool:
    """Reconciliation's repair: send the product's current version again (a ``product.upsert`` row). A live
    product becomes updating (the gateway reviews an update again); ``forget_gateway_id`` drops an id the gateway
    no longer knows, so the handler looks the product up by its custom code and adds it when it is not found.
    Returns whether a row was written (only products the gateway should hold are sent)."""
    product = _lock(product)
    if product.status not in SYNCED_STATES | {ProductStatus.LIVE}:
        return False
    if forget_gateway_id and product.gateway_product_id is not None:
        product.gateway_product_id = None
        product.synced_version = None
        product.save(update_fields=["gateway_product_id", "synced_version", "updated_at"])
    if product.status == ProductStatus.LIVE:
        product_transition(product=product, to=ProductStatus.UPDATING, reason=reason)
    outbox.enqueue(kind=UPSERT_KIND, target=str(product.pk))
    return True


@transaction.atomic
def product_redelist(*, product: Product) -> bool:
    """Reconciliation's repair: a delisted or blocked product the gateway shows again is switched off again."""
    product = _lock(product)
    if product.status not in (ProductStatus.DELISTED, ProductStatus.BLOCKED, ProductStatus.DELISTING):
        return False
    outbox.enqueue(kind=DELIST_KIND, target=str(product.pk))
    return True


# Reconciliation (catalog.reconcile) --------------------------------------------------------------------------------


@transaction.atomic
def reconciliation_record(*, report: Mapping[str, Any], started_at: datetime) -> ReconciliationRun:
    """Store a reconciliation's report (``reconcile.reconcile_listings``'s dict) as a run and one finding per entry
    of each of its lists, keyed by the list's name; an entry's ``product`` and ``seller`` (ids) become links, unless
    the row is gone meanwhile. Returns the run."""
    counts = report["counts"]
    run = ReconciliationRun.objects.create(
        started_at=started_at,
        finished_at=timezone.now(),
        sellers=counts.get("sellers", 0),
        checked=counts.get("checked", 0),
        on_gateway=counts.get("on_gateway", 0),
        counts={key: value for key, value in counts.items() if isinstance(report.get(key), list)},
    )
    entries = [(key, item) for key, value in report.items() if isinstance(value, list) for item in value]
    product_ids = {item.get("product") for _key, item in entries}
    existing = set(Product.objects.filter(pk__in=[pk for pk in product_ids if pk]).values_list("pk", flat=True))
    seller_ids = {item.get("seller") for _key, item in entries if item.get("seller")}
    sellers = {seller.pk for seller in sellers_selectors.sellers_by_ids(ids=seller_ids)} if seller_ids else set()
    ReconciliationFinding.objects.bulk_create(
        ReconciliationFinding(
            run=run,
            kind=key,
            product_id=item.get("product") if item.get("product") in existing else None,
            seller_id=item.get("seller") if item.get("seller") in sellers else None,
            details=item,
        )
        for key, item in entries
    )
    return run
