"""The outbox and sync engine (DESIGN.md §6), through its services: enqueue, process, retry, relay."""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from alibaba import outbox
from alibaba.errors import (
    ConfigurationError,
    DailyQuotaExceeded,
    GatewayTimeout,
    RateLimited,
    Rejected,
    TokenExpired,
    TransientError,
)
from alibaba.models import OutboxAttempt, OutboxJob
from alibaba.ratelimit import rate_limiter_from_settings
from tests.alibaba.outbox_support import (
    KIND,
    ScriptedHandler,
    enqueue,
    handler_fixture,  # noqa: F401
    sent_fixture,  # noqa: F401
)

pytestmark = pytest.mark.django_db

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
Status = OutboxJob.Status
Outcome = OutboxAttempt.Outcome


@pytest.fixture(autouse=True)
def _seeded_jitter(monkeypatch):
    """Backoff draws from a seeded generator, so that every wait in these tests is the same on every run."""
    monkeypatch.setattr(outbox, "_random", random.Random(0))


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """A worker running one message: ``process`` plus what it queued for after commit."""

    def run(job_id):
        with django_capture_on_commit_callbacks(execute=True):
            return outbox.process(job_id)

    return run


def attempts_of(job):
    return list(OutboxAttempt.objects.filter(job=job).order_by("started_at", "id"))


# Enqueue ----------------------------------------------------------------------------------------------------------


