"""E-mails to people: rendered in the recipient's language, queued with the change that caused them, sent after
commit, retried when the mail server fails, never sent twice.

    mail.send_to_user(user, "sellers/email/approved", {"seller": seller}, key=f"seller-approved:{event.pk}:{user.pk}")

``template`` names three templates: ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html``. They are
rendered at once, in ``user.language`` (or the site's language), with ``site_url`` in the context, and stored as an
``OutgoingEmail`` row in the caller's transaction; a rolled-back change mails nobody. After commit the row is sent
in this process; when the mail server fails, the row waits with backoff and beat's ``mail_send_due`` sends it later
(at most ``MAX_ATTEMPTS`` times). ``key`` makes a notification unique: queuing the same key again returns the
existing row, so a task that runs twice, or two beat processes, mail once. Sending claims the row with a conditional
update (and a lease, so a worker that died mid-send does not hold it for ever).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterable, Iterator
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dxports.models import OutgoingEmail, User

logger = logging.getLogger("dxports.mail")

Status = OutgoingEmail.Status
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=2)

_muted = contextvars.ContextVar("dxports_mail_muted", default=False)


@contextlib.contextmanager
def muted() -> Iterator[None]:
    """No e-mails for what happens inside (demo data: its addresses are not real)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def site_url(path: str = "") -> str:
    return settings.SELLERS_SITE_URL.rstrip("/") + path


def language_of(user: User) -> str:
    language = getattr(user, "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def send_to_user(user: User, template: str, context: dict[str, Any], *, key: str | None = None) -> OutgoingEmail | None:
    """Queue ``template`` for ``user`` in the user's language (see the module's docstring)."""
    return send(user.email, template, context, language=language_of(user), key=key)


def send_to_users(
    users: Iterable[User], template: str, context: dict[str, Any], *, key: str | None = None
) -> list[OutgoingEmail]:
    """``send_to_user`` for each user; ``key`` (if given) is made per user."""
    sent = []
    for user in users:
        row = send_to_user(user, template, context, key=f"{key}:{user.pk}" if key else None)
        if row is not None:
            sent.append(row)
    return sent


def send(
    to: str, template: str, context: dict[str, Any], *, language: str | None = None, key: str | None = None
) -> OutgoingEmail | None:
    """Queue ``template`` for the address ``to`` in ``language`` (the site's by default). Returns the row (the
    existing one when ``key`` was queued before), or ``None`` when mail is muted."""
    if _muted.get() or not to:
        return None
    if key is not None:
        existing = OutgoingEmail.objects.filter(key=key).first()
        if existing is not None:
            return existing
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"site_url": site_url(), **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    try:
        with transaction.atomic():
            row = OutgoingEmail.objects.create(
                key=key, to=to, language=language, subject=subject[:300], text=text, html=html
            )
    except IntegrityError:
        if key is None:
            raise
        return OutgoingEmail.objects.get(key=key)  # queued by a concurrent transaction meanwhile
    transaction.on_commit(partial(deliver, row.pk))
    return row


def deliver(email_id: int) -> bool:
    """Send one queued e-mail if it is due and nobody is sending it; ``True`` when it was sent now. Safe to call
    any number of times: only the claimer sends."""
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id, next_attempt_at__lte=now)
        .filter(Q(status=Status.PENDING) | Q(status=Status.SENDING, lease_expires_at__lte=now))
        .update(status=Status.SENDING, lease_expires_at=now + LEASE, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(email.subject, email.text, settings.DEFAULT_FROM_EMAIL, [email.to])
    if email.html:
        message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any failure of the mail server is retried, then recorded
        _failed(email, error)
        return False
    OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), lease_expires_at=None, last_error=""
    )
    return True


def _failed(email: OutgoingEmail, error: BaseException) -> None:
    now = timezone.now()
    message = f"{type(error).__name__}: {error}"[:2000]
    fields: dict[str, Any]
    if email.attempts >= MAX_ATTEMPTS:
        fields = {"status": Status.FAILED, "lease_expires_at": None, "last_error": message}
        logger.error("e-mail %s to %s: gave up after %d attempts: %s", email.pk, email.to, email.attempts, message)
    else:
        delay = min(BACKOFF_CAP, timedelta(minutes=2 ** (email.attempts - 1)))
        fields = {
            "status": Status.PENDING,
            "lease_expires_at": None,
            "next_attempt_at": now + delay,
            "last_error": message,
        }
        logger.warning(
            "e-mail %s to %s could not be sent (attempt %d); retried later: %s",
            email.pk,
            email.to,
            email.attempts,
            message,
        )
    OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(**fields)


def send_due(*, limit: int = 200) -> int:
    """Beat: send the e-mails whose first try failed (or whose sender died). Returns how many were sent."""
    now = timezone.now()
    due = (
        OutgoingEmail.objects.filter(next_attempt_at__lte=now)
        .filter(Q(status=Status.PENDING) | Q(status=Status.SENDING, lease_expires_at__lte=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver(email_id) for email_id in list(due))
