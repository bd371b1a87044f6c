"""The shape every audit trail shares: who did what, when, what changed and why.

Each app's concrete model adds the row it is about (a foreign key), its own ``kind`` and status choices, and an index
on that row and ``-created_at``.
"""

import uuid
from typing import TYPE_CHECKING, Any, Self, TypeAlias

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from dxports.models import User

# Who did something: a person (``request.user``, logged in or not) or ``None`` for the system (a task, the gateway).
Actor: TypeAlias = "User | AnonymousUser | None"


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
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

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
