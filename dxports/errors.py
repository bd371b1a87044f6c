"""The one base class of domain errors (STYLE.md): the API turns it into its error format, the dashboard into a
form error or a message. Shared by every app, so it lives low in the stack and imports nothing."""


class ApplicationError(Exception):
    """A refusal a person can act on. ``message`` is fit to show; ``extra`` carries structured details."""

    def __init__(self, message, *, extra=None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}

    def __str__(self):
        return str(self.message)
