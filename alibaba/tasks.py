"""Thin Celery tasks of the outbox and the push receiver: ids in, state re-read, safe to run twice or late."""

from celery import shared_task


@shared_task
def outbox_process(job_id: int) -> None:
    from alibaba import outbox

    outbox.process(job_id)


@shared_task
def outbox_relay() -> None:
    """Beat, every ``ALIBABA_OUTBOX_RELAY_INTERVAL_S``: re-send jobs and pushes whose message was lost."""
    from alibaba import outbox, pushes

    outbox.relay()
    pushes.relay_pushes()


@shared_task
def push_process(push_id: int) -> None:
    from alibaba import pushes

    pushes.process_push(push_id)
