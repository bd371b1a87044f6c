"""Sellers through the API: created on the owner's behalf (claim e-mail in Bengali and English), listed, retrieved
with requirements, changed, documents uploaded, submitted; another partner's seller is never found."""

import re

import pytest
from django.core import mail

from partners import services
from sellers.models import SellerStatus
from tests.partners.support import error_of, grant
from tests.sellers.factories import OwnerFactory, UserFactory, complete_seller
from tests.sellers.files import pdf_bytes

pytestmark = pytest.mark.django_db


def _create(api, **extra):
    data = {"owner_email": "karim@rupsha.example", "legal_name": "Rupsha Jute Crafts Ltd.", **extra}
    return api.post("sellers/", data)


def test_a_partner_creates_a_seller_and_the_owner_claims_it(api, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _create(api, postcode="9204", contact_phone="017 1123-4567", categories=["jute"], language="bn")

    assert response.status_code == 201, response.json()
    seller = response.json()
    assert seller["object"] == "seller" and seller["status"] == "draft"
    assert seller["postcode"] == "9204" and seller["contact_phone"] == "+8801711234567"
    assert seller["categories"] == ["jute"] and seller["owner_claimed"] is False
    assert "business" in seller["requirements"]["currently_due"]
    assert "sellers:write" in seller["access"]

    (email,) = mail.outbox
    assert email.to == ["karim@rupsha.example"]
    assert "Dhaka Chamber of Commerce" in email.body
    assert "আপনার" in email.subject and "Your dxports account" in email.subject  # Bengali and English
    assert "পাসওয়ার্ড" in email.body and "set your password" in email.body
    path = re.search(r"/dashboard/claim/\S+/", email.body).group(0)

    response = client.post(path, {"new_password1": "a-long-Passw0rd!", "new_password2": "a-long-Passw0rd!"})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    assert api.get(f"sellers/{seller['id']}/").json()["owner_claimed"] is True
    assert client.get(path).status_code == 404  # used once

    history = client.get("/dashboard/history/").content.decode()
    assert "Dhaka Chamber of Commerce (API)" in history


def test_an_address_with_an_account_is_not_taken_over(api):
    UserFactory(email="karim@rupsha.example")
    response = _create(api)
    assert response.status_code == 400
    error = error_of(response)
    assert error["field"] == "owner_email" and error["code"] == "account_exists"


def test_a_profile_that_breaks_a_rule_creates_nothing(api):
    from sellers.models import Seller

    response = _create(api, postcode="12a4", etin="123", erc_number="RA-0123456")
    assert response.status_code == 400
    fields = {item["field"] for item in error_of(response)["details"]}
    assert fields == {"postcode", "etin", "erc_expires_on"}
    assert not Seller.objects.exists() and not mail.outbox


def test_the_claim_link_can_be_sent_again_and_the_old_one_stops_working(
    api, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seller_id = _create(api).json()["id"]
    first = re.search(r"/dashboard/claim/\S+/", mail.outbox[0].body).group(0)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"sellers/{seller_id}/claim_email/").status_code == 200
    second = re.search(r"/dashboard/claim/\S+/", mail.outbox[1].body).group(0)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_the_partner_sees_only_its_sellers(api, other_partner, make_api):
    mine = _create(api).json()
    other = make_api(other_partner)
    theirs = other.post("sellers/", {"owner_email": "x@example.com", "legal_name": "Buriganga Leather"}).json()

    listed = api.get("sellers/").json()
    assert [item["id"] for item in listed["data"]] == [mine["id"]]
    for method, suffix in [("get", ""), ("patch", ""), ("post", "submit/"), ("get", "documents/")]:
        response = getattr(api, method)(f"sellers/{theirs['id']}/{suffix}")
        assert response.status_code == 404, (method, suffix)
        assert error_of(response)["type"] == "not_found_error"


def test_a_seller_that_granted_access_is_seen_and_one_that_withdrew_it_is_not(api, partner):
    seller = complete_seller()
    assert api.get(f"sellers/{seller.public_id}/").status_code == 404
    grant(partner, seller, ["sellers:read"])
    body = api.get(f"sellers/{seller.public_id}/").json()
    assert body["access"] == ["sellers:read"] and body["requirements"]["complete"] is True
    assert body["owner_nid_last4"] == "0123" and "owner_nid" not in body
    assert api.patch(f"sellers/{seller.public_id}/", {"trade_name": "X"}).status_code == 404  # no sellers:write
    grant(partner, seller, [])
    assert api.get(f"sellers/{seller.public_id}/").status_code == 404


def test_the_list_pages_with_a_cursor(api, partner):
    sellers = [OwnerFactory().seller for _ in range(5)]
    for seller in sellers:
        grant(partner, seller)
    seen, cursor = [], None
    while True:
        body = api.get("sellers/", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in body["data"]]
        if not body["has_more"]:
            break
        cursor = body["next_cursor"]
    assert sorted(seen) == sorted(str(seller.public_id) for seller in sellers) and len(seen) == 5
    response = api.get("sellers/", {"cursor": "forged"})
    assert response.status_code == 400 and error_of(response)["field"] == "cursor"


@pytest.mark.parametrize("n", [1, 12])
def test_the_seller_list_runs_the_same_queries_for_any_page(api, partner, n, django_assert_num_queries):
    for _ in range(n):
        grant(partner, complete_seller())
    # key+partner+user, sellers, sectors (prefetch), owners (prefetch), scopes on the page's sellers
    with django_assert_num_queries(5):
        response = api.get("sellers/", {"limit": 100})
    assert len(response.json()["data"]) == n


def test_update_documents_and_submit(api):
    seller = _create(api).json()
    path = f"sellers/{seller['id']}/"
    response = api.post(f"{path}submit/")
    assert response.status_code == 422
    assert error_of(response)["code"] == "submission_incomplete"

    profile = {
        "business_type": "private_limited",
        "year_established": 2009,
        "employees": 85,
        "categories": ["jute"],
        "export_turnover": "lt_250k",
        "address": "Plot 12, BSCIC Industrial Estate",
        "contact_phone": "01711234567",
        "division": "khulna",
        "district": "khulna",
        "trade_licence_number": "TRAD/KCC/045612/2024",
        "trade_licence_authority": "Khulna City Corporation",
        "trade_licence_expires_on": "2030-06-30",
        "etin": "123456789012",
        "bin": "0012345678901",
        "owner_name": "Abdul Karim",
        "owner_nid": "19871234567890123",
        "bank_name": "Sonali Bank PLC",
        "bank_branch": "Khulna Corporate",
        "bank_routing_number": "200470431",
        "bank_account_number": "0123456789012",
        "bank_account_name": "Abdul Karim",
    }
    response = api.patch(path, profile)
    assert response.status_code == 200, response.json()
    assert response.json()["bank_account_number_last4"] == "9012"
    for kind in ["trade_licence", "etin_certificate", "nid_front", "nid_back", "bank_proof"]:
        upload = _pdf(f"{kind}.pdf")
        response = api.post(f"{path}documents/", {"kind": kind, "file": upload}, multipart=True)
        assert response.status_code == 201, response.json()
    assert len(api.get(f"{path}documents/").json()) == 5
    response = api.post(f"{path}submit/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == SellerStatus.SUBMITTED


def _pdf(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def test_a_document_that_is_not_a_pdf_or_image_is_refused_naming_the_file(api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    seller = _create(api).json()
    fake = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = api.post(f"sellers/{seller['id']}/documents/", {"kind": "trade_licence", "file": fake}, multipart=True)
    assert response.status_code == 400
    assert error_of(response)["field"] == "file" and error_of(response)["code"] == "document_refused"


def test_a_seller_under_review_cannot_be_changed(api, partner):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    grant(partner, seller)
    response = api.patch(f"sellers/{seller.public_id}/", {"trade_name": "New"})
    assert response.status_code == 409 and error_of(response)["code"] == "not_editable"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"employees": "many"}, "employees", "invalid"),
        ({"employees": 1.5}, "employees", "invalid"),
        ({"year_established": [2009]}, "year_established", "invalid"),
        ({"categories": "jute"}, "categories", "not_a_list"),
        ({"categories": ["no-such-sector"]}, "categories", "unknown_sector"),
        ({"favourite_colour": "green"}, "favourite_colour", "unknown_field"),
        ({"trade_name": "x" * 5000}, "trade_name", "max_length"),
        ({"address": "Plot 12\x00"}, "address", "null_characters_not_allowed"),
        ({"division": "atlantis"}, "division", "invalid_choice"),
        ({"trade_licence_expires_on": "next year"}, "trade_licence_expires_on", "invalid"),
        ({"legal_name": ""}, "legal_name", "blank"),
        ({"postcode": "12345"}, "postcode", "postcode"),
        ({"bank_account_number": "12-34"}, "bank_account_number", "account_number"),
        ({"division": "dhaka", "district": "khulna"}, "district", "district_not_in_division"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, body, field, code):
    seller = _create(api).json()
    response = api.patch(f"sellers/{seller['id']}/", body)
    assert response.status_code == 400, response.json()
    error = error_of(response)
    assert error["field"] == field and error["code"] == code, error


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '{"legal_name": ', "null", '"a string"', b"\xff\xfe"], ids=repr)
def test_a_body_that_is_not_a_json_object_is_a_400(api, body):
    seller = _create(api).json()
    response = api.patch(f"sellers/{seller['id']}/", body)
    assert response.status_code == 400
    assert error_of(response)["type"] == "invalid_request_error"


