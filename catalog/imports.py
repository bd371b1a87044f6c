"""Bulk import and export of a seller's catalog, as CSV or XLSX (issue 4).

The file format (the template, the export and the error file are the same table):
- one header row, one product per row; each header is ``<key> / <Bengali name>``, for example ``sku / এসকেইউ``. Only
  the key before `` / `` is read, so a header may also be the key alone, its English label or its Bengali name, and
  the columns may come in any order. ``sku`` and ``title`` are required; a column that is left out leaves that
  field of an existing product as it is (an empty cell in a column that is there clears the field);
- lists are separated by ``|`` (never ``,`` or ``;``, which Alibaba.com forbids in keywords and Excel uses as
  separators): ``jute bag|tote bag``; price tiers ``quantity:price`` (``100:2.50|500:2.20``), lead times
  ``quantity:days`` (``1000:20|10000:45``), attributes ``Name=Value`` (``Material=Hessian Jute|Place of
  Origin=Bangladesh``; a multi-select attribute is repeated);
- CSV in UTF-8, with or without a byte order mark (Excel's "CSV UTF-8"), or UTF-16 with one; comma, semicolon or tab
  separated. Any other encoding is refused as a whole, because a wrong guess would corrupt Bengali text silently.
  What a file is, is decided by its content, never by its name.

What a row does (``import_run``): rows are keyed by the seller's SKU. A valid row creates a draft product, or
updates one in ``IMPORT_EDITABLE_STATES`` (which goes back to draft, as an edit in the dashboard does). Valid means
every value can be read and none is one the listing rules call invalid (``INVALID_CODES``: a non-ASCII English
title, a rising price, an attribute value the category does not offer …); a product that is merely incomplete (no
images, no port yet) is imported as a draft, and the usual quality check lists what it still needs. A row that
would change a product that is on Alibaba.com or on its way there (publishing, under review, live, updating,
delisting) or blocked by staff is refused with a row error: a bulk file must not send thousands of edits to the
gateway at once; those are edited one by one in the dashboard. A row equal to the product changes nothing (no new
version, no audit row), so importing a file twice, or importing an export, changes nothing.

Whole-file problems (not CSV or XLSX by content, a wrong encoding, too large, too many rows, an XLSX whose zip
declares too much data or an implausible compression ratio, missing or unknown columns) fail the job with one
message before any row is written: the file is read once to check and count it, then again to import it, in
batches of ``BATCH_SIZE`` rows, each in one transaction, so memory does not grow with the file.
"""

import codecs
import contextlib
import csv
import io
import itertools
import logging
import re
import sqlite3
import tempfile
import uuid
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import services
from catalog.models import (
    OFFLINE_EDIT_STATES,
    PAYMENT_METHODS,
    Category,
    ImportJob,
    ImportStatus,
    InputType,
    Port,
    Product,
    ProductStatus,
    SamplePolicy,
    SupplyPeriod,
    Unit,
)
from catalog.rules import QUANTITY_MAX, AttributeValue, Listing, problems_of
from dxports.errors import ApplicationError
from sellers.models import SellerStatus

logger = logging.getLogger("dxports.catalog.imports")

BATCH_SIZE = 500
SEPARATOR = "|"
# Sellers in the program may import drafts; publishing still needs an active seller.
IMPORT_SELLER_STATES = frozenset({SellerStatus.APPROVED, SellerStatus.ACTIVE, SellerStatus.ACTION_NEEDED})
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
ERRORS_COLUMN = "errors"
ERRORS_HEADER = "errors / ত্রুটি"
# Cells that a spreadsheet would run as a formula are written with a leading apostrophe, and read back without it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _limit(name, default):
    return getattr(settings, name, default)


