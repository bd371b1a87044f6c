"""Reads of the company profiles for a caller. A seller's reads are scoped to the seller, so another seller's profile,
photo or certificate is never returned (the views turn "none" into 404).

Besides the dashboard's reads, the front door of the apps built above: the partner API reads a seller's profile as
buyers see it (``public_profile``, ``profile_of_seller``) and finds suppliers by certification
(``certified_suppliers``); the program's figures count certified suppliers by certification
(``certified_supplier_counts``) and jobs by district and sector (``employees_by_district_and_sector``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, QuerySet, Sum
from django.utils import translation
from django_countries import countries

from alibaba import outbox
from brand import rules
from brand.models import (
    AUTO_SEND_STATES,
    SEND_FROM_STATES,
    SYNC_KIND,
    Certificate,
    CertificateReview,
    CompanyProfile,
    PhotoKind,
    ProfileEvent,
    ProfilePhoto,
    ProfileStatus,
    Unit,
)
from dxports.audit import version_at
from dxports.models import User
from sellers import selectors as sellers_selectors
from sellers.selectors import Seller


def profiles() -> QuerySet[CompanyProfile]:
    """Profiles with everything the rules and the pages read: a constant number of queries for any of them."""
    return CompanyProfile.objects.select_related("seller").prefetch_related(*rules.PROFILE_PREFETCH)


def profile_for_seller(*, seller: Seller) -> CompanyProfile | None:
    """The seller's profile with its rows (five queries), or None when it has none yet."""
    return profiles().filter(seller=seller).first()


def profile_sent(*, seller: Seller) -> bool:
    """Whether the seller's company profile has been sent to Alibaba.com (a dashboard next step; one query)."""
    return CompanyProfile.objects.filter(seller=seller, status__in=AUTO_SEND_STATES).exists()


def photo_of(profile: CompanyProfile, public_id: UUID) -> ProfilePhoto | None:
    """One of the profile's photos (from its prefetched rows), or None."""
    return next((photo for photo in profile.photos.all() if photo.public_id == public_id), None)


def certificate_of(profile: CompanyProfile, public_id: UUID) -> Certificate | None:
    """One of the profile's certificates (from its prefetched rows), or None."""
    return next((c for c in profile.certificates.all() if c.public_id == public_id), None)


def photo_for_user(*, user: User | AnonymousUser, public_id: UUID) -> ProfilePhoto | None:
    """A photo the user may see: of the user's own seller's profile, or any for staff allowed to view profiles."""
    if not user.is_authenticated:
        return None
    found = ProfilePhoto.objects.filter(public_id=public_id)
    if user.is_staff and user.has_perm("brand.view_companyprofile"):
        return found.first()
    return found.filter(profile__seller__members__user=user).first()


def certificate_for_user(*, user: User | AnonymousUser, public_id: UUID) -> Certificate | None:
    """A certificate the user may see: of the user's own seller's profile, or any for staff allowed to view
    certificates."""
    if not user.is_authenticated:
        return None
    found = Certificate.objects.filter(public_id=public_id)
    if user.is_staff and user.has_perm("brand.view_certificate"):
        return found.first()
    return found.filter(profile__seller__members__user=user).first()


def profile_events(*, profile: CompanyProfile) -> QuerySet[ProfileEvent]:
    """The profile's audit trail, newest first, with the actors (one query)."""
    return ProfileEvent.objects.filter(profile=profile).select_related("actor")


def profile_sync_history(*, profile: CompanyProfile) -> QuerySet[outbox.OutboxAttempt]:
    """Every attempt to send the profile to the gateway, newest first, each with its job and the profile's version
    it sent (``subject_version``): one query."""
    return outbox.attempts_of(kinds=(SYNC_KIND,), target=str(profile.pk)).annotate(
        subject_version=version_at(ProfileEvent.objects.filter(profile=profile))
    )


