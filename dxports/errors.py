"""The one base class of domain errors (STYLE.md): the API turns it into its error format, the dashboard into a
form error or a message. Shared by every app, so it lives low in the stack and imports nothing."""

from typing import Any

from django_stubs_ext import StrOrPromise


class ApplicationError(Exception):
    """A refusal a person can act on. ``message`` is fit to show; ``extra`` carries structured details."""

    def __init__(self, message: StrOrPromise, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)
