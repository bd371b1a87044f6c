"""Test-only outbox and push handlers for the tests that start a real Celery worker (test_worker.py).

The worker registers them through ``tests.alibaba.worker_app``; the test process registers the same ones so that
it may enqueue their kinds. Production code knows nothing of them.
"""

import os
import threading
from pathlib import Path

from alibaba import outbox, pushes

ECHO = "test.worker.echo"
BLOCK_ONCE = "test.worker.block-once"
NOTED = "test.worker.noted"

# Where block_once leaves its marker; set by the test in the worker's environment.
MARKER_DIR_ENV = "DXPORTS_TEST_MARKER_DIR"


def echo(job):
    """Says which process ran it, so the test can tell the worker did."""
    return {"pid": os.getpid(), "target": job.target, "version": job.version}


def block_once(job):
    """The first call announces itself with a marker file and hangs until the test kills the worker; any later
    call (in another worker) finds the marker and succeeds."""
    marker = Path(os.environ[MARKER_DIR_ENV]) / f"{job.target}.started"
    if not marker.exists():
        marker.write_text(str(os.getpid()))
        threading.Event().wait(120)
        raise RuntimeError("block_once was not killed in time")
    return {"pid": os.getpid()}


def noted(push):
    """A push handler with nothing to do: the push's status shows it ran."""


def register_all():
    outbox.register(ECHO, echo)
    outbox.register(BLOCK_ONCE, block_once)
    pushes.register_push_handler(NOTED, noted)


def unregister_all():
    outbox.unregister(ECHO)
    outbox.unregister(BLOCK_ONCE)
    pushes.unregister_push_handler(NOTED)
