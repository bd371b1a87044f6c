"""What the gateway tells us about inquiries, read into plain values we can store: the ``inquiry.new`` and
``inquiry.message`` pushes, and the threads of ``/dexports/inquiry/list`` and ``/dexports/inquiry/get``
(docs/gateway.md).

Everything here is untrusted text from buyers we do not know. ``clean_text`` keeps what a person wrote and drops what
no person writes: U+0000 (which PostgreSQL refuses), other control characters, bidirectional overrides, unpaired
surrogates (which no encoding can write). Sizes far beyond any real message are refused (``InquiryDataInvalid``
naming the field), never cut silently; the caller logs the refusal with the push or pull that brought it. Nothing
here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from alibaba.gateway import parse_time
from buyers.errors import InquiryDataInvalid
from buyers.models import MAX_CONTENT, MAX_NAME, MAX_SUBJECT
from dxports.uploads import display_name

# C0 controls but tab and line feed, DEL, C1 controls, the bidirectional overrides and isolates (which make a name
# read backwards in the inbox), and lone surrogates (JSON's "\ud800" decodes to one).
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"\s*[\n\t]\s*")
MAX_ATTACHMENTS = 3
MAX_MESSAGES = 500  # in one thread read by the pull: far more than any real conversation
MAX_ID = 2**63 - 1


def clean_text(value: Any, *, field: str, max_length: int, multiline: bool = True) -> str:
    """``value`` as text we can store and show: ``None`` is ""; ``\\r\\n`` and lone ``\\r`` become ``\\n``; control
    characters and unpaired surrogates go; a single-line field has its line breaks and tabs turned into spaces.
    ``InquiryDataInvalid`` for a value that is not text, or longer than ``max_length`` once cleaned."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InquiryDataInvalid(field, "is not text")
    if len(value) > 4 * max_length:  # refused before any work on it
        raise InquiryDataInvalid(field, f"is longer than {max_length} characters")
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _UNWRITABLE.sub("", text)
    text = text.strip() if multiline else _LINE_BREAKS.sub(" ", text).strip()
    if len(text) > max_length:
        raise InquiryDataInvalid(field, f"is longer than {max_length} characters")
    return text


def gateway_id(value: Any, *, field: str) -> int:
    """A gateway id: a positive whole number (or its digits as text). ``int()`` would also take 12.9 and ``True``."""
    if value is None or value == "":
        raise InquiryDataInvalid(field, "is missing")
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_ID:
        raise InquiryDataInvalid(field, "is not an id")
    return value


def optional_gateway_id(value: Any, *, field: str) -> int | None:
    """``gateway_id``, or ``None`` when there is none."""
    return None if value is None or value == "" else gateway_id(value, field=field)


