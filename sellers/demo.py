"""Demo sellers in every onboarding state: real-looking Bangladeshi exporters, built through the services so that
their history, documents and reasons are what a real journey leaves behind. Idempotent: a seller that exists (by
legal name) is left alone."""

import datetime
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from dxports import roles
from dxports.demo import ACTIVE_SELLER_EMAIL, DEMO_PASSWORD
from dxports.mail import site_url
from dxports.models import Event
from sellers import emails, services
from sellers.models import (
    Document,
    DocumentKind,
    EventKind,
    ReasonCode,
    ReviewDecision,
    ReviewReason,
    Sector,
    Seller,
    SellerEvent,
    SellerMilestones,
    SellerStatus,
)

S = SellerStatus
REVIEWER_EMAIL = "reviewer@dxports.test"
SUPPORT_EMAIL = "support@dxports.test"
MANAGER_EMAIL = "manager@dxports.test"


def _date(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def _profile(**overrides):
    base = {
        "business_type": "private_limited",
        "year_established": 2008,
        "employees": 60,
        "export_turnover": "lt_250k",
        "trade_licence_authority": "City Corporation",
        "trade_licence_expires_on": _date(300),
        "bank_branch": "Principal",
    }
    if "erc_number" in overrides:
        base["erc_expires_on"] = _date(250)
    return {**base, **overrides}


# (legal name, owner e-mail, final state, categories, profile)
SELLERS = [
    (
        "Rupsha Jute Crafts Ltd.",
        ACTIVE_SELLER_EMAIL,
        S.ACTIVE,
        ["jute", "handicrafts"],
        _profile(
            trade_name="Rupsha Jute",
            employees=85,
            website="https://rupsha-jute.example.com",
            address="Plot 12, BSCIC Industrial Estate, Shiromoni",
            postcode="9204",
            division="khulna",
            district="khulna",
            contact_phone="+8801711234567",
            trade_licence_number="TRAD/KCC/045612/2025",
            trade_licence_authority="Khulna City Corporation",
            trade_licence_expires_on=_date(20),  # a reminder is due
            etin="123456789012",
            bin="0012345678901",
            erc_number="RA-0123456",
            owner_name="Abdul Karim",
            owner_nid="19781234567890123",
            bank_name="Sonali Bank PLC",
            bank_branch="Khulna Corporate",
            bank_routing_number="200470431",
            bank_account_number="0123456789012",
            bank_account_name="Rupsha Jute Crafts Ltd.",
        ),
    ),
    (
        "Buriganga Leather Works Ltd.",
        "leather@demo.dxports.test",
        S.SUBMITTED,
        ["leather"],
        _profile(
            trade_name="Buriganga Leather",
            employees=140,
            export_turnover="lt_1m",
            address="Plot 45, Tannery Industrial Estate, Hemayetpur, Savar",
            postcode="1340",
            division="dhaka",
            district="dhaka",
            contact_phone="+8801819876543",
            trade_licence_number="TRAD/DSCC/118204/2025",
            trade_licence_authority="Dhaka South City Corporation",
            etin="234567890123",
            bin="0023456789012",
            erc_number="BA-0456123",
            owner_name="Farhana Rahman",
            owner_nid="1985765432109",
            bank_name="BRAC Bank PLC",
            bank_branch="Gulshan",
            bank_routing_number="060261726",
            bank_account_number="1501204567890001",
            bank_account_name="Buriganga Leather Works Ltd",
        ),
    ),
    (
        "Karnaphuli Frozen Shrimp Exports Ltd.",
        "shrimp@demo.dxports.test",
        S.UNDER_REVIEW,
        ["seafood"],
        _profile(
            employees=220,
            export_turnover="gte_1m",
            address="Road 4, Kalurghat Heavy Industrial Area",
            postcode="4212",
            division="chattogram",
            district="chattogram",
            contact_phone="+8801556123456",
            trade_licence_number="TRAD/CCC/077310/2025",
            trade_licence_authority="Chattogram City Corporation",
            etin="345678901234",
            bin="0034567890123",
            erc_number="CA-0789456",
            owner_name="Mohammad Iqbal Hossain",
            owner_nid="4612345678",
            bank_name="Islami Bank Bangladesh PLC",
            bank_branch="Agrabad",
            bank_routing_number="125150738",
            bank_account_number="20501310100123456",
            bank_account_name="Karnaphuli Frozen Shrimp Exports Ltd.",
        ),
    ),
    (
        "Jamalpur Nakshi Kantha Cooperative Society",
        "kantha@demo.dxports.test",
        S.CHANGES_REQUESTED,
        ["handicrafts", "home-textiles"],
        _profile(
            business_type="partnership",
            year_established=1998,
            employees=310,
            export_turnover="lt_50k",
            address="Holding 23, Mission Road",
            postcode="2000",
            division="mymensingh",
            district="jamalpur",
            contact_phone="+8801912345678",
            trade_licence_number="TL/JPM/2025/3391",
            trade_licence_authority="Jamalpur Pourashava",
            etin="456789012345",
            bin="0045678901234",
            owner_name="Rokeya Begum",
            owner_nid="19701234567890999",
            bank_name="Bangladesh Krishi Bank",
            bank_branch="Jamalpur",
            bank_routing_number="035390263",
            bank_account_number="0200004567812",
            bank_account_name="Rokeya Begum",
        ),
    ),
    (
        "Shitalakshya Knit Fashions",
        "knit@demo.dxports.test",
        S.DRAFT,
        ["apparel"],
        {
            "business_type": "proprietorship",
            "year_established": 2016,
            "employees": 45,
            "address": "BSCIC, Fatullah",
            "division": "dhaka",
            "district": "narayanganj",
            "contact_phone": "+8801678123456",
        },
    ),
    (
        "Sreemangal Tea & Agro Products Ltd.",
        "tea@demo.dxports.test",
        S.APPROVED,
        ["agro"],
        _profile(
            employees=120,
            address="Bhanugach Road",
            postcode="3210",
            division="sylhet",
            district="moulvibazar",
            contact_phone="+8801711987654",
            trade_licence_number="TRAD/SRM/004512/2025",
            trade_licence_authority="Sreemangal Pourashava",
            etin="567890123456",
            bin="0056789012345",
            erc_number="SY-0112233",
            owner_name="Anwar Chowdhury",
            owner_nid="1968123456789",
            bank_name="Dutch-Bangla Bank PLC",
            bank_branch="Sreemangal",
            bank_routing_number="090580567",
            bank_account_number="1231100045678",
            bank_account_name="Sreemangal Tea & Agro Products Ltd.",
        ),
    ),
    (
        "Bogura Bamboo & Cane Handicrafts",
        "cane@demo.dxports.test",
        S.REJECTED,
        ["handicrafts", "furniture"],
        _profile(
            business_type="proprietorship",
            employees=18,
            export_turnover="none",
            address="Sherpur Road, Banani",
            postcode="5800",
            division="rajshahi",
            district="bogura",
            contact_phone="+8801798765432",
            trade_licence_number="TL/BOG/2025/8812",
            trade_licence_authority="Bogura Pourashava",
            etin="678901234567",
            bin="0067890123456",
            owner_name="Shahidul Islam",
            owner_nid="19901234567890111",
            bank_name="Rupali Bank PLC",
            bank_branch="Bogura",
            bank_routing_number="185100376",
            bank_account_number="3344556677",
            bank_account_name="Shahidul Islam",
        ),
    ),
    (
        "Gazipur Ceramics & Tableware Ltd.",
        "ceramics@demo.dxports.test",
        S.SUSPENDED,
        ["ceramics"],
        _profile(
            employees=400,
            export_turnover="gte_1m",
            address="Mouchak, Kaliakair",
            postcode="1750",
            division="dhaka",
            district="gazipur",
            contact_phone="+8801713456789",
            trade_licence_number="TRAD/GCC/056789/2025",
            trade_licence_authority="Gazipur City Corporation",
            etin="789012345678",
            bin="0078901234567",
            erc_number="GA-0334455",
            owner_name="Nasrin Akter",
            owner_nid="19751234567890222",
            bank_name="Eastern Bank PLC",
            bank_branch="Gazipur",
            bank_routing_number="095330468",
            bank_account_number="1041060123456",
            bank_account_name="Gazipur Ceramics and Tableware Limited",
        ),
    ),
    (
        "Satkhira Crab & Shrimp Farms",
        "crab@demo.dxports.test",
        S.ACTION_NEEDED,
        ["seafood"],
        _profile(
            business_type="proprietorship",
            employees=35,
            export_turnover="lt_250k",
            address="Munshiganj Bazar, Shyamnagar",
            postcode="9450",
            division="khulna",
            district="satkhira",
            contact_phone="+8801733221144",
            trade_licence_number="TL/SAT/2024/1290",
            trade_licence_authority="Shyamnagar Upazila Parishad",
            etin="890123456789",
            bin="0089012345678",
            erc_number="KH-0556677",
            owner_name="Gopal Mondal",
            owner_nid="5512345678",
            bank_name="Agrani Bank PLC",
            bank_branch="Satkhira",
            bank_routing_number="010870591",
            bank_account_number="0200012345678",
            bank_account_name="Gopal Mondal",
        ),
    ),
]


# How many days ago each demo seller signed up: their journeys spread over the last weeks, as a running program's
# do, so that the program figures have weeks to show.
SIGNED_UP_DAYS_AGO = [75, 3, 12, 26, 6, 40, 33, 68, 54]


def _spread(seller, days):
    """Move the seller's history back: it signed up ``days`` ago, and its steps followed one another over most of
    the time since (the services wrote them all at once, a moment ago)."""
    events = list(SellerEvent.objects.filter(seller=seller).order_by("created_at", "id"))
    start = timezone.now() - datetime.timedelta(days=days)
    step = datetime.timedelta(days=days * 0.8 / max(len(events), 1))
    for index, event in enumerate(events):
        event.created_at = start + step * index
    SellerEvent.objects.bulk_update(events, ["created_at"])
    transitions = [event for event in events if event.kind == EventKind.TRANSITION]
    for reason in ReviewReason.objects.filter(seller=seller).select_related("event"):
        at = next(event.created_at for event in events if event.pk == reason.event_id)
        ReviewReason.objects.filter(pk=reason.pk).update(created_at=at)
    unused = list(transitions)
    for announced in Event.objects.filter(seller_id=seller.pk).order_by("created_at", "id"):
        match = next((event for event in unused if event.to_status == announced.data.get("status")), None)
        if match is not None:
            unused.remove(match)
            Event.objects.filter(pk=announced.pk).update(created_at=match.created_at)

    def last(*statuses):
        return next((e.created_at for e in reversed(transitions) if e.to_status in statuses), None)

    def first(status):
        return next((e.created_at for e in transitions if e.to_status == status), None)

    # What the figures keep of the history moves with it.
    moved = {event.pk: event.created_at for event in events}
    for decision in ReviewDecision.objects.filter(seller=seller):
        at = moved[decision.event_id]
        submitted = [e.created_at for e in transitions if e.to_status == S.SUBMITTED and e.created_at <= at]
        ReviewDecision.objects.filter(pk=decision.pk).update(
            decided_at=at, submitted_at=max(submitted) if submitted else None
        )
    SellerMilestones.objects.filter(seller=seller).update(
        signed_up_at=start, submitted_at=first(S.SUBMITTED), approved_at=first(S.APPROVED)
    )

    Document.objects.filter(seller=seller).update(uploaded_at=start + step / 2)
    Seller.objects.filter(pk=seller.pk).update(
        created_at=start,
        submitted_at=last(S.SUBMITTED) if seller.submitted_at else None,
        decided_at=last(S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED) if seller.decided_at else None,
        status_changed_at=transitions[-1].created_at if transitions else start,
    )


def _pdf(title):
    text = title.encode("latin-1", "replace")
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n% "
        + text
        + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (230, 236, 232)).save(buffer, format="PNG")
    return buffer.getvalue()


