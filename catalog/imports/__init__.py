"""Bulk import and export of a seller's catalog, as CSV or XLSX.

The seams: ``columns`` (keys, headers, separators), ``files`` (reading an upload safely), ``rows`` (parsing and
checking a row), ``jobs`` (the background job and its bulk write through ``catalog.services``), ``export`` (the
export, the template and the error file), ``photos`` (photos for many products at once, matched by SKU: see its
docstring), and the dashboard's ``views``.

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
updates one in ``models.OFFLINE_EDIT_STATES`` (which goes back to draft, as an edit in the dashboard does). Valid means
every value can be read and none is one the listing rules call invalid (``INVALID_CODES``: a non-ASCII English
title, a rising price, an attribute value the category does not offer …); a product that is merely incomplete (no
images, no port yet) is imported as a draft, and the usual quality check lists what it still needs. A row that
would change a product that is on Alibaba.com or on its way there (publishing, under review, live, updating,
delisting) or blocked by staff is refused with a row error: a bulk file must not send thousands of edits to the
gateway at once; those are edited one by one in the dashboard. A row equal to the product changes nothing (no new
version, no audit row), so importing a file twice, or importing an export, changes nothing.

Whole-file problems (not CSV or XLSX by content, a wrong encoding, too large, too many rows, an XLSX whose zip
declares too much data, a part larger than a catalog needs or an implausible compression ratio, a workbook that needs
more memory or time to read than allowed, missing or unknown columns) fail the job with one message before any row is
written. An XLSX is parsed once, in a process of its own with its memory and CPU time capped (``files.readable``),
into a CSV; the table is then read once to check and count it, and again to import it, in batches of
``BATCH_SIZE`` rows, each in one transaction, so memory does not grow with the file.
"""

from catalog.errors import FileRejected, ImportNotAllowed
from catalog.imports.columns import BY_KEY, CHOICES, COLUMN_KEYS, COLUMNS, ERRORS_HEADER, SEPARATOR, column_help
from catalog.imports.export import csv_lines, export_rows, header_row, product_row, xlsx_file
from catalog.imports.files import max_bytes, max_rows
from catalog.imports.jobs import (
    BATCH_SIZE,
    apply_batch,
    import_job_create,
    import_run,
    imports_cleanup,
    imports_redrive,
)

__all__ = [
    "BATCH_SIZE",
    "BY_KEY",
    "CHOICES",
    "COLUMNS",
    "COLUMN_KEYS",
    "ERRORS_HEADER",
    "FileRejected",
    "ImportNotAllowed",
    "SEPARATOR",
    "apply_batch",
    "column_help",
    "csv_lines",
    "export_rows",
    "header_row",
    "import_job_create",
    "import_run",
    "imports_cleanup",
    "imports_redrive",
    "max_bytes",
    "max_rows",
    "product_row",
    "xlsx_file",
]
