"""The import file's columns: keys, bilingual headers, list separators and the model field behind each."""

from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from catalog.models import (
    PAYMENT_METHODS,
    Port,
    SamplePolicy,
    SupplyPeriod,
    Unit,
)

SEPARATOR = "|"


ERRORS_COLUMN = "errors"
ERRORS_HEADER = "errors / ত্রুটি"
# Cells that a spreadsheet would run as a formula are written with a leading apostrophe, and read back without it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# The columns ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    bengali: str
    label: StrOrPromise
    help: StrOrPromise  # what to write
    example: str
    required: bool = False

    @property
    def header(self) -> str:
        return f"{self.key} / {self.bengali}"


def choices_help(choices: type[TextChoices]) -> str:
    return ", ".join(choices.values)


COLUMNS = (
    Column(
        "sku",
        "এসকেইউ",
        gettext_lazy("SKU"),
        gettext_lazy(
            "Your own code of the product, unique in your catalog (at most 64 characters). Rows are matched "
            "to your products by it."
        ),
        "JB-0001",
        required=True,
    ),
    Column(
        "title",
        "শিরোনাম (ইংরেজি)",
        gettext_lazy("Title (English)"),
        gettext_lazy("English letters, digits and punctuation only, at most 128 characters."),
        "Eco-friendly Hessian Jute Shopping Bag with Cotton Handles",
        required=True,
    ),
    Column(
        "title_bn", "শিরোনাম (বাংলা)", gettext_lazy("Title (Bengali)"), gettext_lazy("For the dashboard."), "পাটের শপিং ব্যাগ"
    ),
    Column("description", "বিবরণ", gettext_lazy("Description"), gettext_lazy("At most 50,000 characters."), ""),
    Column(
        "category_id",
        "ক্যাটাগরি আইডি",
        gettext_lazy("Category id"),
        gettext_lazy("The number of an Alibaba.com category (see the “Allowed values” sheet of the XLSX template)."),
        "",
    ),
    Column(
        "keywords",
        "কীওয়ার্ড",
        gettext_lazy("Keywords"),
        gettext_lazy("Up to 3, separated by |."),
        "jute bag|tote bag|eco bag",
    ),
    Column("hs_code", "এইচএস কোড", gettext_lazy("HS code"), gettext_lazy("6 to 10 digits."), "630510"),
    Column(
        "min_order_quantity",
        "সর্বনিম্ন অর্ডার পরিমাণ",
        gettext_lazy("Minimum order quantity"),
        gettext_lazy("A whole number."),
        "500",
    ),
    Column("unit", "একক", gettext_lazy("Unit"), gettext_lazy("One of: %(values)s."), "piece"),
    Column("supply_quantity", "সরবরাহ ক্ষমতা", gettext_lazy("Supply ability"), gettext_lazy("A whole number."), "50000"),
    Column(
        "supply_period", "সরবরাহের সময়কাল", gettext_lazy("Supply period"), gettext_lazy("One of: %(values)s."), "month"
    ),
    Column(
        "lead_times",
        "ডেলিভারির সময় (দিন)",
        gettext_lazy("Lead times"),
        gettext_lazy("quantity:days, up to 4, separated by |."),
        "1000:20|10000:45",
    ),
    Column("port", "বন্দর", gettext_lazy("Port of shipment"), gettext_lazy("One of: %(values)s."), "chattogram"),
    Column(
        "payment_terms",
        "পেমেন্টের শর্ত",
        gettext_lazy("Payment terms"),
        gettext_lazy("Some of: %(values)s, separated by |."),
        "T/T|L/C",
    ),
    Column("packaging", "প্যাকেজিং", gettext_lazy("Packaging"), gettext_lazy("At most 2,000 characters."), ""),
    Column(
        "certifications",
        "সার্টিফিকেশন",
        gettext_lazy("Certifications"),
        gettext_lazy("Separated by |."),
        "Fair Trade|ISO 9001",
    ),
    Column("sample_policy", "নমুনা", gettext_lazy("Samples"), gettext_lazy("One of: %(values)s."), "paid"),
    Column(
        "price_tiers",
        "মূল্য স্তর (USD)",
        gettext_lazy("FOB price tiers (USD)"),
        gettext_lazy("quantity:price, up to 4, quantities rising and prices falling, separated by |."),
        "500:2.50|5000:1.90",
    ),
    Column(
        "attributes",
        "বৈশিষ্ট্য",
        gettext_lazy("Attributes"),
        gettext_lazy("Name=Value of the category's attributes, separated by |."),
        "Place of Origin=Bangladesh|Material=Hessian Jute",
    ),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = tuple(column.key for column in COLUMNS if column.required)
CHOICES: dict[str, type[TextChoices]] = {
    "unit": Unit,
    "supply_period": SupplyPeriod,
    "port": Port,
    "sample_policy": SamplePolicy,
}
# The model field behind each plain column (the others are price tiers and attributes).
FIELD_OF = {
    key: ("category" if key == "category_id" else key)
    for key in COLUMN_KEYS
    if key not in ("price_tiers", "attributes")
}


def column_help(column: Column) -> str:
    """The column's help, with the allowed values filled in."""
    values = ", ".join(PAYMENT_METHODS) if column.key == "payment_terms" else ""
    if column.key in CHOICES:
        values = choices_help(CHOICES[column.key])
    text = str(column.help)
    return text % {"values": values} if "%(values)s" in text else text


def header_lookup() -> dict[str, str]:
    lookup = {}
    for column in COLUMNS:
        for name in (column.key, column.header, column.bengali, str(column.label)):
            lookup[fold(name)] = column.key
    lookup[fold(ERRORS_COLUMN)] = ERRORS_COLUMN
    lookup[fold(ERRORS_HEADER)] = ERRORS_COLUMN
    return lookup


def fold(text: object) -> str:
    return " ".join(str(text).split()).casefold()