def max_bytes():
    return _limit("CATALOG_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_rows():
    return _limit("CATALOG_IMPORT_MAX_ROWS", 50_000)


def max_unzipped_bytes():
    return _limit("CATALOG_IMPORT_MAX_UNZIPPED_BYTES", 100 * 1024 * 1024)


MAX_COMPRESSION_RATIO = 100  # real workbooks compress 5 to 20 times; a bomb compresses hundreds of times
RATIO_CHECKED_FROM = 1024 * 1024  # small parts (styles, a few repeated cells) may compress well
MAX_ZIP_ENTRIES = 1000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 60_000  # the longest field, the description, is 50,000


# The columns -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    bengali: str
    label: str  # translatable
    help: str  # translatable: what to write
    example: str
    required: bool = False

    @property
    def header(self):
        return f"{self.key} / {self.bengali}"


def _choices_help(choices):
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
CHOICES = {"unit": Unit, "supply_period": SupplyPeriod, "port": Port, "sample_policy": SamplePolicy}
# The model field behind each plain column (the others are price tiers and attributes).
FIELD_OF = {
    key: ("category" if key == "category_id" else key)
    for key in COLUMN_KEYS
    if key not in ("price_tiers", "attributes")
}


def column_help(column):
    """The column's help, with the allowed values filled in."""
    values = ", ".join(PAYMENT_METHODS) if column.key == "payment_terms" else ""
    if column.key in CHOICES:
        values = _choices_help(CHOICES[column.key])
    text = str(column.help)
    return text % {"values": values} if "%(values)s" in text else text


def _header_lookup():
    lookup = {}
    for column in COLUMNS:
        for name in (column.key, column.header, column.bengali, str(column.label)):
            lookup[_fold(name)] = column.key
    lookup[_fold(ERRORS_COLUMN)] = ERRORS_COLUMN
    lookup[_fold(ERRORS_HEADER)] = ERRORS_COLUMN
    return lookup


def _fold(text):
    return " ".join(str(text).split()).casefold()


# Errors ----------------------------------------------------------------------------------------------------------


class ImportNotAllowed(ApplicationError):
    pass


class FileRejected(ApplicationError):
    """A problem of the whole file: nothing of it is imported."""


# Reading a file --------------------------------------------------------------------------------------------------

MAGIC = (
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"),
    (b"\xd0\xcf\x11\xe0", "old Excel (.xls) or Word document"),
    (b"Rar!", "RAR archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf", "7-Zip archive"),
)


def sniff_format(head):
    """``"xlsx"`` for a zip (an XLSX is one), ``"csv"`` for anything else; what it really is is checked when read."""
    return "xlsx" if head.startswith(b"PK\x03\x04") else "csv"


def _reject_binary(head):
    for magic, what in MAGIC:
        if head.startswith(magic):
            raise FileRejected(
                _(
                    "This file is a %(what)s, not a CSV or XLSX file. Download the template and save it as "
                    "CSV UTF-8 or XLSX."
                )
                % {"what": what}
            )


def _cell_text(value):
    """A cell as the text it shows; whole numbers without ``.0``; a leading apostrophe that protected a formula-like
    cell removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        text = text[1:]
    return text


def safe_cell(text):
    """A value written to a file a spreadsheet opens: never run as a formula."""
    return f"'{text}" if text and text.startswith(FORMULA_STARTS) else text


@contextlib.contextmanager
def open_table(raw, *, file_format):
    """``(header, rows)`` of a CSV or XLSX file open in binary mode: ``rows`` yields ``(row_number, cells)`` with
    the header as row 1, cells as text. Raises ``FileRejected`` when the file is not what it claims, or is too large
    once unpacked."""
    raw.seek(0)
    head = raw.read(8)
    raw.seek(0)
    if not head:
        raise FileRejected(_("The file is empty."))
    _reject_binary(head)
    real_format = sniff_format(head)
    if file_format == "xlsx" and real_format != "xlsx":
        raise FileRejected(_("This file is not an XLSX workbook: open it in Excel and save it as XLSX or CSV UTF-8."))
    if real_format == "xlsx":
        with _xlsx_rows(raw) as rows:
            yield _split_header(rows)
    else:
        rows = _csv_rows(raw)
        try:
            yield _split_header(rows)
        finally:
            rows.close()


def _split_header(rows):
    for number, cells in rows:
        if any(cells):
            return cells, rows
        if number > 1000:
            break
    raise FileRejected(_("The file has no header row: the first row must name the columns, as in the template."))


def _csv_encoding(raw):
    head = raw.read(4)
    raw.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\0" in raw.read(8192):
        raw.seek(0)
        raise FileRejected(_("This file is not a CSV or XLSX file (it holds binary data)."))
    raw.seek(0)
    return "utf-8"


class _Lines:
    """The lines of a binary file as text, decoded strictly one line at a time, so that a decoding error names its
    line; ``number`` is the line being read."""

    def __init__(self, raw, encoding):
        self.raw, self.encoding, self.number = raw, encoding, 0

    def __iter__(self):
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="strict")
        for number, data in enumerate(self.raw, start=1):
            self.number = number
            yield decoder.decode(data)
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail


def _csv_rows(raw):
    encoding = _csv_encoding(raw)
    if encoding == "utf-16":  # its line ends are two bytes: a text wrapper splits them
        lines, text = None, io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    else:
        lines = _Lines(raw, encoding)
        text = iter(lines)
    number = 0
    try:
        first = next(text, "")
        counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
        delimiter = max(counts, key=counts.get)
        reader = csv.reader(itertools.chain([first], text), delimiter=delimiter, strict=False)
        for number, cells in enumerate(reader, start=1):
            yield number, [_cell_text(cell) for cell in cells]
    except UnicodeDecodeError as exc:
        where = lines.number if lines else number + 1
        raise FileRejected(
            _(
                "Line %(line)d of the file is not UTF-8 text. In Excel, choose “Save as” → “CSV UTF-8”, or save as "
                "XLSX; other encodings would garble Bengali text."
            )
            % {"line": where}
        ) from exc
    except csv.Error as exc:
        raise FileRejected(
            _("Row %(row)d cannot be read as CSV (%(error)s).") % {"row": number + 1, "error": exc}
        ) from exc
    finally:
        if lines is None and not raw.closed:
            text.detach()  # the caller closes its file


def check_zip(raw):
    """Refuses a zip that is not a workbook, or that would unpack to too much (a zip bomb), from its declared sizes,
    before anything is unpacked. (Python's zipfile never unpacks more than an entry declares.)"""
    try:
        archive = zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRejected(_("This file is not a readable XLSX workbook (the zip is damaged).")) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise FileRejected(_("This XLSX workbook has too many parts to be a catalog."))
        total = sum(entry.file_size for entry in entries)
        limit = max_unzipped_bytes()
        if total > limit:
            raise FileRejected(
                _(
                    "This XLSX workbook unpacks to %(size)d MB; the limit is %(limit)d MB. Split the catalog into "
                    "several files."
                )
                % {"size": total // 2**20, "limit": limit // 2**20}
            )
        for entry in entries:
            if entry.file_size > RATIO_CHECKED_FROM and entry.file_size > MAX_COMPRESSION_RATIO * max(
                entry.compress_size, 1
            ):
                raise FileRejected(
                    _("This XLSX workbook is compressed implausibly well (a “zip bomb”): it is not read.")
                )
        if "xl/workbook.xml" not in archive.namelist():
            raise FileRejected(_("This zip file is not an XLSX workbook."))
    raw.seek(0)


@contextlib.contextmanager
def _xlsx_rows(raw):
    import openpyxl

    check_zip(raw)
    try:
        workbook = openpyxl.load_workbook(raw, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file: all mean "unreadable"
        raise FileRejected(_("This file is not a readable XLSX workbook.")) from exc
    rows = None
    try:
        sheet = workbook["Products"] if "Products" in workbook.sheetnames else workbook.worksheets[0]
        # The declared dimensions may lie; rows are read as they are.
        sheet.reset_dimensions()
        rows = _sheet_rows(sheet)
        yield rows
    finally:
        if rows is not None:
            rows.close()
        workbook.close()


def _sheet_rows(sheet):
    number = 0
    try:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(cell) for cell in cells]
    except Exception as exc:  # a damaged sheet's XML fails in many ways
        raise FileRejected(_("The sheet cannot be read past row %(row)d.") % {"row": number}) from exc


@dataclass
class Table:
    """The columns of a file: ``keys[i]`` is the column key of cell i (None for a blank header, whose cells are
    ignored)."""

    keys: list
    header: list

    @property
    def present(self):
        return {key for key in self.keys if key and key != ERRORS_COLUMN}


def read_header(header):
    lookup = _header_lookup()
    keys, problems, seen = [], [], set()
    if len(header) > MAX_COLUMNS and any(header[MAX_COLUMNS:]):
        raise FileRejected(_("The file has more than %(count)d columns: use the template.") % {"count": MAX_COLUMNS})
    header = header[:MAX_COLUMNS]
    for index, text in enumerate(header):
        if not text:
            keys.append(None)
            continue
        key = lookup.get(_fold(text.split(" / ")[0])) or lookup.get(_fold(text))
        if key is None:
            problems.append(
                _("“%(name)s” (column %(number)d) is not a column of the template.")
                % {"name": text, "number": index + 1}
            )
        elif key in seen:
            problems.append(_("“%(name)s” appears twice.") % {"name": key})
        seen.add(key)
        keys.append(key)
    missing = [key for key in REQUIRED_KEYS if key not in seen]
    if missing:
        problems.append(_("Required columns are missing: %(names)s.") % {"names": ", ".join(missing)})
    if problems:
        raise FileRejected(
            " ".join(problems) + " " + _("The columns are: %(names)s.") % {"names": ", ".join(COLUMN_KEYS)}
        )
    return Table(keys=keys, header=header)


def _values(table, cells):
    """The row's text by column key: a missing trailing cell is an empty one (spreadsheets leave them out)."""
    width = len(cells)
    return {
        key: cells[index] if index < width else ""
        for index, key in enumerate(table.keys)
        if key and key != ERRORS_COLUMN
    }


def _width_problem(table, cells, *, file_format):
    """A CSV row with fewer cells than the header, or any row with text beyond the header, was most likely split or
    merged by a line break or comma outside quotes: its values would land in the wrong columns."""
    beyond = any(cells[len(table.keys) :])
    if beyond or (file_format == "csv" and len(cells) < len(table.keys)):
        return _(
            "The row has %(cells)d cells but the header has %(columns)d: put text that contains commas, semicolons "
            "or line breaks in double quotes."
        ) % {"cells": len(cells), "columns": len(table.keys)}
    return None


# Parsing and checking a row --------------------------------------------------------------------------------------


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
                by_name[_fold(attribute.name)] = attribute
                values = {str(item["value_id"]): item["value_id"] for item in attribute.values}
                values.update({_fold(item["name"]): item["value_id"] for item in attribute.values})
                self.values[attribute.pk] = values
            self.attributes[category.pk] = (attributes, by_name)
        self.choices = {}  # column → {value or label: value}
        for key, choices in CHOICES.items():
            lookup = {_fold(label): value for value, label in choices.choices}
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
    if not re.fullmatch(r"\d{1,9}", text):
        return None
    value = int(text)
    return value if 1 <= value <= QUANTITY_MAX else None


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
        fields["hs_code"] = values["hs_code"].replace(" ", "").replace(".", "")
    if "category_id" in values:
        fields["category"] = None
        text = values["category_id"]
        if text:
            category = catalog.categories.get(int(text)) if re.fullmatch(r"\d{1,18}", text) else None
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
                fields[key] = catalog.choices[key].get(_fold(values[key]), "")
                if not fields[key]:
                    row.error(
                        key,
                        _("“%(value)s” is not one of: %(allowed)s.")
                        % {"value": values[key], "allowed": _choices_help(choices)},
                    )
    if "lead_times" in values:
        pairs = _pairs(values["lead_times"])
        if pairs is None or not all(re.fullmatch(r"\d{1,9}", q) and re.fullmatch(r"\d{1,4}", d) for q, d in pairs):
            row.error(
                "lead_times", _("Write lead times as quantity:days separated by |, for example 1000:20|10000:45.")
            )
            pairs = []
        fields["lead_times"] = [{"quantity": int(q), "days": int(d)} for q, d in pairs]
    if "price_tiers" in values:
        pairs = _pairs(values["price_tiers"])
        tiers = []
        try:
            if pairs is None or not all(re.fullmatch(r"\d{1,9}", q) for q, _price in pairs):
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
        attribute = by_name.get(_fold(name)) if equals else None
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
        value_id = catalog.values.get(attribute.pk, {}).get(_fold(value))
        resolved.append((attribute, value_id, "" if value_id is not None else value))
    return resolved


def _current(product):
    """The comparable values of a saved product (prefetched tiers and attribute values)."""
    return {
        "tiers": [(tier.start_quantity, tier.price) for tier in product.price_tiers.all()],
        "attributes": [(value.attribute, value.value_id, value.value_name) for value in product.attribute_values.all()],
    }


def _attribute_key(item):
    attribute, value_id, value_name = item
    if attribute.input_type != InputType.INPUT and value_id is not None:
        return (attribute.pk, "id", value_id)
    if attribute.input_type != InputType.INPUT:
        names = {_fold(name): value_id for value_id, name in attribute.value_names.items()}
        if _fold(value_name) in names:
            return (attribute.pk, "id", names[_fold(value_name)])
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
    current = _current(product) if product else {"tiers": [], "attributes": []}
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
    exact = price.is_finite() and price.as_tuple().exponent >= -2
    return price.quantize(Decimal("0.01")) if exact and abs(price) < 10**9 else price


# Applying a batch ------------------------------------------------------------------------------------------------


def _jsonable(name, value):
    if name == "category":
        return value.category_id if value is not None else None
    return value


def _tiers_json(tiers):
    return [[quantity, str(price)] for quantity, price in tiers]


def _attributes_json(attributes):
    return [[attribute.attribute_id, value_id, value_name] for attribute, value_id, value_name in attributes]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0

    def add(self, other):
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors += other.errors


def _changes(row, product, catalog):
    """``{field: [before, after]}`` of what the row changes in ``product``."""
    changes = {}
    for name, value in row.fields.items():
        before = getattr(product, name)
        if name == "category":
            if (before.pk if before else None) != (value.pk if value else None):
                changes[name] = [_jsonable(name, before), _jsonable(name, value)]
        elif before != value:
            changes[name] = [before, value]
    current = _current(product)
    if row.tiers is not None and current["tiers"] != row.tiers:
        changes["price_tiers"] = [_tiers_json(current["tiers"]), _tiers_json(row.tiers)]
    attributes = row.attributes
    if attributes is None and "category" in changes:
        attributes = []  # a new category drops the old one's attributes, as in the dashboard
    if attributes is not None and Counter(map(_attribute_key, current["attributes"])) != Counter(
        map(_attribute_key, attributes)
    ):
        changes["attributes"] = [_attributes_json(current["attributes"]), _attributes_json(attributes)]
    return changes, attributes


def apply_batch(*, job, rows, catalog, actor):
    """Checks and writes one batch of parsed rows in one transaction: new products with ``bulk_create``, changed
    ones with ``bulk_update``, their price tiers and attributes replaced, one audit row per created or changed
    product. Returns the counts and the rows refused."""
    counts = Counts()
    refused = []
    reason = _("Imported from %(name)s") % {"name": job.original_name}
    with transaction.atomic():
        existing = {
            product.sku: product
            for product in Product.objects.select_for_update(of=("self",))
            .filter(seller_id=job.seller_id, sku__in=[row.sku for row in rows])
            .select_related("category")
            .order_by("pk")  # one locking order for every writer
        }
        prefetch_related_objects(list(existing.values()), "price_tiers", "attribute_values__attribute")
        created, updated = [], []  # (row, attributes), (row, product, changes, attributes)
        for row in rows:
            row.errors = list(row.parse_errors)
            product = existing.get(row.sku)
            invalid = check_row(row, product, catalog)
            changes = attributes = None
            if product is not None and not row.errors:
                changes, attributes = _changes(row, product, catalog)
                if not changes:
                    # Equal to the product: nothing is written, so nothing invalid can be, whatever the product
                    # holds already (a draft edited in the dashboard may hold a value the rules refuse).
                    counts.unchanged += 1
                    continue
            row.errors += invalid
            if row.errors:
                refused.append(row)
            elif product is None:
                created.append((row, row.attributes or []))
            elif product.status not in OFFLINE_EDIT_STATES:
                row.error(
                    "sku",
                    _(
                        "The product %(sku)s is “%(status)s”: an import does not change products that are on "
                        "Alibaba.com, on their way there or blocked. Edit it in the dashboard."
                    )
                    % {"sku": row.sku, "status": ProductStatus(product.status).label},
                )
                refused.append(row)
            else:
                updated.append((row, product, changes, attributes))
        counts.errors = len(refused)

        services.products_bulk_save(
            seller=job.seller,
            actor=actor,
            reason=reason,
            creates=[
                services.BulkCreate(fields=row.fields, tiers=row.tiers or [], attributes=attributes)
                for row, attributes in created
            ],
            edits=[
                services.BulkEdit(
                    product=product,
                    fields=row.fields,
                    changes=changes,
                    tiers=row.tiers if "price_tiers" in changes else None,
                    attributes=attributes if "attributes" in changes else None,
                )
                for row, product, changes, attributes in updated
            ],
        )
        counts.created = len(created)
        counts.updated = len(updated)
    return counts, refused


def _apply_with_retry(*, job, rows, catalog, actor):
    try:
        return apply_batch(job=job, rows=rows, catalog=catalog, actor=actor)
    except IntegrityError:
        # A product with one of these SKUs was created meanwhile (in the dashboard): check the batch again.
        return apply_batch(job=job, rows=rows, catalog=catalog, actor=actor)


# The job ---------------------------------------------------------------------------------------------------------


def import_job_create(*, seller, actor, uploaded):
    """Stores the uploaded file under a generated name and queues its import (after commit). Refused for a seller
    that is not in the program, and for a file over the size limit."""
    from catalog.import_tasks import catalog_import_run

    if seller.status not in IMPORT_SELLER_STATES:
        raise ImportNotAllowed(
            _("Your business can import products once it is approved; it is “%(status)s”.")
            % {"status": seller.get_status_display()}
        )
    if uploaded.size > max_bytes():
        raise FileRejected(
            _("The file has %(size)s MB; at most %(limit)s MB can be imported at once. Split it into several files.")
            % {"size": round(uploaded.size / 2**20, 1), "limit": max_bytes() // 2**20}
        )
    uploaded.seek(0)
    file_format = sniff_format(uploaded.read(8))
    uploaded.seek(0)
    with transaction.atomic():
        job = ImportJob(
            seller=seller,
            created_by=actor,
            original_name=(uploaded.name or "catalog").rsplit("/", 1)[-1][:255],
            file_format=file_format,
        )
        job.file.save(f"{seller.public_id}/{uuid.uuid4().hex}.{file_format}", uploaded, save=False)
        job.save()
        transaction.on_commit(lambda: catalog_import_run.delay(job.pk))
    return job


def _claim(job_id):
    """Takes a queued job, or a running one whose worker must have died (older than the task time limit), so that a
    message delivered twice imports once at a time. Returns the job or None."""
    now = timezone.now()
    if ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=now
    ):
        return ImportJob.objects.select_related("seller", "created_by").get(pk=job_id)
    stale = now - timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800))
    if ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING, started_at__lt=stale).update(started_at=now):
        return ImportJob.objects.select_related("seller", "created_by").get(pk=job_id)
    return None


