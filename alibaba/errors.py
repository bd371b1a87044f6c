"""Typed errors of the Alibaba.com gateway protocol (DESIGN.md §5) and the one table that maps codes to them.

How a caller (the sync engine, DESIGN.md §6) treats each class:

- ``TransientError``: the same call may succeed later. Retry with backoff, waiting at least ``retry_after`` when set.
  ``GatewayTimeout`` and other errors with ``outcome_unknown`` may have been applied: look the write up (a product
  by ``custom_code``) before repeating it.
- ``RateLimited`` (a ``TransientError``): wait ``retry_after`` (the ban, or until the daily quota resets).
- ``TokenExpired``: refresh the access token, then retry once.
- ``Rejected``: the request is wrong; show ``user_message`` (about ``field``) to the seller, never retry unchanged.
- ``ConfigurationError``: our signature, clock, path or permissions are wrong; never retried, needs an operator.
- ``AttachmentTooLarge``: a file is larger than the caller's cap; never retried.
- ``LinkExpired``: a download link expired or was refused; ask for a new link, then download again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any


class GatewayError(Exception):
    """A call that did not succeed. ``type`` is the envelope's ``ISV``/``ISP``/``SYSTEM``, or ``TRANSPORT``
    when no envelope came back, or ``CLIENT`` when the request was never sent (local rate limit)."""

    outcome_unknown: bool = False

    def __init__(
        self,
        code: str,
        message: str = "",
        *,
        request_id: str | None = None,
        api_path: str = "",
        type: str = "",
        outcome_unknown: bool | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.request_id = request_id
        self.api_path = api_path
        self.type = type
        if outcome_unknown is not None:
            self.outcome_unknown = outcome_unknown
        super().__init__(code, message)

    def __str__(self) -> str:
        where = f" [{self.api_path} request_id={self.request_id}]" if self.api_path else ""
        return f"{self.code}: {self.message}{where}"


class TransientError(GatewayError):
    """Retry later. ``retry_after`` (seconds) is a lower bound for the wait when the gateway told us one."""

    retry_after: float | None = None


class GatewayTimeout(TransientError):
    """No answer in time. The write may have happened (``outcome_unknown``), except when the connection was
    never made (connect or pool timeout)."""

    outcome_unknown = True


class RateLimited(TransientError):
    """``ApiCallLimit``: every call with our app key is refused for ``ban_seconds`` (``retry_after`` too). The client
    also raises it, with type ``CLIENT`` and code ``LocalRateLimit``, when the shared limiter would make the call
    wait longer than the client's ``rate_limit_wait``: then nothing was sent.

    A ``TransientError`` on purpose: the same call will succeed once the wait is over, so a caller that only knows
    "transient or not" still does the right thing (retries, never shows the seller an error), and one that honours
    ``retry_after`` waits exactly long enough. Not subclassing would make a generic handler treat a ban as permanent.
    """

    def __init__(self, code: str, message: str = "", *, ban_seconds: float, **kwargs: Any) -> None:
        super().__init__(code, message, **kwargs)
        self.ban_seconds = ban_seconds
        self.retry_after = ban_seconds


class DailyQuotaExceeded(RateLimited):
    """The app key's daily call quota is used up; ``retry_after`` is the time until it resets (an estimate:
    the next UTC midnight when the gateway does not say)."""


class TokenExpired(GatewayError):
    """``IllegalAccessToken``: the access token is invalid or expired. Refresh it, then retry once; when the refresh
    itself fails with this error the seller must authorize again."""


class PermanentError(GatewayError):
    """Never retried unchanged. Unknown ``ISV`` codes land here."""


class Rejected(PermanentError):
    """The gateway refused what we sent (``InvalidParameter``/``MissingParameter``). ``field`` is the parameter
    path the gateway named (``subject``, ``sourcing_trade.fob_min_price``) or ``None``; ``user_message`` is the
    gateway's sentence without its code prefix, fit to show the seller."""

    def __init__(self, code: str, message: str = "", *, field: str | None = None, **kwargs: Any) -> None:
        super().__init__(code, message, **kwargs)
        self.field = field
        self.user_message = strip_code_prefix(message) or message


