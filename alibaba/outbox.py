"""The outbox and sync engine (DESIGN.md §6): services and the registry of handlers.

A domain registers one handler per kind, usually in its ``AppConfig.ready``::

    outbox.register("product.upsert", sync_product, on_failure=show_listing_problem)

and announces a change inside the transaction that makes it::

    with transaction.atomic():
        product.save()
        outbox.enqueue(kind="product.upsert", target=str(product.pk))

The engine then guarantees, across any number of worker processes:

- at most one handler call at a time per (kind, target): a worker claims the row with a conditional update and
  holds it through a lease that expires (``ALIBABA_OUTBOX_LEASE_S``) and that every ``step`` of the handler
  renews, so a dead worker delays the work by at most one lease but never blocks it, and a worker that lost its
  lease stops at its next step (``LeaseLost``) instead of calling the gateway beside the new holder;
- at least one successful call that started after the last enqueue (``synced_version == version``); ten edits
  while a call runs cost one more call, not ten. Handlers therefore sync the *current* state of the target and
  must be safe to repeat (a worker may lose its lease after the gateway applied its call);
- transient failures are retried with full-jitter exponential backoff, capped at ``ALIBABA_OUTBOX_BACKOFF_CAP_S``;
  permanent ones (``Rejected``, ``ConfigurationError``) stop the job as ``failed`` and tell the domain through
  ``on_failure``. Transient failures make a job ``failed`` (after ``ALIBABA_OUTBOX_MAX_ATTEMPTS`` attempts, rate
  limits not counted) only while none of its writes can have reached the gateway: from the moment a step that
  ``writes`` starts until an attempt succeeds (``has_unconfirmed_write``), the job's effect may be on the gateway,
  so "failed" could be a false alarm; such a job is resolved by looking, never by giving up, and keeps retrying;
- no message is needed for progress: Celery messages only bring latency down, the relay (``relay``, run by beat)
  re-sends whatever is due and has no message on its way.

Handlers are called outside any transaction (they do network I/O) as ``handler(job)``; ``job.version`` is the
version this run syncs, ``job.attempts`` counts this attempt, ``job.last_error_code`` is how the previous one ended,
``job.has_unconfirmed_write`` whether an earlier attempt's write may have reached the gateway unanswered. What they
return (a gateway id, a small dict) is recorded in the attempt log; returning means the effect is known and recorded.

Each gateway call of a handler goes through ``step(job, call, writes=…, repeatable=…)``, which renews the lease,
marks the job before a write, and tries a transient failure again at once, a bounded number of times, when that is
safe. A handler records what a step learns (a gateway id found by lookup) as soon as it knows it, so that a failure
later in the attempt does not cost the next attempt the same call. A handler whose call creates something
(``product/add``) must look it up first whenever it has no id recorded for it and an earlier attempt may have made
it: a timeout, a killed worker or a lost lease can each hide a create that the gateway applied.
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, PositiveIntegerField, Q, QuerySet, Value, When
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from alibaba.errors import (
    ConfigurationError,
    DailyQuotaExceeded,
    GatewayError,
    GatewayTimeout,
    PermanentError,
    RateLimited,
    TokenExpired,
    TransientError,
)
from alibaba.models import OutboxAttempt, OutboxJob
from alibaba.ratelimit import RateLimitTimeout, rate_limiter_from_settings

logger = logging.getLogger("dxports.alibaba.outbox")

T = TypeVar("T")
Handler = Callable[[OutboxJob], Any]
FailureHook = Callable[[OutboxJob, BaseException], None]

Status = OutboxJob.Status
Outcome = OutboxAttempt.Outcome

MAX_MESSAGE_CHARS = 4000
# CharFields' lengths: never None.
KIND_MAX_LENGTH = cast(int, OutboxJob._meta.get_field("kind").max_length)
TARGET_MAX_LENGTH = cast(int, OutboxJob._meta.get_field("target").max_length)


# The registry -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    kind: str
    handler: Handler
    on_failure: FailureHook | None = None


_registry: dict[str, Registration] = {}


class UnknownKind(LookupError):
    """``enqueue`` for a kind no domain registered: a typo, or the domain's ``ready`` did not run."""


