"""Import files do not stay for ever, and what one seller stores is capped (issue 12, item 12)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from catalog import imports, selectors
from catalog.errors import FileRejected, ImageRefused
from catalog.images import product_image_add
from catalog.models import ImportJob, ImportStatus
from tests.catalog.factories import LeafFactory, ProductFactory
from tests.catalog.image_files import image_bytes
from tests.catalog.import_support import good_row, run_import, table, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    from catalog import tasks

    monkeypatch.setattr(tasks.catalog_import_run, "delay", lambda job_id: None)


@pytest.fixture
def lines(db):
    leaf = LeafFactory()
    return table([good_row("JB-1", leaf), good_row("JB-2", leaf, title="")])  # one row with an error


def _exists(stored):
    return bool(stored) and stored.storage.exists(stored.name)


def test_files_of_failed_imports_go_after_two_days_and_of_others_after_thirty(seller, owner, lines):
    done = run_import(seller=seller, user=owner, content=xlsx_bytes(lines), name="catalog.xlsx")
    failed = run_import(seller=seller, user=owner, content=b"\x00\x01 not a table", name="catalog.csv")
    assert (done.status, failed.status) == (ImportStatus.DONE, ImportStatus.FAILED)
    assert _exists(done.file) and _exists(done.error_file) and _exists(failed.file)
    assert selectors.storage_used(seller=seller) == done.file_size + done.error_file_size + failed.file_size > 0

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert imports.imports_cleanup() == 1
        assert imports.imports_cleanup() == 0
    failed.refresh_from_db()
    assert failed.files_removed_at is not None and not failed.file
    assert _exists(done.file)

    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert imports.imports_cleanup() == 1
    removed = ImportJob.objects.get(pk=done.pk)
    assert not _exists(done.file) and not _exists(done.error_file)
    assert (removed.created_count, removed.error_count) == (1, 1)  # the history stays
    assert selectors.storage_used(seller=seller) == 0


def test_a_removed_file_is_explained_not_a_404(owner_client, seller, owner, lines):
    job = run_import(seller=seller, user=owner, content=xlsx_bytes(lines), name="catalog.xlsx")
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        imports.imports_cleanup()

    for name in ("file", "errors"):
        response = owner_client.get(f"/dashboard/imports/{job.public_id}/{name}/", follow=True)
        assert response.status_code == 200
        assert "The files of this import were removed on" in response.content.decode()
    page = owner_client.get(f"/dashboard/imports/{job.public_id}/").content.decode()
    assert "Files removed on" in page and f"/dashboard/imports/{job.public_id}/file/" not in page


def test_an_upload_beyond_the_seller_storage_is_refused_with_what_to_do(seller, owner, lines, settings):
    content = xlsx_bytes(lines)
    settings.CATALOG_STORAGE_PER_SELLER_BYTES = len(content) + 10
    run_import(seller=seller, user=owner, content=content, name="catalog.xlsx")

    with pytest.raises(FileRejected, match="the limit is 0 MB"):
        imports.import_job_create(seller=seller, actor=owner, uploaded=upload(content, "again.xlsx"))
    with pytest.raises(ImageRefused, match="Remove photos of products you no longer sell"):
        product_image_add(product=ProductFactory(seller=seller), actor=owner, uploaded=upload(image_bytes(), "bag.jpg"))