def _fail(job, message):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, message=message, finished_at=timezone.now())


def _count_rows(job):
    """The first pass: every whole-file check, and the number of rows (blank ones skipped)."""
    limit = max_rows()
    with job.file.open("rb") as raw, open_table(raw, file_format=job.file_format) as (header, rows):
        read_header(header)
        total = 0
        for number, cells in rows:
            if any(cells):
                total += 1
            if total > limit or number > 2 * limit:
                raise FileRejected(
                    _("The file has more than %(limit)d rows: split it into several files.") % {"limit": limit}
                )
    return total


def import_run(*, job_id, batch_size=BATCH_SIZE):
    """Imports a queued job's file (see the module's docstring). Safe to run twice: a job is claimed once, and rows
    already imported are unchanged when read again."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        if job.file.size > max_bytes():
            raise FileRejected(_("The file is larger than %(limit)d MB.") % {"limit": max_bytes() // 2**20})
        total = _count_rows(job)
    except FileRejected as error:
        _fail(job, error.message)
        return ImportJob.objects.get(pk=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=total, processed_rows=0)
    try:
        counts = _import_rows(job, batch_size=batch_size)
    except FileRejected as error:  # the file changed between the passes
        _fail(job, error.message)
        return ImportJob.objects.get(pk=job.pk)
    except Exception:
        logger.exception("catalog import %s stopped", job.pk)
        _fail(
            job,
            _(
                "The import stopped because of an error on our side. Rows before it were imported; upload the "
                "file again to import the rest (imported rows will be unchanged)."
            ),
        )
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        finished_at=timezone.now(),
        message=_("%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(errors)d with errors.")
        % {
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "errors": counts.errors,
        },
    )
    return ImportJob.objects.get(pk=job.pk)


def _import_rows(job, *, batch_size):
    catalog = Catalog()
    actor = job.created_by
    counts = Counts()
    processed = 0
    with (
        # A SKU twice in one file would make the result depend on the order of the rows: later rows are refused.
        contextlib.closing(_SeenSkus()) as seen,
        job.file.open("rb") as raw,
        open_table(raw, file_format=job.file_format) as (header, rows),
        tempfile.TemporaryFile() as errors_file,
    ):
        table = read_header(header)
        errors_file.write(codecs.BOM_UTF8)
        errors_text = io.TextIOWrapper(errors_file, encoding="utf-8", newline="")
        writer = csv.writer(errors_text)
        error_keys = [key for key in table.keys if key and key != ERRORS_COLUMN]
        writer.writerow([BY_KEY[key].header for key in error_keys] + [ERRORS_HEADER])
        batch = []

        def flush():
            nonlocal processed
            batch_counts, refused = _apply_with_retry(job=job, rows=batch, catalog=catalog, actor=actor)
            counts.add(batch_counts)
            for row in refused:
                _write_error_row(writer, row, error_keys)
            processed += len(batch)
            batch.clear()
            ImportJob.objects.filter(pk=job.pk).update(
                processed_rows=processed,
                created_count=counts.created,
                updated_count=counts.updated,
                unchanged_count=counts.unchanged,
                error_count=counts.errors,
            )

        for number, cells in rows:
            if not any(cells):
                continue
            row = Row(number=number, cells=cells, values=_values(table, cells))
            parse_row(row, catalog)
            width_problem = _width_problem(table, cells, file_format=job.file_format)
            if width_problem:
                row.error("cells", width_problem)
            if row.sku:
                earlier = seen.first_row(row.sku, number)
                if earlier != number:
                    row.error("sku", _("The SKU %(sku)s is also on row %(row)d.") % {"sku": row.sku, "row": earlier})
            row.parse_errors = list(row.errors)
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
        errors_text.flush()
        errors_text.detach()
        if counts.errors:
            errors_file.seek(0)
            job.error_file.save(f"{job.seller.public_id}/{uuid.uuid4().hex}.csv", File(errors_file), save=False)
            ImportJob.objects.filter(pk=job.pk).update(error_file=job.error_file.name)
    return counts


class _SeenSkus:
    """The SKUs read so far with their first row, in a temporary SQLite file rather than in memory, so that memory
    does not grow with the file (SQLite keeps a bounded page cache)."""

    def __init__(self):
        self.db = sqlite3.connect("")  # "": a private temporary database on disk, deleted when closed
        self.db.execute("CREATE TABLE seen (sku TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID")

    def first_row(self, sku, number):
        if self.db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (sku, number)).rowcount:
            return number
        return self.db.execute("SELECT row FROM seen WHERE sku = ?", (sku,)).fetchone()[0]

    def close(self):
        self.db.close()


def _write_error_row(writer, row, keys):
    message = "; ".join(f"{column}: {text}" for column, text in row.errors)
    cells = [safe_cell(row.values.get(key, "")) for key in keys]
    writer.writerow([*cells, safe_cell(_("Row %(row)d — %(errors)s") % {"row": row.number, "errors": message})])


def imports_redrive(*, older_than=timedelta(minutes=2)):
    """Re-sends jobs whose message was lost (queued for a while) or whose worker died (running past the time
    limit); ``import_run`` claims each once."""
    from catalog.import_tasks import catalog_import_run

    now = timezone.now()
    stale = now - timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800))
    queued = ImportJob.objects.filter(status=ImportStatus.QUEUED, created_at__lt=now - older_than)
    running = ImportJob.objects.filter(status=ImportStatus.RUNNING, started_at__lt=stale)
    ids = list(queued.values_list("pk", flat=True)) + list(running.values_list("pk", flat=True))
    for job_id in ids:
        catalog_import_run.delay(job_id)
    return len(ids)


# Reads for the dashboard -----------------------------------------------------------------------------------------


def import_jobs_for_seller(*, seller):
    return ImportJob.objects.filter(seller=seller).select_related("created_by")


def import_job_for_seller(*, seller, public_id):
    """One of the seller's jobs, or None."""
    return ImportJob.objects.filter(seller=seller, public_id=public_id).first()


