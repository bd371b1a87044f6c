"""The signed client of the Alibaba.com gateway (DESIGN.md §5).

``AlibabaClient.call`` speaks the protocol: it signs, posts, and turns the envelope into a dict or a typed error
(``alibaba.errors``). The typed methods are thin wrappers that build the parameters of one call and read its answer
in one ``_parse_*`` function each. The client knows no domain and never retries: the retry policy belongs to the
sync engine (DESIGN.md §6), which the error classes tell what to do.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, BinaryIO, TypeVar

import httpx

from alibaba.errors import (
    AttachmentTooLarge,
    ConfigurationError,
    DailyQuotaExceeded,
    GatewayError,
    GatewayTimeout,
    LinkExpired,
    PermanentError,
    RateLimited,
    Rejected,
    TokenExpired,
    TransientError,
    error_from_envelope,
)
from alibaba.ratelimit import RateLimiter, RateLimitTimeout

__all__ = [
    "AlibabaClient",
    "Attachment",
    "AttachmentLink",
    "AttachmentTooLarge",
    "Attribute",
    "AttributeValue",
    "BadResponse",
    "Category",
    "Certification",
    "CompanyProfile",
    "ConfigurationError",
    "DailyQuotaExceeded",
    "DownloadedFile",
    "GatewayError",
    "GatewayProduct",
    "GatewayTimeout",
    "Inquiry",
    "InquiryPage",
    "LinkExpired",
    "MarketShare",
    "Message",
    "PermanentError",
    "ProductPage",
    "ProfileReview",
    "Quotation",
    "RateLimited",
    "Rejected",
    "SupplierAccount",
    "TokenExpired",
    "Tokens",
    "TradeShow",
    "TransientError",
    "sign",
    "signature_base",
]

logger = logging.getLogger("dxports.alibaba")
T = TypeVar("T")

DEFAULT_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
DOWNLOAD_CHUNK_BYTES = 64 * 1024
# The gateway refuses a call whose timestamp is more than 10 minutes off its clock, so for any call it accepted, its
# clock and ours agreed within that much: the margin when a time of ours is compared with one of the gateway's.
CLOCK_MARGIN = timedelta(minutes=10)

SYSTEM_PARAMS = frozenset({"app_key", "timestamp", "sign_method", "access_token", "sign"})
# Parameter values that are credentials: never logged, scrubbed from messages we log or raise.
_SECRET_PARAMS = ("access_token", "refresh_token", "code")


class BadResponse(TransientError):
    """The gateway's answer was not a readable envelope (HTTP status other than 200, not JSON, or a success without
    the fields the call promises). The request may have been applied."""

    outcome_unknown = True


def signature_base(api_path: str, params: Mapping[str, str]) -> str:
    """``api_path`` followed by key+value of every parameter sorted by key, ``sign`` excluded (files are never in
    ``params``)."""
    return api_path + "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign")


def sign(app_secret: str, api_path: str, params: Mapping[str, str]) -> str:
    """``HEX_UPPER(HMAC_SHA256(app_secret, signature_base(api_path, params)))``."""
    base = signature_base(api_path, params).encode()
    return hmac.new(app_secret.encode(), base, hashlib.sha256).hexdigest().upper()


def encode_params(params: Mapping[str, Any]) -> dict[str, str]:
    """Form values as the gateway reads them: ``None`` dropped, booleans ``true``/``false``, structures as compact
    JSON, datetimes as ``format_time``."""
    encoded = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            encoded[key] = "true" if value else "false"
        elif isinstance(value, str):
            encoded[key] = value
        elif isinstance(value, datetime):
            encoded[key] = format_time(value)
        elif isinstance(value, int | float | Decimal):
            encoded[key] = str(value)
        else:
            encoded[key] = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_json_default)
    return encoded


def format_time(value: datetime) -> str:
    """An aware datetime as the gateway's time parameters expect it (``gmt_modified_from``): UTC ISO 8601."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: pass an aware one")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # prices carry 2 decimals: float's shortest repr gives them back exactly
    if isinstance(value, datetime):
        return format_time(value)
    raise TypeError(f"cannot send {type(value).__name__} to the gateway")


# Results ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierAccount:
    supplier_id: int
    code: str = field(repr=False)  # an authorization code: a credential until exchanged


@dataclass(frozen=True)
class Tokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_expires_at: datetime
    supplier_id: int | None


@dataclass(frozen=True)
class Category:
    category_id: int
    name: str
    parent_id: int | None
    is_leaf: bool


@dataclass(frozen=True)
class AttributeValue:
    value_id: int
    name: str


@dataclass(frozen=True)
class Attribute:
    attribute_id: int
    name: str
    required: bool
    input_type: str
    values: tuple[AttributeValue, ...]  # empty: free text (``value_name``)


