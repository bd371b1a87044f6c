"""The outbox with a real Celery worker process: jobs go through end to end, a killed worker's job is finished by
another once its lease expires, and jobs whose messages were lost are re-driven by the relay (DESIGN.md §6).

The worker runs ``celery -A tests.alibaba.worker_app worker --pool threads -B`` with this test run's settings,
database (the test database's name in DATABASE_URL) and broker, a queue of the test's own, and short lease and relay
intervals.
"""

import contextlib
import functools
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from kombu import Exchange, Queue

from alibaba import outbox, tasks
from alibaba.models import InboundPush, OutboxAttempt, OutboxJob
from dxports.celery import app
from tests.alibaba import worker_app, worker_handlers
from tests.alibaba.outbox_support import push_envelope, push_signature

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CELERY = Path(sys.executable).parent / "celery"
LEASE_S = 3
DEADLINE_S = 60


def worker_database_url():
    """DATABASE_URL for the worker: this run's test database, wherever the suite put it."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{db['NAME']}").geturl()


class Workers:
    def __init__(self, tmp_path, queue):
        self.tmp_path = tmp_path
        self.queue = queue
        self.started = []

    def start(self, name, *, concurrency=2, settings_env=None):
        """A worker (with an embedded beat) named ``name``; ``settings_env`` overrides settings read from the
        environment, on top of this class's short lease and relay intervals."""
        # os.environ carries this run's DJANGO_SETTINGS_MODULE (pytest-django sets it), broker and Redis.
        env = {
            **os.environ,
            worker_app.QUEUE_ENV: self.queue,
            "DATABASE_URL": worker_database_url(),
            "ALIBABA_OUTBOX_LEASE_S": str(LEASE_S),
            "ALIBABA_OUTBOX_REDISPATCH_S": "2",
            "ALIBABA_OUTBOX_RELAY_INTERVAL_S": "1",
            worker_handlers.MARKER_DIR_ENV: str(self.tmp_path),
            **(settings_env or {}),
        }
        log_path = self.tmp_path / f"worker-{name}.log"
        command = [
            str(CELERY),
            "-A",
            "tests.alibaba.worker_app",
            "worker",
            "--pool",
            "threads",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
            "--hostname",
            f"{name}-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--beat",
            "--schedule",
            str(self.tmp_path / f"beat-{name}"),
        ]
        with log_path.open("wb") as log:
            # A session of its own: the embedded beat is a child process, and the whole group is stopped together.
            process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append((process, log_path))
        return process

    def kill(self, process):
        self._signal(process, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self):
        for process, _ in self.started:
            self._signal(process, signal.SIGTERM)
        for process, _ in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
            # Whatever is left of the group (the embedded beat, a worker that would not stop) goes too.
            self._signal(process, signal.SIGKILL)
            process.wait(timeout=10)

    @staticmethod
    def _signal(process, signum):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)

    def logs(self):
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}" for _, path in self.started)

    def wait_until(self, predicate, what, *, deadline_s=DEADLINE_S):
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out after {deadline_s}s waiting for {what}\n{self.logs()}")


@pytest.fixture
def workers(tmp_path, queue):
    workers = Workers(tmp_path, queue)
    yield workers
    workers.stop_all()


@pytest.fixture(autouse=True)
def _handlers():
    worker_handlers.register_all()
    yield
    worker_handlers.unregister_all()


@pytest.fixture(autouse=True)
def queue(monkeypatch):
    """A Celery queue of this test's own, for what this process sends and what its workers consume and send:
    other test runs sharing the broker (the same Redis, the same var/broker) neither see nor take its messages."""
    name = f"dxports-test-{uuid.uuid4().hex[:12]}"
    for task in (tasks.outbox_process, tasks.push_process):
        monkeypatch.setattr(task, "apply_async", functools.partial(task.apply_async, queue=name))
    yield name
    with app.connection_for_write() as conn:
        queue = Queue(name, Exchange(name), routing_key=name)(conn.default_channel)
        queue.declare()  # bound on this channel too, so that deleting it also removes the broker's binding
        queue.delete()
    control_folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("control_folder")
    if control_folder:  # the filesystem broker keeps an (emptied) exchange file per queue
        (Path(control_folder) / f"{name}.exchange").unlink(missing_ok=True)


