"""Numbers typed the way people type them (issue 11; issue 12, items 4 and 5): the dashboard reads them, says what it
understood, never cuts them with ``maxlength``, and the admin's search finds them however they were typed."""

import re

import pytest

from sellers.models import Seller
from tests.sellers.factories import complete_seller

pytestmark = pytest.mark.django_db

ADDRESS = {"address": "House 7, Road 3, Boyra", "postcode": "9000", "division": "khulna", "district": "khulna"}


@pytest.mark.parametrize("typed", ["+880 1712-345678", "8801712345678", "01712345678", "০১৭১২৩৪৫৬৭৮"])
def test_a_mobile_number_typed_any_way_is_stored_in_e164_and_said_back(owner_client, seller, typed):
    response = owner_client.post("/dashboard/profile/address/", {**ADDRESS, "contact_phone": typed}, follow=True)

    seller.refresh_from_db()
    assert seller.contact_phone == "+8801712345678"
    page = response.content.decode()
    assert "Your mobile number is +880 1712-345678." in page
    again = owner_client.get("/dashboard/profile/address/").content.decode()
    assert 'value="+880 1712-345678"' in again and "Saved as +880 1712-345678." in again


def test_no_number_input_cuts_what_is_typed(owner_client, seller):
    for step in ("address", "identifiers", "owner-bank"):
        page = owner_client.get(f"/dashboard/profile/{step}/").content.decode()
        for name in ("contact_phone", "postcode", "etin", "bin", "owner_nid", "bank_routing_number"):
            tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
            assert tag is None or "maxlength" not in tag.group(0), tag.group(0)


def test_17_superscript_digits_as_nid_are_a_field_error_not_a_500(owner_client, seller):
    response = owner_client.post(
        "/dashboard/profile/owner-bank/", {"owner_name": "Abdul Karim", "owner_nid": "¹²³⁴⁵⁶⁷⁸⁹¹²³⁴⁵⁶⁷⁸"}
    )
    assert response.status_code == 400
    (message,) = response.context["form"].errors["owner_nid"]
    assert "NID number has digits only" in message and "“¹”" in message


def test_the_admin_search_finds_numbers_typed_with_bengali_digits_or_as_a_phone_number(client, reviewer):
    wanted = complete_seller(legal_name="Padma Jute Ltd.", etin="123456789012", contact_phone="+8801712345678")
    complete_seller(legal_name="Meghna Foods Ltd.", etin="999999999999", contact_phone="+8801899999999")
    client.force_login(reviewer)
    for term in ("১২৩৪৫৬৭৮৯০১২", "123456789012", "০১৭১২-৩৪৫৬৭৮", "+880 1712-345678"):
        response = client.get("/admin/sellers/seller/", {"q": term})
        assert response.status_code == 200
        found = list(response.context["cl"].queryset)
        assert found == [wanted], term
    assert Seller.objects.count() == 2