@dataclass(frozen=True)
class GatewayProduct:
    """What the gateway holds: ``status`` new (in review) / approved / tbd (rejected, see ``reject_reason``),
    ``display`` Y/N. ``raw`` is the whole answer (``product_get`` includes the product's fields)."""

    product_id: int
    custom_code: str | None
    status: str
    display: str
    subject: str
    category_id: int | None
    reject_reason: str | None
    modified_at: datetime | None
    raw: Mapping[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class ProductPage:
    total: int
    page: int
    page_size: int
    products: tuple[GatewayProduct, ...]


@dataclass(frozen=True)
class Attachment:
    """A file a buyer attached to an inquiry or a message. Fetch it with ``inquiry_attachment_download``."""

    attachment_id: int
    file_name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class Quotation:
    """An offer's export terms (docs/gateway.md, ``/dexports/inquiry/reply``): ``price`` per ``unit`` in USD for
    ``quantity`` units under ``incoterm`` (EXW, FCA, FAS, FOB, CFR, CIF, CPT, CIP, DAP, DPU, DDP). Every term but
    EXW and FCA needs ``port_of_loading``; C and D terms need ``destination``. ``valid_until`` None lets the gateway
    set 30 days from its today; it always answers the date."""

    price: Decimal
    quantity: int
    unit: str
    incoterm: str
    lead_time_days: int
    payment_terms: tuple[str, ...]
    port_of_loading: str | None = None
    destination: str | None = None
    valid_until: date | None = None
    sample_terms: str = ""
    currency: str = "USD"

    def as_params(self) -> dict[str, Any]:
        """The ``quotation`` parameter (absent optional fields left out)."""
        params: dict[str, Any] = {
            "price": self.price,
            "currency": self.currency,
            "quantity": self.quantity,
            "unit": self.unit,
            "incoterm": self.incoterm,
            "port_of_loading": self.port_of_loading,
            "destination": self.destination,
            "lead_time_days": self.lead_time_days,
            "payment_terms": list(self.payment_terms),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "sample_terms": self.sample_terms or None,
        }
        return {key: value for key, value in params.items() if value is not None}

    def same_offer(self, other: Quotation) -> bool:
        """Whether ``other`` holds the same terms; a ``valid_until`` left to the gateway (None) matches any date."""
        mine, theirs = self.as_params(), other.as_params()
        if self.valid_until is None or other.valid_until is None:
            mine.pop("valid_until", None)
            theirs.pop("valid_until", None)
        return mine == theirs


@dataclass(frozen=True)
class Message:
    """One message of a thread after the inquiry's opening: ``sender`` ``buyer`` or ``supplier``."""

    message_id: int
    sender: str
    content: str
    quotation: Quotation | None
    attachments: tuple[Attachment, ...]
    created_at: datetime | None


@dataclass(frozen=True)
class Inquiry:
    """A buyer's inquiry; ``custom_code`` is the asked-about product's (our listing id). The buyer's opening is
    ``content`` with its ``attachments``; ``messages`` are the rest of the thread, oldest first (``inquiry_list``
    holds every message too; a push holds none). ``raw`` is the answer as read."""

    inquiry_id: int
    product_id: int | None
    custom_code: str | None
    buyer_name: str
    buyer_company: str
    buyer_country: str
    subject: str
    content: str
    quantity: int | None
    quantity_unit: str
    created_at: datetime | None
    modified_at: datetime | None
    attachments: tuple[Attachment, ...]
    messages: tuple[Message, ...]
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    def find_reply(
        self,
        *,
        content: str,
        sent_from: datetime,
        quotation: Quotation | None = None,
        known_message_ids: Iterable[int] = (),
    ) -> Message | None:
        """The supplier message that a reply first attempted at ``sent_from`` became, or ``None`` if it never
        arrived: the earliest supplier message with exactly this ``content`` (and the same terms when ``quotation``
        is given), created no earlier than ``sent_from`` less ``CLOCK_MARGIN``, that is not one of
        ``known_message_ids`` (the replies already recorded, so that a reply repeated on purpose is not taken for
        the lost one). Read the thread with ``inquiry_get`` before resending a reply whose answer was lost."""
        known = set(known_message_ids)
        earliest = sent_from - CLOCK_MARGIN
        for message in self.messages:
            if message.sender != "supplier" or message.message_id in known or message.content != content:
                continue
            if message.created_at is not None and message.created_at < earliest:
                continue
            if quotation is not None and (message.quotation is None or not message.quotation.same_offer(quotation)):
                continue
            return message
        return None


@dataclass(frozen=True)
class InquiryPage:
    inquiries: tuple[Inquiry, ...]
    next_cursor: str | None
    has_more: bool


@dataclass(frozen=True)
class AttachmentLink:
    """A time-limited download link for an attachment. ``url`` is a credential until ``expires_at``: never logged."""

    attachment: Attachment
    inquiry_id: int
    message_id: int | None
    url: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True)
class DownloadedFile:
    """What a download wrote: ``size`` bytes with ``sha256``, of the ``content_type`` the file host declared."""

    attachment: Attachment | None
    size: int
    sha256: str
    content_type: str


@dataclass(frozen=True)
class MarketShare:
    country: str  # ISO 3166-1 alpha-2
    share: int  # percent of exports


@dataclass(frozen=True)
class TradeShow:
    name: str
    year: int
    country: str | None


@dataclass(frozen=True)
class Certification:
    type: str  # BSCI, WRAP, OEKO-TEX, GOTS, Fairtrade, ISO 9001, HACCP, Halal, … (docs/gateway.md)
    issuer: str
    number: str
    valid_from: date
    valid_until: date
    file_url: str  # from ``company_certificate_upload``


@dataclass(frozen=True)
class CompanyProfile:
    """The supplier's public company profile as the gateway holds it: the latest one sent, with its review
    (``status`` new = in review, approved, tbd = rejected with ``reject_reason``). ``capacity_*`` is per month."""

    supplier_id: int
    status: str
    reject_reason: str | None
    version: int
    modified_at: datetime | None
    company_story: str
    year_established: int
    employees: str
    capacity_quantity: int
    capacity_unit: str
    main_markets: tuple[MarketShare, ...]
    factory_photos: tuple[str, ...]
    brand_logo: str | None
    trade_shows: tuple[TradeShow, ...]
    certifications: tuple[Certification, ...]
    raw: Mapping[str, Any] = field(repr=False, compare=False)


