"""Photos for many products at once (catalog.imports.photos): several files or a ZIP, matched by the SKU in their
names to the seller's own products only, each checked as one photo is, with a result per file; the limits of the
upload and of a ZIP; the pages."""

import io
import os
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from catalog.errors import PhotoImportRefused
from catalog.imports import photos as photo_imports
from catalog.models import ImportStatus, PhotoImportFile, PhotoImportJob, ProductImage, ProductStatus
from tests.catalog import image_files as files
from tests.catalog.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_inline(monkeypatch):
    """The task's message runs the job at once, in this process (after commit, as the worker would)."""
    from catalog import tasks

    monkeypatch.setattr(
        tasks.catalog_photo_import_run, "delay", lambda job_id: photo_imports.photo_import_run(job_id=job_id)
    )


@pytest.fixture
def products(seller):
    return {sku: ProductFactory(seller=seller, sku=sku) for sku in ("JUTE-001", "JUTE-002", "MAT-7-2")}


def _jpeg(seed=1, size=(900, 900)):
    return files.noise_bytes("JPEG", size=size, seed=seed)


def _zip(entries, *, compression=zipfile.ZIP_STORED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _results(job):
    return [
        (row.name, row.product.sku if row.product else None, row.status)
        for row in PhotoImportFile.objects.filter(job=job).select_related("product").order_by("position")
    ]


def _run(seller, owner, uploads, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = photo_imports.photo_import_create(seller=seller, actor=owner, uploaded=uploads)
    return PhotoImportJob.objects.get(pk=job.pk)


def test_several_photos_are_matched_by_sku_and_added_in_their_order(
    seller, owner, products, django_capture_on_commit_callbacks
):
    uploads = [
        files.upload("jute-001-2.jpg", _jpeg(2)),
        files.upload("JUTE-001.jpg", _jpeg(1)),
        files.upload("JUTE-002_1.png", files.noise_bytes("PNG", size=(800, 800), seed=3), "image/png"),
        files.upload("MAT-7-2.jpg", _jpeg(4)),  # a SKU that itself ends in "-2"
        files.upload("MAT-7-2-3.jpg", _jpeg(5)),
    ]

    job = _run(seller, owner, uploads, django_capture_on_commit_callbacks)

    assert job.status == ImportStatus.DONE
    assert (job.total_files, job.processed_files, job.added_count, job.failed_count) == (5, 5, 5, 0)
    assert _results(job) == [
        ("JUTE-001.jpg", "JUTE-001", "added"),
        ("jute-001-2.jpg", "JUTE-001", "added"),
        ("JUTE-002_1.png", "JUTE-002", "added"),
        ("MAT-7-2.jpg", "MAT-7-2", "added"),
        ("MAT-7-2-3.jpg", "MAT-7-2", "added"),
    ]
    first, second = ProductImage.objects.filter(product=products["JUTE-001"]).order_by("position")
    assert first.size_bytes == len(_jpeg(1)) and second.size_bytes == len(_jpeg(2))  # the unnumbered one is main
    uploaded = default_storage.path(f"photo-imports/{seller.public_id}")
    assert not [name for _, _, names in os.walk(uploaded) for name in names]  # the uploads are removed once read
    assert not PhotoImportFile.objects.exclude(file="").exists()


def test_a_zip_is_read_with_the_same_checks_and_every_file_says_why_it_was_not_added(
    seller, owner, products, other_seller_user, django_capture_on_commit_callbacks
):
    ProductFactory(seller=other_seller_user.seller_membership.seller, sku="THEIRS-1")
    ProductFactory(seller=seller, sku="LIVE-1", status=ProductStatus.LIVE)
    content = _zip(
        [
            ("photos/JUTE-001.jpg", files.camera_jpeg()),
            ("photos/JUTE-001-2.jpg", files.camera_jpeg()),  # the same photo twice
            ("photos/THEIRS-1.jpg", _jpeg(6)),
            ("photos/NOPE-9.jpg", _jpeg(7)),
            ("photos/JUTE-002.jpg", files.elf_bytes()),
            ("photos/LIVE-1.jpg", _jpeg(8)),
            ("__MACOSX/photos/._JUTE-001.jpg", b"\x00\x05\x16\x07"),
            ("photos/.DS_Store", b"\x00\x00\x00\x01Bud1"),
        ]
    )

    job = _run(
        seller, owner, [files.upload("my photos.zip", content, "application/zip")], django_capture_on_commit_callbacks
    )

    assert (job.total_files, job.added_count, job.failed_count) == (6, 1, 5)
    rows = {row.name: row for row in PhotoImportFile.objects.filter(job=job)}
    assert set(rows) == {"JUTE-001.jpg", "JUTE-001-2.jpg", "THEIRS-1.jpg", "NOPE-9.jpg", "JUTE-002.jpg", "LIVE-1.jpg"}
    assert rows["JUTE-001.jpg"].status == "added"
    assert "already one of this product's images" in rows["JUTE-001-2.jpg"].message
    assert (
        rows["THEIRS-1.jpg"].product is None
        and "No product of yours has the SKU “THEIRS-1” or “THEIRS”." in rows["THEIRS-1.jpg"].message
    )
    assert "No product of yours has the SKU “NOPE-9” or “NOPE”." in rows["NOPE-9.jpg"].message
    assert "is not a JPEG or PNG image" in rows["JUTE-002.jpg"].message
    assert rows["LIVE-1.jpg"].product.sku == "LIVE-1" and rows["LIVE-1.jpg"].status == "refused"
    assert not ProductImage.objects.filter(product__sku="THEIRS-1").exists()
    image = ProductImage.objects.get(product=products["JUTE-001"])
    with default_storage.open(image.file.name) as stored, Image.open(stored) as photo:  # fit as on the product page
        assert photo.height > photo.width and not photo.getexif()
    assert image.size_bytes < 3 * 1024 * 1024
    assert not job.archive
    uploaded = default_storage.path(f"photo-imports/{seller.public_id}")
    assert not [name for _, _, names in os.walk(uploaded) for name in names]


def test_another_sellers_sku_never_matches(seller, owner, other_seller_user):
    ProductFactory(seller=other_seller_user.seller_membership.seller, sku="THEIRS-1")

    assert photo_imports.match_product(seller=seller, name="THEIRS-1.jpg") is None
    assert photo_imports.match_product(seller=other_seller_user.seller_membership.seller, name="theirs-1-2.jpg")


def _refused(seller, owner, uploads):
    with pytest.raises(PhotoImportRefused) as refused:
        photo_imports.photo_import_create(seller=seller, actor=owner, uploaded=uploads)
    assert not PhotoImportJob.objects.exists()
    return refused.value.message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(seller, owner, products):
    bomb = _zip([("JUTE-001.jpg", bytes(15 * 1024 * 1024))], compression=zipfile.ZIP_DEFLATED)
    assert len(bomb) < 100_000

    message = _refused(seller, owner, [files.upload("photos.zip", bomb, "application/zip")])

    assert "zip bomb" in message


def test_a_zip_declaring_more_than_the_limits_is_refused(seller, owner, products, settings):
    settings.CATALOG_PHOTO_IMPORT_MAX_UNZIPPED_BYTES = 1024 * 1024
    content = _zip([(f"JUTE-001-{n}.jpg", _jpeg(n, size=(700, 700))) for n in range(1, 6)])

    assert "unpacks to" in _refused(seller, owner, [files.upload("photos.zip", content, "application/zip")])

    settings.CATALOG_PHOTO_IMPORT_MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
    settings.CATALOG_PHOTO_IMPORT_MAX_FILES = 3
    assert "at most 3 can be added at once" in _refused(
        seller, owner, [files.upload("photos.zip", content, "application/zip")]
    )


def test_a_photo_over_the_photo_limit_is_refused_by_its_size(seller, owner, products):
    message = _refused(seller, owner, [files.upload("JUTE-001.jpg", files.over_limit_jpeg())])

    assert "photos of at most 20 MB can be uploaded" in message


def test_a_damaged_zip_and_a_zip_among_photos_are_refused(seller, owner, products):
    assert "damaged" in _refused(seller, owner, [files.upload("photos.zip", b"PK\x03\x04broken", "application/zip")])
    assert "not both" in _refused(
        seller, owner, [files.upload("JUTE-001.jpg", _jpeg()), files.upload("more.zip", _zip([("a.jpg", _jpeg())]))]
    )


# The pages ----------------------------------------------------------------------------------------------------------


def test_the_page_uploads_several_files_and_shows_each_result_with_a_link(
    owner_client, seller, products, django_capture_on_commit_callbacks
):
    uploads = [files.upload("JUTE-001.jpg", _jpeg(1)), files.upload("NOPE.jpg", _jpeg(2))]

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(reverse("catalog_imports:photos-new"), {"photos": uploads})

    job = PhotoImportJob.objects.get(seller=seller)
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog_imports:photos-detail", args=[job.public_id])
    html = owner_client.get(response["Location"]).content.decode()
    assert "1 of 2 photos added, 1 not added." in html
    assert f'href="{reverse("catalog:detail", args=[products["JUTE-001"].public_id])}#images"' in html
    assert "No product of yours has the SKU “NOPE”." in html
    assert "data-refresh" not in html and "photo-import-progress.js" not in html  # finished: no more polling


def test_a_refused_upload_is_shown_beside_the_field(owner_client, products):
    response = owner_client.post(
        reverse("catalog_imports:photos-new"), {"photos": [files.upload("JUTE-001.jpg", files.over_limit_jpeg())]}
    )

    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('id="photo-import-error"')
    assert "photos of at most 20 MB can be uploaded" in html[start : html.index("</p>", start)]
    assert 'aria-invalid="true" autofocus' in html


def test_another_sellers_user_gets_404_for_a_photo_import(
    client, seller, owner, products, other_seller_user, django_capture_on_commit_callbacks
):
    job = _run(seller, owner, [files.upload("JUTE-001.jpg", _jpeg())], django_capture_on_commit_callbacks)
    client.force_login(other_seller_user)

    response = client.get(reverse("catalog_imports:photos-detail", args=[job.public_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["catalog:list", "catalog_imports:list", "catalog_imports:new"])
def test_the_photo_import_is_linked_from_the_catalog_pages(owner_client, url_name):
    html = owner_client.get(reverse(url_name)).content.decode()

    assert f'href="{reverse("catalog_imports:photos-new")}"' in html
