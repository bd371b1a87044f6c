"""The company profile of the active demo seller (Rupsha Jute Crafts, ``dxports.demo.ACTIVE_SELLER_EMAIL``): a
complete profile built through the services as the seller would (story, facts, markets, trade shows, four workshop
photos, a logo, three certificates, one verified by the program admin and one expiring within 30 days), sent to the
gateway once the seller's supplier account exists.

``seed`` (part of ``seed_demo``) builds the profile; it sends it too when the account is there already (a later
start of ``make run``). On a first start the worker creates the account from the approval's outbox job a few
seconds after ``make run``; beat's ``brand_demo_step`` (while ``make run`` sets DXPORTS_DEMO) calls ``step``, which
waits for the account and sends the profile. The mock reviews it after its ``company_review_delay_s`` (10 s) and its
``company.reviewed`` push makes it live; a profile the mock's seeded draw rejects is sent again (a new version is a
new draw). Idempotent and safe to run concurrently (a cache lock, and each part checks what exists).
"""

import io
from datetime import timedelta
from io import TextIOBase
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from brand import rules, selectors, services
from brand.models import CertificateReview, CompanyProfile, PhotoKind, ProfileStatus
from dxports import mail
from dxports.demo import ACTIVE_SELLER_EMAIL, STAFF_EMAIL
from sellers import selectors as sellers_selectors

LOCK = "dxports:brand:demo"

STORY = (
    "Rupsha Jute Crafts has turned golden Bangladeshi jute into bags, rugs and home goods since 2008. Our workshop "
    "at the BSCIC Industrial Estate in Shiromoni, Khulna, employs 85 people, most of them women from the villages "
    "along the Rupsha river, who spin, weave, braid and stitch every piece by hand and on our twelve looms.\n\n"
    "We buy our fibre from farmers in Jessore and Faridpur, test every batch for strength and moisture, and finish "
    "with natural or AZO-free dyes. Every order is inspected before packing, and we ship from Chattogram in export "
    "cartons or bales.\n\n"
    "We make private-label shopping bags, wine bottle bags, sacks and rugs for importers and retailers in Germany, "
    "the UK, the USA and Japan, from 500 pieces per design."
)
FACTS = {"year_established": 2008, "employees": 85, "capacity_quantity": 50_000, "capacity_unit": "piece"}
MARKETS = (("DE", 35), ("GB", 20), ("US", 15), ("JP", 10))
# (name, years ago, country)
TRADE_SHOWS = (
    ("Heimtextil Frankfurt", 1, "DE"),
    ("Ambiente Frankfurt", 2, "DE"),
    ("Dhaka International Trade Fair", 1, "BD"),
)
# (label, colour of the photo)
PHOTOS = (
    ("Looms", (150, 118, 72)),
    ("Braiding", (176, 140, 90)),
    ("Quality check", (120, 140, 110)),
    ("Packing", (160, 130, 95)),
)
# (certification, issuer, number, days valid so far, days still valid, verified by the program)
CERTIFICATES = (
    ("ISO 9001", "Bureau Veritas Certification Bangladesh", "BD-QMS-2024-0871", 400, 700, True),
    ("BSCI", "amfori (audit by SGS Bangladesh)", "amfori-ID 156-023-118", 345, 20, False),
    ("Fairtrade", "FLOCERT", "FLO-ID 44817", 100, 630, False),
)


def seed(out: TextIOBase) -> None:
    """Part of ``seed_demo``: the demo seller's profile, sent when its supplier account exists already."""
    member = _demo_member()
    if member is None:
        return
    with mail.muted():
        profile = ensure_profile(seller=member.seller, actor=member.user)
        if _may_send(member.seller):
            send(profile=profile, actor=member.user)
    out.write(
        f"  company profile of {ACTIVE_SELLER_EMAIL} goes live on Alibaba.com within a minute of `make run` "
        f"({mail.site_url('/dashboard/company/')})"
    )