def test_enqueue_creates_one_due_job_and_sends_it_after_commit(
    handler, sent, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = enqueue("p-1")

    assert (job.kind, job.target, job.version, job.synced_version) == (KIND, "p-1", 1, 0)
    assert job.status == Status.PENDING
    assert job.next_attempt_at == START
    assert sent.ids() == [job.pk]


def test_later_edits_bump_the_version_of_the_one_row_per_target(
    handler, sent, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue("p-1")
        with transaction.atomic():
            outbox.enqueue(kind=KIND, target="p-1")
            again = outbox.enqueue(kind=KIND, target="p-1")
        other = enqueue("p-2")

    assert again.pk == first.pk
    assert again.version == 3
    assert OutboxJob.objects.filter(kind=KIND, target="p-1").count() == 1
    assert other.version == 1
    # One message per job: the later edits found a message already on its way.
    assert sent.ids() == [first.pk, other.pk]


def test_enqueue_is_undone_with_the_transaction_that_made_it(handler, sent, django_capture_on_commit_callbacks):
    class Abandoned(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Abandoned), transaction.atomic():
        outbox.enqueue(kind=KIND, target="p-1")
        raise Abandoned

    assert not OutboxJob.objects.exists()
    assert sent.ids() == []


@pytest.mark.django_db(transaction=True)
def test_enqueue_refuses_to_run_outside_a_transaction(handler):
    with pytest.raises(TransactionManagementError):
        outbox.enqueue(kind=KIND, target="p-1")


def test_enqueue_refuses_a_kind_nobody_registered():
    with pytest.raises(outbox.UnknownKind), transaction.atomic():
        outbox.enqueue(kind="no.such.kind", target="p-1")


def test_a_kind_cannot_be_registered_twice_with_different_handlers(handler):
    outbox.register(KIND, handler, on_failure=handler.on_failure)  # the same registration again is fine
    with pytest.raises(ValueError, match="already registered"):
        outbox.register(KIND, lambda job: None)


def test_an_edit_of_a_done_or_failed_job_makes_it_due_again(handler, sent, clock, run):
    job = enqueue("p-1")
    run(job.pk)
    handler.script = [Rejected("InvalidParameter", "subject must be ASCII", field="subject")]
    clock.shift(60)
    job = enqueue("p-1")
    run(job.pk)
    assert OutboxJob.objects.get(pk=job.pk).status == Status.FAILED

    clock.shift(60)
    job = enqueue("p-1")

    assert (job.status, job.version, job.attempts) == (Status.PENDING, 3, 0)
    assert job.next_attempt_at == START + timedelta(seconds=120)


# Process: success and the claim -----------------------------------------------------------------------------------


def test_a_processed_job_is_done_at_the_version_it_started_from(handler, sent, clock, run):
    job = enqueue("p-1")

    attempt = run(job.pk)

    job.refresh_from_db()
    assert handler.calls == [("p-1", 1)]
    assert (job.status, job.synced_version, job.attempts, job.lease_owner) == (Status.DONE, 1, 0, "")
    assert (attempt.outcome, attempt.version, attempt.result) == (Outcome.OK, 1, {"gateway_id": "G-p-1"})
    assert attempt.finished_at == START
    assert attempt.duration_ms is not None


def test_the_handler_result_and_request_id_are_recorded(handler, sent, run):
    handler.script = [{"product_id": "A-77", "request_id": "req-9"}]
    job = enqueue("p-1")

    attempt = run(job.pk)

    assert attempt.result == {"product_id": "A-77", "request_id": "req-9"}
    assert attempt.request_id == "req-9"
    assert OutboxJob.objects.get(pk=job.pk).last_request_id == "req-9"


def test_process_costs_the_same_few_queries_whatever_the_job(handler, sent, django_assert_num_queries):
    job = enqueue("p-1")
    # claim: savepoint, conditional update, read, mark abandoned attempts, insert attempt, release;
    # finish: savepoint, conditional update, attempt update, re-read job, release, re-read attempt
    with django_assert_num_queries(12):
        outbox.process(job.pk)


def test_only_one_worker_claims_a_job(handler, sent, run):
    job = enqueue("p-1")
    inner = []
    handler.script = [lambda job: inner.append(outbox.process(job.pk))]

    run(job.pk)

    # The second worker found the job running under a live lease, and left it alone.
    assert inner == [None]
    assert handler.calls == [("p-1", 1)]
    assert OutboxJob.objects.get(pk=job.pk).status == Status.DONE


def test_a_late_duplicate_message_does_nothing(handler, sent, run):
    job = enqueue("p-1")
    run(job.pk)

    assert run(job.pk) is None
    assert run(job.pk) is None

    assert handler.calls == [("p-1", 1)]
    assert len(attempts_of(job)) == 1


def test_a_job_is_not_taken_before_it_is_due(handler, sent, clock, run):
    handler.script = [TransientError("ServiceUnavailable", "try later", type="ISP")]
    job = enqueue("p-1")
    run(job.pk)
    job.refresh_from_db()
    assert job.next_attempt_at > START

    assert run(job.pk) is None
    clock.move_to(job.next_attempt_at, tick=False)
    assert run(job.pk).outcome == Outcome.OK


def test_when_the_lease_expires_another_worker_finishes_the_job(handler, sent, clock, run, settings):
    settings.ALIBABA_OUTBOX_LEASE_S = 120
    job = enqueue("p-1")
    taken_over = []

    def slow_first_worker(job):
        clock.shift(121)  # this worker stalls past its lease; another one takes the job over meanwhile
        taken_over.append(outbox.process(job.pk))
        return {"gateway_id": "late"}

    handler.script = [slow_first_worker]

    late = run(job.pk)

    job.refresh_from_db()
    assert taken_over[0].outcome == Outcome.OK
    assert (job.status, job.synced_version) == (Status.DONE, 1)
    # The stalled worker's outcome was not applied: the job is the new owner's.
    assert late.outcome == Outcome.LOST_LEASE
    assert "lease was lost" in late.message
    assert [a.outcome for a in attempts_of(job)] == [Outcome.LOST_LEASE, Outcome.OK]
    assert handler.calls == [("p-1", 1), ("p-1", 1)]


def test_edits_while_a_job_runs_cost_exactly_one_more_run_of_the_newest_version(handler, sent, clock, run):
    job = enqueue("p-1")

    def seller_edits_three_times(job):
        for _ in range(3):
            enqueue("p-1")
        return {"gateway_id": "G"}

    handler.script = [seller_edits_three_times]

    run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.version, job.synced_version) == (Status.PENDING, 4, 1)
    assert sent.ids() == [job.pk]  # the re-run, sent as the run finished; the edits themselves sent nothing
    assert job.next_attempt_at == START

    run(job.pk)
    run(job.pk)

    job.refresh_from_db()
    assert handler.calls == [("p-1", 1), ("p-1", 4)]
    assert (job.status, job.synced_version) == (Status.DONE, 4)


# Process: failures ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (TransientError("ServiceUnavailable", "busy", type="ISP", request_id="r-1"), Outcome.TRANSIENT),
        (GatewayTimeout("Timeout", "read timed out", type="TRANSPORT"), Outcome.TIMEOUT),
        (TokenExpired("IllegalAccessToken", "token expired", type="ISV"), Outcome.TOKEN_EXPIRED),
    ],
)
def test_a_transient_error_is_retried_with_backoff(handler, sent, clock, run, error, outcome):
    handler.script = [error]
    job = enqueue("p-1")
    sent.clear()

    attempt = run(job.pk)

    job.refresh_from_db()
    assert (attempt.outcome, attempt.error_code) == (outcome, error.code)
    assert job.status == Status.PENDING
    assert job.attempts == 1
    assert job.last_error_code == error.code
    # First retry: full jitter within [0, base] seconds, and a Celery countdown of exactly that wait.
    delay = (job.next_attempt_at - START).total_seconds()
    assert 0 <= delay <= 2
    assert sent.messages == [("outbox_process", job.pk, pytest.approx(delay, abs=1e-3))]
    assert job.dispatched_at == job.next_attempt_at
    assert handler.failures == []

    clock.move_to(job.next_attempt_at, tick=False)
    run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.synced_version, job.attempts, job.last_error_code) == (Status.DONE, 1, 0, "")


