"""The reads other apps build on (the partner API, the program's figures): a profile as buyers see it, certified
suppliers by certification, jobs by district and sector."""

from datetime import timedelta

import pytest

from brand import rules, selectors, services
from brand.models import Certificate
from sellers.models import Sector, SellerStatus
from tests.brand.support import add_certificate
from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db


def _seller(*, district="khulna", sectors=("jute",), status=SellerStatus.ACTIVE, name=None):
    owner = OwnerFactory(
        seller__status=status, seller__district=district, **({"seller__legal_name": name} if name else {})
    )
    seller = owner.seller
    seller.categories.set(Sector.objects.filter(code__in=sectors))
    return seller, owner.user


def test_a_profile_as_buyers_see_it(profile, owner, django_assert_num_queries):
    add_certificate(profile, owner, type="BSCI", number="B-OLD", days_valid=1)
    Certificate.objects.filter(number="B-OLD").update(valid_until=rules.today() - timedelta(days=1))
    verified = profile.certificates.get(type="OEKO-TEX")
    services.certificate_review(certificate=verified, actor=None, verdict="verified")

    with django_assert_num_queries(5):  # profile+seller, markets, trade shows, photos, certificates
        found = selectors.profile_of_seller(seller_id=profile.seller_id)
    with django_assert_num_queries(0):
        public = selectors.public_profile(found)

    assert public.company_name == "Rupsha Jute Crafts Ltd." and public.seller_public_id == profile.seller.public_id
    assert (public.employees, public.employee_range, public.employee_range_label) == (85, "51-100", "51 - 100 people")
    assert (public.capacity_quantity, public.capacity_unit, public.capacity_unit_label) == (50_000, "piece", "Piece")
    assert [(m.country, m.country_name, m.share) for m in public.markets] == [
        ("DE", "Germany", 35),
        ("GB", "United Kingdom", 20),
        ("US", "United States of America", 15),
    ]
    assert [(t.name, t.country_name) for t in public.trade_shows] == [("Heimtextil Frankfurt", "Germany")]
    assert len(public.factory_photos) == 4 and public.logo is not None
    assert [(c.type, c.is_verified) for c in public.certificates] == [("OEKO-TEX", True)]


def test_a_seller_without_a_profile_has_none(seller):
    assert selectors.profile_of_seller(seller_id=seller.pk) is None


def test_certified_suppliers_hold_a_valid_certificate_not_refused(django_assert_num_queries):
    holder, holder_user = _seller(name="Holder")
    lapsed, lapsed_user = _seller(name="Lapsed")
    refused, refused_user = _seller(name="Refused")
    outside, outside_user = _seller(name="Outside", status=SellerStatus.DRAFT)
    for seller, user in [
        (holder, holder_user),
        (lapsed, lapsed_user),
        (refused, refused_user),
        (outside, outside_user),
    ]:
        add_certificate(services.profile_get_or_create(seller=seller), user, type="BSCI", number=f"B-{seller.pk}")
    Certificate.objects.filter(profile__seller=lapsed).update(valid_until=rules.today() - timedelta(days=1))
    services.certificate_review(
        certificate=Certificate.objects.get(profile__seller=refused), actor=None, verdict="refused", note="Forged."
    )

    assert [p.seller for p in selectors.certified_suppliers(certification="BSCI")] == [holder]
    assert list(selectors.certified_suppliers(certification="BSCI", verified_only=True)) == []
    assert list(selectors.certified_suppliers(certification="GOTS")) == []
    with django_assert_num_queries(1):
        assert selectors.certified_supplier_counts() == {"BSCI": 1}
    yesterday = rules.today() - timedelta(days=1)
    assert selectors.certified_supplier_counts(on=yesterday) == {"BSCI": 2}  # the lapsed one was valid then


def test_jobs_are_counted_by_district_and_sector(django_assert_num_queries):
    for name, district, sectors, employees in [
        ("Rupsha", "khulna", ["jute"], 85),
        ("Shiromoni", "khulna", ["jute", "handicrafts"], 40),
        ("Buriganga", "dhaka", ["leather"], 140),
        ("No sector", "dhaka", [], 12),
    ]:
        seller, user = _seller(name=name, district=district, sectors=sectors)
        services.profile_update(profile=services.profile_get_or_create(seller=seller), actor=user, employees=employees)
    outside, user = _seller(name="Draft", district="khulna", status=SellerStatus.SUBMITTED)
    services.profile_update(profile=services.profile_get_or_create(seller=outside), actor=user, employees=500)

    with django_assert_num_queries(1):
        rows = selectors.employees_by_district_and_sector()

    assert [(r.district, r.sector, r.sellers, r.employees) for r in rows] == [
        ("dhaka", "", 1, 12),
        ("dhaka", "leather", 1, 140),
        ("khulna", "handicrafts", 1, 40),
        ("khulna", "jute", 2, 125),
    ]


def test_files_are_found_for_their_sellers_users_and_staff_only(profile, owner, other_seller_user, moderator):
    photo = profile.photos.first()
    certificate = profile.certificates.first()

    assert selectors.photo_for_user(user=owner, public_id=photo.public_id) == photo
    assert selectors.certificate_for_user(user=owner, public_id=certificate.public_id) == certificate
    assert selectors.photo_for_user(user=other_seller_user, public_id=photo.public_id) is None
    assert selectors.certificate_for_user(user=other_seller_user, public_id=certificate.public_id) is None
    assert selectors.certificate_for_user(user=moderator, public_id=certificate.public_id) == certificate