class NoHandler(ConfigurationError):
    """A job whose kind has no handler in the worker process (the code that registered it is not deployed)."""


def register(kind: str, handler: Handler, *, on_failure: FailureHook | None = None) -> None:
    """Make ``handler(job)`` the handler of ``kind``; ``on_failure(job, error)`` is called (in its own transaction,
    after the job is recorded as failed) when a job of the kind needs a person: the gateway rejected it, our
    configuration is wrong, or it gave up after too many transient errors before any write could have reached the
    gateway. Registering the same pair again is a no-op; a different handler for a registered kind is an error (two
    domains cannot own one kind)."""
    if not kind or len(kind) > KIND_MAX_LENGTH:
        raise ValueError(f"an outbox kind is 1 to {KIND_MAX_LENGTH} characters")
    new = Registration(kind=kind, handler=handler, on_failure=on_failure)
    current = _registry.get(kind)
    if current is not None and current != new:
        raise ValueError(f"outbox kind {kind!r} is already registered to {current.handler!r}")
    _registry[kind] = new


def unregister(kind: str) -> None:
    _registry.pop(kind, None)


# Enqueue --------------------------------------------------------------------------------------------------------


def enqueue(*, kind: str, target: str | int) -> OutboxJob:
    """Record that the gateway must learn the current state of ``target``. Call it inside the transaction that
    changes the target, so that the change and the job commit together or not at all.

    Upserts the one row of (kind, target): a new row at version 1, or the existing row's version + 1. The row
    becomes due now unless a worker is running it (that worker runs it once more when it finishes) or it is waiting
    out a transient error (the retry syncs the newest version). After commit the job id is sent to Celery when no
    message is already on its way.
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError("outbox.enqueue must run inside the transaction of the change it announces.")
    if kind not in _registry:
        raise UnknownKind(f"no outbox handler is registered for kind {kind!r}")
    if isinstance(target, bool) or not isinstance(target, str | int):
        # str(product) would be its display name, not a key: make the caller say which key it means.
        raise TypeError(f"target must be a string key such as str(product.pk), not {type(target).__name__}")
    target = str(target)
    if not target or len(target) > TARGET_MAX_LENGTH:
        raise ValueError(f"target must be 1 to {TARGET_MAX_LENGTH} characters")
    now = timezone.now()
    job = OutboxJob.objects.select_for_update(no_key=True).filter(kind=kind, target=target).first()
    if job is None:
        try:
            with transaction.atomic():
                job = OutboxJob.objects.create(kind=kind, target=target, next_attempt_at=now, dispatched_at=now)
        except IntegrityError:
            # A concurrent transaction inserted the row and committed while we waited on the unique index.
            job = OutboxJob.objects.select_for_update(no_key=True).get(kind=kind, target=target)
        else:
            _dispatch_on_commit(job.pk)
            return job

    changes: dict[str, Any] = {}
    if job.status in (Status.DONE, Status.FAILED):
        changes = {"status": Status.PENDING, "attempts": 0, "next_attempt_at": now, "dispatched_at": now}
    elif job.status == Status.PENDING and job.next_attempt_at <= now and not _message_on_its_way(job, now):
        changes = {"dispatched_at": now}
    OutboxJob.objects.filter(pk=job.pk).update(version=F("version") + 1, updated_at=now, **changes)
    job.refresh_from_db()
    if "dispatched_at" in changes:
        _dispatch_on_commit(job.pk)
    return job


def _message_on_its_way(job: OutboxJob, now: datetime) -> bool:
    return job.dispatched_at is not None and job.dispatched_at > now - _redispatch_window()


# Process --------------------------------------------------------------------------------------------------------


def process(job_id: int) -> OutboxAttempt | None:
    """Run the job's handler once if the job is due and nobody holds it; return the attempt, or ``None`` when
    there was nothing to do (done, failed, not due, or claimed by another worker). Safe to call any number of
    times, late, or concurrently: only the holder of the lease records an outcome."""
    now = timezone.now()
    owner = _new_lease_owner()
    with transaction.atomic():
        claimed = OutboxJob.objects.filter(
            Q(status=Status.PENDING) | Q(status=Status.RUNNING, lease_expires_at__lte=now),
            pk=job_id,
            next_attempt_at__lte=now,
        ).update(
            status=Status.RUNNING,
            lease_owner=owner,
            lease_expires_at=now + timedelta(seconds=settings.ALIBABA_OUTBOX_LEASE_S),
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        if claimed != 1:
            return None
        # Read in the claiming transaction: the row stays locked until commit, so this is the claimed version.
        job = OutboxJob.objects.get(pk=job_id)
        OutboxAttempt.objects.filter(job=job, outcome=Outcome.IN_PROGRESS).update(
            outcome=Outcome.LOST_LEASE,
            message=f"The lease expired before this attempt finished (its worker died or overran); {owner} took over.",
        )
        attempt = OutboxAttempt.objects.create(job=job, version=job.version, lease_owner=owner, started_at=now)

    registration = _registry.get(job.kind)
    started = time.monotonic()
    result: Any = None
    error: BaseException | None = None
    if registration is None:
        error = NoHandler("NoHandler", f"no outbox handler is registered for kind {job.kind!r} in this worker")
    else:
        try:
            result = registration.handler(job)
        except Exception as exc:  # noqa: BLE001 - every failure is classified, recorded and retried or surfaced
            error = exc
    duration_ms = int((time.monotonic() - started) * 1000)
    return _finish(job, attempt, owner, registration, result=result, error=error, duration_ms=duration_ms)


@dataclass(frozen=True)
class _Failure:
    outcome: str
    is_transient: bool
    code: str
    message: str
    request_id: str
    retry_after: float | None


def _classify(error: BaseException) -> _Failure:
    code = str(getattr(error, "code", "") or type(error).__name__)
    request_id = str(getattr(error, "request_id", "") or "")
    retry_after = getattr(error, "retry_after", None)
    message = (error.message or str(error)) if isinstance(error, GatewayError) else f"{type(error).__name__}: {error}"
    if isinstance(error, RateLimited | RateLimitTimeout):
        outcome, transient = Outcome.RATE_LIMITED, True
    elif isinstance(error, GatewayTimeout):
        outcome, transient = Outcome.TIMEOUT, True
    elif isinstance(error, TransientError):
        outcome, transient = Outcome.TRANSIENT, True
    elif isinstance(error, TokenExpired):
        # The handler refreshes and retries once (``with_token_refresh``); if it still fails, try again later.
        outcome, transient = Outcome.TOKEN_EXPIRED, True
    elif isinstance(error, ConfigurationError):
        outcome, transient = Outcome.MISCONFIGURED, False
    elif isinstance(error, PermanentError):
        outcome, transient = Outcome.REJECTED, False
    else:
        outcome, transient = Outcome.CRASHED, True
        message = "".join(traceback.format_exception(error))
    return _Failure(
        outcome,
        transient,
        storable_text(code)[:128],
        storable_text(message)[:MAX_MESSAGE_CHARS],
        storable_text(request_id)[:128],
        retry_after,
    )


def storable_text(value: str) -> str:
    """``value`` without U+0000, which PostgreSQL text columns refuse: a gateway's message or an exception may hold
    one, and failing to record the failure would leave the job running until its lease ends, again and again."""
    return value.replace("\x00", "\ufffd")


def _finish(
    job: OutboxJob,
    attempt: OutboxAttempt,
    owner: str,
    registration: Registration | None,
    *,
    result: Any,
    error: BaseException | None,
    duration_ms: int,
) -> OutboxAttempt:
    now = timezone.now()
    claimed = job.version
    ours = OutboxJob.objects.filter(pk=job.pk, status=Status.RUNNING, lease_owner=owner)
    released: dict[str, Any] = {"lease_owner": "", "lease_expires_at": None, "updated_at": now}
    # A newer version was enqueued while we ran: run again now (success), or let it supersede a rejection that the
    # seller may have fixed meanwhile.
    moved_on = ~Q(version=claimed)
    countdown: float | None = None

    if error is None:
        failure = None
        attempt_fields = {"outcome": Outcome.OK, "result": _jsonable(result), "request_id": _request_id_of(result)}
        job_fields = {
            **released,
            "synced_version": claimed,
            "status": Case(When(moved_on, then=Value(Status.PENDING)), default=Value(Status.DONE)),
            "attempts": 0,
            "next_attempt_at": now,
            "dispatched_at": now,
            "last_error_code": "",
            "last_error_message": "",
            "last_request_id": _request_id_of(result),
            "has_unconfirmed_write": False,
        }
    else:
        failure = _classify(error)
        attempt_fields = {
            "outcome": failure.outcome,
            "error_code": failure.code,
            "message": failure.message,
            "request_id": failure.request_id,
        }
        error_fields = {
            "last_error_code": failure.code,
            "last_error_message": failure.message,
            "last_request_id": failure.request_id,
        }
        is_counted = failure.outcome != Outcome.RATE_LIMITED  # waiting out a limit is not the job's fault
        is_exhausted = failure.is_transient and is_counted and job.attempts >= settings.ALIBABA_OUTBOX_MAX_ATTEMPTS
        if is_exhausted and not _may_have_written(job):
            error_fields["last_error_message"] = (
                f"Gave up after {job.attempts} attempts. Last error: {failure.message}"
            )[:MAX_MESSAGE_CHARS]
            job_fields = {**released, **error_fields, "status": Status.FAILED}
        elif failure.is_transient:
            _pause_rate_limiter(error)
            delay = backoff_delay(job.attempts, retry_after=failure.retry_after)
            next_at = now + timedelta(seconds=delay)
            # Short waits ride on a Celery countdown; long ones (a daily quota) are left to the relay, so that no
            # message sits in a worker's memory for hours.
            countdown = delay if delay <= settings.ALIBABA_OUTBOX_COUNTDOWN_MAX_S else None
            job_fields = {
                **released,
                **error_fields,
                "status": Status.PENDING,
                "next_attempt_at": next_at,
                "dispatched_at": next_at if countdown is not None else None,
                "attempts": F("attempts") if is_counted else F("attempts") - 1,
            }
        else:
            job_fields = {
                **released,
                **error_fields,
                "status": Case(When(moved_on, then=Value(Status.PENDING)), default=Value(Status.FAILED)),
                "attempts": Case(
                    When(moved_on, then=Value(0)), default=F("attempts"), output_field=PositiveIntegerField()
                ),
                "next_attempt_at": now,
                "dispatched_at": now,
            }

    with transaction.atomic():
        is_ours = ours.update(**job_fields) == 1
        if not is_ours:
            attempt_fields["message"] = (
                "Finished after its lease was lost, so its outcome was not applied to the job "
                f"(it was: {attempt_fields['outcome']}). {attempt_fields.get('message', '')}"
            ).strip()[:MAX_MESSAGE_CHARS]
            attempt_fields["outcome"] = Outcome.LOST_LEASE
        OutboxAttempt.objects.filter(pk=attempt.pk).update(finished_at=now, duration_ms=duration_ms, **attempt_fields)
        job.refresh_from_db()
    attempt.refresh_from_db()

    if not is_ours:
        logger.warning("outbox %s: lease lost before finishing; another worker owns it now", job)
        return attempt
    if job.status == Status.PENDING:
        if job.next_attempt_at <= now:
            _dispatch_on_commit(job.pk)
        elif countdown is not None:
            _dispatch_on_commit(job.pk, countdown=countdown)
    if failure is not None:
        log = logger.error if job.status == Status.FAILED else logger.warning
        exc_info = error if failure.outcome == Outcome.CRASHED else None
        log("outbox %s: %s %s: %s", job, failure.outcome, failure.code, str(error)[:300], exc_info=exc_info)
    on_failure = registration.on_failure if registration is not None else None
    if job.status == Status.FAILED and on_failure is not None and error is not None:
        _call_on_failure(on_failure, job, error)
    return attempt


def _may_have_written(job: OutboxJob) -> bool:
    """Read afresh: the handler's steps marked the row, not necessarily the object the engine holds."""
    return bool(OutboxJob.objects.filter(pk=job.pk).values_list("has_unconfirmed_write", flat=True).first())


