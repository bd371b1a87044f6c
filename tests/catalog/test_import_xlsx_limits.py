"""An XLSX upload is read in a process of its own with its memory and time capped, every part of its archive is
limited (not only the sheet), and a valid file is read once (issue 12, item 1)."""

import io
import random
import string
import subprocess
import tracemalloc
import zipfile

import pytest

from catalog.imports import files
from catalog.models import ImportStatus, Product
from tests.catalog.factories import LeafFactory
from tests.catalog.import_support import good_row, run_import, table, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from catalog import tasks

    monkeypatch.setattr(tasks.catalog_import_run, "delay", lambda job_id: None)


@pytest.fixture
def good_lines(db):
    leaf = LeafFactory()
    return table([good_row(f"JB-{n}", leaf) for n in range(3)])


SHARED_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _with_part(content, name, data):
    """``content`` (an XLSX) with the part ``name`` replaced by (or added as) ``data``; a shared-strings part is
    declared in the content types and the workbook's relations, so that a reader parses it."""
    target = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            part = source.read(entry.filename)
            if name == "xl/sharedStrings.xml" and entry.filename == "[Content_Types].xml":
                declared = b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s"/>' % SHARED_STRINGS_TYPE
                part = part.replace(b"</Types>", declared + b"</Types>")
            if name == "xl/sharedStrings.xml" and entry.filename == "xl/_rels/workbook.xml.rels":
                related = b'<Relationship Id="rId99" Type="%s" Target="sharedStrings.xml"/>' % SHARED_STRINGS_REL
                part = part.replace(b"</Relationships>", related + b"</Relationships>")
            if entry.filename != name:
                out.writestr(entry.filename, part)
        out.writestr(name, data)
    return target.getvalue()


def _styles(formats):
    """A styles part holding ``formats`` cell formats (what "formatting copied many times" looks like), varied
    enough to pass the compression-ratio check as the hostile files did."""
    rng = random.Random(formats)
    xfs = b"".join(
        b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="%d"/>'
        % (rng.randrange(200), rng.randrange(2))
        for _ in range(formats)
    )
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1">'
        b'<fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/><right/><top/>'
        b'<bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
        b'borderId="0"/></cellStyleXfs><cellXfs count="%d">' % formats + xfs + b"</cellXfs></styleSheet>"
    )


def assert_failed(job, *fragments):
    assert job.status == ImportStatus.FAILED, job.message
    for fragment in fragments:
        assert fragment in job.message, job.message
    assert not Product.objects.exists()


def test_a_valid_workbook_is_read_once(seller, owner, good_lines, monkeypatch):
    runs = []
    real_run = subprocess.run
    monkeypatch.setattr(files.subprocess, "run", lambda *args, **kwargs: runs.append(args) or real_run(*args, **kwargs))

    job = run_import(seller=seller, user=owner, content=xlsx_bytes(good_lines), name="catalog.xlsx")

    assert job.status == ImportStatus.DONE, job.message
    assert job.created_count == 3
    assert len(runs) == 1


def test_a_styles_part_larger_than_any_catalog_needs_is_refused_unread(seller, owner, good_lines, monkeypatch):
    content = _with_part(xlsx_bytes(good_lines), "xl/styles.xml", _styles(80_000))  # 5 MB, compresses 300-fold
    assert len(content) < 1_500_000
    monkeypatch.setattr(files.subprocess, "run", lambda *args, **kwargs: pytest.fail("the workbook was opened"))

    job = run_import(seller=seller, user=owner, content=content, name="catalog.xlsx")

    assert_failed(job, "xl/styles.xml", "Copy the data into the template")


def test_a_workbook_that_takes_too_long_to_read_is_refused(seller, owner, good_lines, settings):
    settings.CATALOG_IMPORT_PARSE_MAX_SECONDS = 0  # any reading at all is too long: the CPU limit ends it
    content = xlsx_bytes(good_lines)

    job = run_import(seller=seller, user=owner, content=content, name="catalog.xlsx")

    assert_failed(job, "too much memory or time")


@pytest.mark.slow
def test_a_workbook_that_needs_more_memory_than_the_cap_fails_its_own_process_only(seller, owner, settings):
    settings.CATALOG_IMPORT_PARSE_MAX_BYTES = 150 * 2**20
    rng = random.Random(7)
    count = 1_500_000  # 1.5 million distinct shared strings: 60 MB of XML, about 300 MB once parsed
    strings = b"".join(
        b"<si><t>%s</t></si>" % "".join(rng.choices(string.ascii_letters, k=20)).encode() for _ in range(count)
    )
    shared = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" count="%d" uniqueCount="%d">' % (count, count) + strings + b"</sst>"
    )
    content = _with_part(xlsx_bytes([["sku", "title"], ["JB-1", "Jute bag"]]), "xl/sharedStrings.xml", shared)
    assert len(content) < 25 * 2**20
    settings.CATALOG_IMPORT_MAX_UNZIPPED_BYTES = 200 * 2**20
    settings.CATALOG_IMPORT_MAX_BYTES = 50 * 2**20

    tracemalloc.start()
    job = run_import(seller=seller, user=owner, content=content, name="catalog.xlsx")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert_failed(job, "too much memory or time")
    assert peak < 100 * 2**20  # this process held the upload and its copy, never the parsed workbook
