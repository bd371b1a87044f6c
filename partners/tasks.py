"""Thin Celery tasks of the webhooks and the idempotency records: ids in, state re-read, safe to run twice or late."""

from celery import shared_task


@shared_task(acks_late=True)
def webhook_deliver(delivery_id: int) -> None:
    from partners import webhooks

    webhooks.deliver(delivery_id)


@shared_task(acks_late=True)
def webhooks_relay() -> None:
    """Beat, every ``PARTNERS_WEBHOOK_RELAY_INTERVAL_S``: fan out missed events, re-send lost deliveries."""
    from partners import webhooks

    webhooks.relay()


@shared_task(acks_late=True)
def idempotency_purge() -> int:
    """Hourly: forget the idempotency records older than ``PARTNERS_IDEMPOTENCY_TTL_S``."""
    from partners import idempotency

    return idempotency.purge()
