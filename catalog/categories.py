"""The gateway's category tree and leaf attributes, copied into our database.

``categories_sync`` reads the whole tree first and writes afterwards in one transaction, so no network call runs
inside the transaction and a sync that fails half-way through changes nothing. It is idempotent: a second run with
the gateway unchanged creates and changes nothing (only ``synced_at`` moves). Categories and attributes the gateway
no longer serves are kept (products may still point at them) and counted as ``stale``.

Bengali names (``name_bn``) are ours, not the gateway's: a row without one takes it from ``catalog.names_bn``, and a
row that has one keeps it whatever the gateway answers.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alibaba.client import AlibabaClient
from alibaba.client import Attribute as GatewayAttribute
from alibaba.client import Category as GatewayCategory
from catalog import names_bn
from catalog.models import Category, CategoryAttribute


@dataclass(frozen=True)
class SyncReport:
    categories_created: int = 0
    categories_updated: int = 0
    categories_unchanged: int = 0
    categories_stale: int = 0
    attributes_created: int = 0
    attributes_updated: int = 0
    attributes_unchanged: int = 0
    attributes_stale: int = 0

    def __str__(self) -> str:
        return (
            f"categories: {self.categories_created} created, {self.categories_updated} updated, "
            f"{self.categories_unchanged} unchanged, {self.categories_stale} stale; "
            f"attributes: {self.attributes_created} created, {self.attributes_updated} updated, "
            f"{self.attributes_unchanged} unchanged, {self.attributes_stale} stale"
        )


def _fetch(client: AlibabaClient) -> tuple[list[tuple[GatewayCategory, int]], dict[int, list[GatewayAttribute]]]:
    """The whole tree, parents before children: ``[(category, level)]``, and ``{leaf id: [Attribute]}``."""
    tree: list[tuple[GatewayCategory, int]] = []
    attributes: dict[int, list[GatewayAttribute]] = {}
    queue = [(0, 1)]
    while queue:
        parent_id, level = queue.pop(0)
        for category in client.category_get(parent_id):
            tree.append((category, level))
            if category.is_leaf:
                attributes[category.category_id] = client.category_attributes(category.category_id)
            else:
                queue.append((category.category_id, level + 1))
    return tree, attributes


def categories_sync_due(*, max_age: timedelta) -> bool:
    """True when the tree was never copied, or its last copy is older than ``max_age`` (a timedelta)."""
    last = Category.objects.aggregate(last=Max("synced_at"))["last"]
    return last is None or last < timezone.now() - max_age


def categories_sync(*, client: AlibabaClient) -> SyncReport:
    """Pull the category tree and every leaf's attributes through ``client`` (an ``AlibabaClient``) and upsert
    them. Gateway errors propagate before anything is written. Returns a ``SyncReport``."""
    tree, leaf_attributes = _fetch(client)
    now = timezone.now()
    with transaction.atomic():
        counts = _upsert_categories(tree, now)
        counts |= _upsert_attributes(leaf_attributes, now)
    return SyncReport(**counts)


def _upsert_categories(tree: list[tuple[GatewayCategory, int]], now: datetime) -> dict[str, int]:
    existing = {category.category_id: category for category in Category.objects.select_for_update()}
    created = updated = unchanged = 0
    seen = set()
    for item, level in tree:
        seen.add(item.category_id)
        parent = existing.get(item.parent_id) if item.parent_id else None
        wanted = {
            "name": item.name,
            "parent_id": parent.pk if parent else None,
            "level": level,
            "is_leaf": item.is_leaf,
        }
        category = existing.get(item.category_id)
        translation = names_bn.CATEGORIES.get(item.name, "")
        if category is None:
            existing[item.category_id] = Category.objects.create(
                category_id=item.category_id, name_bn=translation, synced_at=now, **wanted
            )
            created += 1
            continue
        changed = [name for name, value in wanted.items() if getattr(category, name) != value]
        for name in changed:
            setattr(category, name, wanted[name])
        translated = ["name_bn"] if translation and not category.name_bn else []
        if translated:
            category.name_bn = translation
        category.synced_at = now
        category.save(update_fields=[*changed, *translated, "synced_at"])
        if changed:
            updated += 1
        else:
            unchanged += 1
    return {
        "categories_created": created,
        "categories_updated": updated,
        "categories_unchanged": unchanged,
        "categories_stale": len(existing.keys() - seen),
    }


def _upsert_attributes(leaf_attributes: dict[int, list[GatewayAttribute]], now: datetime) -> dict[str, int]:
    categories = dict(Category.objects.filter(category_id__in=leaf_attributes).values_list("category_id", "pk"))
    existing = {
        (attribute.category_id, attribute.attribute_id): attribute
        for attribute in CategoryAttribute.objects.filter(category_id__in=categories.values())
    }
    new, changed_rows = [], []
    unchanged = 0
    seen = set()
    for leaf_id, attributes in leaf_attributes.items():
        category_pk = categories[leaf_id]
        for position, item in enumerate(attributes):
            key = (category_pk, item.attribute_id)
            seen.add(key)
            wanted = {
                "name": item.name,
                "is_required": item.required,
                "input_type": item.input_type,
                "values": [{"value_id": value.value_id, "name": value.name} for value in item.values],
                "position": position,
            }
            attribute = existing.get(key)
            translation = names_bn.ATTRIBUTES.get(item.name, "")
            if attribute is None:
                new.append(
                    CategoryAttribute(
                        category_id=category_pk,
                        attribute_id=item.attribute_id,
                        name_bn=translation,
                        value_names_bn=_value_translations(item, {}),
                        synced_at=now,
                        **wanted,
                    )
                )
                continue
            if any(getattr(attribute, name) != value for name, value in wanted.items()):
                changed_rows.append(attribute)
            else:
                unchanged += 1
            for name, value in wanted.items():
                setattr(attribute, name, value)
            attribute.name_bn = attribute.name_bn or translation
            attribute.value_names_bn = _value_translations(item, attribute.value_names_bn)
            attribute.synced_at = now
    CategoryAttribute.objects.bulk_create(new)
    fields = ["name", "name_bn", "value_names_bn", "is_required", "input_type", "values", "position", "synced_at"]
    CategoryAttribute.objects.bulk_update([existing[key] for key in seen if key in existing], fields, batch_size=500)
    return {
        "attributes_created": len(new),
        "attributes_updated": len(changed_rows),
        "attributes_unchanged": unchanged,
        "attributes_stale": len(existing.keys() - seen),
    }


def _value_translations(item: GatewayAttribute, known: dict[str, str]) -> dict[str, str]:
    """``known`` (value id → Bengali name) kept as it is, with the values that have none translated from the
    table when it knows them."""
    found = {
        str(value.value_id): names_bn.VALUES[value.name]
        for value in item.values
        if str(value.value_id) not in known and value.name in names_bn.VALUES
    }
    return {**known, **found}
