"""The buyers domain's refusals; each is an ``ApplicationError`` with a message a person can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from dxports.errors import ApplicationError

if TYPE_CHECKING:
    from buyers.models import Inquiry


class IllegalTransition(ApplicationError):
    def __init__(self, *, inquiry: Inquiry, to: str) -> None:
        from buyers.models import InquiryStatus

        super().__init__(
            _("An inquiry cannot move from “%(from)s” to “%(to)s”.")
            % {"from": InquiryStatus(inquiry.status).label, "to": InquiryStatus(to).label},
            extra={"from": inquiry.status, "to": str(to)},
        )


class ReplyInvalid(ApplicationError):
    """A reply or quotation the gateway would refuse; ``extra["field"]`` names the form field."""

    def __init__(self, message: StrOrPromise, *, field: str = "") -> None:
        super().__init__(message, extra={"field": field} if field else None)


class NotAllowed(ApplicationError):
    """The seller may not do this now (a reply from a seller that is not in the program, a retry of a message that
    did not fail)."""


class SettingsInvalid(ApplicationError):
    """A working week or holiday that cannot be stored; ``extra["field"]`` names the form field."""

    def __init__(self, message: StrOrPromise, *, field: str = "") -> None:
        super().__init__(message, extra={"field": field} if field else None)


class InquiryDataInvalid(ValueError):
    """What the gateway sent about an inquiry or message cannot be stored (an id that is not a number, a text far
    beyond any message's size): named by ``field``. Not an ``ApplicationError``: no person in the dashboard caused
    it, it is logged with the push or the pull that brought it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