class ConfigurationError(PermanentError):
    """Our fault or our setup (signature, clock, api path, permissions): an operator must act."""


class AttachmentTooLarge(PermanentError):
    """A download would pass ``limit`` bytes. ``size`` is the size the gateway declared, or the bytes received when
    the transfer was stopped; nothing beyond ``limit`` was kept."""

    def __init__(self, code: str, message: str = "", *, limit: int, size: int | None, **kwargs: Any) -> None:
        super().__init__(code, message, **kwargs)
        self.limit = limit
        self.size = size


class LinkExpired(TransientError):
    """The download link expired (or its signature was refused) before the file came: get a new link and download
    again. Nothing was written at the gateway."""

    outcome_unknown = False


DEFAULT_BAN_SECONDS = 5.0

_BAN_RE = re.compile(r"ban\s+will\s+last\s+(\d+(?:\.\d+)?)\s*s", re.IGNORECASE)
_SECONDS_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:seconds?|secs?|s)\b", re.IGNORECASE)


def parse_ban_seconds(envelope: Mapping[str, Any]) -> float:
    """The ban length of an ``ApiCallLimit`` envelope: its ``ban_seconds`` field, else the N of
    "… this ban will last N seconds" in the message, else ``DEFAULT_BAN_SECONDS``."""
    value = _positive_float(envelope.get("ban_seconds"))
    if value is not None:
        return value
    message = str(envelope.get("message") or "")
    match = _BAN_RE.search(message) or _SECONDS_RE.search(message)
    if match:
        return float(match.group(1))
    return DEFAULT_BAN_SECONDS


def quota_retry_after(envelope: Mapping[str, Any], now: float) -> float:
    """Seconds until the daily quota resets: ``retry_after`` (s) or ``reset_at`` (epoch s or ms) when the gateway
    sends them, else the time to the next UTC midnight after ``now`` (epoch seconds)."""
    value = _positive_float(envelope.get("retry_after"))
    if value is not None:
        return value
    reset_at = _positive_float(envelope.get("reset_at"))
    if reset_at is not None:
        if reset_at > 1e11:  # epoch milliseconds
            reset_at /= 1000
        return max(reset_at - now, 1.0)
    today = datetime.fromtimestamp(now, tz=UTC)
    midnight = datetime(today.year, today.month, today.day, tzinfo=UTC) + timedelta(days=1)
    return max(midnight.timestamp() - now, 1.0)


_CODE_PREFIX_RE = re.compile(
    r"^\s*(?:isv\.|isp\.)?(?:invalid[\s_-]*parameters?|missing[\s_-]*(?:required[\s_-]*)?parameters?)\s*[:\-–]\s*",
    re.IGNORECASE,
)
# A parameter path: snake_case words joined by dots, with optional [n] indexes (attributes[2].value_id).
_PATH = r"[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])*(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])*)*"
_QUOTED_RE = re.compile(rf"""['"`‘“]({_PATH})['"`’”]""")
_NAMED_RE = re.compile(rf"\b(?:parameters?|params?|fields?)\s*[:=]?\s*({_PATH})", re.IGNORECASE)
_LEADING_RE = re.compile(
    rf"^({_PATH})\s*(?::|=|\bmust\b|\bis\b|\bare\b|\bshould\b|\bcannot\b|\bcan't\b|\bhas\b|\bhave\b|\bexceeds?\b|"
    rf"\bcontains?\b|\bnot\b|\btoo\b|\bdoes\b|\bneeds?\b|\brequired\b|\binvalid\b|\bempty\b|$)",
    re.IGNORECASE,
)
_TECHNICAL_RE = re.compile(rf"\b({_PATH})\b")
_NOT_FIELDS = frozenset(
    {"parameter", "parameters", "param", "field", "value", "the", "a", "an", "invalid", "missing", "required"}
)


def strip_code_prefix(message: str) -> str:
    """ "InvalidParameter: subject must be ASCII" → "subject must be ASCII"."""
    return _CODE_PREFIX_RE.sub("", message or "", count=1).strip()


