"""Enqueue and claim under real concurrency: threads with their own connections and transactions, on whichever
database the suite runs (SQLite serialises writers; PostgreSQL takes row locks and the unique index)."""

import threading

import pytest
from django.db import connection, transaction

from alibaba import outbox
from alibaba.models import OutboxAttempt, OutboxJob
from tests.alibaba.outbox_support import (
    KIND,
    handler_fixture,  # noqa: F401
    sent_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def in_threads(work, n=THREADS):
    """Run ``work(i)`` in ``n`` threads released together; return results, re-raise the first error."""
    start = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(i):
        try:
            start.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - handed to the test thread below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def test_concurrent_first_enqueues_of_one_target_make_one_row_with_every_version(handler, sent):
    def announce(_):
        with transaction.atomic():
            return outbox.enqueue(kind=KIND, target="p-1").pk

    ids = in_threads(announce)

    job = OutboxJob.objects.get()
    assert set(ids) == {job.pk}
    assert job.version == THREADS


def test_concurrent_workers_run_a_job_once(handler, sent):
    with transaction.atomic():
        job = outbox.enqueue(kind=KIND, target="p-1")

    attempts = in_threads(lambda _: outbox.process(job.pk))

    assert len([a for a in attempts if a is not None]) == 1
    assert handler.calls == [("p-1", 1)]
    assert OutboxAttempt.objects.filter(job=job).count() == 1
    assert OutboxJob.objects.get(pk=job.pk).status == OutboxJob.Status.DONE
