"""Whole-file problems fail the job with one clear message and import nothing; big files stream (catalog.imports)."""

import io
import zipfile

import pytest
from PIL import Image

from catalog import imports
from catalog.models import ImportStatus, Product
from tests.catalog.factories import LeafFactory
from tests.catalog.import_support import csv_bytes, error_rows, good_row, run_import, table, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from catalog import tasks

    monkeypatch.setattr(tasks.catalog_import_run, "delay", lambda job_id: None)


@pytest.fixture
def leaf(db):
    return LeafFactory()


@pytest.fixture
def good_lines(leaf):
    return table([good_row(f"JB-{n}", leaf) for n in range(3)])


def assert_failed(job, *fragments):
    assert job.status == ImportStatus.FAILED, job.message
    for fragment in fragments:
        assert fragment in job.message
    assert (job.processed_rows, job.created_count) == (0, 0)
    assert not Product.objects.exists()


def zip_bomb():
    """A workbook whose sheet unpacks to 20 MB of one repeated row: compressed about a thousand times."""
    target = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_bytes([["sku", "title"]]))) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename.startswith("xl/worksheets/"):
                row = b'<row><c t="inlineStr"><is><t>A</t></is></c></row>'
                data = data.replace(b"</sheetData>", row * (20 * 2**20 // len(row)) + b"</sheetData>")
            bomb.writestr(entry.filename, data)
    return target.getvalue()


def test_an_xlsx_that_is_a_zip_bomb_is_refused_before_it_is_opened(seller, owner, monkeypatch):
    from catalog.imports import files

    content = zip_bomb()
    assert len(content) < 200_000
    monkeypatch.setattr(files.subprocess, "run", lambda *args, **kwargs: pytest.fail("the bomb was opened"))

    job = run_import(seller=seller, user=owner, content=content, name="catalog.xlsx")

    assert_failed(job, "zip bomb")


def test_an_xlsx_that_unpacks_to_more_than_the_limit_is_refused(seller, owner, good_lines, settings):
    settings.CATALOG_IMPORT_MAX_UNZIPPED_BYTES = 2000

    job = run_import(seller=seller, user=owner, content=xlsx_bytes(good_lines), name="catalog.xlsx")

    assert_failed(job, "unpacks to", "Split the catalog")


def test_a_png_renamed_xlsx_is_refused(seller, owner):
    png = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 106, 78)).save(png, "PNG")

    job = run_import(seller=seller, user=owner, content=png.getvalue(), name="catalog.xlsx")

    assert_failed(job, "This file is a PNG image, not a CSV or XLSX file")


