"""Staff see the sync in the admin: what needs attention, and "retry now" through the service."""

import pytest

from alibaba import outbox
from alibaba.errors import Rejected, TransientError
from alibaba.models import InboundPush, OutboxJob
from tests.alibaba.outbox_support import (
    enqueue,
    handler_fixture,  # noqa: F401
    sent_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/alibaba/outboxjob/"


@pytest.fixture
def jobs(handler, sent, time_machine, settings):
    """One job in each state that matters to staff."""
    settings.ALIBABA_OUTBOX_LEASE_S = 120
    time_machine.move_to("2025-03-01 09:00Z", tick=False)
    outbox.process(enqueue("done").pk)
    handler.script = [Rejected("InvalidParameter", "InvalidParameter: subject must be ASCII", field="subject")]
    outbox.process(enqueue("failed").pk)
    handler.script = [TransientError("ServiceUnavailable", "busy")]
    outbox.process(enqueue("waiting").pk)
    handler.script = [SystemExit()]  # the worker dies holding the job
    with pytest.raises(SystemExit):
        outbox.process(enqueue("stuck").pk)
    time_machine.shift(300)  # past the lease, before anything counts as overdue
    return {job.target: job for job in OutboxJob.objects.all()}


def targets(response):
    return sorted(job.target for job in response.context["cl"].result_list)


def test_staff_see_failed_and_stuck_jobs(admin_client, jobs):
    response = admin_client.get(CHANGELIST, {"attention": "any"})

    assert response.status_code == 200
    assert targets(response) == ["failed", "stuck"]
    assert targets(admin_client.get(CHANGELIST, {"attention": "stuck"})) == ["stuck"]
    assert targets(admin_client.get(CHANGELIST, {"q": "ASCII"})) == ["failed"]


def test_a_job_page_shows_the_gateways_message_and_links_the_attempt_log(admin_client, jobs):
    response = admin_client.get(f"{CHANGELIST}{jobs['failed'].pk}/change/")

    assert response.status_code == 200
    assert "subject must be ASCII" in response.text
    assert f"/admin/alibaba/outboxattempt/?job__id__exact={jobs['failed'].pk}" in response.text
    attempts = admin_client.get("/admin/alibaba/outboxattempt/", {"job__id__exact": jobs["failed"].pk})
    assert attempts.status_code == 200
    assert len(attempts.context["cl"].result_list) == 1


def test_retry_now_makes_failed_stuck_and_waiting_jobs_due(
    admin_client, jobs, sent, django_capture_on_commit_callbacks
):
    sent.clear()
    ids = [job.pk for job in jobs.values()]

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(CHANGELIST, {"action": "retry_now", "_selected_action": ids}, follow=True)

    assert response.status_code == 200
    assert "3 jobs will be retried now." in response.text
    assert "1 job was left alone" in response.text
    assert sorted(sent.ids()) == sorted(jobs[name].pk for name in ["failed", "stuck", "waiting"])
    assert set(OutboxJob.objects.exclude(target="done").values_list("status", flat=True)) == {"pending"}


def test_jobs_cannot_be_added_or_edited_by_hand(admin_client, jobs):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    response = admin_client.post(f"{CHANGELIST}{jobs['failed'].pk}/change/", {"status": "done"})
    assert response.status_code == 403
    assert OutboxJob.objects.get(pk=jobs["failed"].pk).status == "failed"


def test_staff_can_process_an_unhandled_push_again(admin_client, sent, django_capture_on_commit_callbacks):
    push = InboundPush.objects.create(
        event_id="e-1", message_type="test.unknown", status=InboundPush.Status.UNHANDLED, error="no handler"
    )
    response = admin_client.get("/admin/alibaba/inboundpush/", {"status": "unhandled"})
    assert [p.event_id for p in response.context["cl"].result_list] == ["e-1"]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/alibaba/inboundpush/", {"action": "process_again", "_selected_action": [push.pk]}, follow=True
        )

    push.refresh_from_db()
    assert push.status == InboundPush.Status.RECEIVED
    assert sent.ids("push_process") == [push.pk]
