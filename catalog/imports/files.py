"""Reading an uploaded catalog file safely: what it is by content, encodings, limits on size, rows, columns and
zip parts, and the header."""

import codecs
import contextlib
import csv
import io
import itertools
import logging
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from catalog.errors import FileRejected
from catalog.imports import xlsx_child
from catalog.imports.columns import COLUMN_KEYS, ERRORS_COLUMN, FORMULA_STARTS, REQUIRED_KEYS, fold, header_lookup


def _limit(name, default):
    return getattr(settings, name, default)


def max_bytes():
    return _limit("CATALOG_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_rows():
    return _limit("CATALOG_IMPORT_MAX_ROWS", 50_000)


def max_unzipped_bytes():
    return _limit("CATALOG_IMPORT_MAX_UNZIPPED_BYTES", 100 * 1024 * 1024)


def parse_max_bytes():
    """The memory an XLSX is read with, in its own process (``xlsx_child``)."""
    return _limit("CATALOG_IMPORT_PARSE_MAX_BYTES", 768 * 1024 * 1024)


def parse_max_seconds():
    return _limit("CATALOG_IMPORT_PARSE_MAX_SECONDS", 120)


# Every part of a workbook but its sheets and shared strings (styles, themes, relations, properties) is small in any
# workbook a person made: openpyxl parses such parts whole, so each is capped by its declared size.
MAX_OTHER_PART_BYTES = 4 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # real workbooks compress 5 to 20 times; a bomb compresses hundreds of times
RATIO_CHECKED_FROM = 1024 * 1024  # small parts (styles, a few repeated cells) may compress well
MAX_ZIP_ENTRIES = 1000
MAX_COLUMNS = 60
MAX_CELL_CHARS = 60_000  # the longest field, the description, is 50,000


# Reading a file -------------------------------------------------------------------------------------------------------

logger = logging.getLogger("dxports.catalog.imports")
CHILD = Path(xlsx_child.__file__)

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


@contextlib.contextmanager
def readable(raw, *, file_format):
    """The uploaded file (binary, seekable) as a table stream that ``open_table`` reads, as often as needed: a CSV
    is itself; an XLSX is read once, in a process of its own (``_xlsx_converted``), into a UTF-8 CSV. Raises
    ``FileRejected`` when the file is not what it claims, or is too large or too complex once unpacked."""
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
        with _xlsx_converted(raw) as converted:
            yield Readable(converted, delimiter=",")
    else:
        yield Readable(raw, delimiter=None)


@dataclass(frozen=True)
class Readable:
    stream: object
    delimiter: str | None


@contextlib.contextmanager
def open_table(source):
    """``(header, rows)`` of a ``readable`` file, from its start: ``rows`` yields ``(row_number, cells)`` with the
    header as row 1, cells as text."""
    source.stream.seek(0)
    rows = _csv_rows(source.stream, delimiter=source.delimiter)
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


def _csv_rows(raw, *, delimiter=None):
    """Rows of a CSV file; ``delimiter`` None: the first line's most frequent of comma, semicolon and tab."""
    encoding = _csv_encoding(raw)
    if encoding == "utf-16":  # its line ends are two bytes: a text wrapper splits them
        lines, text = None, io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    else:
        lines = _Lines(raw, encoding)
        text = iter(lines)
    number = 0
    try:
        first = next(text, "")
        if delimiter is None:
            counts = {candidate: first.count(candidate) for candidate in (",", ";", "\t")}
            delimiter = max(counts, key=counts.__getitem__)
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
        for entry in entries:
            is_data = entry.filename.startswith("xl/worksheets/") or entry.filename == "xl/sharedStrings.xml"
            if not is_data and entry.file_size > MAX_OTHER_PART_BYTES:
                raise FileRejected(
                    _(
                        "This XLSX workbook's part “%(part)s” is %(size)d MB, far more than a catalog needs (styles "
                        "or formatting copied many times). Copy the data into the template and save it again."
                    )
                    % {"part": entry.filename[:80], "size": entry.file_size // 2**20}
                )
        if "xl/workbook.xml" not in archive.namelist():
            raise FileRejected(_("This zip file is not an XLSX workbook."))
    raw.seek(0)


@contextlib.contextmanager
def _xlsx_converted(raw):
    """The workbook's product sheet as a UTF-8 CSV temporary file, read by ``xlsx_child`` in a process of its own
    with its memory and time capped: a hostile workbook fails that process, never this one."""
    check_zip(raw)
    with tempfile.TemporaryDirectory(prefix="dxports-xlsx-") as folder:
        source, target = Path(folder) / "in.xlsx", Path(folder) / "out.csv"
        with source.open("wb") as copy:
            shutil.copyfileobj(raw, copy, 1024 * 1024)
        raw.seek(0)
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    str(CHILD),
                    str(source),
                    str(target),
                    str(parse_max_bytes()),
                    str(parse_max_seconds()),
                ],
                capture_output=True,
                timeout=parse_max_seconds() + 10,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise FileRejected(
                _("This XLSX workbook takes too long to read. Save it as CSV UTF-8 and upload that.")
            ) from exc
        if done.returncode != 0:
            logger.info("xlsx reader exited %s: %s", done.returncode, done.stderr[-500:])
            if done.returncode == xlsx_child.EXIT_UNREADABLE:
                raise FileRejected(_("This file is not a readable XLSX workbook."))
            raise FileRejected(
                _(
                    "This XLSX workbook needs too much memory or time to read (it may hold formatting copied many "
                    "times). Copy the data into the template, or save it as CSV UTF-8, and upload it again."
                )
            )
        with target.open("rb") as converted:
            yield converted


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
    lookup = header_lookup()
    keys: list[str | None] = []
    problems: list[str] = []
    seen: set[str | None] = set()
    if len(header) > MAX_COLUMNS and any(header[MAX_COLUMNS:]):
        raise FileRejected(_("The file has more than %(count)d columns: use the template.") % {"count": MAX_COLUMNS})
    header = header[:MAX_COLUMNS]
    for index, text in enumerate(header):
        if not text:
            keys.append(None)
            continue
        key = lookup.get(fold(text.split(" / ")[0])) or lookup.get(fold(text))
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


def row_values(table, cells):
    """The row's text by column key: a missing trailing cell is an empty one (spreadsheets leave them out)."""
    width = len(cells)
    return {
        key: cells[index] if index < width else ""
        for index, key in enumerate(table.keys)
        if key and key != ERRORS_COLUMN
    }


def width_problem(table, cells, *, file_format):
    """A CSV row with fewer cells than the header, or any row with text beyond the header, was most likely split or
    merged by a line break or comma outside quotes: its values would land in the wrong columns."""
    beyond = any(cells[len(table.keys) :])
    if beyond or (file_format == "csv" and len(cells) < len(table.keys)):
        return _(
            "The row has %(cells)d cells but the header has %(columns)d: put text that contains commas, semicolons "
            "or line breaks in double quotes."
        ) % {"cells": len(cells), "columns": len(table.keys)}
    return None
