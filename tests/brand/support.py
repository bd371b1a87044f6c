"""Shared pieces of the company profile tests: real photos and certificate files built in memory, and a complete
profile made through the services as a seller makes it."""

import itertools
from datetime import timedelta

from brand import rules, services
from brand.models import CompanyProfile, PhotoKind
from tests.catalog.image_files import noise_bytes, upload
from tests.sellers.files import pdf_bytes

STORY = (
    "Rupsha Jute Crafts has made jute bags, rugs and home goods in Khulna since 2008. Eighty-five people spin, "
    "weave, braid and stitch every piece by hand and on twelve looms, from fibre we buy from farmers in Jessore and "
    "Faridpur and test for strength and moisture. Every order is inspected before packing, and we ship from "
    "Chattogram to importers in Germany, the UK, the USA and Japan, from 500 pieces per design."
)
FIELDS = {
    "company_story": STORY,
    "year_established": 2008,
    "employees": 85,
    "capacity_quantity": 50_000,
    "capacity_unit": "piece",
}
MARKETS = [services.MarketInput("DE", 35), services.MarketInput("GB", 20), services.MarketInput("US", 15)]
SHOWS = [services.TradeShowInput("Heimtextil Frankfurt", 2024, "DE")]

_seeds = itertools.count(1000)


def photo_upload(name="workshop.jpg", *, seed=None, fmt="JPEG"):
    """A real photo, different content for each call unless ``seed`` is given."""
    content_type = "image/png" if fmt == "PNG" else "image/jpeg"
    data = noise_bytes(fmt, size=(320, 240), seed=next(_seeds) if seed is None else seed)
    return upload(name, data, content_type)


def certificate_upload(name="certificate.pdf", data=None):
    """A real (small) PDF, different content for each call unless ``data`` is given."""
    return upload(name, data if data is not None else pdf_bytes() + f"% {next(_seeds)}\n".encode())


_numbers = itertools.count(1)


def add_certificate(profile, owner, *, type="OEKO-TEX", number=None, days_valid=300, since=30, **fields):
    on = rules.today()
    return services.certificate_add(
        profile=profile,
        actor=owner,
        uploaded=fields.pop("uploaded", None) or certificate_upload(),
        type=type,
        issuer=fields.pop("issuer", "Hohenstein"),
        number=number or f"21.HBD.{next(_numbers):05d}",
        valid_from=on - timedelta(days=since),
        valid_until=on + timedelta(days=days_valid),
    )


def complete_profile(seller, owner, *, photos=4, logo=True, certificates=1, **changes):
    """A profile of ``seller`` with nothing to improve (with the defaults), made through the services."""
    profile = services.profile_get_or_create(seller=seller, actor=owner)
    profile = services.profile_update(
        profile=profile, actor=owner, markets=MARKETS, trade_shows=SHOWS, **{**FIELDS, **changes}
    )
    for _ in range(photos):
        services.profile_photo_add(profile=profile, actor=owner, uploaded=photo_upload())
    if logo:
        services.profile_photo_add(profile=profile, actor=owner, uploaded=photo_upload("logo.png"), kind=PhotoKind.LOGO)
    for _ in range(certificates):
        add_certificate(profile, owner)
    return CompanyProfile.objects.get(pk=profile.pk)


def sent_profile(sync, supplier):
    """A complete profile of ``supplier`` sent and held by the gateway (``sync`` drained): in review."""
    profile = complete_profile(supplier, supplier.owner)
    services.profile_send(profile=profile, actor=supplier.owner)
    sync.drain()
    profile.refresh_from_db()
    return profile
