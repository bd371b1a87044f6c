"""Writing catalog files: the export, the template with its help sheet, and the error file's cells."""

import codecs
import csv
import re
import tempfile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.imports.columns import BY_KEY, CHOICES, COLUMN_KEYS, COLUMNS, FORMULA_STARTS, SEPARATOR, column_help
from catalog.models import (
    PAYMENT_METHODS,
    Category,
    Product,
)


def safe_cell(text):
    """A value written to a file a spreadsheet opens: never run as a formula."""
    return f"'{text}" if text and text.startswith(FORMULA_STARTS) else text


# Writing: export, template, allowed values ----------------------------------------------------------------------------


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
