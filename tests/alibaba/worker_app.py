"""The project's Celery app with the test handlers of ``worker_handlers`` registered, for the tests that start a
real worker: ``celery -A tests.alibaba.worker_app worker``."""

import os

from celery.signals import worker_init

from dxports.celery import app

__all__ = ["app"]

QUEUE_ENV = "DXPORTS_TEST_CELERY_QUEUE"

if os.environ.get(QUEUE_ENV):
    # A queue of the test's own (set before anything reads the configuration), so that test runs sharing one broker
    # never take each other's messages. Everything this worker consumes and sends uses it.
    app.conf.task_default_queue = os.environ[QUEUE_ENV]


@worker_init.connect
def _register_test_handlers(**kwargs):
    # worker_init comes after Celery's Django fixup has set Django up, so the handlers' imports work.
    from tests.alibaba import worker_handlers

    worker_handlers.register_all()