@dataclass(frozen=True)
class ProfileActions:
    """What the seller may ask of the profile in its state (the services decide for good and say why not)."""

    can_send: bool  # a draft, rejected or failed profile
    can_retry_now: bool  # being sent and waiting out an error (or stuck): not during a normal wait
    is_waiting: bool  # on its way to Alibaba.com or in review there
    has_unsent_changes: bool  # edited since Alibaba.com last received it, and not sent yet


def profile_actions(profile: CompanyProfile | None) -> ProfileActions:
    """What the seller may ask of the profile (one query while it is being sent: its sync job)."""
    status = profile.status if profile is not None else ProfileStatus.DRAFT
    return ProfileActions(
        can_send=profile is not None and status in SEND_FROM_STATES,
        can_retry_now=profile is not None
        and status == ProfileStatus.SENDING
        and outbox.retry_is_due(outbox.latest_job(kinds=(SYNC_KIND,), target=str(profile.pk))),
        is_waiting=status in (ProfileStatus.SENDING, ProfileStatus.IN_REVIEW),
        has_unsent_changes=(
            profile is not None
            and profile.synced_version is not None
            and not profile.is_synced
            and status in SEND_FROM_STATES
        ),
    )


# As buyers see it ------------------------------------------------------------------------------------------------


# How Alibaba.com shows the ranges of the number of employees (``models.EMPLOYEE_RANGES``), in English.
EMPLOYEE_RANGE_LABELS = {
    "fewer_than_5": "Fewer than 5 people",
    "5-10": "5 - 10 people",
    "11-50": "11 - 50 people",
    "51-100": "51 - 100 people",
    "101-200": "101 - 200 people",
    "201-300": "201 - 300 people",
    "301-500": "301 - 500 people",
    "501-1000": "501 - 1000 people",
    "above_1000": "Above 1000 people",
}


@dataclass(frozen=True)
class PublicMarket:
    country: str  # ISO 3166-1 alpha-2
    country_name: str  # in English, as Alibaba.com shows it
    share: int


@dataclass(frozen=True)
class PublicTradeShow:
    name: str
    year: int
    country: str
    country_name: str


@dataclass(frozen=True)
class PublicCertificate:
    public_id: UUID
    type: str
    issuer: str
    number: str
    valid_from: date
    valid_until: date
    is_verified: bool  # checked by the program staff


@dataclass(frozen=True)
class PublicProfile:
    """A company profile as buyers see it on Alibaba.com on a given day: in English, the employees as Alibaba.com's
    range, only the certificates that are valid and not refused. ``factory_photos`` and ``logo`` are the photos
    (the caller links them through its own permission-checked view)."""

    seller_public_id: UUID
    company_name: str
    status: str
    company_story: str
    year_established: int | None
    employees: int | None
    employee_range: str
    employee_range_label: str  # as Alibaba.com shows it, in English
    capacity_quantity: int | None
    capacity_unit: str
    capacity_unit_label: str
    markets: tuple[PublicMarket, ...]
    trade_shows: tuple[PublicTradeShow, ...]
    factory_photos: tuple[ProfilePhoto, ...]
    logo: ProfilePhoto | None
    certificates: tuple[PublicCertificate, ...]