def _user(email, **extra):
    from allauth.account.models import EmailAddress

    user, created = get_user_model().objects.get_or_create(email=email, defaults=extra)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _staff(email, group, name):
    user = _user(email, is_staff=True, first_name=name)
    user.groups.add(Group.objects.get(name=group))
    return user


def _build(name, email, final, categories, profile, reviewer):
    owner = _user(email)
    seller = services.seller_create(owner=owner, legal_name=name)
    data = dict(profile.items())
    data["categories"] = list(Sector.objects.filter(code__in=categories))
    services.seller_update_profile(seller=seller, actor=owner, data=data)
    if final == S.DRAFT:
        services.seller_document_upload(
            seller=seller, actor=owner, kind=DocumentKind.TRADE_LICENCE, uploaded=ContentFile(_pdf(name), "tl.pdf")
        )
        return seller
    for kind in DocumentKind.values:
        if kind == DocumentKind.ERC and not profile.get("erc_number"):
            continue
        content = (
            ContentFile(_png(), f"{kind}.png") if kind.startswith("nid") else ContentFile(_pdf(name), f"{kind}.pdf")
        )
        services.seller_document_upload(seller=seller, actor=owner, kind=kind, uploaded=content)
    seller = services.seller_submit(seller=seller, actor=owner)
    if final == S.SUBMITTED:
        return seller
    seller = services.seller_start_review(seller=seller, actor=reviewer)
    if final == S.UNDER_REVIEW:
        return seller
    if final == S.CHANGES_REQUESTED:
        return services.seller_request_changes(
            seller=seller,
            actor=reviewer,
            note="Thank you, almost there.",
            reasons=[
                {
                    "target": "bin",
                    "code": ReasonCode.MISMATCH,
                    "message": "The BIN does not match your VAT registration certificate (Mushak-2.3).",
                },
                {
                    "target": "document:nid_back",
                    "code": ReasonCode.UNREADABLE,
                    "message": "The back of the NID is too dark to read: take the photo again in daylight.",
                },
                {
                    "target": "bank_account_name",
                    "code": ReasonCode.OTHER,
                    "message": "Payouts go to business accounts only: give the cooperative's account.",
                },
            ],
        )
    if final == S.REJECTED:
        return services.seller_reject(
            seller=seller, actor=reviewer, reason="The trade licence was issued to a different business."
        )
    seller = services.seller_approve(seller=seller, actor=reviewer, reason="Documents verified.")
    if final == S.APPROVED:
        return seller  # the outbox creates its supplier account once the worker and the gateway run
    # The demo does not wait for the gateway: the outbox job queued by the approval creates the supplier account
    # when the worker runs (an approved seller's account is created in any of these states).
    seller = services.seller_transition(seller=seller, to=S.ACTIVE, reason="Demo data.").seller
    if final == S.SUSPENDED:
        return services.seller_suspend(seller=seller, actor=reviewer, reason="Buyers reported late shipments.")
    if final == S.ACTION_NEEDED:
        Seller.objects.filter(pk=seller.pk).update(erc_expires_on=_date(-5))
        return services.seller_expiry_check(seller=seller)
    return seller


def seed(out):
    """Idempotent; writes the logins it provides to ``out``."""
    reviewer = _staff(REVIEWER_EMAIL, roles.REVIEWERS, "Program reviewer")
    _staff(SUPPORT_EMAIL, roles.SUPPORT, "Program support")
    _staff(MANAGER_EMAIL, roles.PROGRAM_MANAGERS, "Program manager")
    existing = set(Seller.objects.values_list("legal_name", flat=True))
    with emails.muted():
        for (name, email, final, categories, profile), days in zip(SELLERS, SIGNED_UP_DAYS_AGO, strict=True):
            if name not in existing:
                _spread(_build(name, email, final, categories, profile, reviewer), days)
    out.write(f"  seller (active, jute, Khulna)     {SELLERS[0][1]}  {site_url('/dashboard/')}")
    out.write(f"  seller (changes requested)        {SELLERS[3][1]}  {site_url('/dashboard/')}")
    out.write(f"  reviewer (can decide)             {REVIEWER_EMAIL}  {site_url('/admin/')}")
    out.write(f"  support (read only)               {SUPPORT_EMAIL}  {site_url('/admin/')}")
    out.write(f"  program manager (figures)         {MANAGER_EMAIL}  {site_url('/admin/')}")
