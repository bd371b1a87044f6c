"""Onboarding: the seller's state machine, creating the business, its profile and documents, submission, the
reviewers' decisions, and expiry of its documents."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alibaba import outbox
from dxports.audit import Actor
from dxports.dashboard import is_program_staff
from dxports.models import User
from dxports.states import StateMachine, require_reason
from sellers import emails, validators
from sellers.documents import inspect_upload
from sellers.errors import (
    DocumentRefused,
    IllegalTransition,
    NotEditable,
    ProfileInvalid,
    ReasonsRequired,
    SubmissionIncomplete,
    TeamError,
)
from sellers.fields import mask
from sellers.models import (
    SENSITIVE_FIELDS,
    TRANSITIONS,
    Document,
    EventKind,
    ExpiryReminder,
    MemberRole,
    ReasonCode,
    ReviewReason,
    Seller,
    SellerEvent,
    SellerMember,
    SellerStatus,
    SupplierAccount,
)
from sellers.requirements import TARGETS, profile_field
from sellers.services.common import lock_seller, seller_checklist
from sellers.services.milestones import seller_transition_recorded

REMINDER_DAYS = (30, 7)  # reminders this many days before a trade licence or ERC expires


# The state machine ----------------------------------------------------------------------------------------------------


# The one door of a seller's status: ``models.TRANSITIONS`` checked, the audit row and the state written together.
MACHINE = StateMachine(
    table=TRANSITIONS,
    illegal=lambda seller, to: IllegalTransition(seller=seller, to=to),
    audit=lambda seller, **fields: SellerEvent(seller=seller, **fields),
    transition_kind=EventKind.TRANSITION,
    stamps={
        SellerStatus.SUBMITTED: "submitted_at",
        SellerStatus.CHANGES_REQUESTED: "decided_at",
        SellerStatus.APPROVED: "decided_at",
        SellerStatus.REJECTED: "decided_at",
    },
    events={
        SellerStatus.SUBMITTED: "seller.submitted",
        SellerStatus.APPROVED: "seller.approved",
        SellerStatus.ACTIVE: "seller.active",
        SellerStatus.CHANGES_REQUESTED: "seller.changes_requested",
        SellerStatus.REJECTED: "seller.rejected",
        SellerStatus.SUSPENDED: "seller.suspended",
        SellerStatus.ACTION_NEEDED: "seller.action_needed",
    },
    seller_of=lambda seller: seller.pk,
)


@transaction.atomic
def seller_transition(
    *, seller: Seller, to: str, actor: Actor = None, reason: str = "", changes: dict[str, Any] | None = None
) -> SellerEvent:
    """Move ``seller`` to status ``to`` if ``TRANSITIONS`` allows it (``IllegalTransition`` otherwise), with an
    audit row. Returns the audit row; ``event.seller`` is the updated seller."""
    event = MACHINE.move(lock_seller(seller), to=SellerStatus(to), actor=actor, reason=reason, changes=changes)
    seller_transition_recorded(event)
    return event


def _ensure_under_review(seller: Seller, actor: Actor) -> Seller:
    if seller.status == SellerStatus.SUBMITTED:
        seller = seller_transition(seller=seller, to=SellerStatus.UNDER_REVIEW, actor=actor).seller
    return seller


@transaction.atomic
def seller_submit(*, seller: Seller, actor: Actor) -> Seller:
    """Submit for review. Refused with every missing, invalid, expired or refused item at once."""
    seller = lock_seller(seller)
    if SellerStatus.SUBMITTED not in TRANSITIONS[SellerStatus(seller.status)]:
        raise IllegalTransition(seller=seller, to=SellerStatus.SUBMITTED)
    blocking = seller_checklist(seller=seller).blocking
    if blocking:
        raise SubmissionIncomplete(seller=seller, states=blocking)
    event = seller_transition(seller=seller, to=SellerStatus.SUBMITTED, actor=actor)
    seller = event.seller
    # Reasons about things that were optional (an ERC not given) do not outlive the round they were given in.
    ReviewReason.objects.filter(seller=seller, resolved_at__isnull=True).update(resolved_at=timezone.now())
    emails.send_to_seller(seller.pk, "submitted", key=emails.key_of(event))
    return seller


@transaction.atomic
def seller_start_review(*, seller: Seller, actor: Actor) -> Seller:
    return seller_transition(seller=seller, to=SellerStatus.UNDER_REVIEW, actor=actor).seller


@transaction.atomic
def seller_approve(*, seller: Seller, actor: Actor, reason: str = "") -> Seller:
    """Approve a submitted or under-review seller whose file is complete, and queue the creation of its
    Alibaba.com supplier account (in this transaction). A seller that already has one becomes active at once."""
    seller = _ensure_under_review(lock_seller(seller), actor)
    if SellerStatus.APPROVED not in TRANSITIONS[SellerStatus(seller.status)]:
        raise IllegalTransition(seller=seller, to=SellerStatus.APPROVED)
    blocking = seller_checklist(seller=seller).blocking
    if blocking:
        raise SubmissionIncomplete(seller=seller, states=blocking)
    event = seller_transition(seller=seller, to=SellerStatus.APPROVED, actor=actor, reason=reason)
    seller = event.seller
    emails.send_to_seller(seller.pk, "approved", key=emails.key_of(event), reason=reason)
    if SupplierAccount.objects.filter(seller=seller).exists():
        seller = seller_transition(
            seller=seller, to=SellerStatus.ACTIVE, reason=_("The Alibaba.com supplier account already exists.")
        ).seller
    else:
        outbox.enqueue(kind="supplier.provision", target=str(seller.pk))
    return seller


class ReasonData(TypedDict):
    """One of the reviewer's reasons: the field or ``document:<kind>`` it is about, a ``ReasonCode``, and what the
    seller must change."""

    target: str
    code: str
    message: str


def _clean_reasons(reasons: Iterable[Mapping[str, str]]) -> list[ReasonData]:
    cleaned: list[ReasonData] = []
    problems: list[str] = []
    for number, item in enumerate(reasons, start=1):
        target, code, message = item.get("target", ""), item.get("code", ""), (item.get("message") or "").strip()
        if target not in TARGETS:
            problems.append(
                _("Reason %(n)d: “%(target)s” is not a field or document.") % {"n": number, "target": target}
            )
        if code not in ReasonCode.values:
            problems.append(_("Reason %(n)d: choose what the problem is.") % {"n": number})
        if not message:
            problems.append(_("Reason %(n)d: write what the seller must change.") % {"n": number})
        cleaned.append({"target": target, "code": code, "message": message})
    if not cleaned:
        problems.append(_("Give at least one reason: the field or document, the problem and what to change."))
    if problems:
        raise ReasonsRequired(" ".join(problems), extra={"problems": problems})
    return cleaned


@transaction.atomic
def seller_request_changes(
    *, seller: Seller, actor: Actor, reasons: Iterable[Mapping[str, str]], note: str = ""
) -> Seller:
    """Send the application back with every problem at once: ``reasons`` is a list of
    ``{"target": <field or "document:<kind>">, "code": <ReasonCode>, "message": str}``."""
    cleaned = _clean_reasons(reasons)
    seller = _ensure_under_review(lock_seller(seller), actor)
    event = seller_transition(
        seller=seller,
        to=SellerStatus.CHANGES_REQUESTED,
        actor=actor,
        reason=note,
        changes={"reasons": cleaned},
    )
    ReviewReason.objects.bulk_create([ReviewReason(seller=event.seller, event=event, **item) for item in cleaned])
    shown = [{"label": str(TARGETS[item["target"]]), **item} for item in cleaned]
    emails.send_to_seller(event.seller.pk, "changes_requested", key=emails.key_of(event), reasons=shown, note=note)
    return event.seller


def _require_reason(reason: str) -> str:
    return require_reason(reason, error=ReasonsRequired)


def _decide(*, seller: Seller, actor: Actor, reason: str, to: SellerStatus, email: str) -> Seller:
    """A decision the seller is told the reason of: ``to`` with ``reason`` (``ReasonsRequired`` without one), and
    the e-mail ``email``."""
    reason = _require_reason(reason)
    event = seller_transition(seller=seller, to=to, actor=actor, reason=reason)
    emails.send_to_seller(event.seller.pk, email, key=emails.key_of(event), reason=reason)
    return event.seller


@transaction.atomic
def seller_reject(*, seller: Seller, actor: Actor, reason: str) -> Seller:
    _require_reason(reason)
    seller = _ensure_under_review(lock_seller(seller), actor)
    return _decide(seller=seller, actor=actor, reason=reason, to=SellerStatus.REJECTED, email="rejected")


@transaction.atomic
def seller_suspend(*, seller: Seller, actor: Actor, reason: str) -> Seller:
    return _decide(seller=seller, actor=actor, reason=reason, to=SellerStatus.SUSPENDED, email="suspended")


@transaction.atomic
def seller_reinstate(*, seller: Seller, actor: Actor, reason: str) -> Seller:
    return _decide(seller=seller, actor=actor, reason=reason, to=SellerStatus.ACTIVE, email="reinstated")


# Creating the business and editing its file ---------------------------------------------------------------------------


LEGAL_NAME_MAX = 200  # Seller.legal_name's column


@transaction.atomic
def seller_create(*, owner: User, legal_name: str) -> Seller:
    """A new seller in draft, with ``owner`` as its owner. A user belongs to one seller at most."""
    return create_seller(owner=owner, legal_name=legal_name, actor=owner)


def create_seller(*, owner: User, legal_name: str, actor: Actor) -> Seller:
    """``seller_create`` by ``actor`` (the owner, or an organisation creating it on the owner's behalf); call it in
    the caller's transaction."""
    legal_name = " ".join((legal_name or "").split())
    if not legal_name:
        raise TeamError(_("Enter the business's legal name."), extra={"field": "legal_name"})
    if len(legal_name) > LEGAL_NAME_MAX:
        raise TeamError(_("The legal name has at most 200 characters."), extra={"field": "legal_name"})
    if is_program_staff(owner):
        raise TeamError(_("A program staff account cannot run a business: sign up with another address."))
    if SellerMember.objects.filter(user=owner).exists():
        raise TeamError(_("You already belong to a business."))
    seller = Seller.objects.create(legal_name=legal_name)
    try:
        with transaction.atomic():
            SellerMember.objects.create(seller=seller, user=owner, role=MemberRole.OWNER)
    except IntegrityError as exc:  # a concurrent request (a double click) made this user a member meanwhile
        raise TeamError(_("You already belong to a business.")) from exc
    SellerEvent.record(seller=seller, actor=actor, kind=EventKind.CREATED, changes={"legal_name": [None, legal_name]})
    return seller


def _shown(name: str, value: Any) -> Any:
    if name in SENSITIVE_FIELDS:
        return mask(value) or None
    if value is None or value == "":
        return None
    return str(value) if not isinstance(value, list) else value


def _resolve_reasons(seller: Seller, targets: list[str]) -> None:
    if targets:
        ReviewReason.objects.filter(seller=seller, target__in=targets, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )


@transaction.atomic
def seller_update_profile(*, seller: Seller, actor: Actor, data: Mapping[str, Any]) -> Seller:
    """Change profile fields (``data``: field → value, as typed or parsed; ``categories`` a list of ``Sector``).
    Every entry point meets the same rules here (``validators.clean_profile``): ``ProfileInvalid`` with every
    problem at once, and nothing changed. Records what changed, before and after (sensitive values masked), and
    closes the reviewer's reasons about those fields."""
    seller = lock_seller(seller)
    if not seller.is_editable:
        raise NotEditable(seller=seller)
    try:
        data = validators.clean_profile(seller, data)
    except ValidationError as error:
        raise ProfileInvalid.from_validation_error(error) from error
    changes: dict[str, list[Any]] = {}
    for name, value in data.items():
        if name == "categories":
            before = sorted(seller.categories.values_list("code", flat=True))
            after = sorted(sector.code for sector in value)
            if before != after:
                seller.categories.set(value)
                changes[name] = [before or None, after or None]
            continue
        before = getattr(seller, name)
        if value is None and profile_field(name).empty_strings_allowed:
            value = ""
        if before != value:
            setattr(seller, name, value)
            changes[name] = [_shown(name, before), _shown(name, value)]
    if changes:
        seller.save()
        SellerEvent.record(seller=seller, actor=actor, kind=EventKind.PROFILE, changes=changes)
        _resolve_reasons(seller, list(changes))
    return seller


def seller_document_upload(*, seller: Seller, actor: User, kind: str, uploaded: File) -> Document:
    """Store a KYC document after checking its content (``DocumentRefused`` otherwise, with nothing stored).
    A replacement keeps the earlier file, no longer current."""
    inspected = inspect_upload(uploaded)
    document = Document(
        seller=seller,
        kind=kind,
        original_name=inspected.name,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=actor,
    )
    # The file is written before the transaction, and deleted again if the row is not committed, so that a
    # refusal or a failure leaves nothing behind.
    uploaded.seek(0)
    document.file.save("upload", uploaded, save=False)
    try:
        return _document_record(seller=seller, actor=actor, document=document)
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise


@transaction.atomic
def _document_record(*, seller: Seller, actor: User, document: Document) -> Document:
    seller = lock_seller(seller)
    if not seller.is_editable:
        raise NotEditable(seller=seller)
    previous = Document.objects.filter(seller=seller, kind=document.kind, is_current=True).first()
    target = f"document:{document.kind}"
    if previous and previous.sha256 == document.sha256:
        refused = ReviewReason.objects.filter(seller=seller, target=target, resolved_at__isnull=True).first()
        if refused is not None:
            # The same bytes again would close the reviewer's reason without fixing anything.
            raise DocumentRefused(
                _("This is the same file the reviewer refused (%(reason)s). Upload a new scan or photo.")
                % {"reason": refused.message}
            )
    if previous:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    document.seller = seller
    document.save()
    SellerEvent.record(
        seller=seller,
        actor=actor,
        kind=EventKind.DOCUMENT,
        changes={target: [previous.original_name if previous else None, document.original_name]},
    )
    _resolve_reasons(seller, [target])
    return document


# Expiry ---------------------------------------------------------------------------------------------------------------

EXPIRING = {"trade_licence_expires_on": "trade_licence", "erc_expires_on": "erc"}
WATCHED_STATES = (SellerStatus.APPROVED, SellerStatus.ACTIVE)


@transaction.atomic
def seller_expiry_check(*, seller: Seller, today: date | None = None) -> Seller:
    """For an approved or active seller: remind once per window before the trade licence or ERC expires
    (``REMINDER_DAYS``), and move it to "action needed" once one has expired. Safe to run any number of times."""
    today = today or timezone.localdate()
    seller = lock_seller(seller)
    if seller.status not in WATCHED_STATES:
        return seller
    expired = [name for name in EXPIRING if getattr(seller, name) and getattr(seller, name) < today]
    if expired:
        labels = ", ".join(str(profile_field(name).verbose_name) for name in expired)
        reason = _("Expired: %(items)s. Upload the renewed documents and submit them for review.") % {"items": labels}
        event = seller_transition(seller=seller, to=SellerStatus.ACTION_NEEDED, reason=reason)
        emails.send_to_seller(event.seller.pk, "action_needed", key=emails.key_of(event), reason=reason)
        return event.seller
    for name in EXPIRING:
        expires_on = getattr(seller, name)
        if not expires_on:
            continue
        days_left = (expires_on - today).days
        window = min((days for days in REMINDER_DAYS if days_left <= days), default=None)
        if window is None:
            continue
        reminder, created = ExpiryReminder.objects.get_or_create(
            seller=seller, field=name, expires_on=expires_on, days_before=window
        )
        if created:
            label = profile_field(name).verbose_name
            SellerEvent.record(
                seller=seller,
                actor=None,
                kind=EventKind.REMINDER,
                changes={name: [str(expires_on), None]},
                reason=_("%(item)s expires in %(days)d days.") % {"item": label, "days": days_left},
            )
            emails.send_to_seller(
                seller.pk,
                "expiry_reminder",
                key=f"expiry_reminder:{reminder.pk}",
                item=str(label),
                expires_on=expires_on,
                days_left=days_left,
            )
    return seller
