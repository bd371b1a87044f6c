"""Thin Celery wrappers of the sellers' periodic work (beat entries in dxports/settings.py)."""

from celery import shared_task


@shared_task(acks_late=True)
def sellers_expiry_sweep() -> int:
    """Daily: expiry reminders, and "action needed" for approved or active sellers whose licence or ERC expired."""
    from sellers import selectors, services
    from sellers.models import Seller

    checked = 0
    for seller_id in selectors.sellers_for_expiry_check().values_list("pk", flat=True).iterator():
        services.seller_expiry_check(seller=Seller(pk=seller_id))
        checked += 1
    return checked


@shared_task(acks_late=True)
def sellers_refresh_supplier_tokens() -> dict[str, int]:
    """Hourly: refresh the gateway access tokens that expire within two days."""
    from sellers import services

    return services.supplier_tokens_refresh_due()
