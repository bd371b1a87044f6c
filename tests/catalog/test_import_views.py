"""The import and export pages of the seller dashboard: upload, progress, error file, template, export; only the
seller's own users see its jobs and files (catalog.import_views)."""

import codecs
import csv
import io
import uuid

import openpyxl
import pytest
from django.urls import reverse

from catalog import imports
from catalog.models import ImportJob, ImportStatus, Product
from sellers.models import SellerStatus
from tests.catalog.factories import LeafFactory, complete_product
from tests.catalog.import_support import csv_bytes, good_row, run_import, table, upload

pytestmark = pytest.mark.django_db

JOB_VIEWS = ["detail", "status", "errors", "file"]
SELLER_VIEWS = ["list", "new", "template", "export"]


@pytest.fixture(autouse=True)
def _run_inline(monkeypatch):
    """The task's message runs the job at once, in this process (after commit, as the worker would)."""
    from catalog import tasks

    monkeypatch.setattr(tasks.catalog_import_run, "delay", lambda job_id: imports.import_run(job_id=job_id))


@pytest.fixture
def leaf(db):
    return LeafFactory()


@pytest.fixture
def job(seller, owner, leaf, django_capture_on_commit_callbacks):
    """A finished job of ``seller`` with one bad row, so it has an error file."""
    rows = [good_row("JB-1", leaf), good_row("JB-2", leaf, title="পাটের ব্যাগ")]
    with django_capture_on_commit_callbacks(execute=True):
        created = imports.import_job_create(seller=seller, actor=owner, uploaded=upload(csv_bytes(table(rows))))
    return ImportJob.objects.get(pk=created.pk)


def test_uploading_a_file_imports_it_and_shows_its_progress(
    owner_client, seller, leaf, django_capture_on_commit_callbacks
):
    content = csv_bytes(table([good_row("JB-1", leaf), good_row("JB-2", leaf, price_tiers="1:x")]))

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("catalog_imports:new"), {"file": upload(content, "my catalog.csv")})

    job = ImportJob.objects.get(seller=seller)
    assert response.status_code == 302 and response["Location"] == reverse(
        "catalog_imports:detail", args=[job.public_id]
    )
    assert job.file.name.startswith(f"imports/{seller.public_id}/") and "my catalog" not in job.file.name
    page = owner_client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "my catalog.csv" in html and '<progress id="import-progress" max="2" value="2">' in html
    assert reverse("catalog_imports:errors", args=[job.public_id]) in html
    status = owner_client.get(reverse("catalog_imports:status", args=[job.public_id])).json()
    assert status | {"message": ""} == {
        "status": "done",
        "status_label": "Finished",
        "total_rows": 2,
        "processed_rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "errors": 1,
        "imported": 1,
        "message": "",
        "finished": True,
        "error_file_url": reverse("catalog_imports:errors", args=[job.public_id]),
    }


def test_a_running_job_page_refreshes_itself(owner_client, seller, owner):
    job = ImportJob.objects.create(
        seller=seller,
        created_by=owner,
        original_name="c.csv",
        file_format="csv",
        status=ImportStatus.RUNNING,
        total_rows=10,
    )

    html = owner_client.get(reverse("catalog_imports:detail", args=[job.public_id])).content.decode()

    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "js/import-progress.js" in html
    assert owner_client.get(reverse("catalog_imports:status", args=[job.public_id])).json()["finished"] is False


def test_a_failed_job_shows_why(owner_client, seller, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("catalog_imports:new"), {"file": upload(b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "c.xlsx")})

    job = ImportJob.objects.get(seller=seller)
    html = owner_client.get(reverse("catalog_imports:detail", args=[job.public_id])).content.decode()
    assert job.status == ImportStatus.FAILED
    assert "This file is a PNG image, not a CSV or XLSX file" in html and 'role="alert"' in html


