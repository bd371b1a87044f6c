"""Shared pieces of the outbox and push tests: a scriptable test handler, and a recorder of the messages the engine
sends to Celery (the real broker is exercised by test_worker.py, with a real worker).

Fixtures are imported by the test modules that use them (``from tests.alibaba.outbox_support import …``): they are
named ``*_fixture`` and registered under the short name, so the import does not shadow the argument.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction

from alibaba import outbox, tasks

KIND = "test.sync"


@dataclass
class ScriptedHandler:
    """An outbox handler for tests: records every call as (target, version) and plays ``script`` in order, one
    entry per call: an exception to raise, a callable to run with the job, or a value to return. When the script
    is empty it returns ``{"gateway_id": "G-<target>"}``."""

    calls: list[tuple[str, int]] = field(default_factory=list)
    script: list[Any] = field(default_factory=list)
    failures: list[tuple[str, BaseException]] = field(default_factory=list)

    def __call__(self, job):
        self.calls.append((job.target, job.version))
        step = self.script.pop(0) if self.script else None
        if isinstance(step, BaseException):
            raise step
        if callable(step):
            return step(job)
        return step if step is not None else {"gateway_id": f"G-{job.target}"}

    def on_failure(self, job, error):
        self.failures.append((job.target, error))


@dataclass
class SentMessages:
    """What the engine handed to Celery: (task name, id, countdown) in order."""

    messages: list[tuple[str, int, float | None]] = field(default_factory=list)

    def ids(self, task: str = "outbox_process") -> list[int]:
        return [item_id for name, item_id, _ in self.messages if name == task]

    def clear(self):
        self.messages.clear()


@pytest.fixture(name="handler")
def handler_fixture():
    handler = ScriptedHandler()
    outbox.register(KIND, handler, on_failure=handler.on_failure)
    yield handler
    outbox.unregister(KIND)


@pytest.fixture(name="sent")
def sent_fixture(monkeypatch):
    sent = SentMessages()
    for name in ("outbox_process", "push_process"):
        task = getattr(tasks, name)

        def apply_async(args, countdown=None, _name=name, **options):
            sent.messages.append((_name, args[0], countdown))

        monkeypatch.setattr(task, "apply_async", apply_async)
    return sent


def enqueue(target: str, *, kind: str = KIND):
    """A domain service in miniature: one transaction that announces a change of ``target``."""
    with transaction.atomic():
        return outbox.enqueue(kind=kind, target=target)


def push_envelope(**overrides):
    """The body of a push as the gateway sends it (DESIGN.md §5)."""
    body = {
        "event_id": uuid.uuid4().hex,
        "message_type": "test.reviewed",
        "data": {"product_id": "A-1", "status": "approved"},
        "timestamp": 1740819600000,
        "site": "icbu_global",
    }
    body.update(overrides)
    return body


def push_signature(raw: bytes, *, secret: str = "dxports-dev-secret", app_key: str = "500001") -> str:
    """The gateway's ``Authorization`` header for ``raw``: HEX(HMAC_SHA256(app_secret, app_key + raw body))."""
    return hmac.new(secret.encode(), app_key.encode() + raw, hashlib.sha256).hexdigest().upper()
