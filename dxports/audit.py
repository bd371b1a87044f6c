"""The shape every audit trail shares: who did what, when, what changed and why.

Each app's concrete model adds the row it is about (a foreign key), its own ``kind`` and status choices, and an index
on that row and ``-created_at``.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeAlias

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

if TYPE_CHECKING:
    from dxports.models import User

# Who did something: a person (``request.user``, logged in or not) or ``None`` for the system (a task, the gateway).
Actor: TypeAlias = "User | AnonymousUser | None"

EMPTY = "—"


@dataclass(frozen=True)
class ChangeLine:
    """One changed field in words: its label, and its values before and after as a person reads them."""

    name: str
    label: str
    before: str
    after: str


class AuditEvent(models.Model):
    """``changes`` is ``{field: [before, after]}``.

    The one way an audit row is described to a person (``change_lines``, shown by
    ``templates/dashboard/_history_event.html`` and the admin): each changed name by its label (the subject's field's
    verbose name, or ``CHANGE_LABELS`` for what is not a field), each value in words (a choice by its label; a subclass
    words its own lists in ``value_in_words``), and a reason in the tone of the state it led to (``reason_tone``).
    Values that name other rows (a category, an attribute, a sector) are looked up for a whole page of events at once
    by ``with_words``."""

    # Labels of changed names that are not fields of the subject (a team change, a document), by name, as shown.
    CHANGE_LABELS: ClassVar[Mapping[str, StrOrPromise]] = {}
    # Names of ``changes`` that the page shows by other means (a decision's reasons, by their own rows).
    SHOWN_ELSEWHERE: ClassVar[frozenset[str]] = frozenset()
    # States whose reason is good news (an approval) or a problem to act on; any other reason is a plain note.
    SUCCESS_STATES: ClassVar[frozenset[str]] = frozenset()
    PROBLEM_STATES: ClassVar[frozenset[str]] = frozenset()

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    if TYPE_CHECKING:  # each concrete model declares ``kind`` with its choices

        def get_kind_display(self) -> str: ...

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @classmethod
    def with_words(cls, events: Iterable[Self]) -> list[Self]:
        """``events`` ready to be described: what their values name (other rows) looked up together, in a fixed
        number of queries whatever their number. Without it each event looks up its own."""
        events = list(events)
        names = cls.names_for(events)
        for event in events:
            event._names = names
        return events

    @classmethod
    def names_for(cls, events: list[Self]) -> dict[str, dict[Any, Any]]:
        """``{kind of name: {key: name}}`` for the values of ``events`` that name other rows (a subclass's lookups)."""
        return {}

    @property
    def names(self) -> dict[str, dict[Any, Any]]:
        if not hasattr(self, "_names"):
            self._names = type(self).names_for([self])
        return self._names

    def change_lines(self) -> list[ChangeLine]:
        """``changes`` in words, one line per field (``{field: [before, after]}`` entries only, and not those
        ``SHOWN_ELSEWHERE``)."""
        lines = []
        for name, values in (self.changes or {}).items():
            is_pair = isinstance(values, list | tuple) and len(values) == 2
            if not is_pair or name in self.SHOWN_ELSEWHERE:
                continue
            before, after = (self.value_in_words(name, value) for value in values)
            lines.append(ChangeLine(name, self.change_label(name), before, after))
        return lines

    def value_in_words(self, name: str, value: Any) -> str:
        """A value of ``name`` kept in ``changes``, as a person reads it (a subclass words its own lists)."""
        return _in_words(value, self._subject_field(name))

    def change_label(self, name: str) -> str:
        """How a person calls the changed ``name``: ``CHANGE_LABELS``, else the verbose name of the subject's field,
        else the name in plain words (never a key with underscores)."""
        if name in self.CHANGE_LABELS:
            return str(self.CHANGE_LABELS[name])
        field = self._subject_field(name)
        return str(capfirst(field.verbose_name)) if field is not None else str(capfirst(name.replace("_", " ")))

    @property
    def reason_tone(self) -> str:
        """``success``, ``problem`` or ``note``: how the reason reads, by the state the event led to."""
        to_status = getattr(self, "to_status", "")
        if to_status in self.SUCCESS_STATES:
            return "success"
        return "problem" if to_status in self.PROBLEM_STATES else "note"

    def _subject_field(self, name: str) -> models.Field | None:
        subject = next(
            (
                field.related_model
                for field in self._meta.concrete_fields
                if field.is_relation and field.name != "actor" and isinstance(field.related_model, type)
            ),
            None,
        )
        try:
            found = subject._meta.get_field(name) if subject is not None else None
        except FieldDoesNotExist:
            return None
        return found if isinstance(found, models.Field) else None

    @classmethod
    def record(
        cls, *, actor: Actor, kind: str, changes: dict[str, Any] | None = None, reason: str = "", **subject: Any
    ) -> Self:
        """Write one row about ``subject`` (``seller=…``; a product's row adds its ``version``); the actor is
        recorded only for a person (``actor_or_none``)."""
        return cls._default_manager.create(
            actor=actor_or_none(actor), kind=kind, changes=changes or {}, reason=reason, **subject
        )


def in_words(events: Iterable[AuditEvent]) -> list[AuditEvent]:
    """``events`` of any audit models (a page mixing a seller's and its products' rows), each model's rows made ready
    to be described together (``AuditEvent.with_words``), in their order."""
    events = list(events)
    by_model: dict[type[AuditEvent], list[AuditEvent]] = {}
    for event in events:
        by_model.setdefault(type(event), []).append(event)
    for model, rows in by_model.items():
        model.with_words(rows)
    return events


def version_at(events: "models.QuerySet[Any]", moment: str = "started_at") -> Subquery:
    """The subject's own version (the one its page shows) at ``moment``, an ``OuterRef`` name: the version of its
    latest audit row by then. Annotates a sync attempt with the version it sent, so that the sync history counts
    versions as the subject does (the outbox's own count is of enqueues)."""
    return Subquery(
        events.filter(created_at__lte=OuterRef(moment)).order_by("-created_at", "-id").values("version")[:1]
    )


def actor_or_none(actor: Actor) -> "User | None":
    """The user to record as the actor of an audit row: ``None`` for the system (a task, the gateway) and for an
    anonymous user."""
    return None if actor is None or isinstance(actor, AnonymousUser) else actor


def _in_words(value: Any, field: models.Field | None) -> str:
    """A value kept in an audit row, as a person reads it: a choice by its label, a list joined, nothing as a dash."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list | tuple):
        return "; ".join(
            ", ".join(_in_words(part, None) for part in item)
            if isinstance(item, list | tuple)
            else _in_words(item, field)
            for item in value
        )
    if isinstance(value, dict):
        return ", ".join(f"{_in_words(key, None)}: {_in_words(part, None)}" for key, part in value.items())
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    return str(choices.get(value, value))