def test_rate_limited_waits_out_the_ban_pauses_every_worker_and_costs_no_attempt(handler, sent, clock, run, settings):
    settings.ALIBABA_APP_KEY = f"test-{uuid.uuid4().hex}"  # a limiter of this test's own
    settings.ALIBABA_RATE_LIMIT_PER_S = 10
    handler.script = [RateLimited("ApiCallLimit", "this ban will last 30 seconds", ban_seconds=30, type="ISP")]
    job = enqueue("p-1")

    attempt = run(job.pk)

    job.refresh_from_db()
    assert attempt.outcome == Outcome.RATE_LIMITED
    assert job.next_attempt_at >= START + timedelta(seconds=30)
    assert job.attempts == 0
    assert rate_limiter_from_settings().paused_for() > 25


def test_a_daily_quota_is_left_to_the_relay_instead_of_a_countdown(handler, sent, clock, run):
    handler.script = [DailyQuotaExceeded("DailyQuotaExceeded", "quota used up", ban_seconds=6 * 3600, type="ISV")]
    job = enqueue("p-1")
    sent.clear()

    run(job.pk)

    job.refresh_from_db()
    assert job.next_attempt_at >= START + timedelta(hours=6)
    assert job.dispatched_at is None
    assert sent.messages == []


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (Rejected("InvalidParameter", "InvalidParameter: subject must be ASCII", field="subject"), Outcome.REJECTED),
        (ConfigurationError("IncompleteSignature", "signature does not match"), Outcome.MISCONFIGURED),
    ],
)
def test_a_permanent_error_fails_the_job_and_tells_the_domain(handler, sent, run, error, outcome):
    handler.script = [error]
    job = enqueue("p-1")
    sent.clear()

    attempt = run(job.pk)

    job.refresh_from_db()
    assert attempt.outcome == outcome
    assert job.status == Status.FAILED
    assert job.last_error_message == error.message
    assert handler.failures == [("p-1", error)]
    assert sent.messages == []
    assert run(job.pk) is None  # a failed job waits for a person


