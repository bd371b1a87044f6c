"""``Idempotency-Key`` on POST and PATCH (DESIGN.md §7), per partner (every key of a partner shares them):

- a key seen for the first time is recorded before the request runs (its own committed row), so that a concurrent
  duplicate finds it: ``RequestInProgress`` (409 with Retry-After) until the first one finished;
- the response of a finished request (success or refusal, never a server error) is stored with it, and the same key
  with the same request (method, path and body) gets that response again, marked ``Idempotent-Replayed: true``;
- the same key with another request is ``KeyReused`` (422): a key names one request;
- records are kept ``PARTNERS_IDEMPOTENCY_TTL_S`` (24 hours): after that the key may be used anew. A request whose
  process died holds its key ``PARTNERS_IDEMPOTENCY_LOCK_S``; then a retry takes it over and runs.

The view runs the request and ``complete`` in one transaction, so a stored success is exactly what was committed.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dxports.errors import ApplicationError
from partners.models import IdempotencyRecord

KEY = re.compile(r"[\x21-\x7e]{1,255}")


class KeyInvalid(ApplicationError):
    def __init__(self):
        super().__init__(
            _("An Idempotency-Key is 1 to 255 printable ASCII characters without spaces (a UUID is a good one)."),
            extra={"field": "Idempotency-Key"},
        )


class KeyReused(ApplicationError):
    def __init__(self):
        super().__init__(
            _(
                "This Idempotency-Key was used for another request (another method, path or body) in the last 24 "
                "hours. Use a new key for a new request."
            ),
            extra={"field": "Idempotency-Key"},
        )


class RequestInProgress(ApplicationError):
    def __init__(self, *, retry_after):
        self.retry_after = retry_after
        super().__init__(
            _("A request with this Idempotency-Key is running. Retry after it finished to get its response."),
            extra={"field": "Idempotency-Key"},
        )


@dataclass(frozen=True)
class Replay:
    status: int
    body: object


def fingerprint(*, method, path, data):
    """What makes two requests the same: method, path and body (JSON as parsed, any key order; uploaded files by
    their content)."""
    return hashlib.sha256(
        json.dumps([method, path, _canonical(data)], sort_keys=True, default=str).encode()
    ).hexdigest()


def _canonical(data):
    if hasattr(data, "lists"):  # a QueryDict (multipart): every value of every field
        return {key: [_canonical(value) for value in values] for key, values in data.lists()}
    if isinstance(data, UploadedFile):
        digest = hashlib.sha256()
        for chunk in data.chunks():
            digest.update(chunk)
        data.seek(0)
        return {"file": data.name, "size": data.size, "sha256": digest.hexdigest()}
    if isinstance(data, dict):
        return {str(key): _canonical(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_canonical(value) for value in data]
    return data


def begin(*, partner, key, fingerprint, now=None):
    """Claim ``key`` for a request: the ``IdempotencyRecord`` to ``complete`` (or ``release``) when it ran, or the
    ``Replay`` of a finished one. ``KeyInvalid``, ``KeyReused``, ``RequestInProgress`` otherwise. Call it outside
    any transaction: the claim must be visible to concurrent requests at once."""
    if not KEY.fullmatch(key or ""):
        raise KeyInvalid()
    now = now or timezone.now()
    lock = timedelta(seconds=settings.PARTNERS_IDEMPOTENCY_LOCK_S)
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                partner=partner, key=key, fingerprint=fingerprint, locked_until=now + lock, created_at=now
            )
    except IntegrityError:
        record = IdempotencyRecord.objects.get(partner=partner, key=key)
    mine = IdempotencyRecord.objects.filter(
        pk=record.pk, created_at=record.created_at, locked_until=record.locked_until
    )
    if record.created_at <= now - timedelta(seconds=settings.PARTNERS_IDEMPOTENCY_TTL_S):
        fields = {"fingerprint": fingerprint, "response_status": None, "response_body": "", "created_at": now}
        if mine.update(locked_until=now + lock, **fields):
            record.refresh_from_db()
            return record
        raise RequestInProgress(retry_after=1)
    if record.fingerprint != fingerprint:
        raise KeyReused()
    if record.response_status is not None:
        return Replay(
            status=record.response_status, body=json.loads(record.response_body) if record.response_body else None
        )
    if record.locked_until > now:
        raise RequestInProgress(retry_after=max(1, math.ceil((record.locked_until - now).total_seconds())))
    if mine.filter(response_status__isnull=True).update(locked_until=now + lock):  # its request died: take over
        record.refresh_from_db()
        return record
    raise RequestInProgress(retry_after=1)


def complete(record, *, status, body):
    """Store the response of the request that holds ``record`` (in the request's transaction for a success)."""
    text = json.dumps(body, cls=DjangoJSONEncoder) if body is not None else ""
    IdempotencyRecord.objects.filter(pk=record.pk).update(response_status=status, response_body=text)


def release(record):
    """The request failed without an answer to keep (a server error): the key may be retried at once."""
    IdempotencyRecord.objects.filter(pk=record.pk, response_status__isnull=True).delete()


def purge(*, now=None):
    """Forget the records older than ``PARTNERS_IDEMPOTENCY_TTL_S``; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.PARTNERS_IDEMPOTENCY_TTL_S)
    deleted, _rows = IdempotencyRecord.objects.filter(created_at__lte=cutoff).delete()
    return deleted