# Writing: export, template, allowed values ------------------------------------------------------------------------


def header_row(keys=COLUMN_KEYS):
    return [BY_KEY[key].header for key in keys]


def product_row(product):
    """A product as a row of the template (prefetched tiers and attribute values)."""
    category = product.category
    names = []
    for value in product.attribute_values.all():
        attribute = value.attribute
        text = attribute.value_names.get(value.value_id, "") if value.value_id is not None else value.value_name
        names.append(f"{attribute.name}={text or value.value_id}")

    def number(value):
        return "" if value is None else str(value)

    row = {
        "sku": product.sku,
        "title": product.title,
        "title_bn": product.title_bn,
        "description": product.description,
        "category_id": str(category.category_id) if category else "",
        "keywords": SEPARATOR.join(product.keywords or ()),
        "hs_code": product.hs_code,
        "min_order_quantity": number(product.min_order_quantity),
        "unit": product.unit,
        "supply_quantity": number(product.supply_quantity),
        "supply_period": product.supply_period,
        "lead_times": SEPARATOR.join(f"{item['quantity']}:{item['days']}" for item in product.lead_times or ()),
        "port": product.port,
        "payment_terms": SEPARATOR.join(product.payment_terms or ()),
        "packaging": product.packaging,
        "certifications": SEPARATOR.join(product.certifications or ()),
        "sample_policy": product.sample_policy,
        "price_tiers": SEPARATOR.join(f"{tier.start_quantity}:{tier.price}" for tier in product.price_tiers.all()),
        "attributes": SEPARATOR.join(names),
    }
    return [safe_cell(row[key]) for key in COLUMN_KEYS]


