"""Every write of the sellers domain: one function per use case, keyword-only, one transaction each.

The seller's status changes only in ``seller_transition``, which locks the row, checks ``models.TRANSITIONS``,
writes the audit row and the new state together. E-mails go out after commit (``sellers.emails``); the gateway is
reached only through the outbox (``supplier.provision``, handled in ``sellers.provisioning``).
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alibaba import outbox
from sellers import emails
from sellers.documents import inspect_upload
from sellers.errors import (
    IllegalTransition,
    NotEditable,
    ReasonsRequired,
    SubmissionIncomplete,
    TeamError,
)
from sellers.fields import mask
from sellers.models import (
    TRANSITIONS,
    Document,
    EventKind,
    ExpiryReminder,
    Invitation,
    MemberRole,
    ReasonCode,
    ReviewReason,
    Seller,
    SellerEvent,
    SellerMember,
    SellerStatus,
    SupplierAccount,
)
from sellers.requirements import TARGETS, checklist

SENSITIVE_FIELDS = frozenset({"owner_nid", "bank_account_number"})
INVITATION_DAYS = 7
REMINDER_DAYS = (30, 7)  # reminders this many days before a trade licence or ERC expires


def _lock(seller):
    return Seller.objects.select_for_update().get(pk=seller.pk)


def _audit(*, seller, actor, kind, changes=None, reason="", from_status="", to_status=""):
    return SellerEvent.objects.create(
        seller=seller,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        changes=changes or {},
        reason=reason,
        from_status=from_status,
        to_status=to_status,
    )


def _open_reasons(seller):
    return list(ReviewReason.objects.filter(seller=seller, resolved_at__isnull=True))


def _current_documents(seller):
    return list(Document.objects.filter(seller=seller, is_current=True))


def seller_checklist(*, seller, today=None):
    """The requirement states of a seller, read fresh (used by the services' checks)."""
    seller = Seller.objects.prefetch_related("categories").get(pk=seller.pk)
    return checklist(seller, documents=_current_documents(seller), reasons=_open_reasons(seller), today=today)


# The state machine -----------------------------------------------------------------------------------------------


@transaction.atomic
def seller_transition(*, seller, to, actor=None, reason="", changes=None):
    """Move ``seller`` to status ``to`` if ``TRANSITIONS`` allows it (``IllegalTransition`` otherwise), with an
    audit row. Returns the audit row; ``event.seller`` is the updated seller."""
    seller = _lock(seller)
    to = SellerStatus(to)
    if to not in TRANSITIONS[SellerStatus(seller.status)]:
        raise IllegalTransition(seller=seller, to=to)
    before = seller.status
    now = timezone.now()
    seller.status = to
    seller.status_changed_at = now
    fields = ["status", "status_changed_at", "updated_at"]
    if to == SellerStatus.SUBMITTED:
        seller.submitted_at = now
        fields.append("submitted_at")
    if to in (SellerStatus.CHANGES_REQUESTED, SellerStatus.APPROVED, SellerStatus.REJECTED):
        seller.decided_at = now
        fields.append("decided_at")
    seller.save(update_fields=fields)
    return _audit(
        seller=seller,
        actor=actor,
        kind=EventKind.TRANSITION,
        from_status=before,
        to_status=to,
        reason=reason,
        changes=changes,
    )


def _ensure_under_review(seller, actor):
    if seller.status == SellerStatus.SUBMITTED:
        seller = seller_transition(seller=seller, to=SellerStatus.UNDER_REVIEW, actor=actor).seller
    return seller


@transaction.atomic
def seller_submit(*, seller, actor):
    """Submit for review. Refused with every missing, invalid, expired or refused item at once."""
    seller = _lock(seller)
    if SellerStatus.SUBMITTED not in TRANSITIONS[SellerStatus(seller.status)]:
        raise IllegalTransition(seller=seller, to=SellerStatus.SUBMITTED)
    blocking = seller_checklist(seller=seller).blocking
    if blocking:
        raise SubmissionIncomplete(seller=seller, states=blocking)
    seller = seller_transition(seller=seller, to=SellerStatus.SUBMITTED, actor=actor).seller
    # Reasons about things that were optional (an ERC not given) do not outlive the round they were given in.
    ReviewReason.objects.filter(seller=seller, resolved_at__isnull=True).update(resolved_at=timezone.now())
    emails.send_to_seller(seller.pk, "submitted")
    return seller


@transaction.atomic
def seller_start_review(*, seller, actor):
    return seller_transition(seller=seller, to=SellerStatus.UNDER_REVIEW, actor=actor).seller


@transaction.atomic
def seller_approve(*, seller, actor, reason=""):
    """Approve a submitted or under-review seller whose file is complete, and queue the creation of its
    Alibaba.com supplier account (in this transaction). A seller that already has one becomes active at once."""
    seller = _ensure_under_review(_lock(seller), actor)
    if SellerStatus.APPROVED not in TRANSITIONS[SellerStatus(seller.status)]:
        raise IllegalTransition(seller=seller, to=SellerStatus.APPROVED)
    blocking = seller_checklist(seller=seller).blocking
    if blocking:
        raise SubmissionIncomplete(seller=seller, states=blocking)
    seller = seller_transition(seller=seller, to=SellerStatus.APPROVED, actor=actor, reason=reason).seller
    emails.send_to_seller(seller.pk, "approved", reason=reason)
    if SupplierAccount.objects.filter(seller=seller).exists():
        seller = seller_transition(
            seller=seller, to=SellerStatus.ACTIVE, reason=_("The Alibaba.com supplier account already exists.")
        ).seller
    else:
        outbox.enqueue(kind="supplier.provision", target=str(seller.pk))
    return seller


def _clean_reasons(reasons):
    cleaned, problems = [], []
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
def seller_request_changes(*, seller, actor, reasons, note=""):
    """Send the application back with every problem at once: ``reasons`` is a list of
    ``{"target": <field or "document:<kind>">, "code": <ReasonCode>, "message": str}``."""
    cleaned = _clean_reasons(reasons)
    seller = _ensure_under_review(_lock(seller), actor)
    event = seller_transition(
        seller=seller,
        to=SellerStatus.CHANGES_REQUESTED,
        actor=actor,
        reason=note,
        changes={"reasons": cleaned},
    )
    ReviewReason.objects.bulk_create([ReviewReason(seller=event.seller, event=event, **item) for item in cleaned])
    shown = [{"label": str(TARGETS[item["target"]]), **item} for item in cleaned]
    emails.send_to_seller(event.seller.pk, "changes_requested", reasons=shown, note=note)
    return event.seller


def _require_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ReasonsRequired(_("Give the reason: the seller reads it."))
    return reason


@transaction.atomic
def seller_reject(*, seller, actor, reason):
    reason = _require_reason(reason)
    seller = _ensure_under_review(_lock(seller), actor)
    seller = seller_transition(seller=seller, to=SellerStatus.REJECTED, actor=actor, reason=reason).seller
    emails.send_to_seller(seller.pk, "rejected", reason=reason)
    return seller


@transaction.atomic
def seller_suspend(*, seller, actor, reason):
    reason = _require_reason(reason)
    seller = seller_transition(seller=seller, to=SellerStatus.SUSPENDED, actor=actor, reason=reason).seller
    emails.send_to_seller(seller.pk, "suspended", reason=reason)
    return seller


@transaction.atomic
def seller_reinstate(*, seller, actor, reason):
    reason = _require_reason(reason)
    seller = seller_transition(seller=seller, to=SellerStatus.ACTIVE, actor=actor, reason=reason).seller
    emails.send_to_seller(seller.pk, "reinstated", reason=reason)
    return seller


# Creating the business and editing its file ----------------------------------------------------------------------


@transaction.atomic
def seller_create(*, owner, legal_name):
    """A new seller in draft, with ``owner`` as its owner. A user belongs to one seller at most."""
    legal_name = " ".join((legal_name or "").split())
    if not legal_name:
        raise TeamError(_("Enter the business's legal name."))
    if SellerMember.objects.filter(user=owner).exists():
        raise TeamError(_("You already belong to a business."))
    seller = Seller.objects.create(legal_name=legal_name)
    try:
        with transaction.atomic():
            SellerMember.objects.create(seller=seller, user=owner, role=MemberRole.OWNER)
    except IntegrityError as exc:  # a concurrent request (a double click) made this user a member meanwhile
        raise TeamError(_("You already belong to a business.")) from exc
    _audit(seller=seller, actor=owner, kind=EventKind.CREATED, changes={"legal_name": [None, legal_name]})
    return seller


def _shown(name, value):
    if name in SENSITIVE_FIELDS:
        return mask(value) or None
    if value is None or value == "":
        return None
    return str(value) if not isinstance(value, list) else value


def _resolve_reasons(seller, targets):
    if targets:
        ReviewReason.objects.filter(seller=seller, target__in=targets, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )


@transaction.atomic
def seller_update_profile(*, seller, actor, data):
    """Change profile fields (``data``: field → cleaned value; ``categories`` a list of ``Sector``). Records what
    changed, before and after (sensitive values masked), and closes the reviewer's reasons about those fields."""
    seller = _lock(seller)
    if not seller.is_editable:
        raise NotEditable(seller=seller)
    changes = {}
    for name, value in data.items():
        if name == "categories":
            before = sorted(seller.categories.values_list("code", flat=True))
            after = sorted(sector.code for sector in value)
            if before != after:
                seller.categories.set(value)
                changes[name] = [before or None, after or None]
            continue
        before = getattr(seller, name)
        if value is None and Seller._meta.get_field(name).empty_strings_allowed:
            value = ""
        if before != value:
            setattr(seller, name, value)
            changes[name] = [_shown(name, before), _shown(name, value)]
    if changes:
        seller.save()
        _audit(seller=seller, actor=actor, kind=EventKind.PROFILE, changes=changes)
        _resolve_reasons(seller, list(changes))
    return seller


def seller_document_upload(*, seller, actor, kind, uploaded):
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
def _document_record(*, seller, actor, document):
    seller = _lock(seller)
    if not seller.is_editable:
        raise NotEditable(seller=seller)
    previous = Document.objects.filter(seller=seller, kind=document.kind, is_current=True).first()
    if previous:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    document.seller = seller
    document.save()
    target = f"document:{document.kind}"
    _audit(
        seller=seller,
        actor=actor,
        kind=EventKind.DOCUMENT,
        changes={target: [previous.original_name if previous else None, document.original_name]},
    )
    _resolve_reasons(seller, [target])
    return document


# Team ------------------------------------------------------------------------------------------------------------


def _require_owner(seller, actor):
    if not SellerMember.objects.filter(seller=seller, user=actor, role=MemberRole.OWNER).exists():
        raise TeamError(_("Only the owner of the business can change its team."))


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def seller_invite(*, seller, actor, email):
    """Invite a person by e-mail (owner only). Returns the invitation; the token is only in the e-mail.

    Whether the address already belongs to another business on dxports is not the owner's to know: the answer (and
    the waiting invitation on the team page) is the same as for anyone, and the invitee is told by e-mail instead
    that they were invited but belong to a business already (that e-mail carries no link: one login, one business).
    Only a member of this seller's own team is refused."""
    seller = _lock(seller)
    _require_owner(seller, actor)
    email = (email or "").strip().lower()
    membership = SellerMember.objects.filter(user__email__iexact=email).first()
    if membership is not None and membership.seller_id == seller.pk:
        raise TeamError(_("%(email)s is already on your team.") % {"email": email})
    now = timezone.now()
    Invitation.objects.filter(seller=seller, email=email, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        seller=seller,
        email=email,
        token_hash=_token_hash(token),
        invited_by=actor,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    _audit(seller=seller, actor=actor, kind=EventKind.TEAM, changes={"invited": [None, email]})
    if membership is not None:
        emails.send_to_address(email, "invitation_member_elsewhere", seller_name=seller.legal_name, inviter=actor.email)
        return invitation
    emails.send_to_address(
        email,
        "invitation",
        seller_name=seller.legal_name,
        inviter=actor.email,
        accept_url=emails.site_url(reverse("sellers:invitation", kwargs={"token": token})),
        days=INVITATION_DAYS,
    )
    return invitation


def invitation_for_token(token):
    return Invitation.objects.select_related("seller").filter(token_hash=_token_hash(token or "")).first()


@transaction.atomic
def seller_invitation_accept(*, token, user):
    """Join the seller that invited ``user``'s e-mail address."""
    invitation = invitation_for_token(token)
    if invitation is None or not invitation.is_open():
        raise TeamError(_("This invitation is no longer valid. Ask the owner to invite you again."))
    if invitation.email.lower() != user.email.lower():
        raise TeamError(
            _("This invitation is for %(email)s; you are logged in as another address.") % {"email": invitation.email}
        )
    if SellerMember.objects.filter(user=user).exists():
        raise TeamError(_("You already belong to a business."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    # Checked again under the lock: the owner may have withdrawn it, or another request accepted it, meanwhile.
    if not invitation.is_open():
        raise TeamError(_("This invitation is no longer valid. Ask the owner to invite you again."))
    try:
        with transaction.atomic():
            member = SellerMember.objects.create(seller=invitation.seller, user=user, role=MemberRole.STAFF)
    except IntegrityError as exc:
        raise TeamError(_("You already belong to a business.")) from exc
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _audit(seller=invitation.seller, actor=user, kind=EventKind.TEAM, changes={"member": [None, user.email]})
    return member


@transaction.atomic
def seller_member_remove(*, seller, actor, member):
    seller = _lock(seller)
    _require_owner(seller, actor)
    if member.seller_id != seller.pk:
        raise TeamError(_("This person is not in your team."))
    if member.role == MemberRole.OWNER:
        raise TeamError(_("The owner cannot be removed."))
    email = member.user.email
    # Conditional: a double click or a second tab may have removed them already (no second audit row then).
    deleted, _rows = SellerMember.objects.filter(pk=member.pk, seller=seller).delete()
    if not deleted:
        raise TeamError(_("%(email)s is no longer in your team.") % {"email": email})
    _audit(seller=seller, actor=actor, kind=EventKind.TEAM, changes={"member": [email, None]})


@transaction.atomic
def seller_invitation_revoke(*, seller, actor, invitation):
    seller = _lock(seller)
    _require_owner(seller, actor)
    if invitation.seller_id != seller.pk:
        raise TeamError(_("This invitation is not from your business."))
    revoked = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not revoked:
        raise TeamError(
            _("The invitation to %(email)s was already accepted or withdrawn.") % {"email": invitation.email}
        )
    _audit(seller=seller, actor=actor, kind=EventKind.TEAM, changes={"invited": [invitation.email, None]})


# Expiry ----------------------------------------------------------------------------------------------------------

EXPIRING = {"trade_licence_expires_on": "trade_licence", "erc_expires_on": "erc"}
WATCHED_STATES = (SellerStatus.APPROVED, SellerStatus.ACTIVE)


@transaction.atomic
def seller_expiry_check(*, seller, today=None):
    """For an approved or active seller: remind once per window before the trade licence or ERC expires
    (``REMINDER_DAYS``), and move it to "action needed" once one has expired. Safe to run any number of times."""
    today = today or timezone.localdate()
    seller = _lock(seller)
    if seller.status not in WATCHED_STATES:
        return seller
    expired = [name for name in EXPIRING if getattr(seller, name) and getattr(seller, name) < today]
    if expired:
        labels = ", ".join(str(Seller._meta.get_field(name).verbose_name) for name in expired)
        reason = _("Expired: %(items)s. Upload the renewed documents and submit them for review.") % {"items": labels}
        seller = seller_transition(seller=seller, to=SellerStatus.ACTION_NEEDED, reason=reason).seller
        emails.send_to_seller(seller.pk, "action_needed", reason=reason)
        return seller
    for name in EXPIRING:
        expires_on = getattr(seller, name)
        if not expires_on:
            continue
        days_left = (expires_on - today).days
        window = min((days for days in REMINDER_DAYS if days_left <= days), default=None)
        if window is None:
            continue
        _reminder, created = ExpiryReminder.objects.get_or_create(
            seller=seller, field=name, expires_on=expires_on, days_before=window
        )
        if created:
            label = Seller._meta.get_field(name).verbose_name
            _audit(
                seller=seller,
                actor=None,
                kind=EventKind.REMINDER,
                changes={name: [str(expires_on), None]},
                reason=_("%(item)s expires in %(days)d days.") % {"item": label, "days": days_left},
            )
            emails.send_to_seller(
                seller.pk, "expiry_reminder", item=str(label), expires_on=expires_on, days_left=days_left
            )
    return seller


# The Alibaba.com supplier account --------------------------------------------------------------------------------


@transaction.atomic
def seller_supplier_account_store(*, seller, supplier_id, tokens):
    """Record the supplier account created on the gateway and its tokens; an approved seller becomes active.
    Idempotent: storing the same account again changes only the tokens."""
    seller = _lock(seller)
    account, created = SupplierAccount.objects.get_or_create(seller=seller, defaults={"supplier_id": supplier_id})
    if not created and account.supplier_id != supplier_id:
        raise TeamError(
            f"seller {seller.pk} already has supplier {account.supplier_id}; the gateway answered {supplier_id}"
        )
    _store_tokens(account, tokens)
    if created:
        _audit(seller=seller, actor=None, kind=EventKind.PROVISIONING, changes={"supplier_id": [None, supplier_id]})
    if seller.provisioning_error:
        seller.provisioning_error = ""
        seller.save(update_fields=["provisioning_error", "updated_at"])
    if seller.status == SellerStatus.APPROVED:
        seller = seller_transition(
            seller=seller, to=SellerStatus.ACTIVE, reason=_("The Alibaba.com supplier account was created.")
        ).seller
        emails.send_to_seller(seller.pk, "active", supplier_id=supplier_id)
    return account


def _store_tokens(account, tokens):
    account.access_token = tokens.access_token
    account.refresh_token = tokens.refresh_token
    account.access_expires_at = tokens.access_expires_at
    account.refresh_expires_at = tokens.refresh_expires_at
    account.refreshed_at = timezone.now()
    account.token_error = ""
    account.save()


@transaction.atomic
def seller_supplier_tokens_store(*, account, tokens):
    account = SupplierAccount.objects.select_for_update().get(pk=account.pk)
    _store_tokens(account, tokens)
    return account


@transaction.atomic
def seller_supplier_token_failed(*, account, message):
    message = outbox.storable_text(message)[:2000]
    SupplierAccount.objects.filter(pk=account.pk).update(token_error=message, updated_at=timezone.now())


@transaction.atomic
def seller_provisioning_failed(*, seller, message):
    """A permanent failure to create the supplier account: shown to staff on the seller in admin."""
    message = outbox.storable_text(message)[:2000]  # the gateway's words, stored as they came but for NUL
    seller = _lock(seller)
    seller.provisioning_error = message
    seller.save(update_fields=["provisioning_error", "updated_at"])
    _audit(seller=seller, actor=None, kind=EventKind.PROVISIONING, reason=message)
    return seller
