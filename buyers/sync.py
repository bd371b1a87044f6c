"""The buyers' side of the sync engine (DESIGN.md §5, §6): the push handlers of ``inquiry.new`` and
``inquiry.message``, the periodic pull of ``/dexports/inquiry/list``, and the outbox handlers of ``inquiry.reply``
and ``inquiry.attachments``. Registered in ``BuyersConfig.ready``.

- Pushes write local state only (``buyers.services``), inside the push's transaction. A push that cannot be stored
  (absurd sizes, ids that are not ids) or is not about our suppliers is refused for good (``PushRefused``: the
  receiver answered 200 already; retrying would not change it); a message about an inquiry we do not hold yet is
  retried with backoff while the pull catches up.
- The pull reads each supplier's inquiries changed since the stored cursor, with their whole threads, and stores
  them through the same services as the pushes: the unique gateway ids make the two paths converge.
- ``inquiry.reply`` sends one seller message. The gateway's reply is not idempotent, so unless this is the job's
  very first attempt the thread is read first and the reply looked for (``Inquiry.find_reply``): a timeout, a lost
  answer, a killed worker or a lost lease can each hide a reply the gateway took. The gateway's message id is
  recorded as soon as it is known. An expired token is refreshed once (``SupplierSession``); transient errors and
  bans propagate to the engine, which retries; a refusal or giving up marks the message ``failed`` with the reason.
- ``inquiry.attachments`` fetches the inquiry's files still to fetch, each checked by content before it is kept.
"""

from __future__ import annotations

import logging
import tempfile
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from alibaba import outbox, pushes
from alibaba.client import DownloadedFile, InquiryPage
from alibaba.client import Quotation as GatewayQuotation
from alibaba.errors import AttachmentTooLarge, ConfigurationError, GatewayError, Rejected, TransientError
from alibaba.gateway import shared_client
from buyers import selectors, services
from buyers.errors import InquiryDataInvalid
from buyers.incoming import gateway_id, parse_inquiry, parse_message
from buyers.models import ATTACHMENTS_KIND, REPLY_KIND, Attachment, AttachmentStatus, Delivery, Inquiry, Message
from sellers import selectors as sellers_selectors
from sellers.selectors import Seller
from sellers.services import SupplierSession

logger = logging.getLogger("dxports.buyers.sync")

INQUIRY_NEW = "inquiry.new"
INQUIRY_MESSAGE = "inquiry.message"
PULL_PAGE_SIZE = 50
PULL_MAX_PAGES = 40
PULL_LOCK_S = 15 * 60


def register() -> None:
    outbox.register(REPLY_KIND, send_reply, on_failure=reply_failed)
    outbox.register(ATTACHMENTS_KIND, fetch_attachments, on_failure=attachments_failed)
    pushes.register_push_handler(INQUIRY_NEW, receive_inquiry)
    pushes.register_push_handler(INQUIRY_MESSAGE, receive_message)


# Pushes ----------------------------------------------------------------------------------------------------------


# Which seller a supplier account belongs to never changes (the gateway's supplier ids are unique, an account is its
# seller's for good), so each process remembers what it looked up: one query less for every push.
_SELLER_OF_SUPPLIER: dict[str, int] = {}
SELLER_OF_SUPPLIER_MAX = 10_000


def _seller_id_for(supplier_id: int | str | None) -> int | None:
    key = str(supplier_id)
    seller_id = _SELLER_OF_SUPPLIER.get(key)
    if seller_id is None:
        seller_id = sellers_selectors.seller_id_for_supplier(supplier_id=key)
        if seller_id is not None:  # an account created later is found then
            if len(_SELLER_OF_SUPPLIER) >= SELLER_OF_SUPPLIER_MAX:
                _SELLER_OF_SUPPLIER.clear()
            _SELLER_OF_SUPPLIER[key] = seller_id
    return seller_id


class MessageBeforeInquiry(Exception):
    """A buyer's message about an inquiry we do not hold yet (its push was lost or is late): retried later, while
    the pull brings the inquiry."""


def receive_inquiry(push: pushes.InboundPush) -> None:
    """``inquiry.new``: the inquiry, its buyer, opening and files, stored once (see ``services.inquiry_receive``).
    Data that cannot be stored, or an inquiry for a supplier that is not ours, is refused (``PushRefused``: kept on
    the push for staff, never retried)."""
    try:
        incoming = parse_inquiry(push.data)
    except InquiryDataInvalid as error:
        raise pushes.PushRefused(f"inquiry.new cannot be stored: {error}") from error
    seller_id = _seller_id_for(incoming.supplier_id)
    if seller_id is None:
        raise pushes.PushRefused(f"inquiry {incoming.inquiry_id} is for supplier {incoming.supplier_id!r}, not ours")
    services.inquiry_receive(seller_id=seller_id, incoming=incoming)


