"""Thin Celery tasks of the catalog import (``catalog.imports``): ids in, state re-read, safe to run twice.

Registered with Celery by ``CatalogConfig.ready``, which imports this module."""

from celery import shared_task


@shared_task(acks_late=True)
def catalog_import_run(job_id: int) -> None:
    from catalog import imports

    imports.import_run(job_id=job_id)


@shared_task
def catalog_imports_redrive() -> int:
    """Beat: re-sends import jobs whose message was lost or whose worker died."""
    from catalog import imports

    return imports.imports_redrive()