def _call_on_failure(on_failure: FailureHook, job: OutboxJob, error: BaseException) -> None:
    try:
        with transaction.atomic():
            on_failure(job, error)
    except Exception:  # the job is recorded as failed either way; the hook's bug is logged
        logger.exception("outbox %s: on_failure hook of %r raised", job, job.kind)


def _pause_rate_limiter(error: BaseException) -> None:
    """A ban covers our app key: every worker must wait it out, not only this job. The client already does this
    for its own calls; repeating it is harmless (a pause never shortens) and covers handlers that raise
    ``RateLimited`` themselves. Our own limiter's refusal (type CLIENT) and a daily quota (whose end is a guess)
    are not bans."""
    if not isinstance(error, RateLimited) or isinstance(error, DailyQuotaExceeded) or error.type == "CLIENT":
        return
    limiter = rate_limiter_from_settings()
    if limiter is None:
        return
    try:
        limiter.pause(error.ban_seconds)
    except Exception:  # the job waits out the ban anyway; other workers will hear of it from the gateway
        logger.warning("outbox: could not pause the shared rate limiter", exc_info=True)


def backoff_delay(attempt: int, *, retry_after: float | None = None, rng: random.Random | None = None) -> float:
    """Seconds to wait before attempt ``attempt + 1``: full jitter, uniform in [0, min(cap, base * 2^(attempt-1))]
    (``ALIBABA_OUTBOX_BACKOFF_BASE_S``, ``ALIBABA_OUTBOX_BACKOFF_CAP_S``), and never less than ``retry_after``."""
    base = float(settings.ALIBABA_OUTBOX_BACKOFF_BASE_S)
    cap = float(settings.ALIBABA_OUTBOX_BACKOFF_CAP_S)
    ceiling = min(cap, base * 2 ** min(max(attempt - 1, 0), 32))
    delay = (rng or _random).uniform(0, ceiling)
    if retry_after:
        delay = max(delay, float(retry_after))
    return delay