def test_a_rejection_of_an_outdated_version_gives_way_to_the_newer_edit(handler, sent, run):
    job = enqueue("p-1")

    def rejected_while_the_seller_fixes_it(job):
        enqueue("p-1")
        raise Rejected("InvalidParameter", "subject must be ASCII", field="subject")

    handler.script = [rejected_while_the_seller_fixes_it]

    attempt = run(job.pk)

    job.refresh_from_db()
    assert attempt.outcome == Outcome.REJECTED
    assert (job.status, job.version, job.synced_version) == (Status.PENDING, 2, 0)
    assert handler.failures == []
    run(job.pk)
    assert OutboxJob.objects.get(pk=job.pk).status == Status.DONE


def test_a_crashing_handler_is_recorded_and_retried(handler, sent, run):
    handler.script = [KeyError("seller")]
    job = enqueue("p-1")

    attempt = run(job.pk)

    job.refresh_from_db()
    assert attempt.outcome == Outcome.CRASHED
    assert attempt.error_code == "KeyError"
    assert "Traceback" in attempt.message and "KeyError: 'seller'" in attempt.message
    assert job.status == Status.PENDING


def test_after_too_many_transient_errors_the_job_gives_up_for_staff(handler, sent, clock, run, settings):
    settings.ALIBABA_OUTBOX_MAX_ATTEMPTS = 3
    errors = [TransientError("ServiceUnavailable", f"busy {n}", type="ISP") for n in range(3)]
    handler.script = list(errors)
    job = enqueue("p-1")

    for _ in range(3):
        run(job.pk)
        job.refresh_from_db()
        clock.move_to(job.next_attempt_at, tick=False)

    assert job.status == Status.FAILED
    assert job.last_error_message == "Gave up after 3 attempts. Last error: busy 2"
    assert handler.failures == [("p-1", errors[2])]
    assert [a.outcome for a in attempts_of(job)] == [Outcome.TRANSIENT] * 3


# A write that may have reached the gateway ------------------------------------------------------------------------


def _writes(error):
    """A handler step that marks a write, then fails with ``error`` (the gateway's answer lost or refused)."""

    def run(job):
        def call():
            raise error

        return outbox.step(job, call, writes=True)

    return run


def test_a_job_whose_write_may_have_reached_the_gateway_never_gives_up_on_transient_errors(
    handler, sent, clock, run, settings
):
    settings.ALIBABA_OUTBOX_MAX_ATTEMPTS = 3
    settings.ALIBABA_OUTBOX_STEP_TRIES = 1
    handler.script = [_writes(GatewayTimeout("Timeout", "read timed out"))] + [
        TransientError("ServiceUnavailable", f"busy {n}", type="ISP") for n in range(7)
    ]
    job = enqueue("p-1")

    for _ in range(8):
        run(job.pk)
        job.refresh_from_db()
        assert job.status == Status.PENDING and job.has_unconfirmed_write
        assert (job.next_attempt_at - timezone.now()).total_seconds() <= settings.ALIBABA_OUTBOX_BACKOFF_CAP_S
        clock.move_to(job.next_attempt_at, tick=False)

    assert job.attempts == 8  # past the budget, still waiting for its answer rather than failed
    assert handler.failures == []
    run(job.pk)  # the next attempt looks, finds, records: done
    job.refresh_from_db()
    assert (job.status, job.attempts, job.has_unconfirmed_write) == (Status.DONE, 0, False)


def test_before_any_write_transient_errors_still_give_up_after_the_budget(handler, sent, clock, run, settings):
    settings.ALIBABA_OUTBOX_MAX_ATTEMPTS = 2
    settings.ALIBABA_OUTBOX_STEP_TRIES = 1

    def looks(job):
        def call():
            raise TransientError("ServiceUnavailable", "busy", type="ISP")

        return outbox.step(job, call)  # a lookup: it writes nothing

    handler.script = [looks, looks]
    job = enqueue("p-1")

    for _ in range(2):
        run(job.pk)
        job.refresh_from_db()
        clock.move_to(job.next_attempt_at, tick=False)

    assert (job.status, job.has_unconfirmed_write) == (Status.FAILED, False)
    assert len(handler.failures) == 1