def receive_message(push: pushes.InboundPush) -> None:
    """``inquiry.message``: a buyer's follow-up, stored once on its inquiry; refused as ``receive_inquiry`` refuses,
    and retried while its inquiry is not stored yet."""
    data = push.data
    try:
        inquiry_id = gateway_id(data.get("inquiry_id"), field="data.inquiry_id")
        supplier_id = gateway_id(data.get("supplier_id"), field="data.supplier_id")
        message = parse_message(data)
    except InquiryDataInvalid as error:
        raise pushes.PushRefused(f"inquiry.message cannot be stored: {error}") from error
    seller_id = _seller_id_for(supplier_id)
    if seller_id is None:
        raise pushes.PushRefused(f"a message for supplier {supplier_id!r}, not ours")
    stored = services.inquiry_messages_receive(seller_id=seller_id, gateway_inquiry_id=inquiry_id, messages=(message,))
    if stored is None:
        raise MessageBeforeInquiry(f"inquiry {inquiry_id} of supplier {supplier_id} is not stored yet")


# The pull --------------------------------------------------------------------------------------------------------


def pull_all() -> dict[str, int | str]:
    """Beat: pull every selling seller's inquiries (``pull_seller``). A ban stops the round (the next one carries
    on from the stored cursors). Returns counts."""
    if not cache.add("dxports:buyers:pull", 1, timeout=PULL_LOCK_S):
        return {"skipped": "another pull is running"}
    counted = {"sellers": 0, "inquiries": 0, "refused": 0, "failed": 0}
    try:
        for seller in sellers_selectors.sellers_that_may_sell():
            try:
                counts = pull_seller(seller=seller)
            except TransientError as error:
                counted["failed"] += 1
                services.pull_cursor_store(seller=seller, cursor=None, error=str(error))
                if getattr(error, "retry_after", None):
                    break
                continue
            except GatewayError as error:
                counted["failed"] += 1
                services.pull_cursor_store(seller=seller, cursor=None, error=str(error))
                continue
            counted["sellers"] += 1
            counted["inquiries"] += counts["inquiries"]
            counted["refused"] += counts["refused"]
    finally:
        cache.delete("dxports:buyers:pull")
    return dict(counted)


def pull_seller(*, seller: Seller, page_size: int = PULL_PAGE_SIZE, max_pages: int = PULL_MAX_PAGES) -> dict[str, int]:
    """Read the seller's inquiries changed since the stored cursor, page by page, and store each with its thread;
    the cursor is stored after each page. An inquiry whose data cannot be read is logged and skipped. Returns
    counts."""
    session = SupplierSession(shared_client(), seller)
    row = selectors.pull_cursor_for(seller=seller)
    cursor = row.cursor if row is not None and row.cursor else None
    counts = {"inquiries": 0, "refused": 0, "pages": 0}
    for _page in range(max_pages):

        def read(cursor: str | None = cursor) -> InquiryPage:
            return session.client.inquiry_list(session.token, cursor=cursor, page_size=page_size)

        page = session.run(read)
        counts["pages"] += 1
        for index, item in enumerate(page.inquiries):
            try:
                incoming = parse_inquiry(item.raw, field=f"inquiries[{index}]")
            except InquiryDataInvalid as error:
                logger.warning("pull of seller %s: inquiry refused: %s", seller.pk, error)
                counts["refused"] += 1
                continue
            services.inquiry_receive(seller_id=seller.pk, incoming=incoming)
            counts["inquiries"] += 1
        services.pull_cursor_store(seller=seller, cursor=page.next_cursor)
        cursor = page.next_cursor or cursor
        if not page.has_more:
            break
    return counts


# inquiry.reply ---------------------------------------------------------------------------------------------------


def _pk(target: str) -> int | None:
    try:
        return int(target)
    except (TypeError, ValueError):
        return None


def _gateway_quotation(message: Message) -> GatewayQuotation | None:
    terms = getattr(message, "quotation", None)
    if terms is None:
        return None
    return GatewayQuotation(
        price=terms.price,
        quantity=terms.quantity,
        unit=terms.unit,
        incoterm=terms.incoterm,
        lead_time_days=terms.lead_time_days,
        payment_terms=tuple(terms.payment_terms),
        port_of_loading=terms.port_of_loading or None,
        destination=terms.destination or None,
        valid_until=terms.valid_until,
        sample_terms=terms.sample_terms,
    )


