"""One door per state machine (STYLE.md "Models"): the transition table, the check, the audit row and the new state,
together.

A domain declares its machine once, beside its services::

    machine = StateMachine(
        table=TRANSITIONS,                       # {from: {to, …}}, in models.py beside the choices
        illegal=IllegalTransition,               # illegal(obj, to) -> the ApplicationError to raise
        audit=lambda obj, **fields: ProductEvent(product=obj, version=obj.version, **fields),
        reasoned={BLOCKED, REJECTED},            # states whose reason is kept on the row (``reason_field``)
        reason_required={BLOCKED},               # states that cannot be entered without a reason
        stamps={SUBMITTED: "submitted_at"},      # states whose entry time is kept in a field
    )

and its ``xxx_transition`` service locks the row and calls ``machine.move(obj, to=…)``; a bulk path calls
``machine.move_many`` with rows it has locked. Both check every move against the table before changing anything, so
no entry point can set a status the table does not allow. The model has ``status`` and ``status_changed_at``.
Entering a state named in ``events`` (or making a move named there as a ``(from, to)`` pair) records that domain
event (``dxports.events``) in the same transaction, its data the statuses, the reason and ``describe(obj)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from dxports import events as domain_events
from dxports.audit import Actor, actor_or_none
from dxports.errors import ApplicationError


class ReasonRequired(ApplicationError):
    """A decision that the person it is about must be told the reason of."""


def require_reason(reason: str | None, *, error: type[ApplicationError] = ReasonRequired) -> str:
    """``reason`` stripped, or ``error`` when there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise error(_("Give the reason: the seller reads it."))
    return reason


@dataclass(frozen=True)
class StateMachine:
    table: Mapping[Any, frozenset | set]
    illegal: Callable[[Any, Any], ApplicationError]
    audit: Callable[..., models.Model]  # audit(obj, **fields) -> an unsaved audit row about obj
    transition_kind: str = "transition"
    reasoned: frozenset = frozenset()
    reason_required: frozenset = frozenset()
    reason_error: type[ApplicationError] = ReasonRequired
    reason_field: str = ""
    stamps: Mapping[Any, str] = field(default_factory=dict)
    # The domain event (dxports.events) of entering a state, or of one move, keyed by (from, to): the pair wins.
    events: Mapping[Any, str] = field(default_factory=dict)
    seller_of: Callable[[Any], int | None] = lambda obj: None  # the seller an event is about
    describe: Callable[[Any], dict[str, Any]] = lambda obj: {}  # what an event says of its subject besides statuses

    def allows(self, current: Any, to: Any) -> bool:
        return to in self.table.get(current, ())

    def targets(self, current: Any) -> frozenset:
        """The states ``current`` may move to."""
        return frozenset(self.table.get(current, ()))

    def _apply(self, obj: Any, *, to: Any, actor: Actor, reason: str, changes: dict | None, now: Any) -> models.Model:
        if not self.allows(obj.status, to):
            raise self.illegal(obj, to)
        if to in self.reason_required:
            reason = require_reason(reason, error=self.reason_error)
        before = obj.status
        obj.status = to
        obj.status_changed_at = now
        if to in self.stamps:
            setattr(obj, self.stamps[to], now)
        if self.reason_field:
            setattr(obj, self.reason_field, reason if to in self.reasoned else "")
        return self.audit(
            obj,
            actor=actor_or_none(actor),
            kind=self.transition_kind,
            from_status=before,
            to_status=to,
            reason=reason or "",
            changes=changes or {},
            created_at=now,
        )

    def _fields(self, to_states: Iterable[Any]) -> list[str]:
        fields = ["status", "status_changed_at", "updated_at"]
        fields += sorted({self.stamps[to] for to in to_states if to in self.stamps})
        if self.reason_field:
            fields.append(self.reason_field)
        return fields

    def move(self, obj: Any, *, to: Any, actor: Actor = None, reason: str = "", changes: dict | None = None) -> Any:
        """Move ``obj`` (locked by the caller, inside its transaction) to ``to``: ``illegal`` when the table does
        not allow it, ``reason_error`` when ``to`` needs a reason and has none. Saves the state and writes the audit
        row; returns the row (``row.<subject>`` is ``obj``)."""
        event = self._apply(obj, to=to, actor=actor, reason=reason, changes=changes, now=timezone.now())
        obj.save(update_fields=self._fields([to]))
        event.save()
        self._announce(obj, event)
        return event

    def move_many(self, objs: list[Any], *, to: Any, actor: Actor = None, reason: str = "") -> list[models.Model]:
        """``move`` for many rows at once (each locked by the caller): every move is checked before any is
        written; then one ``bulk_update`` and one ``bulk_create`` of the audit rows. Returns the audit rows."""
        if not objs:
            return []
        now = timezone.now()
        events = [self._apply(obj, to=to, actor=actor, reason=reason, changes=None, now=now) for obj in objs]
        for obj in objs:
            obj.updated_at = now
        type(objs[0]).objects.bulk_update(objs, self._fields([to]), batch_size=500)
        type(events[0])._default_manager.bulk_create(events)
        for obj, event in zip(objs, events, strict=True):
            self._announce(obj, event)
        return events

    def _announce(self, obj: Any, event: Any) -> None:
        event_type = self.events.get((event.from_status, event.to_status)) or self.events.get(event.to_status)
        if event_type:
            data = {
                **self.describe(obj),
                "status": str(event.to_status),
                "previous_status": str(event.from_status),
                "reason": event.reason,
            }
            domain_events.record(event_type, seller_id=self.seller_of(obj), subject=obj, data=data)