def test_a_refusal_fails_a_job_even_after_a_write_and_the_mark_stays_for_the_next_run(handler, sent, run):
    handler.script = [_writes(Rejected("InvalidParameter", "subject must be ASCII", field="subject"))]
    job = enqueue("p-1")

    run(job.pk)

    job.refresh_from_db()
    assert (job.status, job.has_unconfirmed_write) == (Status.FAILED, True)
    seen = []
    handler.script = [lambda job: seen.append(job.has_unconfirmed_write)]
    with transaction.atomic():
        outbox.enqueue(kind=KIND, target="p-1")  # the seller fixes it
    run(job.pk)
    assert seen == [True]  # the run after it knows to look first
    assert OutboxJob.objects.get(pk=job.pk).has_unconfirmed_write is False


def test_the_write_mark_is_committed_before_the_call_is_made(handler, sent, run):
    seen = []

    def during_the_call(job):
        def call():
            # What a worker killed at this moment leaves behind: read on another connection's view of the row.
            seen.append(OutboxJob.objects.filter(pk=job.pk).values_list("has_unconfirmed_write", flat=True).get())
            return "ok"

        return outbox.step(job, call, writes=True)

    handler.script = [during_the_call]
    run(enqueue("p-1").pk)

    assert seen == [True]


# Steps within an attempt ------------------------------------------------------------------------------------------


def _step(calls, outcomes, **options):
    """A handler step whose call plays ``outcomes`` (an exception to raise or a value to return) in order."""

    def run(job):
        def call():
            calls.append(len(calls) + 1)
            outcome = outcomes.pop(0)
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome

        return {"answer": outbox.step(job, call, **options)}

    return run


def test_a_repeatable_step_is_tried_again_at_once_within_the_attempt(handler, sent, run, settings):
    settings.ALIBABA_OUTBOX_STEP_TRIES = 3
    calls = []
    busy = TransientError("ServiceUnavailable", "busy", type="ISP")
    handler.script = [_step(calls, [busy, GatewayTimeout("Timeout", "read timed out"), "found"])]

    attempt = run(enqueue("p-1").pk)

    assert (attempt.outcome, attempt.result, calls) == (Outcome.OK, {"answer": "found"}, [1, 2, 3])


def test_a_step_gives_up_after_its_tries_and_the_attempt_ends_with_the_error(handler, sent, run, settings):
    settings.ALIBABA_OUTBOX_STEP_TRIES = 2
    calls = []
    errors = [TransientError("ServiceUnavailable", f"busy {n}", type="ISP") for n in range(2)]
    handler.script = [_step(calls, list(errors))]

    attempt = run(enqueue("p-1").pk)

    assert (attempt.outcome, attempt.message, calls) == (Outcome.TRANSIENT, "busy 1", [1, 2])


def test_a_create_is_tried_again_only_when_the_error_shows_nothing_was_applied(handler, sent, run, settings):
    settings.ALIBABA_OUTBOX_STEP_TRIES = 3
    calls = []
    refused = TransientError("ServiceUnavailable", "busy", type="ISP")  # refused before it was applied
    lost = GatewayTimeout("Timeout", "read timed out")  # may have been applied
    handler.script = [_step(calls, [refused, lost, "added twice"], writes=True, repeatable=False)]

    attempt = run(enqueue("p-1").pk)

    assert (attempt.outcome, calls) == (Outcome.TIMEOUT, [1, 2])  # the handler looks before adding again


def test_a_rate_limit_ends_the_step_at_once_for_the_engine_to_wait_it_out(handler, sent, run, settings):
    settings.ALIBABA_OUTBOX_STEP_TRIES = 3
    calls = []
    ban = RateLimited("ApiCallLimit", "this ban will last 10 seconds", ban_seconds=10, type="ISV")
    handler.script = [_step(calls, [ban, "never"])]

    attempt = run(enqueue("p-1").pk)

    assert (attempt.outcome, calls) == (Outcome.RATE_LIMITED, [1])


