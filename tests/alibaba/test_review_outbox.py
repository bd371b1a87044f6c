"""Review finding: what a failed call says is recorded even when it holds characters PostgreSQL refuses in text
(U+0000), instead of the worker crashing while recording it and the job staying "running" until its lease ends."""

import pytest

from alibaba import outbox
from alibaba.errors import Rejected, TransientError
from alibaba.models import OutboxAttempt, OutboxJob
from tests.alibaba.outbox_support import (
    enqueue,
    handler_fixture,  # noqa: F401
    sent_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "error, status",
    [
        (Rejected("InvalidParameter\x00", "subject\x00 is not ASCII", request_id="r\x00-1"), OutboxJob.Status.FAILED),
        (TransientError("isp.remote-service-error", "busy\x00"), OutboxJob.Status.PENDING),
        (RuntimeError("handler bug with \x00 in its message"), OutboxJob.Status.PENDING),
    ],
)
def test_an_error_holding_a_nul_character_is_recorded(handler, sent, django_capture_on_commit_callbacks, error, status):
    job = enqueue("product-1")
    handler.script = [error]

    with django_capture_on_commit_callbacks(execute=True):
        attempt = outbox.process(job.pk)

    job.refresh_from_db()
    assert job.status == status
    assert job.lease_owner == ""
    assert "\x00" not in job.last_error_message + job.last_error_code + job.last_request_id
    assert attempt.outcome != OutboxAttempt.Outcome.IN_PROGRESS
    assert "\x00" not in attempt.message + attempt.error_code + attempt.request_id
