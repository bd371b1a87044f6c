"""One error format for every answer that is not a success, documented in the schema (``ErrorSerializer``)::

    {"error": {"type": "invalid_request_error", "code": "invalid", "message": "…", "field": "legal_name",
               "details": [{"field": "legal_name", "code": "required", "message": "…"}], "request_id": "req_…"}}

``type`` is the class of problem (what to do about it), ``code`` the precise reason (stable, to branch on),
``message`` what a person reads, ``field`` the first field at fault (a body field, a path such as
``price_tiers[1].price``, a query parameter or a header), ``details`` every problem at once.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf
from rest_framework.response import Response

from catalog import errors as catalog_errors
from dxports.errors import ApplicationError
from partners import errors as partner_errors
from partners import idempotency
from sellers import errors as seller_errors

logger = logging.getLogger("dxports.partners.api")

TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    406: "invalid_request_error",
    409: "conflict_error",
    415: "invalid_request_error",
    422: "unprocessable_error",
    429: "rate_limit_error",
    500: "api_error",
}

# Domain refusals → (HTTP status, code). The first class in the MRO that is listed decides; anything else is 400.
DOMAIN = {
    catalog_errors.IllegalTransition: (409, "illegal_transition"),
    catalog_errors.NotEditable: (409, "not_editable"),
    catalog_errors.SellerNotActive: (409, "seller_not_active"),
    catalog_errors.NothingToRetry: (409, "nothing_to_retry"),
    catalog_errors.ListingIncomplete: (422, "listing_incomplete"),
    catalog_errors.ProductInvalid: (400, "invalid"),
    catalog_errors.ImageRefused: (400, "image_refused"),
    seller_errors.IllegalTransition: (409, "illegal_transition"),
    seller_errors.NotEditable: (409, "not_editable"),
    seller_errors.SubmissionIncomplete: (422, "submission_incomplete"),
    seller_errors.ProfileInvalid: (400, "invalid"),
    seller_errors.DocumentRefused: (400, "document_refused"),
    seller_errors.TeamError: (400, "invalid"),
    partner_errors.UnsafeUrl: (400, "url_not_allowed"),
    partner_errors.PartnerInvalid: (400, "invalid"),
    partner_errors.DeliveryBusy: (409, "delivery_in_progress"),
    idempotency.KeyInvalid: (400, "idempotency_key_invalid"),
    idempotency.KeyReused: (422, "idempotency_key_reused"),
    idempotency.RequestInProgress: (409, "idempotency_request_in_progress"),
}
# Where the domain's extra details say which field each problem is about.
DEFAULT_FIELDS = {seller_errors.DocumentRefused: "file", catalog_errors.ImageRefused: "file"}


class ApiError(drf.APIException):
    """An error of the API layer itself with its own code and field (an unknown id in the body, a bad cursor)."""

    def __init__(
        self,
        message: Any,
        *,
        status: int = 400,
        code: str = "invalid",
        field: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status
        self.error_code = code
        self.field = field
        self.details = details
        self.extra_headers = headers or {}


class NotAuthenticated(drf.NotAuthenticated):
    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(message)
        self.error_code = code


def error_body(
    *,
    status: int,
    code: str,
    message: Any,
    field: str | None = None,
    details: list[dict[str, Any]] | None = None,
    request_id: str | None = None,
) -> dict[str, Any]:
    details = details if details is not None else ([{"field": field, "code": code, "message": message}])
    return {
        "error": {
            "type": TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error"),
            "code": code,
            "message": str(message),
            "field": field,
            "details": details,
            "request_id": request_id,
        }
    }


def _flatten(detail: Any, path: str = "") -> list[tuple[str | None, str, str]]:
    """DRF's nested validation errors → ``[(field path, code, message)]``."""
    found: list[tuple[str | None, str, str]]
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            if isinstance(key, int):  # an item of a list
                found += _flatten(value, f"{path}[{key}]")
                continue
            name = "" if key == "non_field_errors" else str(key)
            found += _flatten(value, f"{path}.{name}" if path and name else (path or name))
        return found
    if isinstance(detail, list):
        if all(isinstance(item, drf.ErrorDetail | str) for item in detail):
            return [(path or None, getattr(item, "code", "invalid"), str(item)) for item in detail]
        found = []
        for index, item in enumerate(detail):
            if item:
                found += _flatten(item, f"{path}[{index}]")
        return found
    return [(path or None, getattr(detail, "code", "invalid"), str(detail))]