def export_rows(*, seller, chunk_size=500):
    """The header and one row per product of ``seller``, read in chunks (a constant number of queries per chunk)."""
    yield header_row()
    products = (
        Product.objects.filter(seller=seller)
        .select_related("category")
        .prefetch_related("price_tiers", "attribute_values__attribute")
        .order_by("sku")
    )
    for product in products.iterator(chunk_size=chunk_size):
        yield product_row(product)


def allowed_values_rows():
    """The “Allowed values” sheet: the lists, then every leaf category with its attributes."""
    yield ["list / তালিকা", "value / মান", "meaning / অর্থ", "details / বিস্তারিত"]
    for key, choices in CHOICES.items():
        for value, label in choices.choices:
            yield [key, value, str(label), ""]
    for method in PAYMENT_METHODS:
        yield ["payment_terms", method, method, ""]
    for category in Category.objects.filter(is_leaf=True).prefetch_related("attributes").order_by("name"):
        details = []
        for attribute in category.attributes.all():
            marker = _("required") if attribute.is_required else _("optional")
            allowed = ", ".join(item["name"] for item in attribute.values) or _("free text")
            details.append(f"{attribute.name} ({marker}): {allowed}")
        yield ["category_id", str(category.category_id), category.name, " | ".join(details)]


README_LINES = (
    gettext_lazy("Fill in one product per row of the “Products” sheet; keep the header row."),
    gettext_lazy(
        "Rows are matched to your products by SKU: a new SKU creates a draft product, a known one updates it."
    ),
    gettext_lazy(
        "Separate several values with | (keywords, payment terms, certifications, price tiers, lead times, attributes)."
    ),
    gettext_lazy("Price tiers: quantity:price, for example 500:2.50|5000:1.90. Attributes: Name=Value."),
    gettext_lazy(
        "Allowed units, ports, periods, samples, payment terms and categories are on the “Allowed values” sheet."
    ),
    gettext_lazy(
        "Save as XLSX, or as “CSV UTF-8”. Rows with problems are listed in an error file you can fix and upload again."
    ),
)


