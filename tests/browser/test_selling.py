"""An active seller at work in a real browser, with a real Celery worker and the mock gateway on a loopback port of
the test's own (its pushes reach the live server's /hooks/alibaba/): a product gets a photo straight from a phone's
camera, is published and goes live when the gateway's review comes back; a catalog is imported in bulk, and its
photos added for many products at once."""

import functools
import io
import shutil
import zipfile

import pytest
from django.conf import settings

from alibaba.mock import MockGateway, serve_in_thread
from catalog.models import ImportJob, Product, ProductStatus
from dxports.celery import app
from tests.alibaba.test_worker import queue, workers  # noqa: F401 - fixtures
from tests.browser.support import DESKTOP, PHONE, camera_jpeg
from tests.catalog.import_support import csv_bytes, good_row, table
from tests.catalog.sync_support import listing, real_leaf, supplier_on

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROJECT_APPS = ("alibaba", "sellers", "brand", "catalog", "buyers", "partners", "dxports")


@pytest.fixture
def every_task_on_the_test_queue(queue, monkeypatch):  # noqa: F811 - the imported fixture
    """What the live server sends (imports, pushes, e-mails…) goes to the workers' queue, as the outbox's does."""
    app.loader.import_default_modules()
    for task in list(app.tasks.values()):
        if task.name.startswith(PROJECT_APPS):
            monkeypatch.setattr(task, "apply_async", functools.partial(task.apply_async, queue=queue))
    return queue


@pytest.fixture
def served(live_server, monkeypatch, every_task_on_the_test_queue):
    """The gateway on a loopback port, pushing to the live server; reviews only when the test ticks. The workers
    read photos where the live server stores them (the test settings' MEDIA_ROOT)."""
    gateway = MockGateway(seed=3, rate_limit_per_s=None, review_delay_s=3600, reject_rate=0.0)
    gateway.configure(push_url=f"{live_server.url}/hooks/alibaba/")
    url, stop = serve_in_thread(gateway, background=False)
    monkeypatch.setenv("ALIBABA_GATEWAY_URL", url)
    monkeypatch.setattr(settings, "ALIBABA_GATEWAY_URL", url)
    media = settings.BASE_DIR / "var" / "test-media"
    monkeypatch.setattr(settings, "MEDIA_ROOT", media)
    real_leaf(gateway)
    seller = supplier_on(gateway)
    yield gateway, seller
    from alibaba.gateway import close_shared_clients

    close_shared_clients()
    stop()
    gateway.close()
    for product in Product.objects.filter(seller=seller):
        shutil.rmtree(media / "products" / str(product.public_id), ignore_errors=True)


def _status(product):
    return Product.objects.get(pk=product.pk).status


def test_a_product_with_a_camera_photo_goes_live(browser, served, workers, tmp_path):  # noqa: F811
    from PIL import Image

    gateway, seller = served
    product = listing(seller, images=0)
    workers.start("a")
    page = browser.page(viewport=PHONE, language="bn", user=seller.owner)
    page.goto(f"/dashboard/products/{product.public_id}/")

    photo = camera_jpeg(tmp_path / "IMG_20261130_101500.jpg")
    assert photo.stat().st_size > 3 * 1024 * 1024
    upload = page.locator("form.upload")
    upload.locator("input[type=file]").set_input_files(photo)
    # The upload goes by the page's script (with its progress bar), which swaps in the page the server answers.
    upload.locator("button[type=submit]").click()
    workers.wait_until(lambda: product.images.exists(), "the photo to be stored")
    page.locator("#images img").first.wait_for()
    assert not page.locator(".errors, .errorlist").count(), page.locator(".errors, .errorlist").all_inner_texts()
    (image,) = product.images.all()
    with image.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    # Turned as the camera said, under the gateway's 3 MB, and with no EXIF left (the GPS position above all).
    assert stored.width < stored.height and image.size_bytes < 3 * 1024 * 1024
    assert not stored.getexif() and "exif" not in stored.info

    with page.expect_navigation():
        page.locator(f"form[action$='/{product.public_id}/publish/'] button").click()
    workers.wait_until(lambda: _status(product) == ProductStatus.UNDER_REVIEW, "the listing to reach the gateway")
    gateway.tick(all_reviews_due=True)  # the review's push reaches the live server; the worker records it
    workers.wait_until(lambda: _status(product) == ProductStatus.LIVE, "the listing to go live")
    page.reload()
    assert page.locator(".badge.status-live").count()
    assert page.errors == []


def test_a_catalog_is_imported_in_bulk(browser, served, workers, tmp_path):  # noqa: F811
    gateway, seller = served
    leaf = real_leaf(gateway)
    rows = [good_row("RJ-200", leaf), good_row("RJ-201", leaf), good_row("RJ-202", leaf, price_tiers="many")]
    catalog = tmp_path / "catalog.csv"
    catalog.write_bytes(csv_bytes(table(rows)))
    workers.start("a")
    page = browser.page(viewport=DESKTOP, language="en", user=seller.owner)
    page.goto("/dashboard/imports/new/")

    page.locator("main input[type=file]").set_input_files(catalog)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    job = ImportJob.objects.get(seller=seller)
    workers.wait_until(lambda: ImportJob.objects.get(pk=job.pk).status == "done", "the import to finish")
    # The page follows the import by itself (its script asks the status); the figures are those of the rows.
    page.wait_for_function("() => document.querySelector('[data-field=created]').textContent.trim() === '2'")
    assert page.locator("dd[data-field=errors]").inner_text().strip() == "1"
    assert page.locator("span[data-field=imported]").inner_text().strip() == "2"  # "2 of 3 rows imported, 1 failed"
    assert sorted(Product.objects.filter(seller=seller).values_list("sku", flat=True)) == ["RJ-200", "RJ-201"]
    assert page.errors == []


def test_photos_for_many_products_at_once(browser, served, workers, tmp_path):  # noqa: F811
    gateway, seller = served
    products = [listing(seller, images=0, sku=sku) for sku in ("RJ-300", "RJ-301", "RJ-302")]
    photos = [camera_jpeg(tmp_path / f"{sku}.jpg", target_bytes=1024 * 1024) for sku in ("RJ-300", "RJ-301")]
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(camera_jpeg(tmp_path / "RJ-302-2.jpg", target_bytes=1024 * 1024), "RJ-302-2.jpg")
    workers.start("a")
    page = browser.page(viewport=PHONE, language="bn", user=seller.owner)
    page.goto("/dashboard/imports/")
    with page.expect_navigation():
        page.locator("main a[href='/dashboard/imports/photos/']").click()

    # Several photos at once, then (one upload holds either photos or one ZIP) a ZIP of them.
    for files in (photos, [archive]):
        form = page.locator("main form:has(input[type=file][multiple])")
        assert form.count() == 1, "the page offers no form for several photos at once"
        form.locator("input[type=file][multiple]").set_input_files(files)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert not page.locator(".field-error").count(), page.locator(".field-error").all_inner_texts()
        page.locator("#photo-import .badge.status-done").wait_for(timeout=60_000)
        with page.expect_navigation():
            page.locator("main a[href='/dashboard/imports/photos/']").click()

    workers.wait_until(
        lambda: all(p.images.count() == 1 for p in products), "each product to get the photo named by its SKU"
    )
    assert page.errors == []
