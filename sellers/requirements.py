"""What a seller must provide, as data: one registry read by the checklist, the review, the submission check and the
API (like Stripe Connect's ``currently_due`` / ``past_due``).

``REQUIREMENTS`` lists every requirement (profile fields, identifiers, documents); ``evaluate`` turns a seller, its
current documents and the reviewer's open reasons into one ``RequirementState`` per requirement, with a status a
person understands: due, fine, expiring soon, expired, or refused with the reviewer's reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from sellers import validators
from sellers.models import Document, DocumentKind, ReviewReason, Seller

EXPIRING_SOON_DAYS = 30


class RequirementStatus(models.TextChoices):
    FINE = "fine", _("Done")
    DUE = "due", _("Due")
    EXPIRING_SOON = "expiring_soon", _("Expiring soon")
    EXPIRED = "expired", _("Expired")
    REFUSED = "refused", _("Refused")


@dataclass(frozen=True)
class Requirement:
    key: str
    label: StrOrPromise
    step: str  # the dashboard step where the seller provides it
    fields: tuple[str, ...] = ()  # required model fields
    optional_fields: tuple[str, ...] = ()  # shown and reviewable, never due
    document: str | None = None  # a DocumentKind
    expires_field: str | None = None
    # Needed for submission: True, or "if_started" (needed only once any of its fields is filled in).
    needed: bool | str = True
    note: StrOrPromise = ""  # why it matters, shown with the item
    proves: str | None = None  # a document's: the key of the requirement whose fields it proves (the review shows both)

    @property
    def targets(self) -> tuple[str, ...]:
        """The keys a reviewer's reason may name for this requirement."""
        if self.document:
            return (f"document:{self.document}",)
        return self.fields + self.optional_fields


_FIELD_CHECKS = validators.FIELD_NORMALIZERS


def _check_bank(seller: Seller) -> list[str]:
    if not seller.bank_account_name:
        return []
    try:
        validators.validate_account_name(
            seller.bank_account_name, names=[seller.legal_name, seller.trade_name, seller.owner_name]
        )
    except ValidationError as error:
        return list(error.messages)
    return []


def _check_address(seller: Seller) -> list[str]:
    if not (seller.division and seller.district):
        return []
    try:
        validators.validate_district(division=seller.division, district=seller.district)
    except ValidationError as error:
        return list(error.messages)
    return []


_CROSS_CHECKS = {"bank": _check_bank, "address": _check_address}

ERC_NOTE = _("You may start without an ERC, but listing products for export needs one.")

REQUIREMENTS = (
    Requirement(
        "business",
        _("Business details"),
        "business",
        fields=("legal_name", "business_type", "year_established", "employees"),
        optional_fields=("trade_name",),
    ),
    Requirement(
        "products",
        _("Products and exports"),
        "business",
        fields=("categories", "export_turnover"),
        optional_fields=("website",),
    ),
    Requirement(
        "address",
        _("Business address"),
        "address",
        fields=("address", "division", "district"),
        optional_fields=("postcode",),
    ),
    Requirement("contact", _("Contact phone"), "address", fields=("contact_phone",)),
    Requirement(
        "trade_licence",
        _("Trade licence"),
        "identifiers",
        fields=("trade_licence_number", "trade_licence_authority", "trade_licence_expires_on"),
        expires_field="trade_licence_expires_on",
    ),
    Requirement("etin", _("e-TIN"), "identifiers", fields=("etin",)),
    Requirement("bin", _("BIN (VAT registration)"), "identifiers", fields=("bin",)),
    Requirement(
        "erc",
        _("Export registration certificate (ERC)"),
        "identifiers",
        fields=("erc_number", "erc_expires_on"),
        expires_field="erc_expires_on",
        needed="if_started",
        note=ERC_NOTE,
    ),
    Requirement("owner", _("Owner's identity"), "owner-bank", fields=("owner_name", "owner_nid")),
    Requirement(
        "bank",
        _("Bank account for payouts"),
        "owner-bank",
        fields=("bank_name", "bank_branch", "bank_routing_number", "bank_account_number", "bank_account_name"),
    ),
    Requirement(
        "document:trade_licence",
        DocumentKind.TRADE_LICENCE.label,
        "documents",
        document=DocumentKind.TRADE_LICENCE,
        expires_field="trade_licence_expires_on",
        proves="trade_licence",
    ),
    Requirement(
        "document:etin_certificate",
        DocumentKind.ETIN_CERTIFICATE.label,
        "documents",
        document=DocumentKind.ETIN_CERTIFICATE,
        proves="etin",
    ),
    Requirement(
        "document:erc",
        DocumentKind.ERC.label,
        "documents",
        document=DocumentKind.ERC,
        expires_field="erc_expires_on",
        needed="if_erc",
        note=ERC_NOTE,
        proves="erc",
    ),
    Requirement(
        "document:nid_front", DocumentKind.NID_FRONT.label, "documents", document=DocumentKind.NID_FRONT, proves="owner"
    ),
    Requirement(
        "document:nid_back", DocumentKind.NID_BACK.label, "documents", document=DocumentKind.NID_BACK, proves="owner"
    ),
    Requirement(
        "document:bank_proof",
        DocumentKind.BANK_PROOF.label,
        "documents",
        document=DocumentKind.BANK_PROOF,
        proves="bank",
    ),
)
BY_KEY = {requirement.key: requirement for requirement in REQUIREMENTS}


