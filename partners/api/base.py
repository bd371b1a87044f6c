"""What every partner API view shares: authentication, the scope of each method, the key's request budget, the
idempotency of POST and PATCH, the request id, access to sellers, cursor pagination and query parsing."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any, cast

from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import APIView

from partners import idempotency, selectors, throttling
from partners.api.errors import ApiError, NotAuthenticated
from partners.models import ApiKey, Partner

logger = logging.getLogger("dxports.partners.api")

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
IDEMPOTENT_METHODS = frozenset({"POST", "PATCH"})
DEFAULT_LIMIT, MAX_LIMIT = 20, 100


class PartnerView(APIView):
    """``scopes``: the scope each method needs (``{"GET": "catalog:read"}``)."""

    scopes: dict[str, str] = {}

    # Authentication, scopes, budget -----------------------------------------------------------------------------------

    def initial(self, request, *args, **kwargs):
        request.request_id = "req_" + secrets.token_hex(12)
        super().initial(request, *args, **kwargs)

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise NotAuthenticated(
                _("Send your API key as “Authorization: Api-Key <key>”."), code="authentication_required"
            )
        raise drf.PermissionDenied(detail=message, code=code)

    def check_throttles(self, request):
        kind = "write" if request.method in WRITE_METHODS else "read"
        try:
            quota = throttling.hit(key_id=request.auth.key_id, kind=kind)
        except Exception:  # the budgets' store being down must not take the API down with it
            logger.warning("partner API: the request budget could not be counted; the request goes on", exc_info=True)
            return
        request.quota = quota
        if not quota.allowed:
            raise drf.Throttled(wait=quota.reset_s)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        request_id = getattr(request, "request_id", None)
        if request_id:
            response["Request-Id"] = request_id
        quota = getattr(request, "quota", None)
        if quota is not None:
            for name, value in quota.headers().items():
                response[name] = value
        return response

    # Idempotency ------------------------------------------------------------------------------------------------------

    def dispatch(self, request, *args, **kwargs):
        """DRF's dispatch, with POST and PATCH run in one transaction under their Idempotency-Key."""
        self.args, self.kwargs = args, kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            self.initial(request, *args, **kwargs)
            method = request.method.lower()
            handler = getattr(self, method, None) if method in self.http_method_names else None
            if handler is None:
                response = self.http_method_not_allowed(request, *args, **kwargs)
            elif request.method in IDEMPOTENT_METHODS:
                response = self._write(request, handler, *args, **kwargs)
            elif request.method in WRITE_METHODS:
                with transaction.atomic():
                    response = handler(request, *args, **kwargs)
            else:
                response = handler(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure is answered in the one error format
            response = self.handle_exception(exc)
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response

    def _write(self, request, handler, *args, **kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            with transaction.atomic():
                return handler(request, *args, **kwargs)
        fingerprint = idempotency.fingerprint(method=request.method, path=request.path, data=request.data)
        record = idempotency.begin(partner=self.partner, key=key, fingerprint=fingerprint)
        if isinstance(record, idempotency.Replay):
            return Response(record.body, status=record.status, headers={"Idempotent-Replayed": "true"})
        try:
            with transaction.atomic():
                response = handler(request, *args, **kwargs)
                idempotency.complete(record, status=response.status_code, body=response.data)
            return response
        except Exception as exc:  # noqa: BLE001 - answered, and the key released or its refusal kept
            try:
                response = self.handle_exception(exc)
            except BaseException:
                idempotency.release(record)
                raise
            if response.status_code >= 500:
                idempotency.release(record)
            else:
                idempotency.complete(record, status=response.status_code, body=response.data)
            return response

    # Access -----------------------------------------------------------------------------------------------------------

    @property
    def partner(self) -> Partner:
        return cast(ApiKey, self.request.auth).partner

    @property
    def actor(self) -> Any:
        return self.request.user

    def sellers_with(self, scope: str) -> QuerySet[Any, Any]:
        """The sellers that gave the partner ``scope`` (a subquery)."""
        return selectors.granted_seller_ids(partner=self.partner, scope=scope)

    # Parsing ----------------------------------------------------------------------------------------------------------

    def query(self, serializer_class):
        """The query string checked by ``serializer_class`` (400 naming the parameter otherwise)."""
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def list_page(self, query_class, *, salt, rows_after, objects_of, position_of, kind="time"):
        """The answer of a list endpoint: the query checked by ``query_class`` (its ``limit`` and ``cursor`` with the
        endpoint's filters), ``rows_after(query, after=…, limit=…)`` the rows after the cursor's position, asked for
        one more than ``limit`` so that the page knows whether another follows, and ``objects_of(rows)`` the objects
        of the page's rows. ``salt`` and ``kind`` are the cursor's (``decode_cursor``), ``position_of`` a row's."""
        query = self.query(query_class)
        limit = query["limit"]
        after = decode_cursor(query["cursor"], salt=salt, kind=kind) if "cursor" in query else None
        rows = rows_after(query, after=after, limit=limit + 1)
        return page(objects_of(rows[:limit]), rows=rows, limit=limit, position_of=position_of, salt=salt)

    def body(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


# Cursor pagination ----------------------------------------------------------------------------------------------------
# A cursor is the signed position of the last object of a page (its creation time and id), so it cannot be forged
# or guessed; the next page starts after it, so objects created meanwhile never shift a page.


def encode_cursor(position, *, salt):
    if isinstance(position, tuple):
        created_at, pk = position
        position = [created_at.isoformat(), pk]
    return signing.dumps(position, salt=f"partners.cursor.{salt}", compress=True)


def decode_cursor(cursor, *, salt, kind="time"):
    try:
        value = signing.loads(cursor, salt=f"partners.cursor.{salt}")
        if kind == "time":
            created_at, pk = value
            return datetime.fromisoformat(created_at), int(pk)
        return int(value)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise ApiError(
            _("This cursor is not one of ours (take next_cursor from the previous page as it is)."),
            field="cursor",
            code="invalid_cursor",
        ) from error


def page(objects, *, rows, limit, position_of, salt):
    """A list response of ``objects`` (built from ``rows[:limit]``; ``rows`` holds one more when there is a next
    page)."""
    has_more = len(rows) > limit
    next_cursor = encode_cursor(position_of(rows[limit - 1]), salt=salt) if has_more else None
    return Response({"object": "list", "data": objects, "has_more": has_more, "next_cursor": next_cursor})
