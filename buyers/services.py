"""Every write of the buyers domain: one function per use case, keyword-only, one transaction each.

An inquiry's status changes only through ``MACHINE`` (``models.TRANSITIONS`` checked, the audit row and the state
written together). Nothing here calls the gateway: a reply is a ``sending`` message and an ``inquiry.reply`` outbox
row in the same transaction (DESIGN.md §6); the handlers of ``buyers.sync`` report back through the services of the
"Delivery" section.

What comes from the gateway (pushes, the pull) is stored by ``inquiry_receive`` and ``inquiry_messages_receive``.
Both are idempotent and safe against each other: an inquiry is inserted once under its unique gateway id (a
concurrent insert falls back to the stored row), and messages are merged while the inquiry row is locked, so push
and pull, in any order and any number of times, never store an inquiry or a message twice.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alibaba import outbox
from alibaba.client import CLOCK_MARGIN
from buyers import notifications, selectors, workhours
from buyers.errors import IllegalTransition, NotAllowed, ReplyInvalid, SettingsInvalid
from buyers.incoming import IncomingAttachment, IncomingInquiry, IncomingMessage, IncomingQuotation
from buyers.models import (
    ANSWERED_STATES,
    ATTACHMENTS_KIND,
    DESTINATION_TERMS,
    MAX_REPLY,
    NO_PORT_TERMS,
    NOT_WAITING_STATES,
    OUTCOME_STATES,
    REPLY_KIND,
    TRANSITIONS,
    Attachment,
    AttachmentStatus,
    Buyer,
    Delivery,
    EventKind,
    Holiday,
    Incoterm,
    Inquiry,
    InquiryEvent,
    InquiryStatus,
    Message,
    NotificationSettings,
    PullCursor,
    Quotation,
    ReplyTemplate,
    Sender,
    WorkingWeek,
)
from catalog import selectors as catalog_selectors
from dxports import events, numbers
from dxports.audit import Actor, actor_or_none
from dxports.models import User
from dxports.states import StateMachine
from dxports.uploads import FileProblem, inspect
from sellers import services as sellers_services
from sellers.selectors import Seller

logger = logging.getLogger("dxports.buyers")

S = InquiryStatus
MAX_VALIDITY_DAYS = 180


# The state machine -----------------------------------------------------------------------------------------------

# The one door of an inquiry's status. Partners hear of the answers and the outcome (dxports.events).
MACHINE = StateMachine(
    table=TRANSITIONS,
    illegal=lambda inquiry, to: IllegalTransition(inquiry=inquiry, to=to),
    audit=lambda inquiry, **fields: InquiryEvent(inquiry=inquiry, **fields),
    transition_kind=EventKind.TRANSITION,
    events={
        S.REPLIED: "inquiry.replied",
        S.QUOTED: "inquiry.quoted",
        S.WON: "inquiry.won",
        S.LOST: "inquiry.lost",
        S.CLOSED: "inquiry.closed",
    },
    seller_of=lambda inquiry: inquiry.seller_id,
)


def _lock(inquiry: Inquiry) -> Inquiry:
    return Inquiry.objects.select_for_update().get(pk=inquiry.pk)


def _move(inquiry: Inquiry, to: str, *, actor: Actor = None, reason: str = "") -> None:
    """Move when the table allows it; stay otherwise (a reply in negotiation stays a negotiation)."""
    if inquiry.status != to and MACHINE.allows(inquiry.status, to):
        MACHINE.move(inquiry, to=to, actor=actor, reason=reason)


@transaction.atomic
def inquiry_transition(*, inquiry: Inquiry, to: str, actor: Actor = None, reason: str = "") -> Inquiry:
    """Move the inquiry to ``to`` (``IllegalTransition`` unless the table allows it) with its audit row. Entering
    an outcome (won, lost, closed, spam) ends the wait for an answer; reporting spam counts as the first response,
    as on Alibaba.com."""
    inquiry = _lock(inquiry)
    if inquiry.status == to:
        return inquiry
    MACHINE.move(inquiry, to=to, actor=actor, reason=reason)
    now = timezone.now()
    fields = []
    if to == S.SPAM:
        fields += _record_response(inquiry, at=now)
        inquiry.has_unread = False
        fields.append("has_unread")
    if to in NOT_WAITING_STATES and inquiry.awaiting_reply_since is not None:
        inquiry.awaiting_reply_since = None
        fields.append("awaiting_reply_since")
    if fields:
        inquiry.save(update_fields=[*fields, "updated_at"])
    return inquiry


def inquiry_mark(*, inquiry: Inquiry, actor: Actor, to: str, reason: str = "") -> Inquiry:
    """The seller's outcome from the thread page: won, lost, closed or spam."""
    if to not in OUTCOME_STATES:
        raise IllegalTransition(inquiry=inquiry, to=to)
    return inquiry_transition(inquiry=inquiry, to=to, actor=actor, reason=reason)