def profile_field(name: str) -> models.Field:
    """The ``Seller`` field ``name``: a concrete field, never a relation's reverse side."""
    return cast(models.Field, Seller._meta.get_field(name))


def _field_label(name: str) -> StrOrPromise:
    return profile_field(name).verbose_name


# Every key a reviewer's reason may name → its label: each profile field, and each document as "document:<kind>".
TARGETS = {
    target: (requirement.label if requirement.document else _field_label(target))
    for requirement in REQUIREMENTS
    for target in requirement.targets
}
STEP_FIELDS: dict[str, list[str]] = {}
for _requirement in REQUIREMENTS:
    STEP_FIELDS.setdefault(_requirement.step, []).extend(_requirement.fields + _requirement.optional_fields)


@dataclass
class RequirementState:
    requirement: Requirement
    status: str
    needed: bool  # blocks submission while not fine
    missing: list[StrOrPromise] = field(default_factory=list)  # labels of the fields still empty
    problems: list[StrOrPromise] = field(default_factory=list)  # what is wrong with what was given
    reasons: list[ReviewReason] = field(default_factory=list)  # the reviewer's open reasons
    expires_on: date | None = None
    document: Document | None = None

    @property
    def key(self) -> str:
        return self.requirement.key

    @property
    def is_done(self) -> bool:
        return self.status in (RequirementStatus.FINE, RequirementStatus.EXPIRING_SOON)

    @property
    def blocks_submission(self) -> bool:
        return self.needed and not self.is_done

    @property
    def status_label(self) -> StrOrPromise:
        return RequirementStatus(self.status).label


def _is_empty(seller: Seller, name: str) -> bool:
    if name == "categories":
        return not list(seller.categories.all())  # prefetched by the selectors
    value = getattr(seller, name)
    return value is None or value == ""


def evaluate(
    seller: Seller, *, documents: Iterable[Document], reasons: Iterable[ReviewReason], today: date | None = None
) -> list["RequirementState"]:
    """One ``RequirementState`` per requirement, in registry order. ``documents``: the seller's current documents;
    ``reasons``: its open review reasons. Reads no more rows than it is given (plus prefetched categories)."""
    today = today or timezone.localdate()
    by_kind = {document.kind: document for document in documents}
    reasons_by_target: dict[str, list[ReviewReason]] = {}
    for reason in reasons:
        reasons_by_target.setdefault(reason.target, []).append(reason)

    states = []
    for requirement in REQUIREMENTS:
        state = RequirementState(requirement=requirement, status=RequirementStatus.FINE, needed=True)
        state.reasons = [r for target in requirement.targets for r in reasons_by_target.get(target, [])]
        if requirement.document:
            state.document = by_kind.get(requirement.document)
            if state.document is None:
                state.missing.append(requirement.label)
            if requirement.needed == "if_erc":
                state.needed = bool(seller.erc_number)
        else:
            state.missing = [_field_label(name) for name in requirement.fields if _is_empty(seller, name)]
            if requirement.needed == "if_started":
                state.needed = len(state.missing) < len(requirement.fields)
            for name in requirement.fields + requirement.optional_fields:
                check = _FIELD_CHECKS.get(name)
                if check and not _is_empty(seller, name):
                    try:
                        check(getattr(seller, name))
                    except ValidationError as error:
                        state.problems.extend(error.messages)
            cross = _CROSS_CHECKS.get(requirement.key)
            if cross:
                state.problems.extend(cross(seller))
        if requirement.expires_field:
            state.expires_on = getattr(seller, requirement.expires_field)

        if state.reasons:
            state.status = RequirementStatus.REFUSED
        elif state.missing or state.problems:
            state.status = RequirementStatus.DUE
        elif state.expires_on and state.expires_on < today:
            state.status = RequirementStatus.EXPIRED
            state.problems.append(_("Expired on %(date)s: upload the renewed one.") % {"date": state.expires_on})
        elif state.expires_on and state.expires_on <= today + timedelta(days=EXPIRING_SOON_DAYS):
            state.status = RequirementStatus.EXPIRING_SOON
        states.append(state)
    return states


@dataclass
class Checklist:
    states: list[RequirementState]

    @property
    def needed(self) -> list[RequirementState]:
        return [state for state in self.states if state.needed]

    @property
    def done_count(self) -> int:
        return sum(1 for state in self.needed if state.is_done)

    @property
    def total_count(self) -> int:
        return len(self.needed)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.total_count) if self.total_count else 100

    @property
    def blocking(self) -> list[RequirementState]:
        """What stops submission: every problem at once."""
        return [state for state in self.states if state.blocks_submission]

    @property
    def is_complete(self) -> bool:
        return not self.blocking

    def by_step(self, step: str) -> list[RequirementState]:
        return [state for state in self.states if state.requirement.step == step]

    def reasons_by_target(self) -> dict[str, list[ReviewReason]]:
        result: dict[str, list[ReviewReason]] = {}
        for state in self.states:
            for reason in state.reasons:
                result.setdefault(reason.target, []).append(reason)
        return result

    def as_dict(self) -> dict[str, list[str]]:
        """The API shape: ``{"currently_due": [...], "expired": [...], "refused": [...], ...}``."""
        result: dict[str, list[str]] = {status.value: [] for status in RequirementStatus}
        for state in self.states:
            result[state.status].append(state.key)
        return result


def checklist(
    seller: Seller, *, documents: Iterable[Document], reasons: Iterable[ReviewReason], today: date | None = None
) -> Checklist:
    return Checklist(evaluate(seller, documents=documents, reasons=reasons, today=today))