def send_reply(job: outbox.OutboxJob) -> dict[str, Any]:
    """Send the seller's message to the buyer once (see the module's docstring). Returns what the attempt log
    keeps: the action (``sent``, or ``found`` in the thread) and the gateway's message id."""
    pk = _pk(job.target)
    message = (
        Message.objects.select_related("inquiry__seller", "quotation").filter(pk=pk).first() if pk is not None else None
    )
    if message is None:
        return {"skipped": "the message no longer exists"}
    if message.gateway_message_id is not None:
        return {"skipped": "sent already", "message_id": message.gateway_message_id}
    if message.delivery != Delivery.SENDING:
        return {"skipped": f"the message is {message.delivery}"}
    session = SupplierSession(shared_client(), message.inquiry.seller)
    return session.run(lambda: _send(job, message, session))


def _send(job: outbox.OutboxJob, message: Message, session: SupplierSession) -> dict[str, Any]:
    inquiry = message.inquiry
    quotation = _gateway_quotation(message)
    if outbox.had_earlier_attempts(job):
        thread = session.client.inquiry_get(session.token, inquiry.gateway_inquiry_id)
        found = thread.find_reply(
            content=message.content,
            sent_from=message.created_at,
            quotation=quotation,
            known_message_ids=selectors.recorded_reply_ids(inquiry=inquiry, exclude=message),
        )
        if found is not None:
            services.inquiry_reply_record(
                message=message, gateway_message_id=found.message_id, sent_at=found.created_at
            )
            return {"action": "found", "message_id": found.message_id}
    message_id = session.client.inquiry_reply(
        session.token, inquiry.gateway_inquiry_id, content=message.content, quotation=quotation
    )
    services.inquiry_reply_record(message=message, gateway_message_id=message_id)
    return {"action": "sent", "message_id": message_id}


def reply_failed(job: outbox.OutboxJob, error: BaseException) -> None:
    """The outbox gave up on a reply: the message is ``failed`` with what the seller can do."""
    pk = _pk(job.target)
    message = Message.objects.select_related("inquiry").filter(pk=pk).first() if pk is not None else None
    if message is not None:
        services.inquiry_reply_failed(message=message, reason=failure_reason(job, error))


def failure_reason(job: outbox.OutboxJob, error: BaseException) -> str:
    """The sentence the seller reads: the gateway's own words when it refused, else what happened."""
    if isinstance(error, Rejected):
        return _("Alibaba.com refused the message: %(message)s. Correct it and send a new one.") % {
            "message": error.user_message or error.message
        }
    if isinstance(error, ConfigurationError):
        return _(
            "The message could not be sent because of a problem on our side (%(code)s); the program staff have "
            "been told. Try again later."
        ) % {"code": error.code}
    message = error.message if isinstance(error, GatewayError) else (job.last_error_message or str(error))
    return _("Alibaba.com could not be reached after several attempts (%(message)s). Try again.") % {
        "message": message[:300]
    }


# inquiry.attachments ---------------------------------------------------------------------------------------------


def fetch_attachments(job: outbox.OutboxJob) -> dict[str, Any]:
    """Fetch every file of the inquiry still to fetch, check it by content and keep it (or refuse it). Files done
    already are skipped, so a retry after a transient error fetches only the rest."""
    pk = _pk(job.target)
    inquiry = Inquiry.objects.select_related("seller").filter(pk=pk).first() if pk is not None else None
    if inquiry is None:
        return {"skipped": "the inquiry no longer exists"}
    pending = list(Attachment.objects.filter(inquiry=inquiry, status=AttachmentStatus.PENDING))
    if not pending:
        return {"skipped": "nothing to fetch"}
    session = SupplierSession(shared_client(), inquiry.seller)
    results = {}
    for attachment in pending:
        results[attachment.gateway_attachment_id] = _fetch(attachment, session)
    return {"files": results}


def _fetch(attachment: Attachment, session: SupplierSession) -> str:
    max_bytes = settings.BUYERS_ATTACHMENT_MAX_BYTES
    with tempfile.TemporaryFile() as handle:

        def download() -> DownloadedFile:
            handle.seek(0)
            handle.truncate()
            return session.client.inquiry_attachment_download(
                session.token, attachment.gateway_attachment_id, handle, max_bytes=max_bytes
            )

        try:
            session.run(download)
        except AttachmentTooLarge:
            services.attachment_refuse(attachment=attachment, problem="too_large")
            return "too_large"
        handle.seek(0)
        data = handle.read()
    stored = services.attachment_store(
        attachment=attachment, data=data, max_pixels=settings.BUYERS_ATTACHMENT_MAX_PIXELS
    )
    return stored.status if stored.status == AttachmentStatus.STORED else stored.problem


def attachments_failed(job: outbox.OutboxJob, error: BaseException) -> None:
    pk = _pk(job.target)
    inquiry = Inquiry.objects.filter(pk=pk).first() if pk is not None else None
    if inquiry is not None:
        services.attachments_failed(inquiry=inquiry, problem=str(getattr(error, "message", "") or error))
