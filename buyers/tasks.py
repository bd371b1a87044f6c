"""Thin Celery wrappers of the buyers' work: state re-read, safe to run twice (beat entries in dxports/settings.py)."""

from celery import shared_task


@shared_task(acks_late=True)
def buyers_pull_inquiries() -> dict[str, int | str]:
    """Beat: pull each selling seller's inquiries changed since its cursor (what a push missed)."""
    from buyers import sync

    return sync.pull_all()


@shared_task(acks_late=True)
def buyers_notify_inquiry(inquiry_id: int) -> int:
    """After a new inquiry's commit: e-mail the seller's users about it (once)."""
    from buyers import notifications

    return notifications.new_inquiry_send(inquiry_id=inquiry_id)


@shared_task(acks_late=True)
def buyers_notify_redrive() -> int:
    """Beat: e-mail about new inquiries whose task message was lost."""
    from buyers import notifications

    return notifications.new_inquiries_redrive()


@shared_task(acks_late=True)
def buyers_send_reminders() -> int:
    """Beat: remind sellers of inquiries that have waited too long in their working hours."""
    from buyers import notifications

    return notifications.reminders_send()


@shared_task(acks_late=True)
def buyers_send_digests() -> int:
    """Beat: the daily digest, once a day after the digest hour (Dhaka)."""
    from buyers import notifications

    return notifications.digests_send()


@shared_task(acks_late=True)
def buyers_demo_step() -> str:
    """Beat, in the demo only (DXPORTS_DEMO): the next step of the demo conversation, if any is due."""
    from buyers import demo

    return demo.step()