@transaction.atomic
def inquiry_spam_clear(*, inquiry: Inquiry, actor: Actor, reason: str = "") -> Inquiry:
    """Take a spam report back (the seller, or staff with ``buyers.handle_spam``): the inquiry is read again."""
    return inquiry_transition(inquiry=inquiry, to=S.READ, actor=actor, reason=reason)


@transaction.atomic
def inquiry_open(*, inquiry: Inquiry, actor: Actor) -> Inquiry:
    """A seller's user opened the thread: no longer unread, and a new inquiry is read. Staff reading an inquiry
    change nothing (the views call this for the seller's own users only)."""
    if not inquiry.has_unread and inquiry.status != S.NEW:
        return inquiry
    inquiry = _lock(inquiry)
    if inquiry.status == S.NEW:
        MACHINE.move(inquiry, to=S.READ, actor=actor)
    if inquiry.has_unread:
        inquiry.has_unread = False
        inquiry.save(update_fields=["has_unread", "updated_at"])
    return inquiry


def _record_response(inquiry: Inquiry, *, at: datetime) -> list[str]:
    """The first answer's time and how long the buyer waited, in plain and in working hours; the fields changed."""
    if inquiry.first_response_at is not None:
        return []
    at = max(at, inquiry.received_at)
    inquiry.first_response_at = at
    inquiry.response_seconds = int((at - inquiry.received_at).total_seconds())
    inquiry.response_working_seconds = workhours.working_seconds(
        inquiry.received_at, at, selectors.calendar_for(seller_id=inquiry.seller_id)
    )
    sellers_services.seller_milestone_reached(seller_id=inquiry.seller_id, step="first_reply_at", at=at)
    return ["first_response_at", "response_seconds", "response_working_seconds"]


# Inquiries in ----------------------------------------------------------------------------------------------------


def buyer_key(name: str, company: str, country: str) -> str:
    folded = "\x1f".join(" ".join(part.casefold().split()) for part in (name, company, country))
    return hashlib.sha256(folded.encode()).hexdigest()


def _buyer(incoming: IncomingInquiry) -> Buyer:
    buyer, _created = Buyer.objects.get_or_create(
        key=buyer_key(incoming.buyer_name, incoming.buyer_company, incoming.buyer_country),
        defaults={
            "name": incoming.buyer_name or _("Unnamed buyer"),
            "company": incoming.buyer_company,
            "country": incoming.buyer_country,
        },
    )
    return buyer


