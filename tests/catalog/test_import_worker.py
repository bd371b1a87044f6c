"""The import with a real Celery worker process: the task is registered by the catalog app (``CatalogConfig.ready``
imports ``catalog.tasks``), the upload's message after commit reaches the worker, and the job runs to its
end while the page's JSON status shows its progress."""

import contextlib
import functools
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from kombu import Exchange, Queue

from catalog import imports, tasks
from catalog.models import ImportJob, ImportStatus, Product
from dxports.celery import app
from sellers.models import SellerStatus
from tests.alibaba.test_worker import Workers
from tests.catalog.factories import LeafFactory
from tests.catalog.import_support import csv_bytes, good_row, table, upload
from tests.sellers.factories import OwnerFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue(monkeypatch):
    """A queue of this test's own (see tests/alibaba/test_worker.py)."""
    name = f"dxports-test-{uuid.uuid4().hex[:12]}"
    task = tasks.catalog_import_run
    monkeypatch.setattr(task, "apply_async", functools.partial(task.apply_async, queue=name))
    yield name
    with app.connection_for_write() as conn:
        bound = Queue(name, Exchange(name), routing_key=name)(conn.default_channel)
        bound.declare()
        bound.delete()
    control_folder = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("control_folder")
    if control_folder:
        (Path(control_folder) / f"{name}.exchange").unlink(missing_ok=True)


@pytest.fixture
def workers(tmp_path, queue, settings):
    # The worker reads uploads where the test settings put them, not in this test's temporary MEDIA_ROOT.
    from tests import settings as test_settings

    settings.MEDIA_ROOT = test_settings.MEDIA_ROOT
    workers = Workers(tmp_path, queue)
    yield workers
    workers.stop_all()


def test_a_worker_imports_an_uploaded_file(workers, client):
    owner = OwnerFactory(seller__status=SellerStatus.ACTIVE)
    leaf = LeafFactory()
    rows = [good_row(f"JB-{n}", leaf) for n in range(1200)] + [good_row("BAD", leaf, unit="sack")]
    workers.start("a")

    job = imports.import_job_create(seller=owner.seller, actor=owner.user, uploaded=upload(csv_bytes(table(rows))))

    try:
        workers.wait_until(
            lambda: ImportJob.objects.filter(pk=job.pk, status=ImportStatus.DONE).exists(), "the import to finish"
        )
        client.force_login(owner.user)
        status = client.get(reverse("catalog_imports:status", args=[job.public_id])).json()
        assert (status["total_rows"], status["processed_rows"], status["created"], status["errors"]) == (
            1201,
            1201,
            1200,
            1,
        )
        assert Product.objects.filter(seller=owner.seller).count() == 1200
    finally:
        job.refresh_from_db()
        for stored in (job.file, job.error_file):
            if stored:
                folder = Path(stored.path).parent
                stored.delete(save=False)
                with contextlib.suppress(OSError):
                    folder.rmdir()  # the seller's folder, when empty