_random = random.Random()


def with_token_refresh(call: Callable[[], T], *, refresh: Callable[[], object]) -> T:
    """Run ``call``; when the gateway says the access token is invalid or expired, run ``refresh`` and ``call``
    once more. ``call`` must read the token anew. A second ``TokenExpired`` propagates and the engine retries the
    job later; when ``refresh`` itself learns that the seller must authorize again, it should raise a
    ``PermanentError`` so the job stops and the domain can ask the seller."""
    try:
        return call()
    except TokenExpired:
        refresh()
        return call()


class LeaseLost(Exception):
    """Raised by ``step``: the worker no longer holds the job (its lease expired and another worker took it over,
    or staff reset it), so the handler stops before calling the gateway beside the new holder."""


def step(job: OutboxJob, call: Callable[[], T], *, writes: bool = False, repeatable: bool = True) -> T:
    """Make one gateway call of a handler's attempt: ``call()``, whose result is returned.

    Before each try the job's lease is renewed (``LeaseLost`` when the worker no longer holds it) and, when the call
    ``writes`` to the gateway, the job is marked ``has_unconfirmed_write`` in a commit of its own, so that a worker
    killed during the call leaves the mark behind. A transient failure is tried again at once (after a jitter of at
    most ``ALIBABA_OUTBOX_STEP_PAUSE_S``), ``ALIBABA_OUTBOX_STEP_TRIES`` tries in all, when the call is
    ``repeatable`` (a lookup, an idempotent write such as an update or a display switch, a content-addressed upload)
    or when the error shows that nothing was applied (``outcome_unknown`` false: a create is never repeated after a
    timeout, the handler looks first). A rate limit ends the step at once: the engine waits the ban out, uncounted.
    Any other failure propagates."""
    tries = max(1, int(settings.ALIBABA_OUTBOX_STEP_TRIES))
    tried = 0
    while True:
        tried += 1
        _hold(job, writes=writes)
        try:
            return call()
        except TransientError as error:
            if tried >= tries or isinstance(error, RateLimited) or (error.outcome_unknown and not repeatable):
                raise
            logger.info("outbox %s: %s, tried again at once (%d of %d)", job, error.code, tried + 1, tries)
        time.sleep(_random.uniform(0, float(settings.ALIBABA_OUTBOX_STEP_PAUSE_S)))


