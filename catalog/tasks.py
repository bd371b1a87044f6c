"""Thin Celery wrappers of the catalog's work: ids in, state re-read, safe to run twice (beat entries in
dxports/settings.py)."""

from celery import shared_task


@shared_task(acks_late=True)
def catalog_reconcile_listings() -> dict[str, int]:
    """Hourly: compare the gateway's listings with ours, repair the drift and log the report."""
    from catalog.reconcile import reconcile_listings

    return reconcile_listings()["counts"]


@shared_task(acks_late=True)
def catalog_sync_categories() -> str:
    """Every few minutes: copy the gateway's category tree and leaf attributes (what ``manage.py sync_categories``
    does) when there is no copy yet, so that a new installation has its categories minutes after it starts, or
    when the copy is older than CATALOG_CATEGORIES_MAX_AGE_S."""
    from datetime import timedelta

    from django.conf import settings

    from alibaba.gateway import shared_client
    from catalog.categories import categories_sync, categories_sync_due

    if not categories_sync_due(max_age=timedelta(seconds=settings.CATALOG_CATEGORIES_MAX_AGE_S)):
        return "fresh"
    return str(categories_sync(client=shared_client()))


@shared_task(acks_late=True)
def catalog_import_run(job_id: int) -> None:
    from catalog import imports

    imports.import_run(job_id=job_id)


@shared_task(acks_late=True)
def catalog_photo_import_run(job_id: int) -> None:
    from catalog.imports import photos

    photos.photo_import_run(job_id=job_id)


@shared_task
def catalog_imports_redrive() -> int:
    """Beat: re-sends import jobs whose message was lost or whose worker died."""
    from catalog import imports

    return imports.imports_redrive()


@shared_task(acks_late=True)
def catalog_imports_cleanup() -> int:
    """Daily: remove the files of failed and old imports (``imports.imports_cleanup``)."""
    from catalog import imports

    return imports.imports_cleanup()


@shared_task
def catalog_demo_step() -> str:
    """Beat, in the demo only (DXPORTS_DEMO): the demo seller's listings, once its account and the categories exist."""
    from catalog import demo

    return demo.step()