@pytest.mark.parametrize("path", ["sellers/not-a-uuid/", "sellers/00000000-0000-0000-0000-000000000000/", "nothing/"])
def test_unknown_ids_and_paths_are_404_in_the_error_format(api, path):
    response = api.get(path)
    assert response.status_code == 404 and error_of(response)["type"] == "not_found_error"


def test_bad_query_parameters_are_a_400_naming_them(api):
    for params, field in [({"limit": 0}, "limit"), ({"limit": "ten"}, "limit"), ({"status": "sleeping"}, "status")]:
        response = api.get("sellers/", params)
        assert response.status_code == 400 and error_of(response)["field"] == field


def test_the_partner_is_the_actor_in_the_sellers_history(api, partner):
    seller = _create(api).json()
    api.patch(f"sellers/{seller['id']}/", {"trade_name": "Rupsha"})
    from sellers import selectors
    from sellers.models import Seller

    events = selectors.history_for_seller(seller=Seller.objects.get(public_id=seller["id"]), actor=partner.service_user)
    assert {event.kind for event in events} >= {"created", "profile", "access", "team"}
    assert partner.service_user.get_full_name() == "Dhaka Chamber of Commerce (API)"
    assert not partner.service_user.is_active and not partner.service_user.has_usable_password()


def test_renaming_a_partner_renames_its_actor(partner):
    services.partner_update(partner=partner, name="DCCI")
    partner.service_user.refresh_from_db()
    assert partner.service_user.get_full_name() == "DCCI (API)"


@pytest.mark.parametrize("path", ["/api/v1/sellers/a%0Ab/", "/api/v1/x%0A", "/api/v1/products/%00/"])
def test_odd_paths_are_404_in_the_error_format(api, path):
    response = api.get(path)
    assert response.status_code == 404 and error_of(response)["type"] == "not_found_error"