def purge(queue):
    with app.connection_for_write() as conn:
        return conn.default_channel.queue_purge(queue)


def enqueue(kind, *targets):
    with transaction.atomic():
        return [outbox.enqueue(kind=kind, target=target) for target in targets]


def all_done(jobs):
    return lambda: (
        OutboxJob.objects.filter(pk__in=[j.pk for j in jobs], status=OutboxJob.Status.DONE).count() == len(jobs)
    )


def test_a_worker_processes_enqueued_jobs_end_to_end(workers):
    worker = workers.start("a")
    jobs = enqueue(worker_handlers.ECHO, "p-1", "p-2", "p-3")
    enqueue(worker_handlers.ECHO, "p-1")  # a later edit

    workers.wait_until(
        lambda: OutboxJob.objects.filter(target="p-1", synced_version=2, status="done").exists() and all_done(jobs)(),
        "every job to be synced",
    )

    for job in OutboxJob.objects.filter(pk__in=[j.pk for j in jobs]):
        assert job.synced_version == job.version
        last = OutboxAttempt.objects.filter(job=job).order_by("-started_at", "-id").first()
        assert last.outcome == OutboxAttempt.Outcome.OK
        assert last.result["pid"] == worker.pid


def test_a_push_is_processed_by_the_worker(workers, client):
    workers.start("a")
    raw = json.dumps(push_envelope(message_type=worker_handlers.NOTED)).encode()

    response = client.post(
        "/hooks/alibaba/", data=raw, content_type="application/json", headers={"Authorization": push_signature(raw)}
    )

    assert response.status_code == 200
    workers.wait_until(
        lambda: InboundPush.objects.filter(status=InboundPush.Status.PROCESSED).exists(), "the push to be processed"
    )


def test_a_killed_workers_job_is_finished_by_another_after_its_lease(workers, tmp_path):
    first = workers.start("first")
    (job,) = enqueue(worker_handlers.BLOCK_ONCE, "p-1")
    marker = tmp_path / "p-1.started"
    workers.wait_until(marker.exists, "the first worker to start the job")

    workers.kill(first)

    job.refresh_from_db()
    assert job.status == OutboxJob.Status.RUNNING
    assert f":{first.pid}:" in job.lease_owner
    second = workers.start("second")
    workers.wait_until(all_done([job]), "the second worker to finish the job")

    attempts = list(OutboxAttempt.objects.filter(job=job).order_by("started_at", "id"))
    assert [a.outcome for a in attempts] == [OutboxAttempt.Outcome.LOST_LEASE, OutboxAttempt.Outcome.OK]
    assert f":{first.pid}:" in attempts[0].lease_owner
    assert attempts[1].result["pid"] == second.pid
    # Not before the first lease ran out.
    assert (attempts[1].started_at - attempts[0].started_at).total_seconds() >= LEASE_S


def test_jobs_whose_messages_were_lost_are_re_driven_by_the_relay(workers, queue):
    jobs = enqueue(worker_handlers.ECHO, "p-1", "p-2", "p-3")
    assert purge(queue) == 3  # the messages are gone before any worker saw them

    workers.start("a")

    workers.wait_until(all_done(jobs), "the relay to re-drive every job")
    for job in OutboxJob.objects.filter(pk__in=[j.pk for j in jobs]):
        # Re-sent by the relay, once the enqueue's message was overdue (ALIBABA_OUTBOX_REDISPATCH_S=2 in the worker).
        assert (job.dispatched_at - job.created_at).total_seconds() >= 2
        assert OutboxAttempt.objects.filter(job=job).count() == 1
