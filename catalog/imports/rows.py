"""Parsing a row into product values and checking it with the listing rules."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.imports.columns import CHOICES, FIELD_OF, SEPARATOR, choices_help, fold
from catalog.imports.files import MAX_CELL_CHARS
from catalog.models import (
    PAYMENT_METHODS,
    Category,
    InputType,
)
from catalog.rules import QUANTITY_MAX, AttributeValue, Listing, in_cents, normalize_hs_code, problems_of
from dxports import numbers

# The listing rules' problems that make a row invalid. The others say that a draft is incomplete (it is imported)
# or how to improve it.
INVALID_CODES = frozenset(
    {
        "title_too_long",
        "title_not_ascii",
        "description_too_long",
        "category_not_leaf",
        "keywords_too_many",
        "keyword_separator",
        "keyword_length",
        "hs_code_invalid",
        "attribute_not_in_category",
        "attribute_value_not_allowed",
        "attribute_text_invalid",
        "attribute_repeated",
        "price_tiers_too_many",
        "price_tier_quantity",
        "price_tier_order",
        "price_tier_price",
        "price_tier_rising",
        "payment_terms_invalid",
        "lead_times_invalid",
        "packaging_too_long",
    }
)


# Columns of numbers: Bengali digits in them are read as ASCII digits (``dxports.numbers``); anything else that is
# not a digit is refused by the column's own check.
NUMBER_COLUMNS = frozenset(
    {"hs_code", "category_id", "min_order_quantity", "supply_quantity", "lead_times", "price_tiers"}
)


# Parsing and checking a row -------------------------------------------------------------------------------------------


class Catalog:
    """What rows are checked against: every category with its attributes, read once per job."""

    def __init__(self):
        self.categories = {}
        self.attributes = {}  # category pk → (tuple of attributes, {name or id: attribute})
        self.values = {}  # attribute pk → {value name or id: value id}
        for category in Category.objects.prefetch_related("attributes"):
            self.categories[category.category_id] = category
            attributes = tuple(category.attributes.all())
            by_name = {}
            for attribute in attributes:
                by_name[str(attribute.attribute_id)] = attribute
                by_name[fold(attribute.name)] = attribute
                values = {str(item["value_id"]): item["value_id"] for item in attribute.values}
                values.update({fold(item["name"]): item["value_id"] for item in attribute.values})
                self.values[attribute.pk] = values
            self.attributes[category.pk] = (attributes, by_name)
        self.choices = {}  # column → {value or label: value}
        for key, choices in CHOICES.items():
            lookup = {fold(label): value for value, label in choices.choices}
            lookup.update({value: value for value in choices.values})
            self.choices[key] = lookup

    def attributes_of(self, category):
        return self.attributes.get(category.pk, ((), {})) if category else ((), {})


@dataclass
class Row:
    number: int
    cells: list
    values: dict  # column key → text
    fields: dict = field(default_factory=dict)  # model field → value, for the present columns
    tiers: list | None = None  # [(quantity, Decimal)] when the column is present
    attributes: list | None = None  # [(CategoryAttribute, value_id, value_name)] when present
    errors: list = field(default_factory=list)  # [(column, message)]
    parse_errors: list = field(default_factory=list)  # what reading the cells found, before the batch's checks

    @property
    def sku(self):
        return self.fields.get("sku", "")

    def error(self, column, message):
        self.errors.append((column, str(message)))


def _split(text):
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


def _whole_number(text):
    try:
        value = numbers.whole_number(text)
    except ValidationError:
        return None
    return value if value is not None and 1 <= value <= QUANTITY_MAX else None


def _pairs(text):
    """``"a:b|c:d"`` → ``[("a", "b"), ("c", "d")]``, or None when a part has no colon."""
    pairs = []
    for part in _split(text):
        left, colon, right = part.partition(":")
        if not colon:
            return None
        pairs.append((left.strip(), right.strip()))
    return pairs


def parse_row(row, catalog):
    """Reads the present columns of ``row`` into model values, recording what cannot be read."""
    values = row.values
    for key, text in values.items():
        if len(text) > MAX_CELL_CHARS:
            row.error(
                key,
                _("The cell has %(length)d characters; at most %(max)d.")
                % {"length": len(text), "max": MAX_CELL_CHARS},
            )
            values[key] = ""
        elif "\0" in text:
            # A NUL cannot be stored (PostgreSQL refuses it) nor sent; the first 8 KB of a CSV are checked for
            # binary data, a NUL further on reaches a cell. The row is refused; the error file keeps the rest.
            row.error(key, _("The cell holds a NUL character (binary data): retype the text or copy it as plain text."))
            values[key] = text.replace("\0", "")
    for key in NUMBER_COLUMNS & values.keys():
        values[key] = numbers.to_ascii(values[key])
    fields = row.fields
    sku = values.get("sku", "")
    if not sku:
        row.error("sku", _("The SKU is missing."))
    elif len(sku) > 64 or not sku.isprintable():
        row.error("sku", _("The SKU must be at most 64 characters on one line."))
    fields["sku"] = sku
    title = " ".join(values.get("title", "").split())
    if not title:
        row.error("title", _("The English title is missing."))
    fields["title"] = title
    if "title_bn" in values:
        fields["title_bn"] = " ".join(values["title_bn"].split())
        if len(fields["title_bn"]) > 255:
            row.error("title_bn", _("The Bengali title has more than 255 characters."))
    for key in ("description", "packaging"):
        if key in values:
            fields[key] = values[key]
    if "hs_code" in values:
        fields["hs_code"] = normalize_hs_code(values["hs_code"])
    if "category_id" in values:
        fields["category"] = None
        text = values["category_id"]
        if text:
            category = catalog.categories.get(int(text)) if re.fullmatch(r"[0-9]{1,18}", text) else None
            if category is None:
                row.error(
                    "category_id",
                    _(
                        "“%(value)s” is not an Alibaba.com category id; see the “Allowed values” sheet of the XLSX "
                        "template."
                    )
                    % {"value": text},
                )
            fields["category"] = category
    if "keywords" in values:
        fields["keywords"] = _split(values["keywords"])
    if "certifications" in values:
        fields["certifications"] = _split(values["certifications"])
    if "payment_terms" in values:
        canonical = {method.casefold(): method for method in PAYMENT_METHODS}
        fields["payment_terms"] = [canonical.get(term.casefold(), term) for term in _split(values["payment_terms"])]
    for key in ("min_order_quantity", "supply_quantity"):
        if key in values:
            fields[key] = None
            if values[key]:
                fields[key] = _whole_number(values[key])
                if fields[key] is None:
                    row.error(
                        key, _("“%(value)s” is not a whole number from 1 to 99,999,999.") % {"value": values[key]}
                    )
    for key, choices in CHOICES.items():
        if key in values:
            fields[key] = ""
            if values[key]:
                fields[key] = catalog.choices[key].get(fold(values[key]), "")
                if not fields[key]:
                    row.error(
                        key,
                        _("“%(value)s” is not one of: %(allowed)s.")
                        % {"value": values[key], "allowed": choices_help(choices)},
                    )
    if "lead_times" in values:
        pairs = _pairs(values["lead_times"])
        if pairs is None or not all(
            re.fullmatch(r"[0-9]{1,9}", q) and re.fullmatch(r"[0-9]{1,4}", d) for q, d in pairs
        ):
            row.error(
                "lead_times", _("Write lead times as quantity:days separated by |, for example 1000:20|10000:45.")
            )
            pairs = []
        fields["lead_times"] = [{"quantity": int(q), "days": int(d)} for q, d in pairs]
    if "price_tiers" in values:
        pairs = _pairs(values["price_tiers"])
        tiers = []
        try:
            if pairs is None or not all(re.fullmatch(r"[0-9]{1,9}", q) for q, _price in pairs):
                raise InvalidOperation
            tiers = [(int(q), Decimal(price)) for q, price in pairs]
        except InvalidOperation:
            row.error(
                "price_tiers",
                _("Write price tiers as quantity:price in US dollars separated by |, for example 500:2.50|5000:1.90."),
            )
        row.tiers = tiers
    if "attributes" in values:
        row.attributes = []  # resolved against the category in check_row


def _resolve_attributes(row, category, catalog):
    text = row.values.get("attributes", "")
    if not text:
        return []
    if category is None:
        row.error("attributes", _("Attributes need a category: fill in category_id."))
        return []
    attributes, by_name = catalog.attributes_of(category)
    resolved = []
    for part in _split(text):
        name, equals, value = part.partition("=")
        attribute = by_name.get(fold(name)) if equals else None
        if attribute is None:
            row.error(
                "attributes",
                _("“%(part)s” is not Name=Value of an attribute of category %(id)s (%(names)s)")
                % {"part": part, "id": category.category_id, "names": ", ".join(a.name for a in attributes) or "—"},
            )
            continue
        value = value.strip()
        if attribute.input_type == InputType.INPUT:
            resolved.append((attribute, None, value))
            continue
        value_id = catalog.values.get(attribute.pk, {}).get(fold(value))
        resolved.append((attribute, value_id, "" if value_id is not None else value))
    return resolved


def current_values(product):
    """The comparable values of a saved product (prefetched tiers and attribute values)."""
    return {
        "tiers": [(tier.start_quantity, tier.price) for tier in product.price_tiers.all()],
        "attributes": [(value.attribute, value.value_id, value.value_name) for value in product.attribute_values.all()],
    }


def attribute_key(item):
    attribute, value_id, value_name = item
    if attribute.input_type != InputType.INPUT and value_id is not None:
        return (attribute.pk, "id", value_id)
    if attribute.input_type != InputType.INPUT:
        names = {fold(name): value_id for value_id, name in attribute.value_names.items()}
        if fold(value_name) in names:
            return (attribute.pk, "id", names[fold(value_name)])
    return (attribute.pk, "text", value_name.strip())


def _column_of(problem_field):
    base = re.split(r"[\[.]", problem_field)[0]
    return "category_id" if base == "category" else base


def check_row(row, product, catalog):
    """The row's values merged over ``product`` (None for a new one), checked with the listing rules. Returns the
    rule problems that make a value of a column the file has invalid, as ``[(column, message)]``."""
    merged = {name: getattr(product, name) for name in FIELD_OF.values()} if product else {}
    merged.update(row.fields)
    category = merged.get("category")
    if row.attributes is not None:
        row.attributes = _resolve_attributes(row, category, catalog)
    current = current_values(product) if product else {"tiers": [], "attributes": []}
    tiers = row.tiers if row.tiers is not None else current["tiers"]
    attributes = row.attributes
    if attributes is None:
        same_category = product is not None and product.category_id == (category.pk if category else None)
        attributes = current["attributes"] if same_category else []
    listing = Listing(
        title=merged.get("title", ""),
        description=merged.get("description", ""),
        category=category,
        category_attributes=catalog.attributes_of(category)[0],
        keywords=tuple(merged.get("keywords") or ()),
        hs_code=merged.get("hs_code", ""),
        min_order_quantity=merged.get("min_order_quantity"),
        unit=merged.get("unit", ""),
        supply_quantity=merged.get("supply_quantity"),
        supply_period=merged.get("supply_period", ""),
        lead_times=tuple(merged.get("lead_times") or ()),
        port=merged.get("port", ""),
        payment_terms=tuple(merged.get("payment_terms") or ()),
        packaging=merged.get("packaging", ""),
        tiers=tuple(tiers),
        attribute_values=tuple(AttributeValue(*item) for item in attributes),
    )
    present = set(row.values)
    invalid = []
    for problem in problems_of(listing):
        column = _column_of(problem.field)
        if problem.code in INVALID_CODES and column in present:
            invalid.append((column, f"{problem.message} {problem.fix}"))
    if row.tiers:
        row.tiers = [(quantity, _cents(price)) for quantity, price in row.tiers]
    return invalid


def _cents(price):
    """``price`` with two decimals when that changes nothing but its form (2.5 → 2.50); else as it is."""
    exact = in_cents(price)
    return price.quantize(Decimal("0.01")) if exact and abs(price) < 10**9 else price