def _hold(job: OutboxJob, *, writes: bool) -> None:
    expires = timezone.now() + timedelta(seconds=settings.ALIBABA_OUTBOX_LEASE_S)
    marks = {"has_unconfirmed_write": True} if writes else {}
    held = OutboxJob.objects.filter(pk=job.pk, status=Status.RUNNING, lease_owner=job.lease_owner).update(
        lease_expires_at=expires, **marks
    )
    if held != 1:
        raise LeaseLost(f"outbox {job}: this worker no longer holds the job")
    job.lease_expires_at = expires
    job.has_unconfirmed_write = job.has_unconfirmed_write or writes


# Staff and the relay --------------------------------------------------------------------------------------------


@transaction.atomic
def retry(*, job: OutboxJob) -> bool:
    """Retry now: a failed job, a pending one waiting out its backoff, or one stuck past its lease becomes due
    now with a fresh attempt budget. Returns whether the job was changed (a running or done job is left alone)."""
    now = timezone.now()
    changed = OutboxJob.objects.filter(
        Q(status__in=[Status.FAILED, Status.PENDING]) | Q(status=Status.RUNNING, lease_expires_at__lte=now),
        pk=job.pk,
    ).update(
        status=Status.PENDING,
        next_attempt_at=now,
        attempts=0,
        lease_owner="",
        lease_expires_at=None,
        dispatched_at=now,
        updated_at=now,
    )
    if changed:
        logger.info("outbox job %s: retry requested", job.pk)
        _dispatch_on_commit(job.pk)
    return bool(changed)


