"""Thin Celery wrappers of the catalog's periodic work (beat entries in dxports/settings.py)."""

from celery import shared_task


@shared_task(acks_late=True)
def catalog_reconcile_listings():
    """Hourly: compare the gateway's listings with ours, repair the drift and log the report."""
    from catalog.reconcile import reconcile_listings

    return reconcile_listings()["counts"]


@shared_task(acks_late=True)
def catalog_sync_categories():
    """Daily: copy the gateway's category tree and leaf attributes (what ``manage.py sync_categories`` does)."""
    from alibaba.client import AlibabaClient
    from catalog.categories import categories_sync

    with AlibabaClient.from_settings() as client:
        return str(categories_sync(client=client))