def step() -> str:
    """The company profile's part of the demo: what it did or waits for."""
    if not cache.add(LOCK, 1, timeout=120):
        return "another step is running"
    try:
        member = _demo_member()
        if member is None:
            return "no demo seller"
        if not _may_send(member.seller):
            return "waiting for the supplier account"
        with mail.muted():
            profile = ensure_profile(seller=member.seller, actor=member.user)
            return send(profile=profile, actor=member.user).status
    finally:
        cache.delete(LOCK)


def _demo_member() -> Any:
    user = get_user_model().objects.filter(email=ACTIVE_SELLER_EMAIL).first()
    return sellers_selectors.membership_for_user(user=user) if user is not None else None


def _may_send(seller: Any) -> bool:
    # Without its supplier account the profile's sync would fail for good: wait for the worker to create it.
    return bool(seller.may_sell) and sellers_selectors.supplier_id_of(seller_id=seller.pk) is not None


def send(*, profile: CompanyProfile, actor: Any) -> CompanyProfile:
    """Send a profile that is not on its way or on the gateway (a draft, or one the mock's draw rejected)."""
    if profile.status in (ProfileStatus.DRAFT, ProfileStatus.REJECTED):
        return services.profile_send(profile=profile, actor=actor)
    return profile


def ensure_profile(*, seller: Any, actor: Any) -> CompanyProfile:
    """The demo profile of ``seller``, with each part added that it lacks (the facts, the photos and logo, the
    certificates)."""
    profile = services.profile_get_or_create(seller=seller, actor=actor)
    if not profile.company_story:
        on = rules.today()
        services.profile_update(
            profile=profile,
            actor=actor,
            company_story=STORY,
            markets=[services.MarketInput(country=country, share=share) for country, share in MARKETS],
            trade_shows=[
                services.TradeShowInput(name=name, year=on.year - years_ago, country=country)
                for name, years_ago, country in TRADE_SHOWS
            ],
            **FACTS,
        )
    profile = selectors.profile_for_seller(seller=seller) or profile
    kinds = {photo.kind for photo in profile.photos.all()}
    if PhotoKind.FACTORY not in kinds:
        for label, colour in PHOTOS:
            upload = ContentFile(_photo(colour, label), name=f"{label}.jpg")
            services.profile_photo_add(profile=profile, actor=actor, uploaded=upload)
    if PhotoKind.LOGO not in kinds:
        services.profile_photo_add(
            profile=profile, actor=actor, uploaded=ContentFile(_logo(), name="logo.png"), kind=PhotoKind.LOGO
        )
    if not profile.certificates.all():
        _add_certificates(profile, actor)
    return CompanyProfile.objects.get(pk=profile.pk)


def _add_certificates(profile: CompanyProfile, actor: Any) -> None:
    on = rules.today()
    staff = get_user_model().objects.filter(email=STAFF_EMAIL).first()
    for kind, issuer, number, since, until, verified in CERTIFICATES:
        certificate = services.certificate_add(
            profile=profile,
            actor=actor,
            uploaded=ContentFile(_pdf(f"{kind} {number}"), name=f"{kind}.pdf"),
            type=kind,
            issuer=issuer,
            number=number,
            valid_from=on - timedelta(days=since),
            valid_until=on + timedelta(days=until),
        )
        if verified:
            services.certificate_review(
                certificate=certificate,
                actor=staff,
                verdict=CertificateReview.VERIFIED,
                note="Checked with the issuer's register.",
            )


def _photo(colour: tuple[int, int, int], label: str) -> bytes:
    """A plain 1200 × 800 JPEG of one colour with darker shapes, distinct per label."""
    image = Image.new("RGB", (1200, 800), colour)
    draw = ImageDraw.Draw(image)
    darker = tuple(max(0, c - 50) for c in colour)
    for n in range(4):
        draw.rectangle((80 + n * 270, 260, 300 + n * 270, 640), fill=darker)
    draw.text((80, 680), f"Rupsha Jute Crafts: {label}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _logo() -> bytes:
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 380, 380), fill=(0, 106, 78, 255))
    draw.text((150, 190), "RUPSHA", fill=(255, 255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _pdf(title: str) -> bytes:
    text = title.encode("ascii", "replace")
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n% "
        + text
        + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
