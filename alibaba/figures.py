"""The sync's queues on the program figures page (``dxports.figures``): outbox jobs and inbound pushes counted by state
and by how long they have been in it, with links to those that need a person (the one definition of failed, stuck
and overdue is ``OutboxJobQuerySet``'s). Counted now, whatever the range. Registered in ``AlibabaConfig.ready``.

Queries: seven (jobs and pushes by state and age, and those done; failed, stuck and overdue jobs), whatever the
queues' length.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from alibaba.models import InboundPush, OutboxJob
from dxports import figures
from dxports.figures import Link, Scope, Section, Table

# How long a row has been in its state: the bands counted (each from its lower bound, under the next one's).
AGES = (
    ("under_5m", timedelta(0)),
    ("5m_1h", timedelta(minutes=5)),
    ("1h_1d", timedelta(hours=1)),
    ("over_1d", timedelta(days=1)),
)
AGE_COLUMNS = range(2, 2 + len(AGES))
JOB_STATES = OutboxJob.Status.choices
PUSH_STATES = InboundPush.Status.choices


def register() -> None:
    figures.register_section(key="queues", order=90, build=queues_section)


def _age_labels() -> list[str]:
    return [_("under 5 minutes"), _("5 to 60 minutes"), _("1 to 24 hours"), _("over a day")]


def _by_state_and_age(
    rows: QuerySet[Any], *, since: str, now: datetime, statuses: list[tuple[str, Any]], settled: str
) -> dict[str, list[figures.Cell | Link]]:
    """State → [its label, how many, how many in each age band] (two queries). The ``settled`` state, where work
    ends and piles up, is only counted (from the index): how long finished work has been finished is no queue."""
    bands = {}
    for index, (key, lower) in enumerate(AGES):
        condition = Q(**{f"{since}__lte": now - lower})
        if index + 1 < len(AGES):
            condition &= Q(**{f"{since}__gt": now - AGES[index + 1][1]})
        bands[key] = Count(since, filter=condition)
    waiting = rows.filter(status__in=[status for status, _label in statuses if status != settled])
    found = {row["status"]: row for row in waiting.values("status").annotate(total=Count(since), **bands).order_by()}
    found[settled] = {"total": rows.filter(status=settled).count()}
    return {
        status: [
            str(label),
            found.get(status, {}).get("total", 0),
            *(found.get(status, {}).get(key, "—" if status == settled else 0) for key, _lower in AGES),
        ]
        for status, label in statuses
    }


def queues_section(scope: Scope) -> Section:
    now = scope.now
    jobs = reverse("admin:alibaba_outboxjob_changelist")
    pushes = reverse("admin:alibaba_inboundpush_changelist")
    columns = [_("State"), _("All"), *_age_labels()]
    job_rows = _by_state_and_age(
        OutboxJob.objects.all(), since="updated_at", now=now, statuses=JOB_STATES, settled=OutboxJob.Status.DONE
    )
    push_rows = _by_state_and_age(
        InboundPush.objects.all(),
        since="received_at",
        now=now,
        statuses=PUSH_STATES,
        settled=InboundPush.Status.PROCESSED,
    )
    failed = OutboxJob.objects.failed().count()
    stuck = OutboxJob.objects.stuck(now).count()
    overdue = OutboxJob.objects.overdue(now).count()
    pushes_failed = push_rows[InboundPush.Status.FAILED][1]
    return Section(
        key="queues",
        title=_("Queues to Alibaba.com and from it"),
        note=_("Counted now. Age: how long a job has been in its state, since a push arrived."),
        tables=[
            Table(_("Outbox jobs by state and age"), columns, list(job_rows.values()), "bars", AGE_COLUMNS),
            Table(
                _("Pushes from Alibaba.com by state and age"), columns, list(push_rows.values()), "bars", AGE_COLUMNS
            ),
        ],
        attention=[
            Link(_("%(n)d outbox jobs failed (need a person)") % {"n": failed}, f"{jobs}?attention=failed"),
            Link(_("%(n)d outbox jobs stuck past their lease") % {"n": stuck}, f"{jobs}?attention=stuck"),
            Link(_("%(n)d outbox jobs overdue (no worker took them)") % {"n": overdue}, f"{jobs}?attention=overdue"),
            Link(_("%(n)d pushes failed") % {"n": pushes_failed}, f"{pushes}?status__exact=failed"),
        ],
    )
