"""The shape every audit trail shares: who did what, when, what changed and why.

Each app's concrete model adds the row it is about (a foreign key), its own ``kind`` and status choices, and an index
on that row and ``-created_at``.
"""

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self, TypeAlias

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

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
    """``changes`` is ``{field: [before, after]}``."""

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

    def change_lines(self) -> list[ChangeLine]:
        """``changes`` in words, one line per field (``{field: [before, after]}`` entries only: a decision's list
        of reasons is shown by its own rows)."""
        lines = []
        for name, values in (self.changes or {}).items():
            is_pair = isinstance(values, list | tuple) and len(values) == 2
            if not is_pair or any(isinstance(value, dict) for value in values):
                continue
            before, after = (self.value_in_words(name, value) for value in values)
            lines.append(ChangeLine(name, self.change_label(name), before, after))
        return lines

    def value_in_words(self, name: str, value: Any) -> str:
        """A value of ``name`` kept in ``changes``, as a person reads it (a subclass words its own lists)."""
        return _in_words(value, self._subject_field(name))

    def change_label(self, name: str) -> str:
        """How a person calls the changed ``name``: the verbose name of the subject's field (a subclass names what is
        not a field, such as a document)."""
        field = self._subject_field(name)
        return str(capfirst(field.verbose_name)) if field is not None else name

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
            " ".join(str(part) for part in item) if isinstance(item, list | tuple) else _in_words(item, field)
            for item in value
        )
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    choices = dict(field.flatchoices) if field is not None and field.choices else {}
    return str(choices.get(value, value))
