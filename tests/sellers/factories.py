import datetime

import factory
from django.utils import timezone

from sellers.models import (
    BusinessType,
    Document,
    DocumentKind,
    ExportTurnover,
    MemberRole,
    Sector,
    Seller,
    SellerMember,
    SellerStatus,
)
from tests.sellers.files import pdf_bytes

PASSWORD = "a-good-test-passw0rd"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dxports.User"
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.django.Password(PASSWORD)


class StaffFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@dxports.test")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            from django.contrib.auth.models import Group

            self.groups.add(*Group.objects.filter(name__in=extracted))


def _in_a_year():
    return timezone.localdate() + datetime.timedelta(days=365)


class SellerFactory(factory.django.DjangoModelFactory):
    """A draft seller with a legal name only; ``complete=True`` fills every field with valid values."""

    class Meta:
        model = Seller
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"Rupsha Jute Crafts {n} Ltd.")
    status = SellerStatus.DRAFT
    submitted_at = factory.LazyAttribute(
        lambda s: timezone.now() if s.status in (SellerStatus.SUBMITTED, SellerStatus.UNDER_REVIEW) else None
    )

    class Params:
        complete = factory.Trait(
            trade_name="Rupsha Jute",
            business_type=BusinessType.PRIVATE_LIMITED,
            year_established=2009,
            employees=85,
            export_turnover=ExportTurnover.UNDER_250K,
            website="https://rupsha-jute.example.com",
            address="Plot 12, BSCIC Industrial Estate, Shiromoni",
            postcode="9204",
            division="khulna",
            district="khulna",
            contact_phone="+8801711234567",
            trade_licence_number="TRAD/KCC/045612/2024",
            trade_licence_authority="Khulna City Corporation",
            trade_licence_expires_on=factory.LazyFunction(_in_a_year),
            etin="123456789012",
            bin="0012345678901",
            erc_number="RA-0123456",
            erc_expires_on=factory.LazyFunction(_in_a_year),
            owner_name="Abdul Karim",
            owner_nid="19871234567890123",
            bank_name="Sonali Bank PLC",
            bank_branch="Khulna Corporate",
            bank_routing_number="200470431",
            bank_account_number="0123456789012",
            bank_account_name=factory.LazyAttribute(lambda s: s.legal_name.upper()),
        )

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is not None:
            self.categories.set(extracted)
        elif self.export_turnover:  # the complete trait
            self.categories.set(Sector.objects.filter(code="jute"))


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SellerMember

    seller = factory.SubFactory(SellerFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.STAFF


class OwnerFactory(MemberFactory):
    role = MemberRole.OWNER


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    seller = factory.SubFactory(SellerFactory)
    kind = DocumentKind.TRADE_LICENCE
    file = factory.django.FileField(data=pdf_bytes(), filename="upload.pdf")
    original_name = factory.LazyAttribute(lambda d: f"{d.kind}.pdf")
    content_type = "application/pdf"
    size = len(pdf_bytes())
    sha256 = "0" * 64


def complete_seller(*, status=SellerStatus.DRAFT, owner=None, **kwargs):
    """A seller whose file is complete (every field, every document), with an owner, in ``status``."""
    seller = SellerFactory(complete=True, status=status, **kwargs)
    OwnerFactory(seller=seller, **({"user": owner} if owner else {}))
    for kind in DocumentKind.values:
        DocumentFactory(seller=seller, kind=kind)
    return seller