def public_profile(profile: CompanyProfile, *, on: date | None = None) -> PublicProfile:
    """``profile`` (read with ``profiles()``, so no query is made here) as buyers see it on ``on`` (default:
    today, the gateway's date)."""
    on = on or rules.today()
    photos = list(profile.photos.all())
    with translation.override("en"):
        unit_label = str(Unit(profile.capacity_unit).label) if profile.capacity_unit in Unit.values else ""
        markets = tuple(
            PublicMarket(country=m.country.code, country_name=str(countries.name(m.country.code)), share=m.share)
            for m in profile.markets.all()
        )
        shows = tuple(
            PublicTradeShow(
                name=show.name,
                year=show.year,
                country=show.country.code or "",
                country_name=str(countries.name(show.country.code)) if show.country.code else "",
            )
            for show in profile.trade_shows.all()
        )
    return PublicProfile(
        seller_public_id=profile.seller.public_id,
        company_name=profile.seller.legal_name,
        status=profile.status,
        company_story=profile.company_story,
        year_established=profile.year_established,
        employees=profile.employees,
        employee_range=profile.employee_range,
        employee_range_label=EMPLOYEE_RANGE_LABELS.get(profile.employee_range, ""),
        capacity_quantity=profile.capacity_quantity,
        capacity_unit=profile.capacity_unit,
        capacity_unit_label=unit_label,
        markets=markets,
        trade_shows=shows,
        factory_photos=tuple(photo for photo in photos if photo.kind == PhotoKind.FACTORY),
        logo=next((photo for photo in photos if photo.kind == PhotoKind.LOGO), None),
        certificates=tuple(
            PublicCertificate(
                public_id=c.public_id,
                type=c.type,
                issuer=c.issuer,
                number=c.number,
                valid_from=c.valid_from,
                valid_until=c.valid_until,
                is_verified=c.review == CertificateReview.VERIFIED,
            )
            for c in rules.public_certificates(list(profile.certificates.all()), on=on)
        ),
    )


def profile_of_seller(*, seller_id: int) -> CompanyProfile | None:
    """The profile of the seller ``seller_id`` with its rows, for ``public_profile`` and ``rules.profile_problems``
    (the partner API checks first that the partner may see the seller): five queries, or None."""
    return profiles().filter(seller_id=seller_id).first()


# For the program's figures and the partner API ------------------------------------------------------------------


def _public_certificates(*, on: date, verified_only: bool) -> QuerySet[Certificate]:
    found = Certificate.objects.filter(valid_from__lte=on, valid_until__gte=on).exclude(
        review=CertificateReview.REFUSED
    )
    if verified_only:
        found = found.filter(review=CertificateReview.VERIFIED)
    return found.filter(profile__seller__in=sellers_selectors.sellers_in_program())


def certified_suppliers(
    *, certification: str, on: date | None = None, verified_only: bool = False
) -> QuerySet[CompanyProfile]:
    """The profiles (with their sellers) of the program's sellers who hold a valid ``certification`` on ``on``
    (default: today): not expired, not refused by staff; with ``verified_only``, verified by staff too."""
    holders = _public_certificates(on=on or rules.today(), verified_only=verified_only).filter(type=certification)
    return CompanyProfile.objects.filter(pk__in=holders.values("profile_id")).select_related("seller")


def certified_supplier_counts(*, on: date | None = None, verified_only: bool = False) -> dict[str, int]:
    """How many of the program's sellers hold each certification on ``on`` (default: today), as in
    ``certified_suppliers``: ``{certification: sellers}``, one query; a certification nobody holds is absent."""
    rows = (
        _public_certificates(on=on or rules.today(), verified_only=verified_only)
        .values("type")
        .annotate(sellers=Count("profile__seller", distinct=True))
        .order_by("type")
    )
    return {row["type"]: row["sellers"] for row in rows}


@dataclass(frozen=True)
class JobsRow:
    district: str  # sellers.geo's key, "" when the seller gave none
    sector: str  # a sector's code, "" for sellers without one
    sellers: int
    employees: int


def employees_by_district_and_sector() -> list[JobsRow]:
    """The people the program's sellers employ (the head count on their company profiles), by the seller's district
    and sector: one query. A seller in two sectors counts in both, so the rows of a district add up to more than
    its people; sum a district's rows by seller, not by row, for its total."""
    rows = (
        CompanyProfile.objects.filter(employees__isnull=False, seller__in=sellers_selectors.sellers_in_program())
        .values("seller__district", "seller__categories__code")
        .annotate(sellers=Count("seller", distinct=True), employees=Sum("employees"))
        .order_by("seller__district", F("seller__categories__code").asc(nulls_first=True))
    )
    return [
        JobsRow(
            district=row["seller__district"] or "",
            sector=row["seller__categories__code"] or "",
            sellers=row["sellers"],
            employees=row["employees"] or 0,
        )
        for row in rows
    ]
