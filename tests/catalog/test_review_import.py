"""Hostile import files, reviewed: each bad cell is reported with its row and column, and the other rows are
imported."""

import io

import openpyxl
import pytest
from django.urls import reverse

from catalog.models import ImportStatus, Product
from tests.catalog.factories import LeafFactory, complete_product
from tests.catalog.import_support import csv_bytes, error_rows, good_row, run_import, table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from catalog import tasks

    monkeypatch.setattr(tasks.catalog_import_run, "delay", lambda job_id: None)


@pytest.fixture
def leaf(db):
    return LeafFactory()


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


@pytest.mark.parametrize("name", ["errors", "file"])
def test_a_job_file_the_storage_no_longer_holds_is_404_not_500(owner_client, seller, owner, leaf, name):
    rows = [good_row("JB-1", leaf), good_row("JB-2", leaf, title="পাটের ব্যাগ")]
    job = run_import(seller=seller, user=owner, content=csv_bytes(table(rows)))
    stored = job.error_file if name == "errors" else job.file
    stored.storage.delete(stored.name)

    response = owner_client.get(reverse(f"catalog_imports:{name}", args=[job.public_id]))

    assert response.status_code == 404


def test_the_xlsx_export_of_text_with_control_characters_downloads(owner_client, seller):
    # A soft line break pasted from Word is U+000B: the form and a CSV import accept it, but XML 1.0 cannot hold it.
    complete_product(
        seller=seller, sku="JB-VT", description="Natural jute.\x0bHandles of cotton.\x01", packaging="\x1f"
    )

    response = owner_client.get(reverse("catalog_imports:export"))

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    header, row = list(workbook["Products"].iter_rows(values_only=True))
    values = dict(zip([text.split(" / ")[0] for text in header], row, strict=True))
    assert values["sku"] == "JB-VT"
    assert values["description"] == "Natural jute.\nHandles of cotton."
