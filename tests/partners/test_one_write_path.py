"""Every entry point meets the seller's rules in one place (sellers.validators.clean_profile, run by
seller_update_profile): the dashboard, the partner API and the service refuse the same bad value the same way."""

import pytest
from django.core.exceptions import ValidationError

from sellers import services
from sellers.errors import ProfileInvalid
from tests.partners.support import error_of, grant
from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db

# (dashboard step, the step's other fields, bad values) → the field refused and the code of the refusal.
CASES = [
    ("address", {"postcode": "12a4"}, "postcode", "postcode"),
    ("address", {"postcode": "12345"}, "postcode", "postcode"),
    ("address", {"contact_phone": "01212345678"}, "contact_phone", "phone_prefix"),
    ("address", {"division": "dhaka", "district": "khulna"}, "district", "district_not_in_division"),
    ("identifiers", {"erc_number": "RA-0123456"}, "erc_expires_on", "erc_expiry_missing"),
    ("identifiers", {"erc_expires_on": "2030-01-01"}, "erc_number", "erc_number_missing"),
    ("identifiers", {"etin": "12345"}, "etin", "etin_length"),
    ("owner-bank", {"bank_account_number": "12345"}, "bank_account_number", "account_number"),
    ("owner-bank", {"bank_account_number": "12ab5678"}, "bank_account_number", "account_number"),
    (
        "owner-bank",
        {"owner_name": "Abdul Karim", "bank_account_name": "Somebody Else"},
        "bank_account_name",
        "account_name_mismatch",
    ),
    ("business", {"year_established": 1850}, "year_established", "year_established"),
    # Issue 12, items 4 and 5: what is not a digit, even if isdigit() says it is, is refused naming the field.
    ("owner-bank", {"owner_nid": "¹²³⁴⁵⁶⁷⁸⁹¹²³⁴⁵⁶⁷⁸"}, "owner_nid", "nid_not_digits"),
    ("identifiers", {"etin": "١٢٣٤٥٦٧٨٩٠١٢"}, "etin", "etin_not_digits"),
    ("identifiers", {"bin": "001234567890²"}, "bin", "bin_not_digits"),
    ("owner-bank", {"bank_routing_number": "২০০৪৭০৪৩x"}, "bank_routing_number", "routing_not_digits"),
    ("address", {"postcode": "९१००"}, "postcode", "postcode"),
    ("address", {"contact_phone": "০১৭১২৩৪৫৬৭৮²"}, "contact_phone", "phone_not_digits"),
]
STEP_FIELDS = {
    "address": {"address": "", "postcode": "", "division": "", "district": "", "contact_phone": ""},
    "identifiers": {},
    "owner-bank": {"owner_name": "Abdul Karim"},
    "business": {"legal_name": "Rupsha Jute Crafts Ltd."},
}


@pytest.fixture
def owner():
    return OwnerFactory(seller__legal_name="Rupsha Jute Crafts Ltd.").user


def _service_refusal(seller, owner, values):
    with pytest.raises(ProfileInvalid) as refused:
        services.seller_update_profile(seller=seller, actor=owner, data=values)
    return {(item["field"], item["code"], item["message"]) for item in refused.value.errors}


@pytest.mark.parametrize(("step", "values", "field", "code"), CASES)
def test_each_entry_point_refuses_the_same_value_the_same_way(client, api, partner, owner, step, values, field, code):
    seller = owner.seller_membership.seller
    grant(partner, seller)
    expected = _service_refusal(seller, owner, values)
    (message,) = [m for f, c, m in expected if f == field and c == code]

    response = api.patch(f"sellers/{seller.public_id}/", values)
    assert response.status_code == 400
    details = {(d["field"], d["code"], d["message"]) for d in error_of(response)["details"]}
    assert details == expected

    client.force_login(owner)
    response = client.post(f"/dashboard/profile/{step}/", {**STEP_FIELDS[step], **values})
    assert response.status_code == 400
    assert message in response.context["form"].errors.get(field, [])

    seller.refresh_from_db()
    assert all(getattr(seller, name) in ("", None) for name in values if name != "legal_name")


def test_the_dashboard_and_the_api_store_the_same_normalized_value(client, api, partner, owner):
    seller = owner.seller_membership.seller
    grant(partner, seller)
    client.force_login(owner)
    client.post("/dashboard/profile/address/", {**STEP_FIELDS["address"], "contact_phone": "+880 1711-234567"})
    seller.refresh_from_db()
    assert seller.contact_phone == "+8801711234567"
    api.patch(f"sellers/{seller.public_id}/", {"contact_phone": "017 1123 4567", "postcode": " 9204 "})
    seller.refresh_from_db()
    assert (seller.contact_phone, seller.postcode) == ("+8801711234567", "9204")


BENGALI_TYPED = {
    "address": {"postcode": "৯২ ০৪", "contact_phone": "০১৭১১-২৩৪৫৬৭"},
    "identifiers": {"etin": "১২৩৪ ৫৬৭৮ ৯০১২", "bin": "০০১২৩৪৫৬৭-৮৯০১"},
    "owner-bank": {"owner_nid": "১৯৮৭ ১২৩৪ ৫৬৭৮ ৯০১২৩", "bank_routing_number": "২০০-৪৭০-৪৩১"},
}
ASCII_STORED = {
    "postcode": "9204",
    "contact_phone": "+8801711234567",
    "etin": "123456789012",
    "bin": "0012345678901",
    "owner_nid": "19871234567890123",
    "bank_routing_number": "200470431",
}


@pytest.mark.parametrize("entry", ["dashboard", "api"])
def test_bengali_digits_are_stored_as_ascii_digits_by_every_entry_point(client, api, partner, owner, entry):
    seller = owner.seller_membership.seller
    grant(partner, seller)
    client.force_login(owner)
    for step, values in BENGALI_TYPED.items():
        if entry == "dashboard":
            response = client.post(f"/dashboard/profile/{step}/", {**STEP_FIELDS[step], **values})
            assert response.status_code == 302, response.context["form"].errors
        else:
            response = api.patch(f"sellers/{seller.public_id}/", values)
            assert response.status_code == 200, response.json()
    seller.refresh_from_db()
    assert {name: getattr(seller, name) for name in ASCII_STORED} == ASCII_STORED


def test_clean_profile_reports_every_problem_at_once(owner):
    from sellers.validators import clean_profile

    with pytest.raises(ValidationError) as refused:
        clean_profile(owner.seller_membership.seller, {"postcode": "x", "etin": "1", "bin": "2"})
    assert set(refused.value.error_dict) == {"postcode", "etin", "bin"}