def test_the_error_file_downloads_with_the_errors_column(owner_client, job):
    response = owner_client.get(reverse("catalog_imports:errors", args=[job.public_id]))

    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header[0] == "sku / এসকেইউ" and header[-1] == imports.ERRORS_HEADER
    assert row[0] == "JB-2" and row[-1].startswith("Row 3 — title:")


def test_the_uploaded_file_downloads_to_its_seller(owner_client, job):
    response = owner_client.get(reverse("catalog_imports:file", args=[job.public_id]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"sku / ")


def test_a_job_without_errors_has_no_error_file(owner_client, seller, owner, leaf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.import_job_create(
            seller=seller, actor=owner, uploaded=upload(csv_bytes(table([good_row("JB-1", leaf)])))
        )

    assert owner_client.get(reverse("catalog_imports:errors", args=[job.public_id])).status_code == 404


@pytest.mark.parametrize("name", JOB_VIEWS)
def test_another_sellers_user_gets_404_for_a_job(client, other_seller_user, job, name):
    client.force_login(other_seller_user)

    assert client.get(reverse(f"catalog_imports:{name}", args=[job.public_id])).status_code == 404


@pytest.mark.parametrize("name", JOB_VIEWS)
def test_an_unknown_job_is_404(owner_client, name):
    assert owner_client.get(reverse(f"catalog_imports:{name}", args=[uuid.uuid4()])).status_code == 404


@pytest.mark.parametrize("name", JOB_VIEWS)
def test_anonymous_is_sent_to_log_in_for_a_job(client, job, name):
    url = reverse(f"catalog_imports:{name}", args=[job.public_id])

    response = client.get(url)

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", SELLER_VIEWS)
def test_anonymous_is_sent_to_log_in(client, name):
    response = client.get(reverse(f"catalog_imports:{name}"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", SELLER_VIEWS)
def test_a_user_without_a_seller_is_sent_to_start_one(client, stranger, name):
    client.force_login(stranger)

    response = client.get(reverse(f"catalog_imports:{name}"))

    assert response.status_code == 302 and response["Location"] == reverse("sellers:start")


def test_the_list_shows_only_the_sellers_own_jobs(client, other_seller_user, job):
    client.force_login(other_seller_user)

    html = client.get(reverse("catalog_imports:list")).content.decode()

    assert "catalog.csv" not in html and "No imports yet." in html


@pytest.mark.parametrize("count", [1, 30])
def test_the_job_list_runs_the_same_queries_for_any_number_of_jobs(
    owner_client, seller, owner, count, django_assert_num_queries
):
    ImportJob.objects.bulk_create(
        ImportJob(seller=seller, created_by=owner, original_name=f"c{n}.csv", file_format="csv") for n in range(count)
    )

    # session, user, membership with seller, count of jobs, the page of jobs with their uploaders, the inquiries' and
    # notifications' badges
    with django_assert_num_queries(7):
        response = owner_client.get(reverse("catalog_imports:list"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)


def test_a_seller_not_yet_approved_sees_why_and_cannot_upload(owner_client, seller, leaf):
    seller.status = SellerStatus.DRAFT
    seller.save()

    page = owner_client.get(reverse("catalog_imports:new"))
    response = owner_client.post(
        reverse("catalog_imports:new"), {"file": upload(csv_bytes(table([good_row("JB-1", leaf)])))}
    )

    assert "once the program has approved it" in page.content.decode()
    assert response.status_code == 400 and "can import products once it is approved" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_upload_page_documents_the_format(owner_client):
    html = owner_client.get(reverse("catalog_imports:new")).content.decode()

    assert "sku / এসকেইউ" in html and "price_tiers / মূল্য স্তর (USD)" in html
    assert "chattogram" in html and "T/T" in html and "500:2.50|5000:1.90" in html


def test_an_upload_without_a_file_is_a_form_error(owner_client):
    response = owner_client.post(reverse("catalog_imports:new"), {})

    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_the_xlsx_template_has_the_products_allowed_values_and_help_sheets(owner_client, leaf):
    response = owner_client.get(reverse("catalog_imports:template"))

    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert workbook.sheetnames == ["Products", "Allowed values", "Read me"]
    assert list(next(workbook["Products"].values)) == imports.header_row()
    allowed = list(workbook["Allowed values"].values)
    assert ("port", "dhaka_airport", "Dhaka airport", None) in [tuple(row) for row in allowed]
    [category] = [row for row in allowed if row[0] == "category_id"]
    assert (
        category[1] == str(leaf.category_id) and "Material (required): Hessian Jute, Jute-Cotton Blend" in category[3]
    )
    workbook.close()


def test_the_csv_template_is_the_header_in_utf8_with_a_byte_order_mark(owner_client):
    response = owner_client.get(reverse("catalog_imports:template") + "?format=csv")

    content = b"".join(response.streaming_content)
    assert content.startswith(codecs.BOM_UTF8)
    assert next(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == imports.header_row()


def test_the_export_streams_the_sellers_own_products(owner_client, seller, other_seller_user):
    complete_product(seller=seller, sku="MINE-1")
    complete_product(seller=other_seller_user.seller_membership.seller, sku="THEIRS-1")

    response = owner_client.get(reverse("catalog_imports:export") + "?format=csv")

    assert response.streaming and response["Content-Disposition"].startswith('attachment; filename="catalog-')
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == imports.header_row()
    assert [line[0] for line in lines[1:]] == ["MINE-1"]
    assert lines[1] == imports.product_row(Product.objects.get(sku="MINE-1"))


def test_the_xlsx_export_opens_in_a_spreadsheet(owner_client, seller):
    complete_product(seller=seller, sku="MINE-1")

    response = owner_client.get(reverse("catalog_imports:export"))

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook["Products"].values)
    workbook.close()
    assert rows[1][0] == "MINE-1" and rows[1][imports.COLUMN_KEYS.index("hs_code")] == "630510"


@pytest.mark.parametrize("count", [1, 6])
def test_the_export_runs_the_same_queries_for_any_number_of_products(
    owner_client, seller, count, django_assert_num_queries
):
    for _ in range(count):
        complete_product(seller=seller)

    # session, user, membership with seller, products with categories, their price tiers, their attribute values,
    # the attributes of those values
    with django_assert_num_queries(7):
        response = owner_client.get(reverse("catalog_imports:export") + "?format=csv")
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()

    assert len(lines) == count + 1


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


def test_the_summary_counts_imported_and_failed_rows_and_links_to_the_products(
    owner_client, seller, owner, leaf, django_capture_on_commit_callbacks
):
    """The issue's case: five rows, one failing, were shown as "5 / 5 imported"."""
    complete_product(seller=seller, sku="JB-4", title="An older title of the Jute Shopping Bag of the seller")
    rows = [good_row(f"JB-{n}", leaf) for n in range(1, 5)] + [good_row("JB-5", leaf, price_tiers="1:x")]
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("catalog_imports:new"), {"file": upload(csv_bytes(table(rows)))})
    job = ImportJob.objects.get(seller=seller)
    assert (job.created_count, job.updated_count, job.error_count) == (3, 1, 1)

    html = owner_client.get(response["Location"]).content.decode()
    status = owner_client.get(reverse("catalog_imports:status", args=[job.public_id])).json()
    listing = owner_client.get(reverse("catalog_imports:list")).content.decode()

    assert "5 / 5" not in html and "5 / 5" not in listing
    assert '<span data-field="imported">4</span> of <span data-field="total_rows">5</span> rows imported' in html
    assert '<span data-field="errors">1</span> failed' in html
    assert (status["imported"], status["errors"], status["total_rows"]) == (4, 1, 5)
    assert "4 of 5 imported, 1 failed" in listing
    for sku in ("JB-1", "JB-2", "JB-3", "JB-4"):
        product = Product.objects.get(seller=seller, sku=sku)
        assert f'href="{reverse("catalog:detail", args=[product.public_id])}"' in html
    assert "JB-5" not in html.split('id="import-products"')[1]