@transaction.atomic(savepoint=False)
def inquiry_receive(*, seller_id: int, incoming: IncomingInquiry) -> tuple[Inquiry, bool]:
    """Store an inquiry the gateway sent for the seller ``seller_id`` (a push, or a thread read by the pull) with
    the buyer, the opening and its attachments, and any later ``incoming.messages``. Returns ``(inquiry, created)``.
    A new inquiry is announced (``inquiry.received``); after commit it is mailed to the seller's users who want it
    (``notifications``), and its files are fetched in the background (``inquiry.attachments``). Idempotent; an
    inquiry stored already only gains the messages it lacks. Runs in the caller's transaction when there is one (a
    push handler's), without a savepoint of its own."""
    now = timezone.now()
    received_at = min(incoming.created_at or now, now)
    inquiry = Inquiry(
        seller_id=seller_id,
        buyer=_buyer(incoming),
        product_id=catalog_selectors.product_id_for_listing(
            seller_id=seller_id, custom_code=incoming.custom_code, gateway_product_id=incoming.product_id
        ),
        gateway_inquiry_id=incoming.inquiry_id,
        gateway_product_id=incoming.product_id,
        custom_code=incoming.custom_code,
        subject=incoming.subject or _("Inquiry"),
        quantity=incoming.quantity,
        quantity_unit=incoming.quantity_unit,
        received_at=received_at,
        last_message_at=received_at,
        awaiting_reply_since=received_at,
        status_changed_at=now,
    )
    # Inserted first (new inquiries are the common case) with the conflict on the unique gateway id ignored, then
    # read back locked: a repeat, or a concurrent push or pull that committed first, leaves the stored row, which is
    # ours only when it carries our public id.
    Inquiry.objects.bulk_create([inquiry], ignore_conflicts=True)
    stored = Inquiry.objects.select_for_update().get(gateway_inquiry_id=incoming.inquiry_id)
    if stored.public_id != inquiry.public_id:
        _merge(stored, incoming.messages)
        return stored, False
    inquiry = stored
    sellers_services.seller_milestone_reached(seller_id=seller_id, step="first_inquiry_at", at=received_at)
    opening = Message.objects.create(
        inquiry=inquiry, sender=Sender.BUYER, is_opening=True, content=incoming.content, created_at=received_at
    )
    has_files = _attach(inquiry, opening, incoming.attachments)
    events.record(
        "inquiry.received",
        seller_id=seller_id,
        subject=inquiry,
        data={
            "status": inquiry.status,
            "buyer_country": incoming.buyer_country,
            "product_custom_code": incoming.custom_code,
            "received_at": received_at.isoformat(),
        },
    )
    notifications.new_inquiry_on_commit(inquiry)
    if incoming.messages:
        _merge(inquiry, incoming.messages)
    elif has_files:
        outbox.enqueue(kind=ATTACHMENTS_KIND, target=str(inquiry.pk))
    return inquiry, True


def _attach(inquiry: Inquiry, message: Message, attachments: tuple[IncomingAttachment, ...]) -> bool:
    """Attachment rows (to be fetched) for ``message``; whether there were any. Ids seen already are skipped."""
    if not attachments:
        return False
    Attachment.objects.bulk_create(
        [
            Attachment(
                inquiry=inquiry,
                message=message,
                gateway_attachment_id=item.attachment_id,
                file_name=item.file_name,
                declared_type=item.content_type,
                declared_size=item.size,
            )
            for item in attachments
        ],
        ignore_conflicts=True,
    )
    return True


@transaction.atomic(savepoint=False)
def inquiry_messages_receive(
    *, seller_id: int, gateway_inquiry_id: int, messages: tuple[IncomingMessage, ...]
) -> list[Message] | None:
    """Store the later messages of the seller's (``seller_id``) inquiry ``gateway_inquiry_id`` (the
    ``inquiry.message`` push, or the pull) that are not stored yet. Returns the messages created, or ``None`` when
    the inquiry is not stored (yet). Idempotent."""
    inquiry = (
        Inquiry.objects.select_for_update().filter(seller_id=seller_id, gateway_inquiry_id=gateway_inquiry_id).first()
    )
    if inquiry is None:
        return None
    return _merge(inquiry, messages)


def _merge(inquiry: Inquiry, messages: tuple[IncomingMessage, ...]) -> list[Message]:
    """Add ``messages`` unknown so far to ``inquiry`` (locked by the caller), oldest first, and apply what each
    means: a buyer's message asks for an answer again (unread, waiting, a negotiation once answered); a supplier's
    message found in the thread is one of our replies whose answer was lost (its id recorded now) or an answer the
    seller gave elsewhere (stored as sent, counted as a response)."""
    if not messages:
        return []
    known = set(
        Message.objects.filter(gateway_message_id__in=[m.message_id for m in messages]).values_list(
            "gateway_message_id", flat=True
        )
    )
    new = sorted((m for m in messages if m.message_id not in known), key=lambda m: m.message_id)
    if not new:
        return []
    now = timezone.now()
    created, fetch = [], False
    fields = {"updated_at"}
    for item in new:
        at = min(item.created_at or now, now)
        if item.sender == "supplier":
            message = _claim_our_reply(inquiry, item) or _store_outside_reply(inquiry, item, at)
            fields.update(_record_response(inquiry, at=at))
            if inquiry.awaiting_reply_since is not None and inquiry.awaiting_reply_since <= at:
                inquiry.awaiting_reply_since = None
                fields.add("awaiting_reply_since")
            _move(inquiry, S.QUOTED if item.quotation is not None else S.REPLIED)
        else:
            message = Message.objects.create(
                inquiry=inquiry, gateway_message_id=item.message_id, sender=Sender.BUYER, content=item.content,
                created_at=at,
            )  # fmt: skip
            fetch = _attach(inquiry, message, item.attachments) or fetch
            inquiry.has_unread = True
            fields.add("has_unread")
            if inquiry.status != S.SPAM and inquiry.awaiting_reply_since is None:
                inquiry.awaiting_reply_since = at
                fields.add("awaiting_reply_since")
            if inquiry.status in ANSWERED_STATES:
                _move(inquiry, S.NEGOTIATING, reason=_("The buyer wrote again."))
        created.append(message)
        if at > inquiry.last_message_at:
            inquiry.last_message_at = at
            fields.add("last_message_at")
    inquiry.save(update_fields=sorted(fields))
    if fetch:
        outbox.enqueue(kind=ATTACHMENTS_KIND, target=str(inquiry.pk))
    return created