def relay(*, limit: int = 500) -> int:
    """Send a message for every job that needs one and has none on its way: pending and due, or running past its
    lease, and not dispatched within ``ALIBABA_OUTBOX_REDISPATCH_S``. Returns how many were sent."""
    now = timezone.now()
    needs_worker = Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.RUNNING, lease_expires_at__lte=now
    )
    ids = redispatch(OutboxJob.objects.filter(needs_worker), task_name="outbox_process", now=now, limit=limit)
    if ids:
        logger.info("outbox relay: re-sent %d job(s)", len(ids))
    return len(ids)


# Reads for the domains ------------------------------------------------------------------------------------------
# A domain asks about the sync of its targets through these, never through the models or the attempt log's JSON.


def latest_job(*, kinds: tuple[str, ...] | list[str], target: str) -> OutboxJob | None:
    """The most recently changed job of ``target`` among ``kinds``, or ``None``."""
    return OutboxJob.objects.filter(kind__in=kinds, target=str(target)).order_by("-updated_at", "-id").first()


def is_running(*, kind: str, target: str) -> bool:
    """Whether a worker holds the job of (``kind``, ``target``) right now."""
    return OutboxJob.objects.filter(kind=kind, target=str(target), status=Status.RUNNING).exists()


def is_unsettled(*, kind: str, target: str) -> bool:
    """Whether the job of (``kind``, ``target``) has work left: pending (due, or waiting out a backoff) or running.
    Until it settles, what its handler will record is unknown: news that depends on it has to wait."""
    return OutboxJob.objects.filter(kind=kind, target=str(target), status__in=[Status.PENDING, Status.RUNNING]).exists()


