"""Errors the gateway answers in its error envelope (always HTTP 200)."""

from typing import Any


class ApiError(Exception):
    """An error envelope: ``type`` ISV (the caller's fault), ISP or SYSTEM (transient), a ``code`` and a message.
    ``extra`` fields (``field``, ``ban_seconds``, ``retry_after``) are added to the envelope for machines."""

    def __init__(self, type_: str, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.type = type_
        self.code = code
        self.message = message
        self.extra = extra

    def envelope(self, request_id: str) -> dict[str, Any]:
        return {"type": self.type, "code": self.code, "message": self.message, "request_id": request_id, **self.extra}


HANG_KEY = "dxports.mock.raise_on_hang"


class Hang(Exception):
    """The call was carried out but its answer is lost: raised instead of sleeping when the in-process transport
    asked for it (``HANG_KEY`` in the environ), so that the client sees a read timeout at once."""


def missing(field: str, why: str = "is required") -> ApiError:
    return ApiError("ISV", "MissingParameter", f"MissingParameter: {field} {why}", field=field)


def invalid(field: str, why: str) -> ApiError:
    return ApiError("ISV", "InvalidParameter", f"InvalidParameter: {field} {why}", field=field)


def forbidden(why: str) -> ApiError:
    return ApiError("ISV", "InsufficientPermission", f"InsufficientPermission: {why}")
