"""Whether a company profile may be sent, and how complete it is: every problem at once, each with how to fix it.

Two kinds of problem (``Rule.blocking``), as in the product quality score (``catalog.rules``):
- blocking: Alibaba.com would refuse the profile (docs/gateway.md, "Company profile rules"); a profile with one is
  not sent, and an edit of a profile on its way or live that would add one is refused;
- advice: what buyers look for (a story that says something, workshop photos, a logo, certificates, trade shows);
  it lowers the completeness score only.

The checks read a ``Snapshot``, a plain copy of a profile's fields and rows, so that the same rules serve a saved
profile (``profile_problems``) and a partner's payload. ``snapshot_of`` reads a profile in a constant number of
queries (none when the caller prefetched ``PROFILE_PREFETCH``). Certificates are judged on ``today``, the gateway's
date (UTC): one that has expired, or that staff refused, is not public and does not count.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, timedelta

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brand.models import Certificate, CertificateReview, CompanyProfile, PhotoKind, Unit
from dxports.rules import Problem as BaseProblem
from dxports.rules import Rule, blocking_first, score, unprintable_shown
from dxports.rules import blocking_problems as blocking_problems

STORY_MIN, STORY_MAX = 50, 5000
STORY_GOOD = 300  # a story shorter than this says little more than the fields around it
FIRST_YEAR = 1800
QUANTITY_MAX = 99_999_999
MARKETS_MAX = 10
HOME_COUNTRY = "BD"
FACTORY_PHOTOS_MAX = 10
FACTORY_PHOTOS_RECOMMENDED = 4
TRADE_SHOWS_MAX = 20
TRADE_SHOW_FIRST_YEAR = 1950
TRADE_SHOW_NAME_MAX = 128
CERTIFICATES_MAX = 20  # public ones, the gateway's limit
EXPIRY_NOTICE = timedelta(days=30)  # the seller is told this long before a certificate expires

PROFILE_PREFETCH = ("markets", "trade_shows", "photos", "certificates")


def today() -> date:
    """The gateway's date (UTC): the day certificates and years are checked against."""
    return timezone.now().astimezone(UTC).date()


