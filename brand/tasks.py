"""Thin Celery wrappers of the company profile's work: safe to run twice or late (beat entries in
dxports/settings.py)."""

from celery import shared_task


@shared_task(acks_late=True)
def brand_certificates_daily() -> dict[str, int]:
    """Daily: profiles showing a certificate that expired are sent again without it, and the sellers of
    certificates expiring within 30 days are told (once each)."""
    from brand import services

    return {"resent": services.certificates_withdraw_expired(), "reminded": services.certificates_remind()}


@shared_task(acks_late=True)
def brand_reconcile_profiles() -> dict[str, int]:
    """Hourly: compare the gateway's company profiles with ours, repair the drift and log the report."""
    from brand.reconcile import reconcile_profiles

    counts: dict[str, int] = reconcile_profiles()["counts"]
    return counts


@shared_task
def brand_demo_step() -> str:
    """Beat, in the demo only (DXPORTS_DEMO): the demo seller's profile, once its supplier account exists."""
    from brand import demo

    return demo.step()