def parse_field(message: str) -> str | None:
    """The parameter a gateway error message names, or ``None``.

    Understands "InvalidParameter: subject must be ASCII", "Missing parameter: category_id",
    "Invalid parameter 'keywords': …", "The parameter sourcing_trade.fob_min_price is invalid",
    "attributes[2].value_id is not allowed", "category_id is required".
    """
    if not message:
        return None
    rest = strip_code_prefix(message)
    for pattern, text in ((_QUOTED_RE, rest), (_NAMED_RE, rest), (_LEADING_RE, rest)):
        for match in pattern.finditer(text):
            candidate = match.group(1)
            if candidate.lower() not in _NOT_FIELDS:
                # Protocol parameters are snake_case; "Subject exceeds…" merely starts a sentence.
                return candidate.lower() if candidate.istitle() else candidate
    # Last resort: the first token that can only be an identifier (has "_", "." or "[n]"), never an English word.
    for match in _TECHNICAL_RE.finditer(rest):
        candidate = match.group(1)
        if any(c in candidate for c in "_.["):
            return candidate
    return None


def _positive_float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


# Parameters the client adds itself: a complaint about one is our setup's fault, never the seller's to fix.
_SYSTEM_FIELDS = frozenset({"app_key", "timestamp", "sign_method", "sign", "access_token"})


def _rejected(envelope: Mapping[str, Any], now: float, **kwargs: Any) -> GatewayError:
    field = envelope.get("field") or envelope.get("param") or parse_field(str(envelope.get("message") or ""))
    if field in _SYSTEM_FIELDS:
        return ConfigurationError(**kwargs)
    return Rejected(field=str(field) if field else None, **kwargs)


def _rate_limited(envelope: Mapping[str, Any], now: float, **kwargs: Any) -> GatewayError:
    return RateLimited(ban_seconds=parse_ban_seconds(envelope), **kwargs)


def _quota(envelope: Mapping[str, Any], now: float, **kwargs: Any) -> GatewayError:
    return DailyQuotaExceeded(ban_seconds=quota_retry_after(envelope, now), **kwargs)


def _simple(cls: type[GatewayError]) -> Callable[..., GatewayError]:
    def build(envelope: Mapping[str, Any], now: float, **kwargs: Any) -> GatewayError:
        return cls(**kwargs)

    return build


# The one place where a gateway code becomes a class. Codes are matched exactly, then case-insensitively.
ERROR_CODES: dict[str, Callable[..., GatewayError]] = {
    "MissingParameter": _rejected,
    "InvalidParameter": _rejected,
    "IncompleteSignature": _simple(ConfigurationError),
    "InvalidTimestamp": _simple(ConfigurationError),
    "InvalidApiPath": _simple(ConfigurationError),
    "InsufficientPermission": _simple(ConfigurationError),
    "IllegalAccessToken": _simple(TokenExpired),
    "ApiCallLimit": _rate_limited,
    "DailyQuotaExceeded": _quota,
    "ServiceUnavailable": _simple(TransientError),
    "isp.remote-service-error": _simple(TransientError),
}
_ERROR_CODES_FOLDED = {code.lower(): build for code, build in ERROR_CODES.items()}

# Codes the table does not know fall back by envelope type: the caller's fault is permanent, the rest transient.
_BY_TYPE: dict[str, type[GatewayError]] = {"ISV": PermanentError, "ISP": TransientError, "SYSTEM": TransientError}


def error_from_envelope(envelope: Mapping[str, Any], *, api_path: str, now: float) -> GatewayError:
    """The typed error for a gateway error envelope. The code decides when the table knows it (a known code means
    the same thing whatever its ``type``); otherwise the type does, and an envelope without a known type counts as
    transient (a gateway fault, not ours). ``now`` (epoch seconds) dates a quota reset."""
    code = str(envelope.get("code") or "UnknownError")
    error_type = str(envelope.get("type") or "").upper()
    kwargs = {
        "code": code,
        "message": str(envelope.get("message") or ""),
        "request_id": envelope.get("request_id"),
        "api_path": api_path,
        "type": error_type,
    }
    build = ERROR_CODES.get(code) or _ERROR_CODES_FOLDED.get(code.lower())
    if build is None:
        if not error_type and code.lower().startswith("isv."):
            error_type = "ISV"
        build = _simple(_BY_TYPE.get(error_type, TransientError))
    return build(envelope, now, **kwargs)