def _claim_our_reply(inquiry: Inquiry, item: IncomingMessage) -> Message | None:
    """Our reply that the supplier message ``item`` is, when one is still without an id: the earliest with the same
    text (and terms) written no later than the gateway's clock margin after it."""
    candidates = Message.objects.filter(
        inquiry=inquiry, sender=Sender.SELLER, gateway_message_id__isnull=True, content=item.content
    ).select_related("quotation")
    if item.created_at is not None:
        candidates = candidates.filter(created_at__lte=item.created_at + CLOCK_MARGIN)
    for message in candidates.order_by("created_at", "id"):
        if _same_terms(getattr(message, "quotation", None), item.quotation):
            _mark_sent(message, gateway_message_id=item.message_id, sent_at=item.created_at)
            return message
    return None


def _same_terms(quotation: Quotation | None, incoming: IncomingQuotation | None) -> bool:
    if quotation is None or incoming is None:
        return quotation is None and incoming is None
    return (
        quotation.price == incoming.price
        and quotation.quantity == incoming.quantity
        and quotation.unit == incoming.unit
        and quotation.incoterm == incoming.incoterm
        and list(quotation.payment_terms) == list(incoming.payment_terms)
    )


def _store_outside_reply(inquiry: Inquiry, item: IncomingMessage, at: datetime) -> Message:
    message = Message.objects.create(
        inquiry=inquiry,
        gateway_message_id=item.message_id,
        sender=Sender.SELLER,
        content=item.content,
        delivery=Delivery.SENT,
        created_at=at,
        sent_at=at,
    )
    if item.quotation is not None and item.quotation.incoterm in Incoterm.values:
        terms = item.quotation
        Quotation.objects.create(
            message=message,
            price=terms.price,
            quantity=terms.quantity,
            unit=terms.unit,
            incoterm=terms.incoterm,
            port_of_loading=terms.port_of_loading,
            destination=terms.destination,
            lead_time_days=terms.lead_time_days,
            payment_terms=list(terms.payment_terms),
            valid_until=_date_or_none(terms.valid_until),
            sample_terms=terms.sample_terms,
        )
    return message