def test_each_step_renews_the_lease(handler, sent, clock, run, settings):
    settings.ALIBABA_OUTBOX_LEASE_S = 60
    leases = []

    def two_steps(job):
        for _ in range(2):
            clock.shift(50)  # each call takes most of a lease
            outbox.step(job, lambda: leases.append(OutboxJob.objects.get(pk=job.pk).lease_expires_at))
        return "done"

    handler.script = [two_steps]
    attempt = run(enqueue("p-1").pk)

    assert attempt.outcome == Outcome.OK
    assert leases == [START + timedelta(seconds=110), START + timedelta(seconds=160)]


def test_a_worker_that_lost_its_lease_stops_before_its_next_call(handler, sent, clock, run, settings):
    settings.ALIBABA_OUTBOX_LEASE_S = 60
    calls, taken_over = [], []

    def stalled(job):
        clock.shift(61)  # this worker stalls past its lease; another one takes the job over and finishes it
        taken_over.append(outbox.process(job.pk))
        return outbox.step(job, lambda: calls.append("sent"), writes=True)

    handler.script = [stalled]
    job = enqueue("p-1")
    late = run(job.pk)

    assert calls == []  # the gateway never heard from two workers at once
    assert taken_over[0].outcome == Outcome.OK
    assert late.outcome == Outcome.LOST_LEASE and "LeaseLost" in late.message
    assert OutboxJob.objects.get(pk=job.pk).status == Status.DONE


def test_a_kind_without_a_handler_in_the_worker_fails_as_misconfigured(handler, sent, run):
    job = enqueue("p-1")
    outbox.unregister(KIND)

    attempt = run(job.pk)

    assert attempt.outcome == Outcome.MISCONFIGURED
    assert OutboxJob.objects.get(pk=job.pk).status == Status.FAILED


def test_a_broken_on_failure_hook_does_not_undo_the_failure(sent, run):
    def broken_hook(job, error):
        raise RuntimeError("a bug in the domain's hook")

    handler = ScriptedHandler(script=[Rejected("InvalidParameter", "bad")])
    outbox.register("test.broken-hook", handler, on_failure=broken_hook)
    try:
        job = enqueue("p-1", kind="test.broken-hook")
        run(job.pk)
    finally:
        outbox.unregister("test.broken-hook")

    assert OutboxJob.objects.get(pk=job.pk).status == Status.FAILED


# Backoff and token refresh --------------------------------------------------------------------------------------


