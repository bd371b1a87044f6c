"""Every write of the company profile: one function per use case, keyword-only, one transaction each.

A profile's status changes only in ``profile_transition``, which locks the row, checks ``models.TRANSITIONS``,
writes the audit row and the new state together (and the domain event partners hear of: ``profile.live``, …).
Nothing here calls the gateway: sending the profile, and every edit of a profile that is on its way, in review or
live, writes its outbox row (``company.profile.update``) in the same transaction (DESIGN.md §6); the handler of
``brand.sync`` reports back through the services of the "Sync" section, each safe to run twice or late.

A seller who may not sell (``Seller.may_sell`` false) has nothing sent: sending is refused, an edit that would be
sent is refused, and a job that finds the seller no longer may sell stops with the reason shown to the seller.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from alibaba import outbox
from brand import rules
from brand.errors import (
    CertificateRefused,
    IllegalTransition,
    NothingToSend,
    PhotoRefused,
    ProfileIncomplete,
    ProfileInvalid,
    SellerNotActive,
)
from brand.models import (
    AUTO_SEND_STATES,
    HELD_STATES,
    SEND_FROM_STATES,
    SENDABLE_STATES,
    SYNC_KIND,
    TRANSITIONS,
    Certificate,
    CertificateReview,
    CertificationType,
    CompanyProfile,
    EventKind,
    ExportMarket,
    PhotoKind,
    ProfileEvent,
    ProfilePhoto,
    ProfileStatus,
    TradeShow,
    Unit,
    certificate_storage,
)
from dxports import events, mail, photos, uploads
from dxports.audit import Actor, actor_or_none
from dxports.states import StateMachine, require_reason
from sellers import selectors as sellers_selectors
from sellers.selectors import Seller

S = ProfileStatus

# What the database can hold, refused here with a message; what Alibaba.com accepts is ``brand.rules``.
STORY_HARD_MAX = 50_000
SMALL_INT_MAX = 32_767
INT_MAX = 2_147_483_647
ROWS_MAX = 50  # export markets or trade shows in one edit
ISSUER_MAX, NUMBER_MAX = 128, 64
CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024  # the gateway's limit for a certificate file
# Larger images are refused before decoding: a scan of an A4 page at 600 dpi is about 35 megapixels.
CERTIFICATE_MAX_PIXELS = 60_000_000
CERTIFICATES_STORED_MAX = rules.CERTIFICATES_MAX

PROFILE_FIELDS = ("company_story", "year_established", "employees", "capacity_quantity", "capacity_unit")


# The state machine -----------------------------------------------------------------------------------------------

# The one door of a profile's status: ``models.TRANSITIONS`` checked, the audit row and the state written together.
MACHINE = StateMachine(
    table=TRANSITIONS,
    illegal=lambda profile, to: IllegalTransition(profile=profile, to=to),
    audit=lambda profile, **fields: ProfileEvent(profile=profile, version=profile.version, **fields),
    transition_kind=EventKind.TRANSITION,
    reasoned=frozenset({S.REJECTED, S.SYNC_FAILED, S.BLOCKED}),
    reason_required=frozenset({S.BLOCKED}),
    reason_error=ProfileInvalid,
    reason_field="status_reason",
    events={
        S.LIVE: "profile.live",
        S.REJECTED: "profile.rejected",
        S.SYNC_FAILED: "profile.sync_failed",
        S.BLOCKED: "profile.blocked",
    },
    seller_of=lambda profile: profile.seller_id,
)


def _lock(profile: CompanyProfile) -> CompanyProfile:
    return CompanyProfile.objects.select_for_update(of=("self",)).select_related("seller").get(pk=profile.pk)


@transaction.atomic
def profile_transition(
    *, profile: CompanyProfile, to: str, actor: Actor = None, reason: str = "", changes: dict[str, Any] | None = None
) -> ProfileEvent:
    """Move ``profile`` to status ``to`` if ``TRANSITIONS`` allows it (``IllegalTransition`` otherwise), with an
    audit row. Returns the audit row; ``event.profile`` is the updated profile."""
    profile = _lock(profile)
    event: ProfileEvent = MACHINE.move(profile, to=ProfileStatus(to), actor=actor, reason=reason, changes=changes)
    return event


def _require_may_sell(seller: Seller, message: str | None = None) -> None:
    if not seller.may_sell:
        raise SellerNotActive(message)


def _enqueue(profile: CompanyProfile) -> None:
    outbox.enqueue(kind=SYNC_KIND, target=str(profile.pk))


# The profile -------------------------------------------------------------------------------------------------------


@transaction.atomic
def profile_get_or_create(*, seller: Seller, actor: Actor = None) -> CompanyProfile:
    """The seller's profile; a new draft when it has none yet, starting from the year established and the head
    count of the seller's own business profile (audited as created)."""
    profile = CompanyProfile.objects.filter(seller=seller).first()
    if profile is not None:
        return profile
    try:
        with transaction.atomic():
            profile = CompanyProfile.objects.create(
                seller=seller,
                year_established=seller.year_established,
                employees=seller.employees or None,
            )
    except IntegrityError:  # created by a concurrent request meanwhile
        return CompanyProfile.objects.get(seller=seller)
    changes = {
        name: [None, value]
        for name, value in (("year_established", profile.year_established), ("employees", profile.employees))
        if value is not None
    }
    ProfileEvent.record(profile=profile, version=profile.version, actor=actor, kind=EventKind.CREATED, changes=changes)
    return profile