def _date_or_none(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# Replies out -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuotationTerms:
    """A quotation as the seller wrote it (``quotation_terms`` checks it as the gateway would)."""

    price: Decimal
    quantity: int
    unit: str
    incoterm: str
    lead_time_days: int
    payment_terms: tuple[str, ...]
    port_of_loading: str = ""
    destination: str = ""
    valid_until: date | None = None
    sample_terms: str = ""


def quotation_terms(**values: Any) -> QuotationTerms:
    """``QuotationTerms`` from the quotation form's values, checked as the gateway checks them (docs/gateway.md):
    ``ReplyInvalid`` naming the first field that breaks a rule."""
    try:
        price = Decimal(str(values.get("price"))).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise ReplyInvalid(_("Give the price per unit in US dollars."), field="price") from None
    if not Decimal("0.01") <= price <= Decimal("9999999.00"):
        raise ReplyInvalid(_("The price must be between 0.01 and 9,999,999.00 US dollars."), field="price")
    quantity = values.get("quantity")
    if not isinstance(quantity, int) or not 1 <= quantity <= 99_999_999:
        raise ReplyInvalid(_("The quantity must be a whole number from 1 to 99,999,999."), field="quantity")
    unit = values.get("unit")
    if unit not in {value for value, _label in catalog_selectors.trade_units()}:
        raise ReplyInvalid(_("Choose the unit."), field="unit")
    incoterm = values.get("incoterm")
    if incoterm not in Incoterm.values:
        raise ReplyInvalid(_("Choose the Incoterm."), field="incoterm")
    port = (values.get("port_of_loading") or "").strip()
    destination = (values.get("destination") or "").strip()
    if incoterm not in NO_PORT_TERMS and not port:
        raise ReplyInvalid(
            _("Name the port of loading: %(term)s needs one.") % {"term": incoterm}, field="port_of_loading"
        )
    if incoterm in DESTINATION_TERMS and not destination:
        raise ReplyInvalid(
            _("Name the port or place of destination: %(term)s needs one.") % {"term": incoterm}, field="destination"
        )
    if len(port) > 128 or len(destination) > 128:
        raise ReplyInvalid(_("A port or place is at most 128 characters."), field="port_of_loading")
    lead_time = values.get("lead_time_days")
    if not isinstance(lead_time, int) or not 1 <= lead_time <= 365:
        raise ReplyInvalid(_("The lead time is 1 to 365 days."), field="lead_time_days")
    terms = tuple(values.get("payment_terms") or ())
    if not terms or len(set(terms)) != len(terms) or not set(terms) <= set(catalog_selectors.payment_methods()):
        raise ReplyInvalid(_("Choose one or more payment terms."), field="payment_terms")
    valid_until = values.get("valid_until")
    today = timezone.now().date()  # the gateway's UTC date
    if valid_until is not None and not today <= valid_until <= today + timedelta(days=MAX_VALIDITY_DAYS):
        raise ReplyInvalid(
            _("The offer must be valid from today to %(days)d days ahead.") % {"days": MAX_VALIDITY_DAYS},
            field="valid_until",
        )
    sample_terms = (values.get("sample_terms") or "").strip()
    if len(sample_terms) > 1000:
        raise ReplyInvalid(_("The sample terms are at most 1,000 characters."), field="sample_terms")
    return QuotationTerms(
        price=price,
        quantity=quantity,
        unit=unit,
        incoterm=incoterm,
        lead_time_days=lead_time,
        payment_terms=terms,
        port_of_loading=port,
        destination=destination,
        valid_until=valid_until,
        sample_terms=sample_terms,
    )


def _reply_text(content: str | None) -> str:
    content = (content or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not content:
        raise ReplyInvalid(_("Write the message to the buyer."), field="content")
    if len(content) > MAX_REPLY:
        raise ReplyInvalid(
            _("The message is %(length)d characters long; Alibaba.com takes at most %(max)d.")
            % {"length": len(content), "max": MAX_REPLY},
            field="content",
        )
    return content


@transaction.atomic
def inquiry_reply(*, inquiry: Inquiry, actor: Actor, content: str, quotation: QuotationTerms | None = None) -> Message:
    """The seller's answer, with a quotation when ``quotation`` is given: a ``sending`` message and its outbox job
    (``inquiry.reply``), in one transaction. The first answer records the response time; the inquiry moves to
    replied (or quoted), and no longer waits. ``NotAllowed`` when the seller is not in the program or the inquiry
    is reported as spam; ``ReplyInvalid`` naming the field."""
    content = _reply_text(content)
    inquiry = _lock(inquiry)
    if not inquiry.seller.is_in_program:
        raise NotAllowed(
            _("Your business is not in the program now: it cannot answer buyers."),
            extra={"code": "seller_not_in_program"},
        )
    if inquiry.status == S.SPAM:
        raise NotAllowed(
            _("This inquiry is reported as spam: take the report back before you answer."),
            extra={"code": "inquiry_is_spam"},
        )
    now = timezone.now()
    message = Message.objects.create(
        inquiry=inquiry,
        sender=Sender.SELLER,
        content=content,
        author=actor_or_none(actor),
        delivery=Delivery.SENDING,
        created_at=now,
    )
    if quotation is not None:
        Quotation.objects.create(
            message=message,
            price=quotation.price,
            quantity=quotation.quantity,
            unit=quotation.unit,
            incoterm=quotation.incoterm,
            port_of_loading=quotation.port_of_loading,
            destination=quotation.destination,
            lead_time_days=quotation.lead_time_days,
            payment_terms=list(quotation.payment_terms),
            valid_until=quotation.valid_until,
            sample_terms=quotation.sample_terms,
        )
    InquiryEvent.record(
        inquiry=inquiry,
        actor=actor,
        kind=EventKind.REPLY,
        changes={"message": [None, str(message.public_id)], "quotation": [None, quotation is not None]},
        created_at=now,
    )
    fields = {"updated_at", "last_message_at", "has_unread", "awaiting_reply_since", *_record_response(inquiry, at=now)}
    inquiry.last_message_at = now
    inquiry.has_unread = False
    inquiry.awaiting_reply_since = None
    _move(inquiry, S.QUOTED if quotation is not None else S.REPLIED, actor=actor)
    inquiry.save(update_fields=sorted(fields))
    outbox.enqueue(kind=REPLY_KIND, target=str(message.pk))
    return message


def _mark_sent(message: Message, *, gateway_message_id: int, sent_at: datetime | None = None) -> bool:
    changed = Message.objects.filter(pk=message.pk, gateway_message_id__isnull=True).update(
        gateway_message_id=gateway_message_id,
        delivery=Delivery.SENT,
        sent_at=sent_at or timezone.now(),
        failure_reason="",
    )
    message.refresh_from_db()
    return bool(changed)


@transaction.atomic
def inquiry_reply_record(*, message: Message, gateway_message_id: int, sent_at: datetime | None = None) -> bool:
    """The gateway holds ``message`` as ``gateway_message_id``: it is sent. Idempotent: recording the id again (or
    after the pull found it in the thread) changes nothing. Returns whether it was recorded now."""
    _lock(message.inquiry)
    return _mark_sent(message, gateway_message_id=gateway_message_id, sent_at=sent_at)


@transaction.atomic
def inquiry_reply_failed(*, message: Message, reason: str) -> bool:
    """The reply could not be sent (the gateway refused it, or gave up after many attempts): ``failed`` with the
    reason the seller reads; a retry is offered. A message sent meanwhile stays sent."""
    changed = Message.objects.filter(pk=message.pk, gateway_message_id__isnull=True).update(
        delivery=Delivery.FAILED, failure_reason=outbox.storable_text(reason)[:2000]
    )
    if changed:
        InquiryEvent.record(
            inquiry=message.inquiry,
            actor=None,
            kind=EventKind.DELIVERY,
            reason=reason,
            changes={"delivery": ["sending", "failed"]},
        )
    return bool(changed)


@transaction.atomic
def inquiry_reply_retry(*, message: Message, actor: Actor) -> Message:
    """Send a failed reply again (the handler looks for it in the thread first). ``NotAllowed`` unless it failed."""
    inquiry = _lock(message.inquiry)
    changed = Message.objects.filter(pk=message.pk, delivery=Delivery.FAILED, gateway_message_id__isnull=True).update(
        delivery=Delivery.SENDING, failure_reason=""
    )
    if not changed:
        raise NotAllowed(_("Only a message that failed can be sent again."))
    InquiryEvent.record(
        inquiry=inquiry, actor=actor, kind=EventKind.DELIVERY, changes={"delivery": ["failed", "sending"]}
    )
    outbox.enqueue(kind=REPLY_KIND, target=str(message.pk))
    message.refresh_from_db()
    return message


# Attachments -----------------------------------------------------------------------------------------------------


@transaction.atomic
def attachment_store(*, attachment: Attachment, data: bytes, max_pixels: int) -> Attachment:
    """Keep a fetched file once it is checked by its content (PDF, JPEG or PNG, whole): ``stored``, or ``refused``
    with the reason (the file is not kept). Idempotent: a stored attachment is left alone."""
    attachment = Attachment.objects.select_for_update().select_related("inquiry").get(pk=attachment.pk)
    if attachment.status == AttachmentStatus.STORED:
        return attachment
    try:
        inspected = inspect(data, allowed={"pdf", "jpeg", "png"}, max_pixels=max_pixels)
    except FileProblem as problem:
        attachment.status = AttachmentStatus.REFUSED
        attachment.problem = problem.code
        attachment.save(update_fields=["status", "problem"])
        return attachment
    from django.core.files.base import ContentFile

    attachment.content_type = inspected.content_type
    attachment.size = len(data)
    attachment.sha256 = hashlib.sha256(data).hexdigest()
    attachment.file.save("file", ContentFile(data), save=False)
    attachment.status = AttachmentStatus.STORED
    attachment.problem = ""
    attachment.stored_at = timezone.now()
    attachment.save()
    return attachment


@transaction.atomic
def attachment_refuse(*, attachment: Attachment, problem: str) -> None:
    """A file we will not keep (too large to fetch): ``refused`` with the reason."""
    Attachment.objects.filter(pk=attachment.pk).exclude(status=AttachmentStatus.STORED).update(
        status=AttachmentStatus.REFUSED, problem=problem[:2000]
    )


@transaction.atomic
def attachments_failed(*, inquiry: Inquiry, problem: str) -> None:
    """The files still to fetch could not be fetched (the gateway refused, or gave up): ``failed``."""
    Attachment.objects.filter(inquiry=inquiry, status=AttachmentStatus.PENDING).update(
        status=AttachmentStatus.FAILED, problem=outbox.storable_text(problem)[:2000]
    )


# The pull --------------------------------------------------------------------------------------------------------


@transaction.atomic
def pull_cursor_store(*, seller: Seller, cursor: str | None, error: str = "") -> PullCursor:
    """Remember where the pull stopped, and how it ended. The cursor never moves back (the gateway's cursors are
    numbers), so a slower concurrent pull cannot undo a later one's progress."""
    row, _created = PullCursor.objects.select_for_update().get_or_create(seller=seller)
    if cursor is not None and _cursor_after(cursor, row.cursor):
        row.cursor = cursor
    row.pulled_at = timezone.now()
    row.last_error = outbox.storable_text(error)[:2000]
    row.save()
    return row


def _cursor_after(new: str, old: str) -> bool:
    if not old:
        return True
    new_number, old_number = numbers.ascii_whole(new, max_digits=30), numbers.ascii_whole(old, max_digits=30)
    if new_number is not None and old_number is not None:
        return new_number >= old_number
    return new != old


# Templates, working week, e-mail settings ------------------------------------------------------------------------


@transaction.atomic
def reply_template_save(
    *, seller: Seller, name: str, body: str, template: ReplyTemplate | None = None
) -> ReplyTemplate:
    """Create (``template`` None) or change one of the seller's reply templates; names are unique per seller."""
    name = (name or "").strip()
    body = (body or "").replace("\r\n", "\n").strip()
    if not name:
        raise ReplyInvalid(_("Give the template a name."), field="name")
    if not body:
        raise ReplyInvalid(_("Write the template's text."), field="body")
    if len(body) > MAX_REPLY:
        raise ReplyInvalid(_("A template is at most %(max)d characters.") % {"max": MAX_REPLY}, field="body")
    clash = ReplyTemplate.objects.filter(seller=seller, name=name)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise ReplyInvalid(_("You have a template of that name already."), field="name")
    if template is None:
        return ReplyTemplate.objects.create(seller=seller, name=name[:80], body=body)
    template.name, template.body = name[:80], body
    template.save(update_fields=["name", "body", "updated_at"])
    return template


@transaction.atomic
def reply_template_delete(*, template: ReplyTemplate) -> None:
    template.delete()


@transaction.atomic
def working_week_update(
    *, seller: Seller, day_starts_at: time, day_ends_at: time, off_days: Iterable[int]
) -> WorkingWeek:
    """The seller's working hours and weekly off-days (``SettingsInvalid`` when no working day is left, or the day
    ends before it starts). Response times already recorded keep the week they were measured in."""
    off_days = sorted({int(day) for day in off_days})
    if len(off_days) >= 7:
        raise SettingsInvalid(_("Keep at least one working day in the week."), field="off_days")
    try:
        workhours.Calendar(day_starts_at=day_starts_at, day_ends_at=day_ends_at, off_days=frozenset(off_days))
    except ValueError:
        raise SettingsInvalid(_("The working day must end after it starts."), field="day_ends_at") from None
    week, _created = WorkingWeek.objects.update_or_create(
        seller=seller, defaults={"day_starts_at": day_starts_at, "day_ends_at": day_ends_at, "off_days": off_days}
    )
    return week


@transaction.atomic
def holiday_add(*, seller: Seller, day: date, name: str = "") -> Holiday:
    if Holiday.objects.filter(seller=seller, date=day).exists():
        raise SettingsInvalid(_("%(date)s is a holiday already.") % {"date": day.isoformat()}, field="date")
    return Holiday.objects.create(seller=seller, date=day, name=(name or "").strip()[:100])


@transaction.atomic
def holiday_remove(*, holiday: Holiday) -> None:
    holiday.delete()


@transaction.atomic
def notification_settings_update(
    *, user: User, new_inquiry_email: bool, daily_digest_email: bool
) -> NotificationSettings:
    row, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"new_inquiry_email": new_inquiry_email, "daily_digest_email": daily_digest_email}
    )
    return row