def _quantity(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def _country(value: Any) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    return text if len(text) == 2 and text.isascii() and text.isalpha() else ""


def _time(value: Any) -> datetime | None:
    return parse_time(value) if isinstance(value, str | int | float) else None


@dataclass(frozen=True)
class IncomingAttachment:
    attachment_id: int
    file_name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class IncomingQuotation:
    price: Decimal
    quantity: int
    unit: str
    incoterm: str
    lead_time_days: int
    payment_terms: tuple[str, ...]
    port_of_loading: str
    destination: str
    valid_until: str
    sample_terms: str


@dataclass(frozen=True)
class IncomingMessage:
    message_id: int
    sender: str  # "buyer" or "supplier", as the gateway says
    content: str
    attachments: tuple[IncomingAttachment, ...]
    created_at: datetime | None
    quotation: IncomingQuotation | None = None


@dataclass(frozen=True)
class IncomingInquiry:
    inquiry_id: int
    supplier_id: int | None
    product_id: int | None
    custom_code: str
    subject: str
    content: str
    quantity: int | None
    quantity_unit: str
    buyer_name: str
    buyer_company: str
    buyer_country: str
    attachments: tuple[IncomingAttachment, ...]
    created_at: datetime | None
    messages: tuple[IncomingMessage, ...] = ()


def _list(value: Any, *, field: str, maximum: int) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InquiryDataInvalid(field, "is not a list")
    if len(value) > maximum:
        raise InquiryDataInvalid(field, f"has more than {maximum} items")
    return value


def _mapping(value: Any, *, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InquiryDataInvalid(field, "is not an object")
    return value


def parse_attachments(value: Any, *, field: str = "attachments") -> tuple[IncomingAttachment, ...]:
    attachments = []
    for index, item in enumerate(_list(value, field=field, maximum=MAX_ATTACHMENTS)):
        where = f"{field}[{index}]"
        item = _mapping(item, field=where)
        size = item.get("size")
        attachments.append(
            IncomingAttachment(
                attachment_id=gateway_id(item.get("attachment_id"), field=f"{where}.attachment_id"),
                # The buyer's name is shown, never used as a path: its last part, printable characters only.
                file_name=display_name(
                    clean_text(item.get("file_name"), field=f"{where}.file_name", max_length=1000, multiline=False),
                    default="attachment",
                ),
                content_type=clean_text(
                    item.get("content_type"), field=f"{where}.content_type", max_length=100, multiline=False
                ),
                size=size if isinstance(size, int) and not isinstance(size, bool) and 0 <= size <= MAX_ID else 0,
            )
        )
    return tuple(attachments)


def parse_quotation(value: Any, *, field: str) -> IncomingQuotation | None:
    """A quotation as the gateway stored it; ``None`` when there is none or it cannot be read (the message text
    stays, the terms are not shown)."""
    if not isinstance(value, Mapping):
        return None
    try:
        price = Decimal(str(value.get("price")))
        quantity = int(str(value.get("quantity")))
        lead_time = int(value.get("lead_time_days") or 0)
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not (Decimal("0.01") <= price <= Decimal("9999999.00")) or not 0 < quantity <= 2**31 - 1:
        return None
    terms = value.get("payment_terms") or []

    def short(key: str, max_length: int = 128) -> str:
        return clean_text(value.get(key), field=f"{field}.{key}", max_length=max_length, multiline=False)

    return IncomingQuotation(
        price=price.quantize(Decimal("0.01")),
        quantity=quantity,
        unit=short("unit", 20),
        incoterm=short("incoterm", 3),
        lead_time_days=max(0, min(lead_time, 32767)),
        payment_terms=tuple(str(term)[:32] for term in terms if isinstance(term, str))[:7]
        if isinstance(terms, list)
        else (),
        port_of_loading=short("port_of_loading"),
        destination=short("destination"),
        valid_until=short("valid_until", 10),
        sample_terms=short("sample_terms", 1000),
    )


def parse_message(value: Any, *, field: str = "data") -> IncomingMessage:
    """A message of a thread, or the ``inquiry.message`` push's data."""
    item = _mapping(value, field=field)
    sender = item.get("sender")
    if sender not in ("buyer", "supplier"):
        raise InquiryDataInvalid(f"{field}.sender", "is neither buyer nor supplier")
    return IncomingMessage(
        message_id=gateway_id(item.get("message_id"), field=f"{field}.message_id"),
        sender=sender,
        content=clean_text(item.get("content"), field=f"{field}.content", max_length=MAX_CONTENT),
        attachments=parse_attachments(item.get("attachments"), field=f"{field}.attachments"),
        created_at=_time(item.get("gmt_create")),
        quotation=parse_quotation(item.get("quotation"), field=f"{field}.quotation"),
    )


def parse_inquiry(value: Any, *, field: str = "data") -> IncomingInquiry:
    """An inquiry of ``inquiry/list`` or ``inquiry/get`` (with its ``messages``), or the ``inquiry.new`` push's
    data (without)."""
    item = _mapping(value, field=field)
    subject = clean_text(item.get("subject"), field=f"{field}.subject", max_length=MAX_SUBJECT, multiline=False)
    messages = _list(item.get("messages"), field=f"{field}.messages", maximum=MAX_MESSAGES)
    return IncomingInquiry(
        inquiry_id=gateway_id(item.get("inquiry_id"), field=f"{field}.inquiry_id"),
        supplier_id=optional_gateway_id(item.get("supplier_id"), field=f"{field}.supplier_id"),
        product_id=optional_gateway_id(item.get("product_id"), field=f"{field}.product_id"),
        custom_code=clean_text(item.get("custom_code"), field=f"{field}.custom_code", max_length=64, multiline=False),
        subject=subject,
        content=clean_text(item.get("content"), field=f"{field}.content", max_length=MAX_CONTENT),
        quantity=_quantity(item.get("quantity")),
        quantity_unit=clean_text(
            item.get("quantity_unit"), field=f"{field}.quantity_unit", max_length=32, multiline=False
        ),
        buyer_name=clean_text(
            item.get("buyer_name"), field=f"{field}.buyer_name", max_length=MAX_NAME, multiline=False
        ),
        buyer_company=clean_text(
            item.get("buyer_company"), field=f"{field}.buyer_company", max_length=MAX_NAME, multiline=False
        ),
        buyer_country=_country(item.get("buyer_country")),
        attachments=parse_attachments(item.get("attachments"), field=f"{field}.attachments"),
        created_at=_time(item.get("gmt_create")),
        messages=tuple(
            parse_message(message, field=f"{field}.messages[{index}]") for index, message in enumerate(messages)
        ),
    )