@dataclass(frozen=True)
class ProfileReview:
    """What an update answers: the profile's new ``version``, now in review (``status`` new)."""

    supplier_id: int
    status: str
    version: int
    modified_at: datetime | None


# The client ------------------------------------------------------------------------------------------------------


class AlibabaClient:
    """One pooled HTTP connection set to the gateway. Thread-safe; close it (or use ``with``) when done.

    Every call: waits for the rate limiter when one is given (``rate_limit_wait`` seconds at most, else raises
    ``RateLimited`` with type ``CLIENT`` without sending), sends exactly one request, logs api_path, outcome,
    duration and request_id (never parameters), and returns the envelope or raises a ``GatewayError``.
    An ``ApiCallLimit`` ban is passed on to the limiter so that every worker waits it out.
    """

    def __init__(
        self,
        base_url: str,
        app_key: str,
        app_secret: str,
        *,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        rate_limiter: RateLimiter | None = None,
        rate_limit_wait: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_key = str(app_key)
        self._app_secret = app_secret
        self._clock = clock
        self.rate_limiter = rate_limiter
        self.rate_limit_wait = rate_limit_wait
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout, pool=connect_timeout),
            follow_redirects=False,
        )

    @classmethod
    def from_settings(cls, **overrides: Any) -> AlibabaClient:
        """A client configured from Django settings: ``ALIBABA_GATEWAY_URL``, ``ALIBABA_APP_KEY``,
        ``ALIBABA_APP_SECRET``, ``ALIBABA_TIMEOUT_CONNECT`` (3 s), ``ALIBABA_TIMEOUT_READ`` (10 s), and the process's
        shared rate limiter (``alibaba.ratelimit.rate_limiter_from_settings``)."""
        from django.conf import settings

        from alibaba.ratelimit import rate_limiter_from_settings

        options: dict[str, Any] = {
            "connect_timeout": float(getattr(settings, "ALIBABA_TIMEOUT_CONNECT", 3.0)),
            "read_timeout": float(getattr(settings, "ALIBABA_TIMEOUT_READ", 10.0)),
            "rate_limiter": rate_limiter_from_settings(),
        }
        options.update(overrides)
        return cls(settings.ALIBABA_GATEWAY_URL, settings.ALIBABA_APP_KEY, settings.ALIBABA_APP_SECRET, **options)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> AlibabaClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<AlibabaClient {self.base_url} app_key={self.app_key}>"

    # The protocol ----------------------------------------------------------------------------------------------

    def call(
        self,
        api_path: str,
        params: Mapping[str, Any] | None = None,
        *,
        access_token: str | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> dict[str, Any]:
        """Send one signed request and return the success envelope (``code`` "0", ``request_id`` and the payload).

        ``params`` values may be structures (sent as JSON). ``files`` (name → (filename, content, content type))
        makes the request multipart; files are not signed. Raises a ``GatewayError`` subclass; never retries.
        """
        if not api_path.startswith("/"):
            raise ValueError(f"api_path must start with '/': {api_path!r}")
        form = encode_params(params or {})
        clashing = SYSTEM_PARAMS & form.keys()
        if clashing:
            raise ValueError(f"system parameters cannot be passed as params: {sorted(clashing)}")
        secrets = [str(v) for k, v in form.items() if k in _SECRET_PARAMS] + [self._app_secret]
        if access_token:
            secrets.append(access_token)

        self._wait_for_rate_limit(api_path)
        form.update(app_key=self.app_key, timestamp=str(int(self._clock() * 1000)), sign_method="sha256")
        if access_token:
            form["access_token"] = access_token
        form["sign"] = sign(self._app_secret, api_path, form)

        started = time.monotonic()
        try:
            envelope = self._post(api_path, form, files)
            if str(envelope.get("code")) != "0":
                raise error_from_envelope(envelope, api_path=api_path, now=self._clock())
        except GatewayError as error:
            error.message = _redact(error.message, secrets)
            error.args = (error.code, error.message)
            if isinstance(error, Rejected):
                error.user_message = _redact(error.user_message, secrets)
            self._log(api_path, error.code, started, error.request_id, error)
            # A ban covers the app key, so every worker must wait it out. A daily quota is not paused here: its end
            # is only estimated, and a wrong guess would stop all calls for hours.
            if (
                isinstance(error, RateLimited)
                and not isinstance(error, DailyQuotaExceeded)
                and self.rate_limiter is not None
            ):
                self.rate_limiter.pause(error.ban_seconds)
            raise
        self._log(api_path, "ok", started, envelope.get("request_id"))
        return envelope

    def _post(self, api_path: str, form: dict[str, str], files: Mapping[str, Any] | None) -> dict[str, Any]:
        url = f"/rest{api_path}"
        try:
            response = self._http.post(url, data=form, files=dict(files) if files else None)
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise GatewayTimeout(
                "ConnectTimeout", _describe(exc), api_path=api_path, type="TRANSPORT", outcome_unknown=False
            ) from exc
        except httpx.TimeoutException as exc:
            raise GatewayTimeout("Timeout", _describe(exc), api_path=api_path, type="TRANSPORT") from exc
        except httpx.ConnectError as exc:
            raise TransientError(
                "ConnectionError", _describe(exc), api_path=api_path, type="TRANSPORT", outcome_unknown=False
            ) from exc
        except httpx.TransportError as exc:
            # Reset or broken after the request went out: the gateway may have applied it.
            raise TransientError(
                "ConnectionError", _describe(exc), api_path=api_path, type="TRANSPORT", outcome_unknown=True
            ) from exc
        if response.status_code == 429:
            raise RateLimited(
                "HTTP429",
                "HTTP 429 Too Many Requests",
                ban_seconds=_retry_after_header(response) or 1.0,
                api_path=api_path,
                type="TRANSPORT",
            )
        if response.status_code != 200:
            raise BadResponse(f"HTTP{response.status_code}", f"HTTP {response.status_code}", api_path=api_path)
        try:
            envelope = response.json()
        except ValueError as exc:
            raise BadResponse("BadResponse", "answer is not JSON", api_path=api_path, type="TRANSPORT") from exc
        if not isinstance(envelope, dict):
            raise BadResponse("BadResponse", "answer is not a JSON object", api_path=api_path, type="TRANSPORT")
        return envelope

    def _wait_for_rate_limit(self, api_path: str) -> None:
        if self.rate_limiter is None:
            return
        try:
            self.rate_limiter.acquire(timeout=self.rate_limit_wait)
        except RateLimitTimeout as exc:
            error = RateLimited(
                "LocalRateLimit",
                f"the shared rate limit allows the next call in {exc.retry_after:.1f} s",
                ban_seconds=exc.retry_after,
                api_path=api_path,
                type="CLIENT",
                outcome_unknown=False,
            )
            logger.info(
                "alibaba %s not sent: rate limited for %.1f s",
                api_path,
                exc.retry_after,
                extra={"api_path": api_path, "outcome": error.code},
            )
            raise error from exc

    def _log(
        self, api_path: str, outcome: str, started: float, request_id: Any, error: GatewayError | None = None
    ) -> None:
        duration_ms = round((time.monotonic() - started) * 1000)
        extra = {"api_path": api_path, "outcome": outcome, "duration_ms": duration_ms, "request_id": request_id}
        if error is None:
            logger.info("alibaba %s ok in %d ms request_id=%s", api_path, duration_ms, request_id, extra=extra)
        else:
            logger.warning(
                "alibaba %s %s in %d ms request_id=%s: %s",
                api_path,
                outcome,
                duration_ms,
                request_id,
                error.message,
                extra=extra,
            )

    # Typed calls -----------------------------------------------------------------------------------------------

    def supplier_create(
        self, *, seller_ref: str, company_name: str, contact_email: str, country: str = "BD", **extra: Any
    ) -> SupplierAccount:
        """Create the supplier account of an approved seller (program call). ``extra`` goes to the gateway as is."""
        params = {
            "seller_ref": seller_ref,
            "company_name": company_name,
            "contact_email": contact_email,
            "country": country,
            **extra,
        }
        return self._typed(SUPPLIER_CREATE, params, _parse_supplier)

    def token_create(self, code: str) -> Tokens:
        """Exchange an authorization code for tokens."""
        return self._typed(TOKEN_CREATE, {"code": code}, lambda payload: _parse_tokens(payload, self._clock()))

    def token_refresh(self, refresh_token: str) -> Tokens:
        """A new access token for a refresh token (the refresh token may stay the same). A ``Rejected`` (field
        ``refresh_token``) or ``TokenExpired`` here means the seller must authorize again."""
        params = {"refresh_token": refresh_token}
        return self._typed(TOKEN_REFRESH, params, lambda payload: _parse_tokens(payload, self._clock()))

    def category_get(self, cat_id: int = 0) -> list[Category]:
        """The children of category ``cat_id`` (0: the roots)."""
        return self._typed(CATEGORY_GET, {"cat_id": cat_id}, lambda payload: _parse_categories(payload, cat_id))

    def category_attributes(self, cat_id: int) -> list[Attribute]:
        """The attributes of leaf category ``cat_id``, with ``required`` and their allowed values."""
        return self._typed(CATEGORY_ATTRIBUTES, {"cat_id": cat_id}, _parse_attributes)

    def photobank_upload(self, access_token: str, *, filename: str, content: bytes) -> str:
        """Upload an image (JPEG/PNG ≤ 3 MB) and return its photobank URL, the only URLs products may use."""
        content_type = "image/png" if content.startswith(b"\x89PNG\r\n\x1a\n") else "image/jpeg"
        return self._typed(
            PHOTOBANK_UPLOAD,
            {"file_name": filename},
            _parse_photobank_url,
            access_token=access_token,
            files={"image": (filename, content, content_type)},
        )

    def product_add(self, access_token: str, product: Mapping[str, Any]) -> int:
        """Add a product (it enters review) and return its id. The gateway has no idempotency keys: after an error
        with ``outcome_unknown``, look the product up by its ``custom_code`` before adding it again."""
        return self._typed(PRODUCT_ADD, {"product": product}, _parse_product_id, access_token=access_token)

    def product_update(self, access_token: str, product_id: int, product: Mapping[str, Any]) -> None:
        """Replace the product's fields (it enters review again). Safe to repeat."""
        self.call(PRODUCT_UPDATE, {"product_id": product_id, "product": product}, access_token=access_token)

    def product_get(self, access_token: str, product_id: int) -> GatewayProduct:
        return self._typed(PRODUCT_GET, {"product_id": product_id}, _parse_product_answer, access_token=access_token)

    def product_list(
        self,
        access_token: str,
        *,
        page: int = 1,
        page_size: int = 50,
        custom_code: str | None = None,
        modified_from: datetime | None = None,
    ) -> ProductPage:
        """One page (``page_size`` ≤ 50) of the seller's products, optionally only those with ``custom_code`` or
        modified since ``modified_from``."""
        params = {
            "current_page": page,
            "page_size": page_size,
            "custom_code": custom_code,
            "gmt_modified_from": modified_from,
        }
        return self._typed(PRODUCT_LIST, params, _parse_product_page, access_token=access_token)

    def product_set_display(self, access_token: str, product_ids: Iterable[int], *, on: bool) -> None:
        """List (``on``) or delist up to 50 products, all or nothing; there is no delete. Safe to repeat."""
        params = {"product_id_list": [int(pid) for pid in product_ids], "new_display": "on" if on else "off"}
        self.call(PRODUCT_DISPLAY, params, access_token=access_token)

    def inquiry_list(
        self, access_token: str, *, cursor: str | None = None, page_size: int | None = None
    ) -> InquiryPage:
        """Inquiries new or changed after ``cursor`` (None: from the start), oldest first, for reconciliation of the
        push path. Keep ``next_cursor``: it stays valid, an empty page means nothing new yet."""
        params = {"cursor": cursor, "page_size": page_size}
        return self._typed(INQUIRY_LIST, params, _parse_inquiry_page, access_token=access_token)

    def inquiry_get(self, access_token: str, inquiry_id: int) -> Inquiry:
        """One inquiry with its whole thread (``messages``, oldest first). Another supplier's inquiry is a
        ``ConfigurationError`` (``InsufficientPermission``). Before resending a reply whose answer was lost, look
        for it with ``Inquiry.find_reply``."""
        return self._typed(INQUIRY_GET, {"inquiry_id": inquiry_id}, _parse_inquiry_answer, access_token=access_token)

    def inquiry_reply(
        self,
        access_token: str,
        inquiry_id: int,
        *,
        content: str,
        quotation: Quotation | Mapping[str, Any] | None = None,
    ) -> int:
        """The seller's reply to an inquiry, with an optional quotation; returns the message id. Not idempotent: a
        repeated reply is a second message, so after an error with ``outcome_unknown`` look for the reply in the
        thread (``inquiry_get``, ``Inquiry.find_reply``) before sending it again."""
        terms = quotation.as_params() if isinstance(quotation, Quotation) else quotation
        params = {"inquiry_id": inquiry_id, "content": content, "quotation": terms}
        return self._typed(INQUIRY_REPLY, params, _parse_message_id, access_token=access_token)

    def inquiry_attachment_link(self, access_token: str, attachment_id: int) -> AttachmentLink:
        """A download link for a buyer's attachment (only the supplier the inquiry was sent to gets one), good for
        a few minutes."""
        params = {"attachment_id": attachment_id}
        return self._typed(INQUIRY_ATTACHMENT, params, _parse_attachment_link, access_token=access_token)

    def inquiry_attachment_download(
        self,
        access_token: str,
        attachment_id: int,
        dest: BinaryIO,
        *,
        max_bytes: int = DEFAULT_ATTACHMENT_MAX_BYTES,
    ) -> DownloadedFile:
        """Fetch a fresh link for the attachment and stream the file into ``dest``, at most ``max_bytes``.

        Raises ``AttachmentTooLarge`` when the declared size is over the cap (nothing is transferred) or the
        transfer passes it (stopped there); ``LinkExpired`` (transient) when the link lapsed before the file came;
        ``TransientError``/``GatewayTimeout`` for a file host that failed; the errors of ``inquiry_attachment_link``.
        On any error ``dest`` may hold part of the file: write to a temporary file and keep it only on success.
        """
        link = self.inquiry_attachment_link(access_token, attachment_id)
        if link.attachment.size > max_bytes:
            raise AttachmentTooLarge(
                "AttachmentTooLarge",
                f"attachment {attachment_id} has {link.attachment.size} bytes, more than the {max_bytes} allowed",
                limit=max_bytes,
                size=link.attachment.size,
                api_path=INQUIRY_ATTACHMENT,
                type="CLIENT",
            )
        downloaded = self.download(link.url, dest, max_bytes=max_bytes)
        if downloaded.size != link.attachment.size:
            raise BadResponse(
                "BadResponse",
                f"attachment {attachment_id}: {downloaded.size} bytes came, {link.attachment.size} were declared",
                api_path=INQUIRY_ATTACHMENT,
                type="TRANSPORT",
                outcome_unknown=False,
            )
        return DownloadedFile(
            attachment=link.attachment,
            size=downloaded.size,
            sha256=downloaded.sha256,
            content_type=downloaded.content_type,
        )

    def download(self, url: str, dest: BinaryIO, *, max_bytes: int) -> DownloadedFile:
        """Stream a file from a download link into ``dest``, at most ``max_bytes`` (see
        ``inquiry_attachment_download``). The link is a plain GET: it is not signed, counts against no rate limit,
        and is never logged with its query (its signature)."""
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https"):
            raise ValueError("a download link must be an http(s) URL")
        where = parsed.path
        started = time.monotonic()
        digest, size = hashlib.sha256(), 0
        try:
            with self._http.stream("GET", url) as response:
                _check_download_status(response, where)
                declared = _int_or_none(response.headers.get("Content-Length"))
                if declared is not None and declared > max_bytes:
                    raise AttachmentTooLarge(
                        "AttachmentTooLarge",
                        f"the file has {declared} bytes, more than the {max_bytes} allowed",
                        limit=max_bytes,
                        size=declared,
                        api_path=where,
                        type="CLIENT",
                    )
                for chunk in response.iter_bytes(DOWNLOAD_CHUNK_BYTES):
                    size += len(chunk)
                    if size > max_bytes:
                        raise AttachmentTooLarge(
                            "AttachmentTooLarge",
                            f"the file passed the {max_bytes} bytes allowed; the transfer was stopped",
                            limit=max_bytes,
                            size=size,
                            api_path=where,
                            type="CLIENT",
                        )
                    digest.update(chunk)
                    dest.write(chunk)
                if declared is not None and size != declared:
                    raise BadResponse(
                        "BadResponse",
                        f"the file ended after {size} of {declared} bytes",
                        api_path=where,
                        type="TRANSPORT",
                        outcome_unknown=False,
                    )
                content_type = response.headers.get("Content-Type", "application/octet-stream")
        except httpx.TimeoutException as exc:
            timeout = GatewayTimeout("Timeout", _describe(exc), api_path=where, type="TRANSPORT", outcome_unknown=False)
            self._log(f"download {where}", timeout.code, started, None, timeout)
            raise timeout from exc
        except httpx.TransportError as exc:
            error = TransientError(
                "ConnectionError", _describe(exc), api_path=where, type="TRANSPORT", outcome_unknown=False
            )
            self._log(f"download {where}", error.code, started, None, error)
            raise error from exc
        except GatewayError as error:
            self._log(f"download {where}", error.code, started, None, error)
            raise
        self._log(f"download {where}", "ok", started, None)
        return DownloadedFile(attachment=None, size=size, sha256=digest.hexdigest(), content_type=content_type)

    def company_certificate_upload(self, access_token: str, *, filename: str, content: bytes) -> str:
        """Upload a certificate file (PDF, JPEG or PNG by content, ≤ 5 MB) and return its URL, the only URLs a
        profile's certifications may name."""
        if content.startswith(b"%PDF-"):
            content_type = "application/pdf"
        elif content.startswith(b"\x89PNG\r\n\x1a\n"):
            content_type = "image/png"
        else:
            content_type = "image/jpeg"
        return self._typed(
            COMPANY_CERTIFICATE_UPLOAD,
            {"file_name": filename},
            _parse_certificate_url,
            access_token=access_token,
            files={"file": (filename, content, content_type)},
        )

    def company_profile_update(self, access_token: str, profile: Mapping[str, Any]) -> ProfileReview:
        """Replace the supplier's company profile (all or nothing; docs/gateway.md lists the fields) and send it to
        review, restarting a review under way. Safe to repeat: the same profile is simply reviewed again."""
        return self._typed(
            COMPANY_PROFILE_UPDATE, {"profile": profile}, _parse_profile_review, access_token=access_token
        )

    def company_profile_get(self, access_token: str) -> CompanyProfile | None:
        """The supplier's company profile with its review status, or ``None`` if it never sent one."""
        return self._typed(COMPANY_PROFILE_GET, {}, _parse_company_profile, access_token=access_token)

    def _typed(self, api_path: str, params: Mapping[str, Any], parse: Callable[[dict], T], **kwargs: Any) -> T:
        payload = self.call(api_path, params, **kwargs)
        try:
            return parse(payload)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # The call succeeded but its answer is not what the protocol promises: for a write, it may have happened.
            raise BadResponse(
                "BadResponse",
                f"cannot read the answer: {_describe(exc)}",
                api_path=api_path,
                request_id=payload.get("request_id"),
                type="TRANSPORT",
            ) from exc


SUPPLIER_CREATE = "/dexports/supplier/create"
TOKEN_CREATE = "/auth/token/create"
TOKEN_REFRESH = "/auth/token/refresh"
CATEGORY_GET = "/alibaba/icbu/category/get"
CATEGORY_ATTRIBUTES = "/alibaba/icbu/category/attribute/get"
PHOTOBANK_UPLOAD = "/alibaba/icbu/photobank/upload"
PRODUCT_ADD = "/alibaba/icbu/product/add"
PRODUCT_UPDATE = "/alibaba/icbu/product/update"
PRODUCT_GET = "/alibaba/icbu/product/get"
PRODUCT_LIST = "/alibaba/icbu/product/list"
PRODUCT_DISPLAY = "/icbu/product/update/display"
INQUIRY_LIST = "/dexports/inquiry/list"
INQUIRY_GET = "/dexports/inquiry/get"
INQUIRY_REPLY = "/dexports/inquiry/reply"
INQUIRY_ATTACHMENT = "/dexports/inquiry/attachment/get"
COMPANY_CERTIFICATE_UPLOAD = "/dexports/company/certificate/upload"
COMPANY_PROFILE_UPDATE = "/dexports/company/profile/update"
COMPANY_PROFILE_GET = "/dexports/company/profile/get"


# Reading answers: one function per answer, so that the gateway's field names live in one place each. A missing or
# malformed field raises KeyError/TypeError/ValueError, which the client turns into BadResponse.


def _parse_supplier(payload: Mapping[str, Any]) -> SupplierAccount:
    # The envelope's "code" is its status ("0"), so the authorization code cannot sit beside it under that name:
    # it comes nested ({"supplier": {"supplier_id", "code"}}) or as auth_code.
    supplier = payload.get("supplier")
    if isinstance(supplier, Mapping):
        return SupplierAccount(supplier_id=_id(supplier["supplier_id"]), code=_text(supplier["code"]))
    return SupplierAccount(supplier_id=_id(payload["supplier_id"]), code=_text(payload["auth_code"]))


def _parse_tokens(payload: Mapping[str, Any], now: float) -> Tokens:
    supplier_id = payload.get("supplier_id")
    return Tokens(
        access_token=_text(payload["access_token"]),
        refresh_token=_text(payload["refresh_token"]),
        access_expires_at=_expiry(payload, "access_expires_at", "expires_in", now),
        refresh_expires_at=_expiry(payload, "refresh_expires_at", "refresh_expires_in", now),
        supplier_id=_id(supplier_id) if supplier_id is not None else None,
    )


def _expiry(payload: Mapping[str, Any], absolute_key: str, relative_key: str, now: float) -> datetime:
    """An absolute time (epoch s/ms or ISO 8601) or seconds from now."""
    if payload.get(absolute_key) is not None:
        return _parse_time(payload[absolute_key])
    return datetime.fromtimestamp(now + float(payload[relative_key]), tz=UTC)


def _parse_categories(payload: Mapping[str, Any], cat_id: int) -> list[Category]:
    return [
        Category(
            category_id=int(item["category_id"]),
            name=str(item.get("name", "")),
            parent_id=_int_or_none(item.get("parent_id", cat_id or None)),
            is_leaf=_truthy(item.get("leaf_category", False)),
        )
        for item in _items(payload, "categories")
    ]


def _parse_attributes(payload: Mapping[str, Any]) -> list[Attribute]:
    return [
        Attribute(
            attribute_id=int(item["attribute_id"]),
            name=str(item.get("name", "")),
            required=_truthy(item.get("required", False)),
            input_type=str(item.get("input_type", "")),
            values=tuple(
                AttributeValue(value_id=int(value["value_id"]), name=str(value.get("name", "")))
                for value in item.get("values") or ()
            ),
        )
        for item in _items(payload, "attributes")
    ]


def _parse_photobank_url(payload: Mapping[str, Any]) -> str:
    return _text(payload["photobank_url"])


def _parse_product_id(payload: Mapping[str, Any]) -> int:
    return _id(payload["product_id"])


def _parse_message_id(payload: Mapping[str, Any]) -> int:
    return _id(payload["message_id"])


def _parse_product_answer(payload: Mapping[str, Any]) -> GatewayProduct:
    product = payload.get("product")
    return _parse_product(product if isinstance(product, Mapping) else payload)


def _parse_product(item: Mapping[str, Any]) -> GatewayProduct:
    modified = item.get("gmt_modified")
    return GatewayProduct(
        product_id=_id(item["product_id"]),
        custom_code=item.get("custom_code") or None,
        status=str(item.get("status", "")),
        display=str(item.get("display", "")),
        subject=str(item.get("subject", "")),
        category_id=_int_or_none(item.get("category_id")),
        reject_reason=item.get("reason") or None,
        modified_at=_parse_time(modified) if modified else None,
        raw=item,
    )


def _parse_product_page(payload: Mapping[str, Any]) -> ProductPage:
    return ProductPage(
        total=int(payload["total_item"]),
        page=int(payload.get("current_page", 1)),
        page_size=int(payload.get("page_size", 0)),
        products=tuple(_parse_product(item) for item in _items(payload, "products")),
    )


def _parse_inquiry(item: Mapping[str, Any]) -> Inquiry:
    return Inquiry(
        inquiry_id=_id(item["inquiry_id"]),
        product_id=_int_or_none(item.get("product_id")),
        custom_code=item.get("custom_code") or None,
        buyer_name=str(item.get("buyer_name", "")),
        buyer_company=str(item.get("buyer_company", "")),
        buyer_country=str(item.get("buyer_country", "")),
        subject=str(item.get("subject", "")),
        content=str(item.get("content", "")),
        quantity=_int_or_none(item.get("quantity")),
        quantity_unit=str(item.get("quantity_unit", "")),
        created_at=_parse_time(item["gmt_create"]) if item.get("gmt_create") else None,
        modified_at=_parse_time(item["gmt_modified"]) if item.get("gmt_modified") else None,
        attachments=tuple(_parse_attachment(a) for a in _items(item, "attachments")),
        messages=tuple(_parse_message(m) for m in _items(item, "messages")),
        raw=item,
    )


def _parse_inquiry_answer(payload: Mapping[str, Any]) -> Inquiry:
    inquiry = payload["inquiry"]
    if not isinstance(inquiry, Mapping):
        raise TypeError("inquiry is not an object")
    return _parse_inquiry(inquiry)


def _parse_message(item: Mapping[str, Any]) -> Message:
    quotation = item.get("quotation")
    return Message(
        message_id=_id(item["message_id"]),
        sender=_text(item["sender"]),
        content=str(item.get("content", "")),
        quotation=_parse_quotation(quotation) if quotation else None,
        attachments=tuple(_parse_attachment(a) for a in _items(item, "attachments")),
        created_at=_parse_time(item["gmt_create"]) if item.get("gmt_create") else None,
    )


def _parse_quotation(item: Mapping[str, Any]) -> Quotation:
    valid_until = item.get("valid_until")
    return Quotation(
        price=Decimal(str(item["price"])),
        currency=str(item.get("currency", "USD")),
        quantity=int(item["quantity"]),
        unit=_text(item["unit"]),
        incoterm=str(item.get("incoterm") or ""),
        port_of_loading=item.get("port_of_loading") or None,
        destination=item.get("destination") or None,
        lead_time_days=int(item.get("lead_time_days") or 0),
        payment_terms=tuple(str(term) for term in item.get("payment_terms") or ()),
        valid_until=date.fromisoformat(valid_until) if valid_until else None,
        sample_terms=str(item.get("sample_terms") or ""),
    )


def _parse_attachment(item: Mapping[str, Any]) -> Attachment:
    return Attachment(
        attachment_id=_id(item["attachment_id"]),
        file_name=_text(item["file_name"]),
        content_type=_text(item["content_type"]),
        size=int(item["size"]),
    )


def _parse_attachment_link(payload: Mapping[str, Any]) -> AttachmentLink:
    item = payload["attachment"]
    return AttachmentLink(
        attachment=_parse_attachment(item),
        inquiry_id=_id(item["inquiry_id"]),
        message_id=_int_or_none(item.get("message_id")),
        url=_text(payload["download_url"]),
        expires_at=_parse_time(payload["expires_at"]),
    )


def _parse_certificate_url(payload: Mapping[str, Any]) -> str:
    return _text(payload["certificate_url"])


def _parse_profile_review(payload: Mapping[str, Any]) -> ProfileReview:
    return ProfileReview(
        supplier_id=_id(payload["supplier_id"]),
        status=_text(payload["status"]),
        version=int(payload["version"]),
        modified_at=_parse_time(payload["gmt_modified"]) if payload.get("gmt_modified") else None,
    )


def _parse_company_profile(payload: Mapping[str, Any]) -> CompanyProfile | None:
    profile = payload.get("profile")
    if profile is None:
        return None
    capacity = profile["production_capacity"]
    return CompanyProfile(
        supplier_id=_id(payload["supplier_id"]),
        status=_text(payload["status"]),
        reject_reason=payload.get("reason") or None,
        version=int(payload["version"]),
        modified_at=_parse_time(payload["gmt_modified"]) if payload.get("gmt_modified") else None,
        company_story=str(profile["company_story"]),
        year_established=int(profile["year_established"]),
        employees=_text(profile["employees"]),
        capacity_quantity=int(capacity["quantity"]),
        capacity_unit=_text(capacity["unit"]),
        main_markets=tuple(
            MarketShare(country=_text(m["country"]), share=int(m["share"])) for m in _items(profile, "main_markets")
        ),
        factory_photos=tuple(_text(url) for url in profile.get("factory_photos") or ()),
        brand_logo=profile.get("brand_logo") or None,
        trade_shows=tuple(
            TradeShow(name=_text(t["name"]), year=int(t["year"]), country=t.get("country") or None)
            for t in _items(profile, "trade_shows")
        ),
        certifications=tuple(
            Certification(
                type=_text(c["type"]),
                issuer=_text(c["issuer"]),
                number=_text(c["number"]),
                valid_from=date.fromisoformat(c["valid_from"]),
                valid_until=date.fromisoformat(c["valid_until"]),
                file_url=_text(c["file"]),
            )
            for c in _items(profile, "certifications")
        ),
        raw=payload,
    )


def _check_download_status(response: httpx.Response, where: str) -> None:
    """A download answered with an error status: read its (small) body for the file host's code."""
    if response.status_code == 200:
        return
    response.read()
    try:
        code = str(response.json().get("code") or "")
    except ValueError:
        code = ""
    status = response.status_code
    message = f"HTTP {status} {code}".strip()
    if status == 403:
        raise LinkExpired(code or "LinkExpired", message, api_path=where, type="TRANSPORT")
    if status == 404:
        raise PermanentError(code or "NotFound", message, api_path=where, type="TRANSPORT")
    error = TransientError(code or f"HTTP{status}", message, api_path=where, type="TRANSPORT", outcome_unknown=False)
    error.retry_after = _retry_after_header(response)
    raise error


def _parse_inquiry_page(payload: Mapping[str, Any]) -> InquiryPage:
    next_cursor = payload.get("next_cursor")
    return InquiryPage(
        inquiries=tuple(_parse_inquiry(item) for item in _items(payload, "inquiries")),
        next_cursor=str(next_cursor) if next_cursor not in (None, "") else None,
        has_more=_truthy(payload.get("has_more", False)),
    )


def _items(payload: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = payload.get(key) or []
    if not isinstance(value, list):
        raise TypeError(f"{key} is not a list")
    return value


def _id(value: Any) -> int:
    """A gateway id: an integer (a digit string is accepted)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"expected an id, got {value!r}")
    return int(value)


def _text(value: Any) -> str:
    """A required scalar: empty or missing is malformed."""
    if value in (None, "") or isinstance(value, Mapping | list):
        raise ValueError(f"expected a value, got {value!r}")
    return str(value)


def parse_time(value: Any) -> datetime | None:
    """A time as the gateway writes it, as an aware datetime: ISO 8601 (``2025-03-01T09:30:00.125Z``; a naive one is
    UTC) or epoch seconds or milliseconds. ``None`` for anything else, so an odd value from outside never raises."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isascii() and value.isdigit()):
            number = float(value)
            return datetime.fromtimestamp(number / 1000 if number > 1e11 else number, tz=UTC)
        if not isinstance(value, str):
            return None
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_time(value: Any) -> datetime:
    """A time the answer must hold: ``parse_time``, and a malformed answer when it is not one."""
    parsed = parse_time(value)
    if parsed is None:
        raise ValueError(f"expected a time, got {value!r}")
    return parsed


def _int_or_none(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "y", "yes")
    return bool(value)


def _retry_after_header(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