@dataclass(frozen=True)
class MarketInput:
    country: str
    share: Any


@dataclass(frozen=True)
class TradeShowInput:
    name: str
    year: Any
    country: str = ""


def _whole(value: Any, *, field: str, maximum: int, label: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ProfileInvalid(_("%(label)s: enter a whole number.") % {"label": label}, extra={"field": field})
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ProfileInvalid(_("%(label)s: enter a whole number.") % {"label": label}, extra={"field": field}) from None
    if not 0 <= number <= maximum:
        raise ProfileInvalid(
            _("%(label)s: %(value)s is out of range.") % {"label": label, "value": number}, extra={"field": field}
        )
    return number


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    cleaned: dict[str, Any] = {}
    if "company_story" in fields:
        story = str(fields["company_story"] or "").replace("\r\n", "\n").strip()
        if len(story) > STORY_HARD_MAX:
            raise ProfileInvalid(
                _("The company story is far too long (%(length)d characters).") % {"length": len(story)},
                extra={"field": "company_story"},
            )
        cleaned["company_story"] = story
    if "year_established" in fields:
        cleaned["year_established"] = _whole(
            fields["year_established"], field="year_established", maximum=SMALL_INT_MAX, label=_("Year established")
        )
    if "employees" in fields:
        cleaned["employees"] = _whole(fields["employees"], field="employees", maximum=INT_MAX, label=_("Employees"))
        if cleaned["employees"] == 0:
            raise ProfileInvalid(
                _("Employees: count everyone who works for the business, the owner too."), extra={"field": "employees"}
            )
    if "capacity_quantity" in fields:
        cleaned["capacity_quantity"] = _whole(
            fields["capacity_quantity"], field="capacity_quantity", maximum=INT_MAX, label=_("Production capacity")
        )
    if "capacity_unit" in fields:
        unit = str(fields["capacity_unit"] or "")
        if unit and unit not in Unit.values:
            raise ProfileInvalid(_("Choose one of the units."), extra={"field": "capacity_unit"})
        cleaned["capacity_unit"] = unit
    return cleaned


def _country(code: Any, *, field: str, required: bool) -> str:
    code = str(code or "").strip().upper()
    if not code and not required:
        return ""
    if code not in countries:
        raise ProfileInvalid(_("Choose a country from the list."), extra={"field": field})
    return code


def _clean_markets(markets: Iterable[MarketInput]) -> list[tuple[str, int]]:
    cleaned: list[tuple[str, int]] = []
    for index, market in enumerate(markets):
        if index >= ROWS_MAX:
            raise ProfileInvalid(_("Too many export markets."), extra={"field": "markets"})
        field = f"markets[{index}]"
        country = _country(market.country, field=f"{field}.country", required=True)
        if any(country == earlier for earlier, _share in cleaned):
            raise ProfileInvalid(
                _("%(country)s is given twice.") % {"country": countries.name(country)},
                extra={"field": f"{field}.country"},
            )
        share = _whole(market.share, field=f"{field}.share", maximum=100, label=_("Share of exports"))
        if not share:
            raise ProfileInvalid(
                _("Share of exports: enter the percent that goes to %(country)s, from 1 to 100.")
                % {"country": countries.name(country)},
                extra={"field": f"{field}.share"},
            )
        cleaned.append((country, share))
    return cleaned


def _clean_trade_shows(shows: Iterable[TradeShowInput]) -> list[tuple[str, int, str]]:
    cleaned: list[tuple[str, int, str]] = []
    for index, show in enumerate(shows):
        if index >= ROWS_MAX:
            raise ProfileInvalid(_("Too many trade shows."), extra={"field": "trade_shows"})
        field = f"trade_shows[{index}]"
        name = " ".join(str(show.name or "").split())
        if not 1 <= len(name) <= rules.TRADE_SHOW_NAME_MAX:
            raise ProfileInvalid(
                _("Trade show: enter its name, 1 to 128 characters."), extra={"field": f"{field}.name"}
            )
        year = _whole(show.year, field=f"{field}.year", maximum=SMALL_INT_MAX, label=_("Year"))
        if year is None:
            raise ProfileInvalid(_("Trade show: enter the year you attended."), extra={"field": f"{field}.year"})
        cleaned.append((name, year, _country(show.country, field=f"{field}.country", required=False)))
    return cleaned


def _markets_of(profile: CompanyProfile) -> list[list[Any]]:
    return [[market.country.code, market.share] for market in ExportMarket.objects.filter(profile=profile)]


def _trade_shows_of(profile: CompanyProfile) -> list[list[Any]]:
    return [[show.name, show.year, show.country.code or ""] for show in TradeShow.objects.filter(profile=profile)]


@transaction.atomic
def profile_update(
    *,
    profile: CompanyProfile,
    actor: Actor,
    markets: Iterable[MarketInput] | None = None,
    trade_shows: Iterable[TradeShowInput] | None = None,
    **fields: Any,
) -> CompanyProfile:
    """Change some of the profile's fields (``PROFILE_FIELDS``); ``markets`` and ``trade_shows`` replace the whole
    list when given. A value the profile cannot hold is refused (``ProfileInvalid`` naming the field or row, such
    as ``markets[1].country``) and nothing is changed; what Alibaba.com accepts is ``brand.rules``' to say, so a
    draft may be incomplete. A real change bumps ``version`` and writes one audit row with every changed field
    before → after, then follows ``_after_edit``. Changing nothing writes nothing."""
    cleaned = _clean_fields(fields)
    new_markets = _clean_markets(markets) if markets is not None else None
    new_shows = _clean_trade_shows(trade_shows) if trade_shows is not None else None
    profile = _lock(profile)
    changes: dict[str, list[Any]] = {}
    for name, value in cleaned.items():
        before = getattr(profile, name)
        if before != value:
            changes[name] = [before, value]
            setattr(profile, name, value)
    if new_markets is not None:
        before_markets = _markets_of(profile)
        if before_markets != [list(market) for market in new_markets]:
            ExportMarket.objects.filter(profile=profile).delete()
            ExportMarket.objects.bulk_create(
                ExportMarket(profile=profile, country=country, share=share, position=position)
                for position, (country, share) in enumerate(new_markets)
            )
            changes["markets"] = [before_markets, [list(market) for market in new_markets]]
    if new_shows is not None:
        before_shows = _trade_shows_of(profile)
        if before_shows != [list(show) for show in new_shows]:
            TradeShow.objects.filter(profile=profile).delete()
            TradeShow.objects.bulk_create(
                TradeShow(profile=profile, name=name, year=year, country=country, position=position)
                for position, (name, year, country) in enumerate(new_shows)
            )
            changes["trade_shows"] = [before_shows, [list(show) for show in new_shows]]
    if not changes:
        return profile
    return _record_edit(profile=profile, actor=actor, changes=changes)


def _record_edit(*, profile: CompanyProfile, actor: Actor, changes: dict[str, list[Any]]) -> CompanyProfile:
    """Record an edit of a locked profile: the version is bumped, one audit row holds ``changes``, and
    ``_after_edit`` decides what happens next."""
    profile.version += 1
    profile.save(update_fields=[*(name for name in changes if name in PROFILE_FIELDS), "version", "updated_at"])
    ProfileEvent.record(profile=profile, version=profile.version, actor=actor, kind=EventKind.EDITED, changes=changes)
    return _after_edit(profile=profile, actor=actor)


def _after_edit(*, profile: CompanyProfile, actor: Actor) -> CompanyProfile:
    """An edit of a profile that is on its way, in review or live is sent at once (→ sending, one outbox row), so
    the gateway never shows an older profile than the seller sees; it must keep the profile complete
    (``ProfileIncomplete`` with every blocking problem) and the seller able to sell (``SellerNotActive``), else it
    is refused and the caller's transaction rolls it back. Any other profile keeps its status: the seller sends it
    when ready."""
    if profile.status not in AUTO_SEND_STATES:
        return profile
    _require_may_sell(
        profile.seller,
        _(
            "Your business may not sell on Alibaba.com now, so changes to a profile that is there cannot be sent: "
            "nothing was saved."
        ),
    )
    blocking = rules.blocking_problems(rules.profile_problems(profile))
    if blocking:
        raise ProfileIncomplete(blocking)
    if profile.status != S.SENDING:
        profile = MACHINE.move(
            profile, to=S.SENDING, actor=actor, reason=_("Edited: the change is sent to Alibaba.com.")
        ).profile
    _enqueue(profile)
    return profile


# Photos ------------------------------------------------------------------------------------------------------------


def _photos_of(profile: CompanyProfile, kind: str) -> list[ProfilePhoto]:
    return list(ProfilePhoto.objects.filter(profile=profile, kind=kind).order_by("position", "id"))


def _photo_change_key(kind: str) -> str:
    return "factory_photos" if kind == PhotoKind.FACTORY else "brand_logo"


def _delete_files(names: Iterable[str], storage: Any = default_storage) -> None:
    for name in names:
        if name:
            storage.delete(name)


def profile_photo_add(
    *, profile: CompanyProfile, actor: Actor, uploaded: File, kind: str = PhotoKind.FACTORY
) -> ProfilePhoto:
    """Add an uploaded factory photo at the end (``kind`` factory), or make it the brand logo (``kind`` logo,
    replacing the logo there was). Refused (``PhotoRefused``) when the file is not a whole JPEG or PNG of at most
    3 MB (``dxports.photos``), when the profile has 10 factory photos already, or holds this content already as
    one. The edit follows ``_after_edit``. Returns the new photo."""
    kind = PhotoKind(kind)
    inspected = photos.inspect_image(uploaded, error=PhotoRefused)  # decoding is slow: outside the transaction
    thumbnail = photos.make_thumbnail(inspected.data)
    stored: list[str] = []
    replaced: list[str] = []
    try:
        with transaction.atomic():
            profile = _lock(profile)
            existing = _photos_of(profile, kind)
            before = [each.sha256 for each in existing]
            if kind == PhotoKind.FACTORY and len(existing) >= rules.FACTORY_PHOTOS_MAX:
                raise PhotoRefused(
                    _("The profile has %(count)d factory photos already, the most Alibaba.com shows. Remove one first.")
                    % {"count": len(existing)}
                )
            if inspected.sha256 in before:
                raise PhotoRefused(
                    _("“%(name)s” is one of the profile's photos already.") % {"name": photos.name_of(uploaded)}
                )
            if kind == PhotoKind.LOGO:
                for old in existing:
                    replaced += [old.file.name, old.thumbnail.name]
                    old.delete()
            photo = ProfilePhoto(
                profile=profile,
                kind=kind,
                content_type=inspected.content_type,
                sha256=inspected.sha256,
                position=0 if kind == PhotoKind.LOGO else len(existing),
                width=inspected.width,
                height=inspected.height,
                size_bytes=inspected.size,
            )
            # The storage names come from upload_to (profile, kind and content hash), not from these names.
            photo.file.save("photo", ContentFile(inspected.data), save=False)
            stored.append(photo.file.name)
            photo.thumbnail.save("thumbnail.jpg", ContentFile(thumbnail), save=False)
            stored.append(photo.thumbnail.name)
            photo.save()
            after = [inspected.sha256] if kind == PhotoKind.LOGO else [*before, inspected.sha256]
            _record_edit(profile=profile, actor=actor, changes={_photo_change_key(kind): [before, after]})
            transaction.on_commit(lambda: _delete_files(replaced))
    except BaseException:
        _delete_files(stored)
        raise
    return photo


def _locked_with(profile: CompanyProfile, photo: ProfilePhoto) -> tuple[CompanyProfile, list[ProfilePhoto]]:
    profile = _lock(profile)
    existing = _photos_of(profile, photo.kind)
    if not any(each.pk == photo.pk for each in existing):
        raise PhotoRefused(_("This photo is not one of the profile's photos."))
    return profile, existing


@transaction.atomic
def profile_photo_remove(*, profile: CompanyProfile, actor: Actor, photo: ProfilePhoto) -> CompanyProfile:
    """Remove a factory photo (the ones after it move up) or the logo. The files are deleted once the removal is
    committed. The edit follows ``_after_edit``."""
    profile, existing = _locked_with(profile, photo)
    before = [each.sha256 for each in existing]
    names = [photo.file.name, photo.thumbnail.name]
    ProfilePhoto.objects.filter(pk=photo.pk).delete()
    remaining = [each for each in existing if each.pk != photo.pk]
    _renumber(remaining)
    profile = _record_edit(
        profile=profile,
        actor=actor,
        changes={_photo_change_key(photo.kind): [before, [each.sha256 for each in remaining]]},
    )
    transaction.on_commit(lambda: _delete_files(names))
    return profile


def _renumber(existing: list[ProfilePhoto]) -> None:
    for position, each in enumerate(existing):
        each.position = position
    ProfilePhoto.objects.bulk_update(existing, ["position"])


@transaction.atomic
def profile_photo_move(
    *, profile: CompanyProfile, actor: Actor, photo: ProfilePhoto, position: int | str
) -> CompanyProfile:
    """Move a factory photo to ``position`` (0 is the first buyers see; beyond the end means last). Moving a photo
    where it already is changes nothing."""
    profile, existing = _locked_with(profile, photo)
    before = [each.sha256 for each in existing]
    target = next(each for each in existing if each.pk == photo.pk)
    existing.remove(target)
    existing.insert(max(0, min(int(position), len(existing))), target)
    after = [each.sha256 for each in existing]
    if after == before:
        return profile
    _renumber(existing)
    return _record_edit(profile=profile, actor=actor, changes={_photo_change_key(photo.kind): [before, after]})


# Certificates ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectedFile:
    data: bytes
    content_type: str
    sha256: str
    name: str


def inspect_certificate(uploaded: File) -> InspectedFile:
    """Check an uploaded certificate file like a KYC document: PDF, JPEG or PNG by its content, whole, at most
    5 MB (the gateway's limit); ``CertificateRefused`` naming the file otherwise. Reads at most 5 MB + 1 byte."""
    name = photos.name_of(uploaded)
    uploaded.seek(0)
    data = uploaded.read(CERTIFICATE_MAX_BYTES + 1)
    uploaded.seek(0)
    if not data:
        raise CertificateRefused(_("The file “%(name)s” is empty.") % {"name": name}, extra={"field": "file"})
    if len(data) > CERTIFICATE_MAX_BYTES:
        size = max(len(data), getattr(uploaded, "size", 0) or 0)
        raise CertificateRefused(
            _("The file “%(name)s” is %(size).1f MB; the limit is 5 MB. Scan at a lower resolution or as a PDF.")
            % {"name": name, "size": size / (1024 * 1024)},
            extra={"field": "file"},
        )
    try:
        inspected = uploads.inspect(data, allowed={"pdf", "jpeg", "png"}, max_pixels=CERTIFICATE_MAX_PIXELS)
    except uploads.FileProblem as problem:
        raise CertificateRefused(_file_refusal(problem.code, name), extra={"field": "file"}) from problem
    return InspectedFile(
        data=data, content_type=inspected.content_type, sha256=hashlib.sha256(data).hexdigest(), name=name
    )


def _file_refusal(code: str, name: str) -> str:
    if code == "not_allowed":
        return _("“%(name)s” is not a PDF, JPEG or PNG file (whatever its name says). Upload a scan or a photo.") % {
            "name": name
        }
    if code == "pdf_incomplete":
        return _("The PDF “%(name)s” is incomplete (it was cut off during upload or saving). Save it again.") % {
            "name": name
        }
    if code == "image_too_large":
        return _("The image “%(name)s” is too large in pixels. Scan it at a lower resolution.") % {"name": name}
    return _("The image “%(name)s” is damaged or incomplete. Take the photo or scan again.") % {"name": name}


def _clean_certificate(
    *, type: str, issuer: str, number: str, valid_from: date | None, valid_until: date | None, on: date
) -> tuple[str, str, str, date, date]:
    if type not in CertificationType.values:
        raise CertificateRefused(_("Choose the certification from the list."), extra={"field": "type"})
    issuer = " ".join(str(issuer or "").split())
    if not 1 <= len(issuer) <= ISSUER_MAX:
        raise CertificateRefused(
            _("Enter who issued the certificate (the certification body), at most 128 characters."),
            extra={"field": "issuer"},
        )
    number = str(number or "").strip()
    if not 1 <= len(number) <= NUMBER_MAX:
        raise CertificateRefused(
            _("Enter the certificate's number as printed on it, at most 64 characters."), extra={"field": "number"}
        )
    if valid_from is None:
        raise CertificateRefused(_("Enter the date the certificate is valid from."), extra={"field": "valid_from"})
    if valid_until is None:
        raise CertificateRefused(_("Enter the date the certificate is valid until."), extra={"field": "valid_until"})
    if valid_from > on:
        raise CertificateRefused(
            _("The certificate is valid only from %(date)s: add it on that day.") % {"date": valid_from.isoformat()},
            extra={"field": "valid_from"},
        )
    if valid_until <= valid_from:
        raise CertificateRefused(_("The end of validity must come after its start."), extra={"field": "valid_until"})
    if valid_until < on:
        raise CertificateRefused(
            _("The certificate expired on %(date)s: add the renewed one.") % {"date": valid_until.isoformat()},
            extra={"field": "valid_until"},
        )
    return type, issuer, number, valid_from, valid_until


def _certificates_of(profile: CompanyProfile) -> list[str]:
    return [str(certificate) for certificate in Certificate.objects.filter(profile=profile).order_by("id")]


def certificate_add(
    *,
    profile: CompanyProfile,
    actor: Actor,
    uploaded: File,
    type: str,
    issuer: str,
    number: str,
    valid_from: date | None,
    valid_until: date | None,
) -> Certificate:
    """Add a certificate with its file (``inspect_certificate``). Refused (``CertificateRefused`` naming the
    field) when a field is missing or wrong: valid from a day after today, ending before it starts, expired; when the
    profile holds this certification's number already, or 20 certificates. The edit follows ``_after_edit``.
    Returns the certificate."""
    inspected = inspect_certificate(uploaded)
    type, issuer, number, valid_from, valid_until = _clean_certificate(
        type=type, issuer=issuer, number=number, valid_from=valid_from, valid_until=valid_until, on=rules.today()
    )
    stored: list[str] = []
    try:
        with transaction.atomic():
            profile = _lock(profile)
            before = _certificates_of(profile)
            if len(before) >= CERTIFICATES_STORED_MAX:
                raise CertificateRefused(
                    _("The profile holds %(count)d certificates, the most it can. Remove an expired one first.")
                    % {"count": len(before)}
                )
            if Certificate.objects.filter(profile=profile, type=type, number=number).exists():
                raise CertificateRefused(
                    _("The %(type)s certificate %(number)s is on the profile already.")
                    % {"type": type, "number": number},
                    extra={"field": "number"},
                )
            certificate = Certificate(
                profile=profile,
                type=type,
                issuer=issuer,
                number=number,
                valid_from=valid_from,
                valid_until=valid_until,
                original_name=inspected.name[:200],
                content_type=inspected.content_type,
                size=len(inspected.data),
                sha256=inspected.sha256,
                uploaded_by=actor_or_none(actor),
            )
            certificate.file.save("certificate", ContentFile(inspected.data), save=False)
            stored.append(certificate.file.name)
            certificate.save()
            _record_edit(profile=profile, actor=actor, changes={"certificates": [before, [*before, str(certificate)]]})
    except BaseException:
        _delete_files(stored, certificate_storage())
        raise
    return certificate


@transaction.atomic
def certificate_remove(*, profile: CompanyProfile, actor: Actor, certificate: Certificate) -> CompanyProfile:
    """Remove one of the profile's certificates; its file is deleted once the removal is committed. The edit
    follows ``_after_edit`` (a profile on Alibaba.com is sent again without it)."""
    profile = _lock(profile)
    if not Certificate.objects.filter(pk=certificate.pk, profile=profile).exists():
        raise CertificateRefused(_("This certificate is not one of the profile's certificates."))
    before = _certificates_of(profile)
    name = certificate.file.name
    Certificate.objects.filter(pk=certificate.pk).delete()
    profile = _record_edit(
        profile=profile, actor=actor, changes={"certificates": [before, [c for c in before if c != str(certificate)]]}
    )
    transaction.on_commit(lambda: _delete_files([name], certificate_storage()))
    return profile


# Sending -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def profile_send(*, profile: CompanyProfile, actor: Actor) -> CompanyProfile:
    """Send the profile to Alibaba.com: a draft, a rejected or a failed profile becomes sending and a
    ``company.profile.update`` outbox row is written in the same transaction. Refused for a seller that may not
    sell (``SellerNotActive``), with every blocking problem at once (``ProfileIncomplete``), for a blocked profile
    (``IllegalTransition``). A profile that is sending already is sent now if its job waits out a backoff; one
    that is sending, in review or live otherwise has nothing to send (``NothingToSend``: its edits are sent as they
    are made)."""
    profile = _lock(profile)
    if profile.status in AUTO_SEND_STATES:
        job = outbox.latest_job(kinds=(SYNC_KIND,), target=str(profile.pk))
        if profile.status == S.SENDING and profile.seller.may_sell and job is not None and outbox.retry(job=job):
            return profile
        raise NothingToSend()
    if profile.status not in SEND_FROM_STATES:
        raise IllegalTransition(profile=profile, to=S.SENDING)
    _require_may_sell(profile.seller)
    blocking = rules.blocking_problems(rules.profile_problems(profile))
    if blocking:
        raise ProfileIncomplete(blocking)
    profile = MACHINE.move(profile, to=S.SENDING, actor=actor, reason=_("Sent to Alibaba.com.")).profile
    _enqueue(profile)
    return profile


# Sync (DESIGN.md §6) -----------------------------------------------------------------------------------------------
# The handler of brand.sync reports back through these. Each is safe to run twice or late: it checks the profile's
# current status and versions before changing anything.


@transaction.atomic
def profile_gateway_file_store(*, profile: CompanyProfile, kind: str, sha256: str, url: str) -> None:
    """Record that the content ``sha256`` is on the gateway at ``url``: in the seller's photobank (``kind``
    "photo") or as a certificate file (``kind`` "certificate"), so that it is never uploaded again."""
    profile = CompanyProfile.objects.select_for_update().get(pk=profile.pk)
    field = "photobank_urls" if kind == "photo" else "certificate_urls"
    getattr(profile, field)[sha256] = url
    profile.save(update_fields=[field, "updated_at"])


@transaction.atomic
def profile_sync_record(
    *,
    profile: CompanyProfile,
    version: int,
    gateway_version: int,
    sent_at: datetime | None,
    certificate_ids: Sequence[int],
) -> CompanyProfile:
    """The gateway accepted ``version`` of the profile as its ``gateway_version``, listing the certificates
    ``certificate_ids``: recorded, and a sending profile is in review, unless a newer version is on its way (it
    stays sending). An answer older than the one recorded (a late worker) changes nothing."""
    profile = _lock(profile)
    if profile.gateway_version is not None and gateway_version < profile.gateway_version:
        return profile
    profile.synced_version = version
    profile.gateway_version = gateway_version
    profile.sent_at = sent_at or timezone.now()
    profile.save(update_fields=["synced_version", "gateway_version", "sent_at", "updated_at"])
    Certificate.objects.filter(profile=profile).update(
        on_gateway=Case(When(pk__in=list(certificate_ids), then=Value(True)), default=Value(False))
    )
    if profile.status == S.SENDING and version == profile.version:
        profile = MACHINE.move(
            profile, to=S.IN_REVIEW, reason=_("Alibaba.com received the profile and reviews it.")
        ).profile
    return profile


@transaction.atomic
def profile_sync_failed(*, profile: CompanyProfile, reason: str) -> CompanyProfile:
    """The sync stopped for good (Alibaba.com refused the profile, our setup is wrong, it gave up after many
    transient errors, or the seller may no longer sell): a profile on its way is sync-failed with ``reason``, what
    to fix, shown to the seller. A profile that left the sync meanwhile (blocked) is left alone."""
    profile = _lock(profile)
    if profile.status in SENDABLE_STATES:
        profile = MACHINE.move(profile, to=S.SYNC_FAILED, reason=reason).profile
    return profile


@transaction.atomic
def profile_review_record(*, profile: CompanyProfile, gateway_version: int, approved: bool, reason: str = "") -> bool:
    """The gateway's review of its version ``gateway_version`` of the profile (a push or reconciliation):
    approved → live, rejected → rejected with the gateway's reason. Applied only when it is about what we sent
    last: the profile is in review, the gateway's version is the one we recorded, and no newer version of ours is on
    its way. Returns whether it was applied; a review applied already or about an older version changes nothing."""
    profile = _lock(profile)
    if (
        profile.status != S.IN_REVIEW
        or profile.gateway_version != gateway_version
        or profile.synced_version != profile.version
    ):
        return False
    if approved:
        MACHINE.move(profile, to=S.LIVE, reason=_("Approved by Alibaba.com: buyers see the profile."))
    else:
        reason = (reason or "").strip().rstrip(".") or _("Alibaba.com gave no reason")
        MACHINE.move(
            profile,
            to=S.REJECTED,
            reason=_("Rejected by Alibaba.com: %(reason)s. Correct the profile and send it again.")
            % {"reason": reason},
        )
    return True


@transaction.atomic
def profile_resync(*, profile: CompanyProfile, reason: str) -> bool:
    """Send the profile's current version again (a certificate expired or was refused, reconciliation found the
    gateway's copy wrong): a profile in review or live becomes sending, one outbox row. Returns whether it was sent;
    only a profile the gateway holds (or is being sent) of a seller who may sell is."""
    profile = _lock(profile)
    if profile.status not in AUTO_SEND_STATES or not profile.seller.may_sell:
        return False
    if profile.status != S.SENDING:
        MACHINE.move(profile, to=S.SENDING, reason=reason)
    _enqueue(profile)
    return True


# Certificates over time ---------------------------------------------------------------------------------------------


def certificates_withdraw_expired(*, on: date | None = None) -> int:
    """Daily (beat): every profile whose version on Alibaba.com lists a certificate that has expired is sent again
    without it (``profile_resync``), so that an expired certificate leaves the public profile by itself. Returns
    how many profiles were sent."""
    on = on or rules.today()
    profiles = CompanyProfile.objects.filter(
        status__in=HELD_STATES, certificates__on_gateway=True, certificates__valid_until__lt=on
    ).distinct()
    sent = 0
    for profile in profiles:
        sent += profile_resync(
            profile=profile, reason=_("A certificate expired: the profile is sent again without it.")
        )
    return sent


def certificates_remind(*, on: date | None = None) -> int:
    """Daily (beat): e-mail the seller's users about every certificate that expires within 30 days, once per
    certificate and expiry date (``dxports.mail``'s unique key: a second run, or two beats, mail nobody twice).
    Returns how many certificates were reminded of."""
    on = on or rules.today()
    due = (
        Certificate.objects.filter(valid_until__gte=on, valid_until__lte=on + rules.EXPIRY_NOTICE)
        .exclude(review=CertificateReview.REFUSED)
        .select_related("profile__seller")
        .order_by("valid_until", "id")
    )
    reminded = 0
    for certificate in due:
        seller = certificate.profile.seller
        with transaction.atomic():
            sent = mail.send_to_users(
                sellers_selectors.users_of_seller(seller=seller),
                "brand/email/certificate_expiring",
                {
                    "seller": seller,
                    "certificate": certificate,
                    "days_left": (certificate.valid_until - on).days,
                },
                key=f"brand-certificate-expiring:{certificate.public_id}:{certificate.valid_until.isoformat()}",
            )
        reminded += bool(sent)
    return reminded


# Staff ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def certificate_review(*, certificate: Certificate, actor: Actor, verdict: str, note: str = "") -> Certificate:
    """Program staff's check of a certificate: verified (against its issuer), refused (``note`` required: the
    seller reads it; the certificate leaves the public profile) or back to not verified. Audited on the profile; a
    verification is announced as ``certificate.verified``. A change of whether buyers see it sends a profile that is
    on Alibaba.com again (``profile_resync``)."""
    verdict = CertificateReview(verdict)
    note = require_reason(note, error=CertificateRefused) if verdict == CertificateReview.REFUSED else note.strip()
    certificate = Certificate.objects.select_for_update().select_related("profile").get(pk=certificate.pk)
    before = certificate.review
    if before == verdict and certificate.review_note == note:
        return certificate
    was_refused = before == CertificateReview.REFUSED
    certificate.review = verdict
    certificate.review_note = note
    certificate.reviewed_by = actor_or_none(actor)
    certificate.reviewed_at = timezone.now()
    certificate.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at"])
    profile = certificate.profile
    ProfileEvent.record(
        profile=profile,
        version=profile.version,
        actor=actor,
        kind=EventKind.CERTIFICATE,
        changes={str(certificate): [before, str(verdict)]},
        reason=note,
    )
    if verdict == CertificateReview.VERIFIED:
        events.record(
            "certificate.verified",
            seller_id=profile.seller_id,
            subject=certificate,
            data={"type": certificate.type, "number": certificate.number, "valid_until": str(certificate.valid_until)},
        )
    if was_refused != (verdict == CertificateReview.REFUSED):
        reason = (
            _("Program staff refused a certificate: the profile is sent again without it.")
            if verdict == CertificateReview.REFUSED
            else _("Program staff accepted a certificate again: the profile is sent again with it.")
        )
        profile_resync(profile=profile, reason=reason)
    return certificate


@transaction.atomic
def profile_block(*, profile: CompanyProfile, actor: Actor, reason: str) -> CompanyProfile:
    """Staff moderation: the profile is blocked with a reason the seller reads; nothing more is sent to Alibaba.com
    (a job on its way skips it). The gateway has no call to withdraw a profile it shows."""
    event = profile_transition(profile=profile, to=S.BLOCKED, actor=actor, reason=require_reason(reason))
    return event.profile


@transaction.atomic
def profile_unblock(*, profile: CompanyProfile, actor: Actor, reason: str) -> CompanyProfile:
    """Staff lift a block: the profile is a draft again, for the seller to check and send."""
    event = profile_transition(profile=profile, to=S.DRAFT, actor=actor, reason=require_reason(reason))
    return event.profile