def test_backoff_is_full_jitter_below_an_exponential_ceiling(settings):
    settings.ALIBABA_OUTBOX_BACKOFF_BASE_S = 2
    settings.ALIBABA_OUTBOX_BACKOFF_CAP_S = 300
    rng = random.Random(1234)

    for attempt in range(1, 20):
        ceiling = min(300, 2 * 2 ** (attempt - 1))
        delays = [outbox.backoff_delay(attempt, rng=rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        # Spread over the whole range, not bunched at the ceiling (that would be plain exponential backoff).
        assert min(delays) < ceiling * 0.1
        assert max(delays) > ceiling * 0.9


def test_backoff_never_waits_less_than_the_gateway_asked(settings):
    rng = random.Random(7)
    assert all(outbox.backoff_delay(1, retry_after=45, rng=rng) >= 45 for _ in range(100))


def test_with_token_refresh_refreshes_once_and_calls_again():
    tokens = ["old"]
    seen = []

    def call():
        seen.append(tokens[-1])
        if tokens[-1] == "old":
            raise TokenExpired("IllegalAccessToken", "expired")
        return "ok"

    assert outbox.with_token_refresh(call, refresh=lambda: tokens.append("new")) == "ok"
    assert seen == ["old", "new"]


def test_with_token_refresh_gives_up_after_one_refresh():
    refreshes = []

    def call():
        raise TokenExpired("IllegalAccessToken", "expired")

    with pytest.raises(TokenExpired):
        outbox.with_token_refresh(call, refresh=lambda: refreshes.append(1))
    assert refreshes == [1]


# Retry and relay ------------------------------------------------------------------------------------------------


def test_retry_makes_a_failed_job_due_now_with_a_fresh_budget(
    handler, sent, clock, run, django_capture_on_commit_callbacks
):
    handler.script = [Rejected("InvalidParameter", "bad")]
    job = enqueue("p-1")
    run(job.pk)
    sent.clear()
    clock.shift(600)

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.retry(job=job) is True

    job.refresh_from_db()
    assert (job.status, job.attempts, job.next_attempt_at) == (Status.PENDING, 0, START + timedelta(seconds=600))
    assert sent.ids() == [job.pk]
    run(job.pk)
    assert OutboxJob.objects.get(pk=job.pk).status == Status.DONE


def test_retry_leaves_done_and_running_jobs_alone(handler, sent, run):
    job = enqueue("p-1")
    run(job.pk)
    assert outbox.retry(job=job) is False

    running = enqueue("p-2")
    retried_while_running = []
    handler.script = [lambda job: retried_while_running.append(outbox.retry(job=job))]
    run(running.pk)
    assert retried_while_running == [False]
    assert OutboxJob.objects.get(pk=running.pk).status == Status.DONE


def test_the_relay_re_sends_lost_messages_but_not_fresh_ones(
    handler, sent, clock, settings, django_capture_on_commit_callbacks
):
    settings.ALIBABA_OUTBOX_REDISPATCH_S = 30
    job = enqueue("p-1")

    def relay():
        sent.clear()
        with django_capture_on_commit_callbacks(execute=True):
            outbox.relay()
        return sent.ids()

    assert relay() == []  # the enqueue's own message may still be on its way
    clock.shift(29)
    assert relay() == []
    clock.shift(2)
    assert relay() == [job.pk]  # the message is overdue: presumed lost
    assert relay() == []  # and now a new one is on its way
    clock.shift(31)
    assert relay() == [job.pk]


def test_the_relay_re_drives_a_job_whose_worker_died(
    handler, sent, clock, settings, django_capture_on_commit_callbacks
):
    settings.ALIBABA_OUTBOX_LEASE_S = 120
    settings.ALIBABA_OUTBOX_REDISPATCH_S = 30
    job = enqueue("p-1")
    died = []

    def worker_dies(job):
        died.append(job.pk)
        raise SystemExit  # not an Exception: nothing is recorded, as when the process is killed

    handler.script = [worker_dies]
    with pytest.raises(SystemExit):
        outbox.process(job.pk)
    job.refresh_from_db()
    assert job.status == Status.RUNNING

    def relay():
        sent.clear()
        with django_capture_on_commit_callbacks(execute=True):
            outbox.relay()
        return sent.ids()

    clock.shift(119)
    assert relay() == []  # the lease still holds
    clock.shift(2)
    assert relay() == [job.pk]

    with django_capture_on_commit_callbacks(execute=True):
        attempt = outbox.process(job.pk)
    assert attempt.outcome == Outcome.OK
    assert [a.outcome for a in attempts_of(job)] == [Outcome.LOST_LEASE, Outcome.OK]
    assert OutboxJob.objects.get(pk=job.pk).status == Status.DONE


def test_the_relay_leaves_waiting_done_and_failed_jobs_alone(
    handler, sent, clock, run, settings, django_capture_on_commit_callbacks
):
    settings.ALIBABA_OUTBOX_REDISPATCH_S = 30
    done = enqueue("done")
    run(done.pk)
    handler.script = [Rejected("InvalidParameter", "bad"), TransientError("ServiceUnavailable", "busy")]
    failed = enqueue("failed")
    run(failed.pk)
    settings.ALIBABA_OUTBOX_BACKOFF_BASE_S = 1000  # the retry of "waiting" is due well after the relay looks
    waiting = enqueue("waiting")
    run(waiting.pk)
    waiting.refresh_from_db()
    clock.shift(60)
    assert waiting.next_attempt_at > START + timedelta(seconds=60)

    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.relay() == 0
    assert sent.messages == []


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
