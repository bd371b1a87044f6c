"""The e-mails about inquiries, each in its recipient's language and never sent twice (``dxports.mail`` keys):

- a new inquiry, to each of the seller's users who did not turn it off: queued by a task sent after the inquiry's
  commit (the push handler stays quick), claimed once through ``Inquiry.notified_at``; a sweep re-drives what a lost
  message left behind;
- a reminder when an inquiry has waited ``BUYERS_REMINDER_AFTER_H`` working hours (once per wait: the wait is
  claimed with a conditional write, and the key names the wait);
- a daily digest after ``BUYERS_DIGEST_HOUR`` o'clock in Dhaka (the key names the day), to users who want it.

Two beat processes, a task run twice, or a restart in between send each of them once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from buyers import selectors, workhours
from buyers.models import Inquiry
from dxports import mail
from sellers import selectors as sellers_selectors

logger = logging.getLogger("dxports.buyers")


# A new inquiry not e-mailed about this long after it was stored lost its task's message: the sweep sends it.
NOTIFY_REDRIVE_AFTER = timedelta(minutes=1)


def new_inquiry_on_commit(inquiry: Inquiry) -> None:
    """After the caller's commit, send the new-inquiry e-mail of ``inquiry`` through its task. A broker that cannot
    be reached loses nothing: the sweep (``new_inquiries_redrive``) sends it later."""
    transaction.on_commit(partial(_dispatch, inquiry.pk))


def _dispatch(inquiry_id: int) -> None:
    from buyers import tasks

    try:
        tasks.buyers_notify_inquiry.apply_async((inquiry_id,))
    except Exception:
        logger.warning("inquiry %s: broker unreachable, the sweep will send its e-mail", inquiry_id, exc_info=True)


@transaction.atomic
def new_inquiry_send(*, inquiry_id: int) -> int:
    """Queue the new-inquiry e-mail of the inquiry to each of its seller's users who want it, once: the inquiry is
    claimed (``notified_at``) in the same transaction. Returns how many e-mails were queued now."""
    claimed = Inquiry.objects.filter(pk=inquiry_id, notified_at__isnull=True).update(notified_at=timezone.now())
    if not claimed:
        return 0
    inquiry = Inquiry.objects.select_related("buyer").get(pk=inquiry_id)
    users = sellers_selectors.users_of_seller(seller=inquiry.seller_id).exclude(
        inquiry_settings__new_inquiry_email=False
    )
    sent = mail.send_to_users(
        users,
        "buyers/email/new_inquiry",
        {"inquiry": inquiry, "buyer": inquiry.buyer},
        key=f"inquiry-new:{inquiry.pk}",
    )
    return len(sent)


def new_inquiries_redrive(*, now: datetime | None = None, limit: int = 500) -> int:
    """Beat: send the e-mails of new inquiries whose task never came. Returns how many inquiries were handled."""
    now = now or timezone.now()
    due = Inquiry.objects.filter(notified_at__isnull=True, created_at__lte=now - NOTIFY_REDRIVE_AFTER)
    ids = list(due.order_by("created_at").values_list("pk", flat=True)[:limit])
    for inquiry_id in ids:
        new_inquiry_send(inquiry_id=inquiry_id)
    return len(ids)


def reminder_after() -> timedelta:
    return timedelta(hours=settings.BUYERS_REMINDER_AFTER_H)


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind the seller's users of every inquiry that has waited long enough in the seller's working hours and
    was not reminded of for this wait. Returns how many inquiries were reminded of."""
    now = now or timezone.now()
    after = reminder_after()
    # Working time never runs faster than the clock: only inquiries waiting that long in plain time can be due.
    candidates = (
        Inquiry.objects.waiting()
        .filter(awaiting_reply_since__lte=now - after)
        .exclude(reminder_sent_for=F("awaiting_reply_since"))
        .select_related("buyer")
        .order_by("seller_id", "awaiting_reply_since")
    )
    calendars = {}
    reminded = 0
    for inquiry in candidates.iterator(chunk_size=500):
        if inquiry.seller_id not in calendars:
            calendars[inquiry.seller_id] = selectors.calendar_for(seller_id=inquiry.seller_id)
        due = workhours.add_working_time(inquiry.awaiting_reply_since, after, calendars[inquiry.seller_id])
        if due is not None and due <= now and _remind(inquiry, now=now):
            reminded += 1
    return reminded


@transaction.atomic
def _remind(inquiry: Inquiry, *, now: datetime) -> bool:
    since = inquiry.awaiting_reply_since
    if since is None:
        return False
    claimed = (
        Inquiry.objects.filter(pk=inquiry.pk, awaiting_reply_since=since)
        .exclude(reminder_sent_for=since)
        .update(reminder_sent_for=since)
    )
    if not claimed:
        return False
    hours = int((now - since).total_seconds() // 3600)
    users = sellers_selectors.users_of_seller(seller=inquiry.seller_id)
    mail.send_to_users(
        users,
        "buyers/email/reminder",
        {"inquiry": inquiry, "buyer": inquiry.buyer, "hours": hours},
        key=f"inquiry-reminder:{inquiry.pk}:{int(since.timestamp())}",
    )
    return True


def digests_send(*, now: datetime | None = None) -> int:
    """After ``BUYERS_DIGEST_HOUR`` in Dhaka, the day's digest to the users of every seller with inquiries received
    in the last 24 hours or waiting now. Returns how many sellers' digests were queued (including ones queued
    earlier today, which are not sent again)."""
    now = now or timezone.now()
    local = now.astimezone(workhours.DHAKA)
    if local.hour < settings.BUYERS_DIGEST_HOUR:
        return 0
    since = now - timedelta(days=1)
    rows = (
        Inquiry.objects.filter(Q(received_at__gte=since) | Q(awaiting_reply_since__isnull=False))
        .values("seller_id", "seller__legal_name")
        .annotate(
            received=Count("id", filter=Q(received_at__gte=since)),
            waiting=Count("id", filter=Q(awaiting_reply_since__isnull=False)),
        )
        .order_by("seller_id")
    )
    count = 0
    for row in rows:
        users = sellers_selectors.users_of_seller(seller=row["seller_id"]).exclude(
            inquiry_settings__daily_digest_email=False
        )
        with transaction.atomic():
            mail.send_to_users(
                users,
                "buyers/email/digest",
                {
                    "seller_name": row["seller__legal_name"],
                    "received": row["received"],
                    "waiting": row["waiting"],
                    "day": local.date(),
                },
                key=f"inquiry-digest:{row['seller_id']}:{local.date().isoformat()}",
            )
        count += 1
    return count