def retry_is_due(job: OutboxJob | None, *, now: datetime | None = None) -> bool:
    """Whether asking ``job`` to run again now would help: it failed, waits out a backoff after an error, or is
    stuck past its lease. A job that is queued or running normally is on its way, and a retry would change nothing.
    Reads the job it is given (no query)."""
    if job is None:
        return False
    now = now or timezone.now()
    if job.status == Status.FAILED:
        return True
    if job.status == Status.PENDING:
        return job.attempts > 0 and job.next_attempt_at > now
    return job.status == Status.RUNNING and job.lease_expires_at is not None and job.lease_expires_at <= now


def attempts_of(*, kinds: tuple[str, ...] | list[str], target: str) -> QuerySet[OutboxAttempt]:
    """Every attempt of ``target``'s jobs among ``kinds``, newest first, each with its job: one query."""
    return (
        OutboxAttempt.objects.filter(job__kind__in=kinds, job__target=str(target))
        .select_related("job")
        .order_by("-started_at", "-id")
    )


def last_result(*, kind: str, target: str) -> dict[str, Any]:
    """What the handler returned on the last successful attempt of (``kind``, ``target``): ``{}`` when none did or
    it returned something else than a dict."""
    attempt = (
        OutboxAttempt.objects.filter(job__kind=kind, job__target=str(target), outcome=Outcome.OK)
        .order_by("-started_at", "-id")
        .only("result")
        .first()
    )
    return attempt.result if attempt is not None and isinstance(attempt.result, dict) else {}


def had_earlier_attempts(job: OutboxJob) -> bool:
    """Whether an attempt of ``job`` before the running one may have reached the gateway: any earlier attempt at
    all (a timeout, a crash, a lost lease and a killed worker look the same from here)."""
    return OutboxAttempt.objects.filter(job_id=job.pk).count() > 1


# Helpers --------------------------------------------------------------------------------------------------------


def redispatch(rows: QuerySet[Any], *, task_name: str, now: datetime, limit: int) -> list[int]:
    """The relay's claim, shared with the pushes' relay: of ``rows`` (due rows of a model with ``dispatched_at`` and
    ``next_attempt_at``), those with no message on its way (none sent within ``ALIBABA_OUTBOX_REDISPATCH_S``) are
    marked dispatched and sent to ``alibaba.tasks.<task_name>`` after commit, the longest due first, ``limit`` at
    most. Returns their ids."""
    no_message = Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=now - _redispatch_window())
    with transaction.atomic():
        # skip_locked: a row a writer is changing right now gets its own message from that writer.
        ids = list(
            rows.select_for_update(skip_locked=True)
            .filter(no_message)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            rows.model._default_manager.filter(pk__in=ids).update(dispatched_at=now)
            for object_id in ids:
                dispatch_on_commit(task_name, object_id)
    return ids


def _redispatch_window() -> timedelta:
    return timedelta(seconds=settings.ALIBABA_OUTBOX_REDISPATCH_S)


def _new_lease_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"[:128]


def dispatch_on_commit(task_name: str, object_id: int, *, countdown: float | None = None) -> None:
    """After the caller's commit, send ``object_id`` to the Celery task ``alibaba.tasks.<task_name>``. A broker
    that cannot be reached loses nothing: the row is committed, and the relay sends it once the broker is back."""
    transaction.on_commit(partial(_send, task_name, object_id, countdown))


def _send(task_name: str, object_id: int, countdown: float | None) -> None:
    from alibaba import tasks

    try:
        getattr(tasks, task_name).apply_async((object_id,), countdown=countdown)
    except Exception:
        logger.warning("%s(%s): broker unreachable, the relay will send it", task_name, object_id, exc_info=True)


def _dispatch_on_commit(job_id: int, *, countdown: float | None = None) -> None:
    dispatch_on_commit("outbox_process", job_id, countdown=countdown)


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    try:
        json.dumps(value, cls=DjangoJSONEncoder)
    except (TypeError, ValueError):
        return repr(value)[:MAX_MESSAGE_CHARS]
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _request_id_of(result: Any) -> str:
    if isinstance(result, dict):
        return str(result.get("request_id") or "")[:128]
    return ""