RULES = {
    # Alibaba.com's rules.
    "story_missing": Rule(
        True,
        20,
        _("The company story is missing."),
        _("Tell buyers in English who you are, what you make and for whom (at least 50 characters)."),
    ),
    "story_too_short": Rule(
        True,
        15,
        _("The company story has %(length)d characters; Alibaba.com needs at least 50."),
        _("Say more: what you make, since when, from which materials, and for which markets."),
    ),
    "story_too_long": Rule(
        True,
        10,
        _("The company story has %(length)d characters; Alibaba.com accepts at most 5,000."),
        _("Shorten the company story."),
    ),
    "story_not_english": Rule(
        True,
        15,
        _("The company story contains characters Alibaba.com does not show: %(chars)s."),
        _("Write the story in English letters, digits and common punctuation: buyers read it in English."),
    ),
    "year_missing": Rule(True, 10, _("The year established is missing."), _("Enter the year the business started.")),
    "year_out_of_range": Rule(
        True,
        10,
        _("%(year)s is not a year from 1800 to this year."),
        _("Enter the year the business started, for example 2008."),
    ),
    "employees_missing": Rule(
        True, 10, _("The number of employees is missing."), _("Enter how many people work for the business.")
    ),
    "capacity_missing": Rule(
        True,
        10,
        _("The production capacity per month is missing."),
        _("Enter how much you can make in a month, and the unit."),
    ),
    "capacity_out_of_range": Rule(
        True,
        10,
        _("The production capacity %(quantity)s is not between 1 and 99,999,999."),
        _("Enter the monthly capacity as a whole number of units."),
    ),
    "markets_missing": Rule(
        True,
        15,
        _("No main export market is given."),
        _("Name the countries you export to and the share of your exports that goes to each."),
    ),
    "markets_too_many": Rule(
        True,
        5,
        _("There are %(count)d export markets; Alibaba.com shows at most 10."),
        _("Keep your 10 largest markets."),
    ),
    "market_home": Rule(
        True,
        5,
        _("Bangladesh is the home market, not an export market."),
        _("Remove Bangladesh from the export markets."),
    ),
    "markets_share_total": Rule(
        True,
        5,
        _("The export shares add up to %(total)d%%; they can add up to 100%% at most."),
        _("Correct the shares: each is the percent of your exports that goes to that country."),
    ),
    "factory_photos_too_many": Rule(
        True,
        5,
        _("There are %(count)d factory photos; Alibaba.com shows at most 10."),
        _("Remove photos to keep 10."),
    ),
    "trade_shows_too_many": Rule(
        True,
        5,
        _("There are %(count)d trade shows; Alibaba.com shows at most 20."),
        _("Keep the 20 most important trade shows."),
    ),
    "trade_show_invalid": Rule(
        True,
        5,
        _("The trade show “%(name)s” needs a name of 1 to 128 characters and a year from 1950 to this year."),
        _("Correct the trade show's name and year."),
    ),
    "certificates_too_many": Rule(
        True,
        5,
        _("There are %(count)d valid certificates; Alibaba.com shows at most 20."),
        _("Remove the certificates buyers care least about."),
    ),
    # What buyers look for.
    "story_short": Rule(
        False,
        10,
        _("The company story is short (%(length)d characters)."),
        _(
            "Buyers read 300 to 1,500 characters: your history, your workshop and people, your materials and "
            "quality checks, the buyers you already serve."
        ),
    ),
    "factory_photos_none": Rule(
        False,
        15,
        _("There are no factory or workshop photos."),
        _("Add photos of your workshop, machines and people at work: buyers trust what they can see."),
    ),
    "factory_photos_few": Rule(
        False,
        5,
        _("There are %(count)d factory photos; profiles with 4 or more get more inquiries."),
        _("Add photos of production, quality checks, storage and packing."),
    ),
    "logo_missing": Rule(
        False, 5, _("The brand logo is missing."), _("Upload your logo as a PNG or JPEG of at least 100 pixels a side.")
    ),
    "certificates_none": Rule(
        False,
        12,
        _("No valid certificate is shown."),
        _("Add the certificates you hold (BSCI, OEKO-TEX, GOTS, ISO 9001, HACCP…): many buyers filter by them."),
    ),
    "certificate_expiring": Rule(
        False,
        2,
        _("The %(type)s certificate %(number)s expires on %(date)s."),
        _("Add the renewed certificate before then: an expired certificate leaves your profile by itself."),
    ),
    "certificate_expired": Rule(
        False,
        3,
        _("The %(type)s certificate %(number)s expired on %(date)s; buyers no longer see it."),
        _("Add the renewed certificate and remove the expired one."),
    ),
    "certificate_refused": Rule(
        False,
        3,
        _("Program staff did not accept the %(type)s certificate %(number)s: %(note)s"),
        _("Buyers do not see it. Remove it, or add the correct certificate."),
    ),
    "trade_shows_none": Rule(
        False,
        3,
        _("No trade show is listed."),
        _("Add the trade shows you attended (name and year): buyers meet suppliers there."),
    ),
}
# A profile Alibaba.com would refuse is never scored above this, however good the rest is.
BLOCKED_SCORE_CAP = 50


class Problem(BaseProblem):
    """One problem of a profile. ``field`` names the profile field (``company_story``, ``markets[1].country``,
    ``certificates``); ``message`` and ``fix`` are translated when read."""

    rules = RULES


@dataclass(frozen=True)
class CertificateFacts:
    type: str
    number: str
    valid_from: date
    valid_until: date
    review: str = CertificateReview.UNVERIFIED
    review_note: str = ""


