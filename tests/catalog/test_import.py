"""The catalog import: rows become draft products keyed by SKU; bad rows are reported with row, column and message
in an error file that can be fixed and uploaded again; importing twice changes nothing (catalog.imports)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from catalog import imports
from catalog.models import EventKind, ImportJob, ImportStatus, Product, ProductEvent, ProductStatus
from dxports import numbers
from sellers.models import SellerStatus
from tests.catalog.factories import LeafFactory, ProductFactory, complete_product
from tests.catalog.import_support import csv_bytes, error_rows, good_row, run_import, table, upload, xlsx_bytes
from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """The job is run by the test itself (``run_import``): the message to the workers goes nowhere."""
    from catalog import tasks

    monkeypatch.setattr(tasks.catalog_import_run, "delay", lambda job_id: None)


def _xlsx(rows):
    with imports.xlsx_file(rows) as file:
        return file.read()


@pytest.fixture
def leaf(db):
    return LeafFactory()


def test_good_rows_become_draft_products_with_tiers_attributes_and_audit(seller, owner, leaf):
    content = csv_bytes(table([good_row("JB-1", leaf), good_row("JB-2", leaf, price_tiers="100:3")]))

    job = run_import(seller=seller, user=owner, content=content)

    assert (job.status, job.total_rows, job.processed_rows) == (ImportStatus.DONE, 2, 2)
    assert (job.created_count, job.updated_count, job.unchanged_count, job.error_count) == (2, 0, 0, 0)
    assert not job.error_file
    product = Product.objects.get(seller=seller, sku="JB-1")
    assert product.status == ProductStatus.DRAFT and product.version == 1
    assert product.title_bn == "পরিবেশবান্ধব পাটের শপিং ব্যাগ"
    assert product.category == leaf
    assert product.keywords == ["jute bag", "tote bag", "eco bag"]
    assert product.lead_times == [{"quantity": 1000, "days": 20}, {"quantity": 10000, "days": 45}]
    assert product.payment_terms == ["T/T", "L/C"]
    assert [(t.start_quantity, t.price) for t in product.price_tiers.all()] == [
        (500, Decimal("2.50")),
        (5000, Decimal("1.90")),
    ]
    values = {(v.attribute.attribute_id, v.value_id, v.value_name) for v in product.attribute_values.all()}
    assert values == {(1, 101, ""), (3, 301, ""), (2, None, "Rupsha"), (5, 501, "")}
    event = ProductEvent.objects.get(product=product)
    assert event.kind == EventKind.CREATED and event.actor == owner
    assert event.changes["price_tiers"] == [None, [[500, "2.50"], [5000, "1.90"]]]
    assert event.changes["category"] == [None, leaf.category_id]
    assert "catalog.csv" in event.reason


def test_importing_the_same_file_twice_changes_nothing(seller, owner, leaf):
    content = csv_bytes(table([good_row(f"JB-{n}", leaf) for n in range(7)]))
    run_import(seller=seller, user=owner, content=content, batch_size=3)
    before = list(Product.objects.filter(seller=seller).values_list("sku", "version", "updated_at"))
    events = ProductEvent.objects.count()

    again = run_import(seller=seller, user=owner, content=content, batch_size=3)

    assert (again.created_count, again.updated_count, again.unchanged_count, again.error_count) == (0, 0, 7, 0)
    assert list(Product.objects.filter(seller=seller).values_list("sku", "version", "updated_at")) == before
    assert ProductEvent.objects.count() == events
    assert Product.objects.filter(seller=seller).count() == 7


def test_a_changed_row_updates_the_product_once_with_the_changes_audited(seller, owner, leaf):
    run_import(seller=seller, user=owner, content=csv_bytes(table([good_row("JB-1", leaf)])))
    changed = good_row(
        "JB-1", leaf, price_tiers="500:2.40|5000:1.80", port="mongla", attributes="Material=Jute-Cotton Blend"
    )

    job = run_import(seller=seller, user=owner, content=csv_bytes(table([changed])))

    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 0)
    product = Product.objects.get(seller=seller, sku="JB-1")
    assert product.version == 2 and product.port == "mongla"
    assert [t.price for t in product.price_tiers.all()] == [Decimal("2.40"), Decimal("1.80")]
    assert [(v.attribute.attribute_id, v.value_id) for v in product.attribute_values.all()] == [(3, 302)]
    event = ProductEvent.objects.filter(product=product, kind=EventKind.EDITED).get()
    assert set(event.changes) == {"port", "price_tiers", "attributes"}
    assert event.changes["port"] == ["chattogram", "mongla"]


def test_a_column_left_out_leaves_the_field_as_it_is(seller, owner, leaf):
    run_import(seller=seller, user=owner, content=csv_bytes(table([good_row("JB-1", leaf)])))

    only = table(
        [{"sku": "JB-1", "title": "Hessian Jute Tote Bag with Cotton Handles and Inner Lining"}], keys=("sku", "title")
    )
    job = run_import(seller=seller, user=owner, content=csv_bytes(only))

    assert job.updated_count == 1
    product = Product.objects.get(seller=seller, sku="JB-1")
    assert product.title.startswith("Hessian Jute Tote")
    assert product.port == "chattogram" and product.price_tiers.count() == 2 and product.attribute_values.count() == 4


def test_a_ready_product_goes_back_to_draft_when_a_row_changes_it(seller, owner):
    product = complete_product(seller=seller, status=ProductStatus.READY)
    row = {"sku": product.sku, "title": product.title, "port": "mongla"}

    job = run_import(seller=seller, user=owner, content=csv_bytes(table([row], keys=("sku", "title", "port"))))

    assert job.updated_count == 1
    product.refresh_from_db()
    assert (product.status, product.port, product.version) == (ProductStatus.DRAFT, "mongla", 2)
    transition = ProductEvent.objects.get(product=product, kind=EventKind.TRANSITION)
    assert (transition.from_status, transition.to_status) == (ProductStatus.READY, ProductStatus.DRAFT)


@pytest.mark.parametrize("status", [ProductStatus.LIVE, ProductStatus.PUBLISHING, ProductStatus.UNDER_REVIEW])
def test_rows_that_would_change_a_product_on_alibaba_are_refused(seller, owner, status):
    product = complete_product(seller=seller, status=status)
    same = {"sku": product.sku, "title": product.title, "port": product.port}
    changed = {"sku": product.sku, "title": product.title, "port": "mongla"}
    keys = ("sku", "title", "port")

    unchanged = run_import(seller=seller, user=owner, content=csv_bytes(table([same], keys=keys)))
    refused = run_import(seller=seller, user=owner, content=csv_bytes(table([changed], keys=keys)))

    assert (unchanged.unchanged_count, unchanged.error_count) == (1, 0)
    assert (refused.updated_count, refused.error_count) == (0, 1)
    [error] = error_rows(refused)
    assert error["errors"].startswith("Row 2 — sku:") and "an import does not change products" in error["errors"]
    product.refresh_from_db()
    assert (product.status, product.port, product.version) == (status, "chattogram", 1)


def test_every_bad_row_is_reported_with_row_column_and_message_and_good_rows_are_imported(seller, owner, leaf):
    rows = [
        good_row("OK-1", leaf),
        good_row("BAD-1", leaf, title="পাটের ব্যাগ Jute Bag"),  # Bengali in the English title
        good_row("BAD-2", leaf, min_order_quantity="five hundred", price_tiers="500:2.50|100:2.60"),
        good_row("BAD-3", leaf, unit="sack", port="Karachi", lead_times="20 days"),
        good_row("BAD-4", leaf, category_id="123456789", keywords="a|b|c|d"),
        good_row("BAD-5", leaf, attributes="Material=Silk|Colour=Red", hs_code="63.05-10X"),
        good_row("", leaf),
        good_row("OK-1", leaf),  # the same SKU again
        good_row("BAD-6", leaf, price_tiers="500:2.505", payment_terms="Bitcoin"),
        good_row("OK-2", leaf, title_bn="পাটের শপিং ব্যাগ, হাতে তৈরি"),
    ]

    job = run_import(seller=seller, user=owner, content=csv_bytes(table(rows)))

    assert (job.status, job.created_count, job.error_count, job.processed_rows) == (ImportStatus.DONE, 2, 8, 10)
    assert set(Product.objects.filter(seller=seller).values_list("sku", flat=True)) == {"OK-1", "OK-2"}
    assert Product.objects.get(sku="OK-2").title_bn == "পাটের শপিং ব্যাগ, হাতে তৈরি"
    errors = {row["sku"] or "(none)": row["errors"] for row in error_rows(job)}
    assert errors["BAD-1"].startswith("Row 3 — title:") and "প, ব" in errors["BAD-1"]
    assert "min_order_quantity: “five hundred” is not a whole number" in errors["BAD-2"]
    assert "price_tiers:" in errors["BAD-2"] and "not larger than the one before" in errors["BAD-2"]
    assert "unit: “sack” is not one of" in errors["BAD-3"] and "port: “Karachi”" in errors["BAD-3"]
    assert "lead_times: Write lead times as quantity:days" in errors["BAD-3"]
    assert "category_id: “123456789” is not an Alibaba.com category id" in errors["BAD-4"]
    assert "keywords: There are 4 keywords" in errors["BAD-4"]
    assert "“Silk” is not one of the values of “Material”" in errors["BAD-5"]
    assert "“Colour=Red” is not Name=Value of an attribute" in errors["BAD-5"]
    assert "hs_code:" in errors["BAD-5"]
    assert errors["(none)"].startswith("Row 8 — sku: The SKU is missing.")
    assert errors["OK-1"].startswith("Row 9 — sku: The SKU OK-1 is also on row 2.")
    assert "price_tiers:" in errors["BAD-6"] and "payment_terms:" in errors["BAD-6"]


def test_a_draft_may_be_incomplete(seller, owner):
    job = run_import(
        seller=seller,
        user=owner,
        content=csv_bytes(table([{"sku": "X-1", "title": "Jute bag"}], keys=("sku", "title"))),
    )

    assert (job.created_count, job.error_count) == (1, 0)
    assert Product.objects.get(sku="X-1").status == ProductStatus.DRAFT


def test_the_error_file_fixed_and_uploaded_again_imports_every_row(seller, owner, leaf):
    rows = [good_row(f"JB-{n}", leaf) for n in range(3)]
    rows[1]["price_tiers"] = "500:2.50|5000:2.90"
    rows[2]["title"] = "পাটের ব্যাগ"
    first = run_import(seller=seller, user=owner, content=csv_bytes(table(rows)))
    assert (first.created_count, first.error_count) == (1, 2)

    fixed = error_rows(first)
    fixed[0]["price_tiers"] = "500:2.50|5000:1.90"
    fixed[1]["title"] = "Handmade Jute Shopping Bag with Cotton Handles"
    header = [imports.BY_KEY[key].header if key in imports.BY_KEY else imports.ERRORS_HEADER for key in fixed[0]]
    again = run_import(
        seller=seller, user=owner, content=csv_bytes([header, *[list(row.values()) for row in fixed]], bom=True)
    )

    assert (again.status, again.created_count, again.error_count) == (ImportStatus.DONE, 2, 0)
    assert Product.objects.filter(seller=seller).count() == 3


def test_csv_with_a_byte_order_mark_semicolons_and_bengali_headers(seller, owner, leaf):
    lines = table([good_row("JB-1", leaf)])
    lines[0] = [imports.BY_KEY[header.split(" / ")[0]].bengali for header in lines[0]]

    job = run_import(seller=seller, user=owner, content=csv_bytes(lines, bom=True, delimiter=";"))

    assert (job.status, job.created_count, job.error_count) == (ImportStatus.DONE, 1, 0), job.message
    assert Product.objects.get(sku="JB-1").title_bn == "পরিবেশবান্ধব পাটের শপিং ব্যাগ"


def test_csv_in_utf16_with_a_byte_order_mark(seller, owner, leaf):
    job = run_import(seller=seller, user=owner, content=csv_bytes(table([good_row("JB-1", leaf)]), encoding="utf-16"))

    assert (job.status, job.created_count) == (ImportStatus.DONE, 1), job.message


def test_xlsx_with_numbers_in_cells(seller, owner, leaf):
    row = good_row("JB-1", leaf)
    lines = table([row])
    keys = imports.COLUMN_KEYS
    for key, value in (
        ("min_order_quantity", 500),
        ("supply_quantity", 50000.0),
        ("hs_code", 630510),
        ("category_id", leaf.category_id),
    ):
        lines[1][keys.index(key)] = value

    job = run_import(seller=seller, user=owner, content=xlsx_bytes(lines), name="catalog.xlsx")

    assert (job.status, job.created_count, job.error_count) == (ImportStatus.DONE, 1, 0), job.message
    product = Product.objects.get(sku="JB-1")
    assert (product.min_order_quantity, product.supply_quantity, product.hs_code) == (500, 50000, "630510")


def test_export_then_import_round_trip_changes_nothing(seller, owner):
    products = [complete_product(seller=seller), complete_product(seller=seller, status=ProductStatus.LIVE)]
    products[0].title = "=HYPERLINK(1) Jute Bag"  # a formula-like cell must come back as text
    products[0].save()
    ProductFactory(seller=seller, sku="BARE-1", title="Bare draft")
    versions = dict(Product.objects.filter(seller=seller).values_list("sku", "version"))

    for file_format in ("csv", "xlsx"):
        rows = list(imports.export_rows(seller=seller))
        content = "".join(imports.csv_lines(rows)).encode("utf-8") if file_format == "csv" else _xlsx(rows)
        job = run_import(seller=seller, user=owner, content=content, name=f"export.{file_format}")
        assert (job.status, job.unchanged_count, job.created_count, job.updated_count, job.error_count) == (
            ImportStatus.DONE,
            3,
            0,
            0,
            0,
        ), (file_format, job.message, job.error_file and error_rows(job))
    assert dict(Product.objects.filter(seller=seller).values_list("sku", "version")) == versions


def test_export_into_another_seller_copies_the_catalog(seller, owner):
    complete_product(seller=seller)
    other = OwnerFactory(seller__status=SellerStatus.ACTIVE)
    rows = list(imports.export_rows(seller=seller))

    job = run_import(seller=other.seller, user=other.user, content=_xlsx(rows), name="c.xlsx")

    assert (job.created_count, job.error_count) == (1, 0)
    copy = Product.objects.get(seller=other.seller)
    original = Product.objects.get(seller=seller)
    assert imports.product_row(copy) == imports.product_row(original)


def test_a_seller_not_yet_approved_cannot_import(owner, seller):
    seller.status = SellerStatus.DRAFT
    seller.save()

    with pytest.raises(imports.ImportNotAllowed):
        run_import(seller=seller, user=owner, content=b"sku,title\n")


def test_a_job_is_run_once_even_if_its_message_comes_twice(seller, owner, leaf):
    job = run_import(seller=seller, user=owner, content=csv_bytes(table([good_row("JB-1", leaf)])))

    assert imports.import_run(job_id=job.pk) is None
    assert Product.objects.filter(seller=seller).count() == 1


def test_the_import_task_is_known_to_celery():
    from dxports.celery import app

    assert "catalog.tasks.catalog_import_run" in app.tasks
    assert "catalog.tasks.catalog_imports_redrive" in app.tasks


def test_the_redrive_resends_jobs_whose_message_was_lost_or_whose_worker_died(seller, owner, monkeypatch, leaf):
    import time_machine
    from django.utils import timezone

    from catalog import tasks

    sent = []
    monkeypatch.setattr(tasks.catalog_import_run, "delay", sent.append)
    content = csv_bytes(table([good_row("JB-1", leaf)]))
    lost = imports.import_job_create(seller=seller, actor=owner, uploaded=upload(content))
    dead = imports.import_job_create(seller=seller, actor=owner, uploaded=upload(content))
    ImportJob.objects.filter(pk=dead.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now())
    assert imports.imports_redrive() == 0

    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        assert imports.imports_redrive() == 2
        assert sorted(sent) == sorted([lost.pk, dead.pk])
        imports.import_run(job_id=dead.pk)  # a worker's job past the time limit is taken over

    assert ImportJob.objects.get(pk=dead.pk).status == ImportStatus.DONE


def test_a_row_equal_to_a_product_is_unchanged_even_if_the_product_holds_a_refused_value(seller, owner, leaf):
    run_import(seller=seller, user=owner, content=csv_bytes(table([good_row("JB-1", leaf)])))
    Product.objects.filter(sku="JB-1").update(hs_code="12AB")  # as a draft edited elsewhere may hold
    same = good_row("JB-1", leaf, hs_code="12AB")

    job = run_import(seller=seller, user=owner, content=csv_bytes(table([same])))

    assert (job.unchanged_count, job.error_count) == (1, 0)


def test_a_price_with_too_many_decimals_is_refused_not_rounded_to_the_current_one(seller, owner, leaf):
    run_import(seller=seller, user=owner, content=csv_bytes(table([good_row("JB-1", leaf)])))

    job = run_import(
        seller=seller, user=owner, content=csv_bytes(table([good_row("JB-1", leaf, price_tiers="500:2.501|5000:1.90")]))
    )

    assert (job.unchanged_count, job.updated_count, job.error_count) == (0, 0, 1)
    assert "price_tiers: The price US$2.501 is not between" in error_rows(job)[0]["errors"]


def test_a_csv_row_split_by_an_unquoted_line_break_is_refused_not_imported_into_the_wrong_columns(seller, owner):
    content = b"sku,title,description,port\nJB-1,Jute bag,Strong\nhandles,mongla\nJB-2,Jute bag,Strong,mongla\n"

    job = run_import(seller=seller, user=owner, content=content)

    assert (job.created_count, job.error_count) == (1, 2)
    errors = [row["errors"] for row in error_rows(job)]
    assert errors[0].startswith("Row 2 — cells: The row has 3 cells but the header has 4")
    assert "Row 3 — " in errors[1] and "cells: The row has 2 cells" in errors[1]


def test_empty_trailing_cells_left_out_of_an_xlsx_row_clear_those_fields(seller, owner, leaf):
    run_import(seller=seller, user=owner, content=csv_bytes(table([good_row("JB-1", leaf)])))
    lines = table([good_row("JB-1", leaf)])
    lines[1] = lines[1][: imports.COLUMN_KEYS.index("price_tiers")]  # no price tiers, no attributes cells

    job = run_import(seller=seller, user=owner, content=xlsx_bytes(lines), name="catalog.xlsx")

    assert (job.updated_count, job.error_count) == (1, 0), job.message
    product = Product.objects.get(sku="JB-1")
    assert product.price_tiers.count() == 0 and product.attribute_values.count() == 0


def test_bengali_digits_in_number_columns_are_stored_as_ascii_and_superscripts_refused(seller, owner, leaf):
    """Issue 12, item 5: a number read from a row is ASCII whatever digits the seller typed."""
    category = numbers.localize_digits(leaf.category_id, "bn")
    bengali = good_row(
        "JB-1",
        leaf,
        hs_code="৬৩০৫.১০",
        category_id=category,
        min_order_quantity="৫০০",
        supply_quantity="৫০,০০০",
        price_tiers="৫০০:২.৫০",
        lead_times="১০০০:২০",
    )
    superscript = good_row("JB-2", leaf, hs_code="⁶³⁰⁵¹⁰")

    job = run_import(seller=seller, user=owner, content=csv_bytes(table([bengali, superscript])))

    assert (job.created_count, job.error_count) == (1, 1), job.message
    product = Product.objects.get(sku="JB-1")
    assert (product.hs_code, product.min_order_quantity, product.supply_quantity) == ("630510", 500, 50000)
    assert product.category == leaf
    assert product.lead_times == [{"quantity": 1000, "days": 20}]
    assert [(tier.start_quantity, str(tier.price)) for tier in product.price_tiers.all()] == [(500, "2.50")]
    assert not Product.objects.filter(sku="JB-2").exists()
