"""The seller's Partners section: the owner gives and withdraws access per partner and per scope, every change is in
the history, and the seller sees what each partner did."""

import pytest

from partners.models import SellerGrant
from tests.partners.support import grant
from tests.sellers.factories import MemberFactory, OwnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return OwnerFactory(seller__legal_name="Rupsha Jute Crafts Ltd.").user


def test_the_owner_gives_and_withdraws_access_scope_by_scope(client, owner, partner, api):
    seller = owner.seller_membership.seller
    client.force_login(owner)
    page = client.get("/dashboard/partners/")
    assert page.status_code == 200 and "Dhaka Chamber of Commerce" in page.content.decode()
    assert api.get(f"sellers/{seller.public_id}/").status_code == 404

    client.post(f"/dashboard/partners/{partner.public_id}/access/", {"scopes": ["sellers:read", "catalog:read"]})
    assert set(SellerGrant.objects.filter(seller=seller).values_list("scope", flat=True)) == {
        "sellers:read",
        "catalog:read",
    }
    assert api.get(f"sellers/{seller.public_id}/").status_code == 200

    client.post(f"/dashboard/partners/{partner.public_id}/access/", {})
    assert not SellerGrant.objects.filter(seller=seller).exists()
    assert api.get(f"sellers/{seller.public_id}/").status_code == 404
    history = client.get("/dashboard/history/").content.decode()
    assert history.count("Access of an organisation") == 2


def test_a_team_member_who_is_not_the_owner_cannot_change_access(client, owner, partner):
    seller = owner.seller_membership.seller
    staff = MemberFactory(seller=seller).user
    client.force_login(staff)
    response = client.post(f"/dashboard/partners/{partner.public_id}/access/", {"scopes": ["sellers:read"]})
    assert response.status_code == 302
    assert not SellerGrant.objects.exists()


def test_unknown_scopes_and_partners_are_refused(client, owner, partner):
    client.force_login(owner)
    client.post(f"/dashboard/partners/{partner.public_id}/access/", {"scopes": ["webhooks:manage"]})
    assert not SellerGrant.objects.exists()
    response = client.post("/dashboard/partners/00000000-0000-0000-0000-000000000000/access/", {})
    assert response.status_code == 404


def test_the_seller_sees_what_each_partner_did(client, owner, partner, api, other_partner):
    seller = owner.seller_membership.seller
    grant(partner, seller)
    api.patch(f"sellers/{seller.public_id}/", {"trade_name": "RJC Exports"})
    client.force_login(owner)

    page = client.get(f"/dashboard/partners/{partner.public_id}/").content.decode()
    assert "Trade name: — → RJC Exports" in page and "trade_name" not in page  # in words, not the raw key
    assert "RJC Exports" not in client.get(f"/dashboard/partners/{other_partner.public_id}/").content.decode()
    assert "Dhaka Chamber of Commerce (API)" in client.get("/dashboard/history/").content.decode()


def test_another_sellers_partner_activity_is_not_shown(client, partner, api):
    mine = OwnerFactory().user
    theirs = OwnerFactory().seller
    grant(partner, theirs)
    api.patch(f"sellers/{theirs.public_id}/", {"trade_name": "Secret trade name"})
    client.force_login(mine)
    assert "Secret trade name" not in client.get(f"/dashboard/partners/{partner.public_id}/").content.decode()


@pytest.mark.parametrize("n", [1, 5])
def test_the_partners_page_runs_the_same_queries_for_any_number_of_partners(
    client, owner, n, django_assert_num_queries
):
    from partners import services

    for index in range(n):
        services.partner_create(name=f"Partner {index}", contact_email=f"p{index}@example.com")
    client.force_login(owner)
    # session, user, membership+seller, partners+service users, grants, the inquiries' and notifications' badges
    with django_assert_num_queries(7):
        response = client.get("/dashboard/partners/")
    assert response.status_code == 200
