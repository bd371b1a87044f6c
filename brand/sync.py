"""The company profile's side of the sync engine (DESIGN.md §6): the outbox handler of ``company.profile.update``,
its failure hook, and the ``company.reviewed`` push handler. Registered in ``BrandConfig.ready``.

The handler runs outside any transaction and may run twice or late (a lost lease, a duplicate message), so it
re-reads the profile and sends its *current* state:

- it uploads what the gateway lacks, once per content: factory photos and the logo to the seller's photobank,
  certificate files as certificate files, each URL recorded on the profile as soon as it is known
  (``services.profile_gateway_file_store``), so that a retry never uploads the same content again. The outbox runs
  one job per profile at a time, so two workers never upload for the same profile at once;
- it maps the profile to the gateway's profile JSON (only the certificates buyers may see today) and replaces the
  gateway's profile with it, all or nothing. The update is safe to repeat (the gateway reviews the same profile
  again), so a timeout is simply retried; the gateway's answer (its version) is recorded by
  ``services.profile_sync_record``;
- right before the update the seller's right to sell is read afresh: a seller who may not sell has nothing sent;
- an expired access token is refreshed once (``sellers.services.SupplierSession``) and the call repeated;
  transient errors propagate to the engine, which retries with backoff and waits out bans; a refusal
  (``Rejected``, ``ConfigurationError``) or giving up reaches ``sync_failed``, which shows the seller what to fix.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alibaba import outbox, pushes
from alibaba.errors import ConfigurationError, GatewayError, Rejected
from alibaba.gateway import shared_client
from brand import rules, services
from brand.models import SENDABLE_STATES, SYNC_KIND, Certificate, CompanyProfile, PhotoKind, ProfilePhoto
from sellers import selectors as sellers_selectors
from sellers.services import SupplierSession

logger = logging.getLogger("dxports.brand.sync")

REVIEWED = "company.reviewed"

# The gateway's profile fields and what the seller calls them, to name the field a refusal is about.
FIELD_LABELS = (
    ("company_story", gettext_lazy("company story")),
    ("year_established", gettext_lazy("year established")),
    ("employees", gettext_lazy("number of employees")),
    ("production_capacity", gettext_lazy("production capacity")),
    ("main_markets", gettext_lazy("export markets")),
    ("factory_photos", gettext_lazy("factory photos")),
    ("brand_logo", gettext_lazy("brand logo")),
    ("trade_shows", gettext_lazy("trade shows")),
    ("certifications", gettext_lazy("certificates")),
)


def register() -> None:
    outbox.register(SYNC_KIND, sync_profile, on_failure=sync_failed)
    pushes.register_push_handler(REVIEWED, record_review)


class RightToSellEnded(Exception):
    """The seller may not sell any more: nothing is sent."""


def _check_right_to_sell(profile: CompanyProfile) -> None:
    if not sellers_selectors.seller_may_sell(seller_id=profile.seller_id):
        raise RightToSellEnded(profile.seller_id)


# The gateway's profile JSON ---------------------------------------------------------------------------------------


def gateway_profile(
    profile: CompanyProfile, photos: Sequence[ProfilePhoto], certificates: Sequence[Certificate]
) -> dict[str, Any]:
    """The profile JSON of docs/gateway.md ("Company profile rules") for ``profile`` (with its markets and trade
    shows prefetched), its ``photos`` and the ``certificates`` to show, whose files are on the gateway already (the
    profile's ``photobank_urls`` and ``certificate_urls``)."""
    factory = [photo for photo in photos if photo.kind == PhotoKind.FACTORY]
    logo = next((photo for photo in photos if photo.kind == PhotoKind.LOGO), None)
    return {
        "company_story": profile.company_story,
        "year_established": profile.year_established,
        "employees": profile.employee_range or None,
        "production_capacity": {"quantity": profile.capacity_quantity, "unit": profile.capacity_unit or None},
        "main_markets": [{"country": market.country.code, "share": market.share} for market in profile.markets.all()],
        "factory_photos": [profile.photobank_urls[photo.sha256] for photo in factory],
        "brand_logo": profile.photobank_urls[logo.sha256] if logo is not None else None,
        "trade_shows": [
            {"name": show.name, "year": show.year, "country": show.country.code or None}
            for show in profile.trade_shows.all()
        ],
        "certifications": [
            {
                "type": certificate.type,
                "issuer": certificate.issuer,
                "number": certificate.number,
                "valid_from": certificate.valid_from.isoformat(),
                "valid_until": certificate.valid_until.isoformat(),
                "file": profile.certificate_urls[certificate.sha256],
            }
            for certificate in certificates
        ],
    }


def _load(job: outbox.OutboxJob) -> CompanyProfile | None:
    try:
        pk = int(job.target)
    except ValueError:
        return None
    profile = CompanyProfile.objects.select_related("seller").filter(pk=pk).first()
    if profile is not None:
        prefetch_related_objects([profile], *rules.PROFILE_PREFETCH)
    return profile


# company.profile.update ------------------------------------------------------------------------------------------


def sync_profile(job: outbox.OutboxJob) -> dict[str, Any]:
    """Send the profile's current version to the gateway (see the module's docstring). Returns what the attempt
    log keeps: the version sent, the gateway's version and ``gmt_modified``, and how many files were uploaded."""
    profile = _load(job)
    if profile is None:
        return {"skipped": "the profile no longer exists"}
    if profile.status not in SENDABLE_STATES:
        return {"skipped": f"the profile is {profile.status}"}
    if not sellers_selectors.seller_may_sell(seller_id=profile.seller_id):
        services.profile_sync_failed(profile=profile, reason=str(_not_selling()))
        return {"skipped": "the seller may not sell now"}
    session = SupplierSession(shared_client(), profile.seller)
    try:
        return session.run(lambda: _send(profile, session))
    except RightToSellEnded:
        services.profile_sync_failed(profile=profile, reason=str(_not_selling()))
        return {"skipped": "the seller may not sell now"}


def _not_selling() -> str:
    return _(
        "Not sent: your business may not sell on Alibaba.com now. Once it is active again, send the profile again."
    )


def _send(profile: CompanyProfile, session: SupplierSession) -> dict[str, Any]:
    on = rules.today()
    photos = list(profile.photos.all())
    certificates = rules.public_certificates(list(profile.certificates.all()), on=on)
    uploaded = _upload_missing(profile, photos, certificates, session)
    payload = gateway_profile(profile, photos, certificates)
    _check_right_to_sell(profile)
    review = session.client.company_profile_update(session.token, payload)
    services.profile_sync_record(
        profile=profile,
        version=profile.version,
        gateway_version=review.version,
        sent_at=review.modified_at,
        certificate_ids=[certificate.pk for certificate in certificates],
    )
    return {
        "action": "update",
        "version": profile.version,
        "gateway_version": review.version,
        "gmt_modified": review.modified_at.isoformat() if review.modified_at else None,
        "certificates": [str(certificate) for certificate in certificates],
        **uploaded,
    }


def _upload_missing(
    profile: CompanyProfile,
    photos: Sequence[ProfilePhoto],
    certificates: Sequence[Certificate],
    session: SupplierSession,
) -> dict[str, int]:
    """Upload each photo and certificate file whose content the gateway lacks, recording each URL at once (on the
    profile row and in memory). Returns how many of each were uploaded."""
    counts = {"uploaded_photos": 0, "uploaded_certificates": 0}
    for photo in photos:
        if photo.sha256 in profile.photobank_urls:
            continue
        with photo.file.open("rb") as handle:
            content = handle.read()
        url = session.client.photobank_upload(
            session.token, filename=f"{photo.kind}-{photo.sha256[:16]}{photo.extension}", content=content
        )
        services.profile_gateway_file_store(profile=profile, kind="photo", sha256=photo.sha256, url=url)
        profile.photobank_urls[photo.sha256] = url
        counts["uploaded_photos"] += 1
    for certificate in certificates:
        if certificate.sha256 in profile.certificate_urls:
            continue
        with certificate.file.open("rb") as handle:
            content = handle.read()
        url = session.client.company_certificate_upload(
            session.token, filename=f"certificate-{certificate.sha256[:16]}{certificate.extension}", content=content
        )
        services.profile_gateway_file_store(profile=profile, kind="certificate", sha256=certificate.sha256, url=url)
        profile.certificate_urls[certificate.sha256] = url
        counts["uploaded_certificates"] += 1
    return counts


# When the sync stops ---------------------------------------------------------------------------------------------


def sync_failed(job: outbox.OutboxJob, error: BaseException) -> None:
    """The outbox gave up on a job (a refusal, our configuration, or too many transient errors): the profile is
    sync-failed with what to fix."""
    profile = _load(job)
    if profile is not None:
        services.profile_sync_failed(profile=profile, reason=failure_reason(job, error))


def failure_reason(job: outbox.OutboxJob, error: BaseException) -> str:
    """The sentence the seller reads: the gateway's own message and the part of the profile it is about."""
    if isinstance(error, Rejected):
        field = error.field or ""
        label = next((str(label) for prefix, label in FIELD_LABELS if field.startswith(prefix)), field)
        message = error.user_message or error.message
        if label:
            return _(
                "Alibaba.com refused the profile: %(message)s (about: %(field)s). Correct it and send it again."
            ) % {"message": message, "field": label}
        return _("Alibaba.com refused the profile: %(message)s. Correct it and send it again.") % {"message": message}
    if isinstance(error, ConfigurationError):
        return _(
            "The profile could not be sent because of a problem on our side (%(code)s); the program staff have been "
            "told and will retry it."
        ) % {"code": error.code}
    message = error.message if isinstance(error, GatewayError) else (job.last_error_message or str(error))
    return _(
        "Alibaba.com could not be reached after several attempts (%(message)s). Send the profile again later, or "
        "ask the program staff."
    ) % {"message": message[:300]}


# Review pushes ---------------------------------------------------------------------------------------------------


class ReviewArrivedEarly(Exception):
    """A review of a version the worker sending the profile has not recorded yet (the push overtook it): the push
    is retried later."""


def record_review(push: pushes.InboundPush) -> None:
    """``company.reviewed``: approved → live, tbd → rejected with the gateway's reason. Fails closed: a push naming
    no supplier, or a supplier that is not one of ours, is refused (``PushRefused``) and changes nothing. A review
    of an older version, or one applied already, is recorded (the push row) and changes nothing."""
    data = push.data
    supplier_id = data.get("supplier_id")
    if supplier_id in (None, ""):
        raise pushes.PushRefused("company.reviewed names no supplier_id: not applied")
    seller_id = sellers_selectors.seller_id_for_supplier(supplier_id=supplier_id)
    if seller_id is None:
        raise pushes.PushRefused(f"company.reviewed names supplier {str(supplier_id)[:64]!r}, not one of ours")
    profile = CompanyProfile.objects.filter(seller_id=seller_id).first()
    version = _whole(data.get("version"))
    status = data.get("status")
    if profile is None or version is None or status not in ("approved", "tbd"):
        logger.warning("push %s: company.reviewed not applicable (%r)", push.event_id, data)
        return
    newer_than_recorded = profile.gateway_version is None or version > profile.gateway_version
    if newer_than_recorded and outbox.is_running(kind=SYNC_KIND, target=str(profile.pk)):
        # The worker that sent this version has not recorded the gateway's answer yet.
        raise ReviewArrivedEarly(f"profile {profile.pk}: version {version} is being recorded")
    applied = services.profile_review_record(
        profile=profile, gateway_version=version, approved=status == "approved", reason=str(data.get("reason") or "")
    )
    if not applied:
        logger.info(
            "push %s: review of profile %s not applied (old, repeated or superseded)", push.event_id, profile.pk
        )


def _whole(value: object) -> int | None:
    """A whole number (or its digits as text), or None: int() would also take 12.9 as 12 and True as 1."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None