@dataclass(frozen=True)
class Snapshot:
    """What the rules read. ``markets`` are ``(country code, share)`` and ``trade_shows`` ``(name, year)`` in the
    seller's order, as given: the rules check them."""

    company_story: str = ""
    year_established: int | None = None
    employees: int | None = None
    capacity_quantity: int | None = None
    capacity_unit: str = ""
    markets: tuple[tuple[str, int], ...] = ()
    trade_shows: tuple[tuple[str, int], ...] = ()
    factory_photos: int = 0
    has_logo: bool = False
    certificates: tuple[CertificateFacts, ...] = ()


def snapshot_of(profile: CompanyProfile) -> Snapshot:
    """The ``Snapshot`` of a saved profile; prefetches what is not prefetched yet (``PROFILE_PREFETCH``)."""
    prefetch_related_objects([profile], *PROFILE_PREFETCH)
    photos = list(profile.photos.all())
    return Snapshot(
        company_story=profile.company_story,
        year_established=profile.year_established,
        employees=profile.employees,
        capacity_quantity=profile.capacity_quantity,
        capacity_unit=profile.capacity_unit,
        markets=tuple((market.country.code, market.share) for market in profile.markets.all()),
        trade_shows=tuple((show.name, show.year) for show in profile.trade_shows.all()),
        factory_photos=sum(photo.kind == PhotoKind.FACTORY for photo in photos),
        has_logo=any(photo.kind == PhotoKind.LOGO for photo in photos),
        certificates=tuple(facts_of(certificate) for certificate in profile.certificates.all()),
    )


def facts_of(certificate: Certificate) -> CertificateFacts:
    return CertificateFacts(
        type=certificate.type,
        number=certificate.number,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        review=certificate.review,
        review_note=certificate.review_note,
    )


def profile_problems(profile: CompanyProfile, *, on: date | None = None) -> list[Problem]:
    """Every problem of ``profile`` on the day ``on`` (default: today), blocking ones first, each once."""
    return problems_of(snapshot_of(profile), on=on or today())


def problems_of(snapshot: Snapshot, *, on: date) -> list[Problem]:
    problems = [
        *_story(snapshot),
        *_year(snapshot, on),
        *_employees(snapshot),
        *_capacity(snapshot),
        *_markets(snapshot),
        *_photos(snapshot),
        *_trade_shows(snapshot, on),
        *_certificates(snapshot, on),
    ]
    return blocking_first(problems)


def completeness_score(problems: Sequence[Problem]) -> int:
    """0 to 100 for a profile's ``problems``: 100 when nothing can be improved; at most ``BLOCKED_SCORE_CAP`` while a
    blocking problem remains."""
    return score(problems, blocked_cap=BLOCKED_SCORE_CAP)


def is_public(facts: CertificateFacts, *, on: date) -> bool:
    """Whether buyers see the certificate on ``on``: within its validity and not refused by staff."""
    return facts.review != CertificateReview.REFUSED and facts.valid_from <= on <= facts.valid_until


def certificate_state(facts: CertificateFacts, *, on: date) -> str:
    """How a certificate stands on ``on``: ``refused`` (by staff), ``expired``, ``expiring`` (within
    ``EXPIRY_NOTICE``) or ``valid``."""
    if facts.review == CertificateReview.REFUSED:
        return "refused"
    if facts.valid_until < on:
        return "expired"
    if facts.valid_until <= on + EXPIRY_NOTICE:
        return "expiring"
    return "valid"


def public_certificates(certificates: Sequence[Certificate], *, on: date) -> list[Certificate]:
    """The certificates of ``certificates`` that buyers see on ``on`` (``is_public``), in their order."""
    return [certificate for certificate in certificates if is_public(facts_of(certificate), on=on)]


# The checks ------------------------------------------------------------------------------------------------------


