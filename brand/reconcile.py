"""Reconciliation of the company profiles (DESIGN.md §6): compare what the gateway holds with what we believe, repair
the drift and report it. Run by beat (``brand.tasks.brand_reconcile_profiles``) and safe to run at any time: the
repairs go through the services (outbox rows, guarded transitions), so a repair that races a worker is harmless.

For each seller who may sell, with a supplier account and a profile it sent (in review or live), the gateway's
profile (``company_profile_get``) is compared with ours:

- missing: the gateway holds no profile, or another version than the one we recorded → sent again;
- review drift: the gateway reviewed the version we sent (approved / tbd) but its push did not reach us → applied,
  as the push would have;
- expired: the gateway's copy lists a certificate buyers must not see any more (expired or refused) → sent again;
- stale: a live profile in step with our version whose gateway copy says something else (story, year, people,
  capacity, markets, certificates) → sent again;
- anything else that differs (a live profile the gateway does not show as approved) → reported.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from alibaba import reconcile
from alibaba.client import AlibabaClient
from alibaba.client import CompanyProfile as GatewayProfile
from alibaba.gateway import shared_client
from alibaba.outbox import is_running
from brand import rules, services
from brand.models import HELD_STATES, SYNC_KIND, CompanyProfile, ProfileStatus
from sellers import selectors as sellers_selectors
from sellers.selectors import Seller
from sellers.services import SupplierSession

logger = logging.getLogger("dxports.brand.reconcile")


@dataclass
class Report(reconcile.Report):
    sellers: int = 0
    checked: int = 0
    missing: list[dict[str, Any]] = field(default_factory=list)
    reviews_applied: list[dict[str, Any]] = field(default_factory=list)
    expired: list[dict[str, Any]] = field(default_factory=list)
    stale: list[dict[str, Any]] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def reconcile_profiles(*, seller: Seller | None = None) -> dict[str, Any]:
    """Reconcile the profile of every seller who may sell (or only ``seller``'s); returns the report as a dict
    (``counts`` and the details of each finding) and logs it. A seller whose profile cannot be read (the gateway
    fails, the token cannot be refreshed) is reported under ``errors`` and the others go on."""
    sellers = sellers_selectors.sellers_that_may_sell().filter(company_profile__status__in=HELD_STATES)
    if seller is not None:
        sellers = sellers.filter(pk=seller.pk)
    report = Report()
    client = shared_client()
    on = rules.today()
    reconcile.reconcile_sellers(
        sellers,
        lambda each: _reconcile_seller(each, client, report, on),
        report=report,
        logger=logger,
        what="profile reconciliation",
    )
    result = report.as_dict()
    logger.info("profile reconciliation: %s", result["counts"], extra={"report": result})
    return result


def _reconcile_seller(seller: Seller, client: AlibabaClient, report: Report, on: date) -> None:
    profile = CompanyProfile.objects.filter(seller=seller).prefetch_related(*rules.PROFILE_PREFETCH).first()
    if profile is None or profile.status not in HELD_STATES:
        return
    session = SupplierSession(client, seller)
    held = session.run(lambda: session.client.company_profile_get(session.token))
    report.checked += 1
    if is_running(kind=SYNC_KIND, target=str(profile.pk)):
        return  # a worker is sending it right now: what the gateway holds is about to change
    finding = {"profile": profile.pk, "seller": seller.pk}
    if held is None or held.version != profile.gateway_version:
        if services.profile_resync(
            profile=profile, reason=_("Alibaba.com does not hold the profile sent: it is sent again.")
        ):
            report.missing.append({**finding, "gateway_version": held.version if held else None})
        return
    if profile.status == ProfileStatus.IN_REVIEW and held.status in ("approved", "tbd"):
        if services.profile_review_record(
            profile=profile,
            gateway_version=held.version,
            approved=held.status == "approved",
            reason=held.reject_reason or "",
        ):
            report.reviews_applied.append({**finding, "status": held.status})
        return
    public = {(c.type, c.number) for c in rules.public_certificates(list(profile.certificates.all()), on=on)}
    shown = {(c.type, c.number) for c in held.certifications}
    if shown - public:
        if services.profile_resync(
            profile=profile,
            reason=_("Alibaba.com shows a certificate that is no longer valid: the profile is sent again."),
        ):
            report.expired.append({**finding, "certificates": sorted(" ".join(pair) for pair in shown - public)})
        return
    if profile.status != ProfileStatus.LIVE:
        return
    if profile.is_synced and _differs(profile, held, public):
        if services.profile_resync(profile=profile, reason=_("Alibaba.com holds an older profile: it is sent again.")):
            report.stale.append(finding)
    elif held.status != "approved":
        report.drift.append({**finding, "gateway_status": held.status, "ours": profile.status})


def _differs(profile: CompanyProfile, held: GatewayProfile, public: set[tuple[str, str]]) -> bool:
    ours = (
        profile.company_story.replace("\r\n", "\n"),
        profile.year_established,
        profile.employee_range,
        profile.capacity_quantity,
        profile.capacity_unit,
        [(market.country.code, market.share) for market in profile.markets.all()],
        public,
    )
    theirs = (
        held.company_story,
        held.year_established,
        held.employees,
        held.capacity_quantity,
        held.capacity_unit,
        [(market.country, market.share) for market in held.main_markets],
        {(c.type, c.number) for c in held.certifications},
    )
    return ours != theirs