# What XML 1.0, so a worksheet, cannot hold: the C0 controls but tab and line breaks (as openpyxl's
# ILLEGAL_CHARACTERS_RE). A vertical tab or form feed (a soft line break pasted from Word) is a line break.
_XML_LINE_BREAKS = re.compile(r"[\x0b\x0c]")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def _xml_text(value):
    if not isinstance(value, str):
        return value
    return _XML_ILLEGAL.sub("", _XML_LINE_BREAKS.sub("\n", value))


def write_xlsx(target, *, rows, with_help=False):
    """Writes ``rows`` (the header first) to the “Products” sheet of a new workbook in ``target`` (a file open in
    binary mode), streamed (openpyxl's write-only mode); the template adds the help and allowed values sheets."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Products")
    bold = Font(bold=True)
    text_columns = {COLUMN_KEYS.index("sku"), COLUMN_KEYS.index("hs_code")}
    for index, row in enumerate(rows):
        if index == 0:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = bold
                cells.append(cell)
            sheet.append(cells)
            continue
        cells = []
        for position, value in enumerate(row):
            cell = WriteOnlyCell(sheet, value=_xml_text(value))
            if position in text_columns:
                cell.number_format = "@"
            cells.append(cell)
        sheet.append(cells)
    if with_help:
        allowed = workbook.create_sheet("Allowed values")
        for row in allowed_values_rows():
            allowed.append(row)
        readme = workbook.create_sheet("Read me")
        for line in README_LINES:
            readme.append([str(line)])
        readme.append([])
        readme.append(["column", "meaning", "how to fill it in", "example"])
        for column in COLUMNS:
            readme.append([column.header, str(column.label), column_help(column), column.example])
    workbook.save(target)


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows):
    """``rows`` as CSV text lines, UTF-8 with a byte order mark so that Excel reads Bengali correctly."""
    writer = csv.writer(_Echo())
    yield codecs.BOM_UTF8.decode("utf-8")
    for row in rows:
        yield writer.writerow(row)


def xlsx_file(rows, *, with_help=False):
    """A temporary file holding the workbook, rewound (the caller streams and closes it)."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_xlsx(target, rows=rows, with_help=with_help)
    target.seek(0)
    return target