def test_a_damaged_xlsx_is_refused(seller, owner, good_lines):
    content = xlsx_bytes(good_lines)

    job = run_import(seller=seller, user=owner, content=content[: len(content) // 2], name="catalog.xlsx")

    assert_failed(job, "not a readable XLSX workbook")


def test_a_zip_that_is_not_a_workbook_is_refused(seller, owner):
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("catalog.csv", "sku,title\n")

    job = run_import(seller=seller, user=owner, content=target.getvalue(), name="catalog.xlsx")

    assert_failed(job, "not an XLSX workbook")


def test_what_a_file_is_is_decided_by_its_content_not_its_name(seller, owner, good_lines):
    job = run_import(seller=seller, user=owner, content=csv_bytes(good_lines), name="catalog.xlsx")

    assert (job.file_format, job.status, job.created_count) == ("csv", ImportStatus.DONE, 3)


def test_an_empty_file_is_refused(seller, owner):
    job = run_import(seller=seller, user=owner, content=b"")

    assert_failed(job, "The file is empty.")


def test_a_file_of_blank_rows_has_no_header(seller, owner):
    job = run_import(seller=seller, user=owner, content=b",,\n,,\n")

    assert_failed(job, "no header row")


def test_missing_required_columns_are_named(seller, owner, leaf):
    lines = table([good_row("JB-1", leaf)], keys=("sku", "description", "port"))

    job = run_import(seller=seller, user=owner, content=csv_bytes(lines))

    assert_failed(job, "Required columns are missing: title.")


def test_an_unknown_column_is_named(seller, owner, leaf):
    lines = [["sku", "titel", "port"], ["JB-1", "Jute bag", "mongla"]]

    job = run_import(seller=seller, user=owner, content=csv_bytes(lines))

    assert_failed(job, "“titel” (column 2) is not a column of the template.", "Required columns are missing: title.")


def test_a_csv_in_another_encoding_is_refused_before_any_row_is_imported(seller, owner, leaf):
    rows = [good_row(f"JB-{n}", leaf, title_bn="") for n in range(5)]
    rows[4]["title_bn"] = "Café crème"  # Latin-1 bytes in the last row: the first rows must not be imported either
    lines = table(rows)
    lines[0] = list(imports.COLUMN_KEYS)  # headers without Bengali, so that Latin-1 can hold the file
    content = csv_bytes(lines, encoding="latin-1")

    job = run_import(seller=seller, user=owner, content=content, batch_size=2)

    assert_failed(job, "Line 6 of the file is not UTF-8 text", "CSV UTF-8")


def test_a_binary_file_is_refused(seller, owner):
    job = run_import(seller=seller, user=owner, content=b"sku,title\n\x00\x01\x02garbage")

    assert_failed(job, "binary data")


def test_a_file_over_the_size_limit_is_refused(seller, owner, good_lines, settings):
    content = csv_bytes(good_lines)
    job = imports.import_job_create(seller=seller, actor=owner, uploaded=upload(content))
    settings.CATALOG_IMPORT_MAX_BYTES = len(content) - 1

    imports.import_run(job_id=job.pk)

    job.refresh_from_db()
    assert_failed(job, "larger than")
    with pytest.raises(imports.FileRejected, match="at most"):
        imports.import_job_create(seller=seller, actor=owner, uploaded=upload(content))


def test_a_file_with_too_many_rows_is_refused(seller, owner, leaf, settings):
    settings.CATALOG_IMPORT_MAX_ROWS = 3

    job = run_import(seller=seller, user=owner, content=csv_bytes(table([good_row(f"JB-{n}", leaf) for n in range(4)])))

    assert_failed(job, "more than 3 rows")


def test_an_xlsx_with_a_huge_gap_between_rows_is_capped(seller, owner, settings):
    settings.CATALOG_IMPORT_MAX_ROWS = 100
    lines = [["sku", "title"], ["JB-1", "Jute bag"], *([[None, None]] * 300), ["JB-2", "Jute bag"]]

    job = run_import(seller=seller, user=owner, content=xlsx_bytes(lines), name="catalog.xlsx")

    assert_failed(job, "more than 100 rows")


def test_the_products_sheet_is_read_and_blank_rows_are_skipped(seller, owner, leaf):
    lines = table([good_row("JB-1", leaf), good_row("JB-2", leaf)])
    lines.insert(2, [""] * len(lines[0]))

    job = run_import(seller=seller, user=owner, content=xlsx_bytes(lines), name="catalog.xlsx")

    assert (job.status, job.total_rows, job.created_count) == (ImportStatus.DONE, 2, 2), job.message


def test_the_template_reads_back_with_no_rows(seller, owner):
    with imports.xlsx_file([imports.header_row()], with_help=True) as file:
        content = file.read()

    job = run_import(seller=seller, user=owner, content=content, name="template.xlsx")

    assert (job.status, job.total_rows) == (ImportStatus.DONE, 0)


@pytest.mark.slow  # about 10 s on SQLite
def test_a_20000_row_file_is_imported_in_batches_with_every_bad_row_reported(seller, owner, leaf):
    rows = [good_row(f"JB-{n:05d}", leaf) for n in range(20_000)]
    for n in range(0, 20_000, 1000):
        rows[n]["price_tiers"] = "100:1|200:2"  # rising: refused
    content = csv_bytes(table(rows))

    job = run_import(seller=seller, user=owner, content=content)

    assert (job.status, job.total_rows, job.processed_rows) == (ImportStatus.DONE, 20_000, 20_000)
    assert (job.created_count, job.error_count) == (19_980, 20)
    assert Product.objects.filter(seller=seller).count() == 19_980

    again = run_import(seller=seller, user=owner, content=content)
    assert (again.unchanged_count, again.created_count, again.updated_count, again.error_count) == (19_980, 0, 0, 20)


def test_a_nul_character_past_the_files_start_is_a_row_error_not_stored(seller, owner, leaf):
    # The first 8 KB are checked for binary data; the NUL sits further on, in row 42's description.
    rows = [good_row(f"JB-{index}", leaf) for index in range(40)]
    rows.append(good_row("JB-NUL", leaf, description="Sturdy jute\x00bag. " * 20))
    content = csv_bytes(table(rows))
    assert content.index(b"\x00") > 8192

    job = run_import(seller=seller, user=owner, content=content)

    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.error_count) == (40, 1)
    (error,) = error_rows(job)
    assert error["sku"] == "JB-NUL"
    assert error["errors"].startswith("Row 42 — description: The cell holds a NUL character")
    assert error["description"].startswith("Sturdy jutebag. Sturdy jutebag.")  # kept, to be fixed and sent again
    assert not Product.objects.filter(sku="JB-NUL").exists()
    assert all("\x00" not in product.description for product in Product.objects.all())