def _story(snapshot: Snapshot) -> Iterator[Problem]:
    story = (snapshot.company_story or "").replace("\r\n", "\n")
    length = len(story.strip())
    if not length:
        yield Problem("company_story", "story_missing")
        return
    if length < STORY_MIN:
        yield Problem("company_story", "story_too_short", {"length": length})
    elif len(story) > STORY_MAX:
        yield Problem("company_story", "story_too_long", {"length": len(story)})
    elif length < STORY_GOOD:
        yield Problem("company_story", "story_short", {"length": length})
    shown = unprintable_shown(story, allowed="\n")
    if shown:
        yield Problem("company_story", "story_not_english", {"chars": shown})


def _year(snapshot: Snapshot, on: date) -> Iterator[Problem]:
    year = snapshot.year_established
    if year is None:
        yield Problem("year_established", "year_missing")
    elif not FIRST_YEAR <= year <= on.year:
        yield Problem("year_established", "year_out_of_range", {"year": year})


def _employees(snapshot: Snapshot) -> Iterator[Problem]:
    if not snapshot.employees:
        yield Problem("employees", "employees_missing")


def _capacity(snapshot: Snapshot) -> Iterator[Problem]:
    quantity, unit = snapshot.capacity_quantity, snapshot.capacity_unit
    if quantity is None or unit not in Unit.values:
        yield Problem("production_capacity", "capacity_missing")
    elif not 1 <= quantity <= QUANTITY_MAX:
        yield Problem("production_capacity", "capacity_out_of_range", {"quantity": quantity})


def _markets(snapshot: Snapshot) -> Iterator[Problem]:
    markets = snapshot.markets
    if not markets:
        yield Problem("markets", "markets_missing")
        return
    if len(markets) > MARKETS_MAX:
        yield Problem("markets", "markets_too_many", {"count": len(markets)})
    for index, (country, _share) in enumerate(markets):
        if country == HOME_COUNTRY:
            yield Problem(f"markets[{index}].country", "market_home")
    total = sum(share for _country, share in markets)
    if total > 100:
        yield Problem("markets", "markets_share_total", {"total": total})


def _photos(snapshot: Snapshot) -> Iterator[Problem]:
    count = snapshot.factory_photos
    if count > FACTORY_PHOTOS_MAX:
        yield Problem("factory_photos", "factory_photos_too_many", {"count": count})
    elif count == 0:
        yield Problem("factory_photos", "factory_photos_none")
    elif count < FACTORY_PHOTOS_RECOMMENDED:
        yield Problem("factory_photos", "factory_photos_few", {"count": count})
    if not snapshot.has_logo:
        yield Problem("brand_logo", "logo_missing")


def _trade_shows(snapshot: Snapshot, on: date) -> Iterator[Problem]:
    shows = snapshot.trade_shows
    if not shows:
        yield Problem("trade_shows", "trade_shows_none")
        return
    if len(shows) > TRADE_SHOWS_MAX:
        yield Problem("trade_shows", "trade_shows_too_many", {"count": len(shows)})
    for index, (name, year) in enumerate(shows):
        if not 1 <= len(name.strip()) <= TRADE_SHOW_NAME_MAX or not TRADE_SHOW_FIRST_YEAR <= year <= on.year:
            yield Problem(f"trade_shows[{index}]", "trade_show_invalid", {"name": name[:40]})


def _certificates(snapshot: Snapshot, on: date) -> Iterator[Problem]:
    public = [facts for facts in snapshot.certificates if is_public(facts, on=on)]
    if len(public) > CERTIFICATES_MAX:
        yield Problem("certificates", "certificates_too_many", {"count": len(public)})
    if not public:
        yield Problem("certificates", "certificates_none")
    for facts in snapshot.certificates:
        params = {"type": facts.type, "number": facts.number, "date": facts.valid_until.isoformat()}
        state = certificate_state(facts, on=on)
        if state == "refused":
            yield Problem("certificates", "certificate_refused", {**params, "note": facts.review_note})
        elif state != "valid":
            yield Problem("certificates", f"certificate_{state}", params)