def _domain(exc: ApplicationError) -> tuple[int, str, str | None, list[dict[str, Any]] | None]:
    for cls in type(exc).__mro__:
        if cls in DOMAIN:
            status, code = DOMAIN[cls]
            default_field = DEFAULT_FIELDS.get(cls)  # type: ignore[arg-type]
            break
    else:
        status, code, default_field = 400, "invalid", None
    extra = exc.extra or {}
    code = extra.get("code", code) if isinstance(extra.get("code"), str) else code
    field = extra.get("field", default_field)
    if extra.get("errors"):  # every field at fault (seller profile); the first one's code is the error's
        details = [
            {"field": item["field"], "code": item["code"], "message": item["message"]} for item in extra["errors"]
        ]
        code = details[0]["code"]
    elif "problems" in extra:  # every listing problem
        details = [
            {"field": p["field"], "code": p["code"], "message": f"{p['message']} {p['fix']}"} for p in extra["problems"]
        ]
    elif "due" in extra:  # every requirement still due
        details = [{"field": key, "code": "due", "message": str(exc.message)} for key in extra["due"]]
    else:
        details = None
    if field is None and details:
        field = details[0]["field"]
    return status, code, field, details


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's exception handler: every exception becomes the one error format (a server error too, logged)."""
    request = context.get("request")
    request_id = getattr(request, "request_id", None)
    headers: dict[str, str] = {}
    message: Any
    field: str | None
    details: list[dict[str, Any]] | None
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()

    if isinstance(exc, ApiError):
        status, code, field, details = exc.status_code, exc.error_code, exc.field, exc.details
        message = exc.detail
        headers.update(exc.extra_headers)
    elif isinstance(exc, ApplicationError):
        status, code, field, details = _domain(exc)
        message = exc.message
        if isinstance(exc, idempotency.RequestInProgress):
            headers["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, drf.ValidationError):
        problems = _flatten(exc.detail)
        status, code = 400, problems[0][1] if problems else "invalid"
        field = problems[0][0] if problems else None
        details = [{"field": f, "code": c, "message": m} for f, c, m in problems]
        message = " ".join(f"{f}: {m}" if f else m for f, c, m in problems) or _("The request is not valid.")
    elif isinstance(exc, drf.APIException):
        status = exc.status_code
        code = getattr(exc, "error_code", None) or getattr(exc.detail, "code", None) or exc.default_code
        field, details, message = None, None, exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if isinstance(exc, drf.ParseError):
            code, message = (
                "invalid_body",
                _("The body is not valid JSON (or not valid multipart form data): %(e)s") % {"e": exc.detail},
            )
        if isinstance(exc, drf.Throttled):
            wait = int(getattr(exc, "wait", None) or 1)
            headers["Retry-After"] = str(wait)
            code = "rate_limited"
            message = _("Too many requests for this key: retry after %(s)d seconds.") % {"s": wait}
        if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
            headers["WWW-Authenticate"] = 'Api-Key realm="dxports"'
    else:
        logger.exception("partner API: unexpected error (request %s)", request_id, exc_info=exc)
        status, code, field, details = 500, "internal_error", None, None
        message = _("Something went wrong on our side. Retry later; quote the request id if it persists.")
    body = error_body(status=status, code=code, message=message, field=field, details=details, request_id=request_id)
    return Response(body, status=status, headers=headers)
