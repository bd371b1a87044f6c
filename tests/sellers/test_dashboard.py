"""Every dashboard page: the seller's own data only, login for anonymous users, a constant number of queries."""

import threading

import pytest
from django.db import connections

from sellers import services
from sellers.errors import TeamError
from sellers.models import ReasonCode, Seller, SellerMember, SellerStatus
from sellers.services import seller_request_changes, seller_update_profile
from tests.sellers import files
from tests.sellers.factories import DocumentFactory, MemberFactory, StaffFactory, UserFactory, complete_seller

pytestmark = pytest.mark.django_db

REQUIRED = "This field is required."

PAGES = [
    "/dashboard/",
    "/dashboard/profile/business/",
    "/dashboard/profile/address/",
    "/dashboard/profile/identifiers/",
    "/dashboard/profile/owner-bank/",
    "/dashboard/documents/",
    "/dashboard/submit/",
    "/dashboard/history/",
    "/dashboard/team/",
]


@pytest.mark.parametrize("url", PAGES)
def test_an_anonymous_user_is_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", PAGES)
def test_a_user_without_a_business_is_sent_to_start_one(client, stranger, url):
    client.force_login(stranger)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/start/"


@pytest.mark.parametrize("url", PAGES)
def test_each_page_shows_the_users_own_business_only(client, seller, owner, other_seller_user, url):
    client.force_login(other_seller_user)
    response = client.get(url)
    assert response.status_code == 200
    assert "Buriganga Leather Works" in response.content.decode()
    assert seller.legal_name not in response.content.decode()


def test_another_sellers_team_member_and_invitation_are_404(client, seller, owner, other_seller_user):
    from sellers.services import seller_invite

    colleague = MemberFactory(seller=seller)
    invitation = seller_invite(seller=seller, actor=owner, email="new@example.com")
    client.force_login(other_seller_user)

    assert client.post(f"/dashboard/team/{colleague.public_id}/remove/").status_code == 404
    assert client.post(f"/dashboard/team/invitations/{invitation.public_id}/revoke/").status_code == 404
    assert seller.members.count() == 2


def test_start_creates_the_business_with_the_user_as_owner(client, stranger):
    client.force_login(stranger)
    response = client.post("/dashboard/start/", {"legal_name": "Meghna Frozen Foods Ltd."})

    assert response.status_code == 302
    membership = stranger.seller_membership
    assert membership.is_owner and membership.seller.legal_name == "Meghna Frozen Foods Ltd."
    assert membership.seller.events.get().kind == "created"


def test_a_profile_step_saves_and_goes_on(owner_client, seller):
    response = owner_client.post(
        "/dashboard/profile/address/",
        {
            "address": "House 7, Road 3, Boyra",
            "postcode": "9000",
            "division": "khulna",
            "district": "khulna",
            "contact_phone": "01711234567",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/profile/identifiers/"
    seller.refresh_from_db()
    assert seller.contact_phone == "+8801711234567"


def test_a_profile_step_shows_every_error_next_to_its_field_and_saves_nothing(owner_client, seller):
    response = owner_client.post(
        "/dashboard/profile/identifiers/",
        {"etin": "1234", "bin": "12", "trade_licence_number": "#", "erc_number": "RA-0123456"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "e-TIN has 12 digits; this one has 4" in page
    assert "BIN has 13 digits; this one has 2" in page
    assert "Enter the ERC&#x27;s expiry date" in page
    seller.refresh_from_db()
    assert seller.etin == ""


def test_account_name_must_match_on_the_owner_and_bank_step(owner_client, seller):
    response = owner_client.post(
        "/dashboard/profile/owner-bank/",
        {
            "owner_name": "Abdul Karim",
            "owner_nid": "19871234567890123",
            "bank_name": "Sonali Bank PLC",
            "bank_branch": "Khulna",
            "bank_routing_number": "200470431",
            "bank_account_number": "0123456789",
            "bank_account_name": "Karim Traders",
        },
    )
    assert response.status_code == 400
    assert "must match the business or owner name" in response.content.decode()


def test_stored_nid_and_account_number_are_never_sent_back(owner_client, seller, owner):
    seller_update_profile(
        seller=seller, actor=owner, data={"owner_nid": "19871234567890123", "bank_account_number": "0123456789012"}
    )
    page = owner_client.get("/dashboard/profile/owner-bank/").content.decode()
    assert "19871234567890123" not in page and "0123456789012" not in page
    assert "0123" in page  # the masked tail helps recognise it

    # An empty input keeps the stored value.
    owner_client.post("/dashboard/profile/owner-bank/", {"owner_name": "Abdul Karim", "bank_account_name": ""})
    seller.refresh_from_db()
    assert seller.owner_nid == "19871234567890123"


def test_a_step_that_cannot_change_shows_its_values_without_a_form(client, submitted):
    """With JavaScript off or on, a form without a button to send it is a dead end: once the profile is reviewed its
    values are shown, disabled, outside any form."""
    client.force_login(submitted.members.get().user)

    page = client.get("/dashboard/profile/identifiers/").content.decode()

    assert '<form method="post" class="stacked"' not in page
    assert 'name="etin"' in page and 'value="123456789012"' in page and "disabled" in page


def test_the_reviewers_reasons_are_shown_next_to_each_field_and_document(client):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    seller_request_changes(
        seller=seller,
        actor=StaffFactory(),
        reasons=[
            {"target": "bin", "code": ReasonCode.MISMATCH, "message": "The BIN differs from your Mushak-2.3."},
            {"target": "document:nid_back", "code": ReasonCode.UNREADABLE, "message": "The NID back is too dark."},
        ],
    )
    client.force_login(seller.members.get().user)

    identifiers = client.get("/dashboard/profile/identifiers/").content.decode()
    documents = client.get("/dashboard/documents/").content.decode()
    home = client.get("/dashboard/").content.decode()

    assert "The BIN differs from your Mushak-2.3." in identifiers
    assert identifiers.index("id_bin") < identifiers.index("The BIN differs")  # after its field
    assert "The NID back is too dark." in documents
    assert "The BIN differs from your Mushak-2.3." in home and "Refused" in home


def test_the_overview_shows_the_reviewers_note_of_the_latest_decision(client):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    reason = {"target": "bin", "code": ReasonCode.MISMATCH, "message": "The BIN differs from your Mushak-2.3."}
    seller_request_changes(seller=seller, actor=StaffFactory(), reasons=[reason], note="Thank you, almost there.")
    client.force_login(seller.members.get().user)

    home = client.get("/dashboard/").content.decode()

    assert "The program’s note (Changes requested)" in home and "Thank you, almost there." in home


def test_submit_page_lists_what_is_missing_and_submits_a_complete_file(client, owner_client, seller):
    response = owner_client.post("/dashboard/submit/")
    assert response.status_code == 400
    assert "cannot be submitted yet" in response.content.decode()

    complete = complete_seller()
    client.force_login(complete.members.get().user)
    response = client.post("/dashboard/submit/")
    assert response.status_code == 302
    complete.refresh_from_db()
    assert complete.status == SellerStatus.SUBMITTED


def test_history_shows_the_sellers_own_trail(owner_client, seller, owner):
    seller_update_profile(seller=seller, actor=owner, data={"etin": "123456789012"})
    page = owner_client.get("/dashboard/history/").content.decode()
    assert "Profile changed" in page and "123456789012" in page


# Query counts ------------------------------------------------------------------------------------------------------


def _with_rows(seller, owner, n):
    for index in range(n):
        MemberFactory(seller=seller)
        DocumentFactory(
            seller=seller,
            kind=["trade_licence", "nid_front", "nid_back", "erc", "bank_proof"][index % 5],
            is_current=index < 5,
        )
        seller_update_profile(seller=seller, actor=owner, data={"employees": index + 1})


# session, user, membership+seller, then per page: seller+categories prefetch (2), documents, reasons; the overview
# adds the latest decision's note; the step form adds the categories' choices; history: events+actors, reasons
# prefetch; team: members+users, invitations; on every page the inquiries' (buyers) and notifications' badges.
QUERIES = {
    "/dashboard/": 9,
    "/dashboard/profile/business/": 9,
    "/dashboard/documents/": 8,
    "/dashboard/submit/": 8,
    "/dashboard/history/": 7,
    "/dashboard/team/": 7,
}


@pytest.mark.parametrize("url", list(QUERIES))
@pytest.mark.parametrize("n", [1, 12])
def test_page_queries_do_not_grow_with_rows(owner_client, seller, owner, url, n, django_assert_num_queries):
    _with_rows(seller, owner, n)
    with django_assert_num_queries(QUERIES[url]):
        response = owner_client.get(url)
    assert response.status_code == 200


def test_upload_through_the_page_then_open_it(owner_client):
    owner_client.post("/dashboard/documents/", {"kind": "trade_licence", "file": files.good_pdf("tl.pdf")})
    page = owner_client.get("/dashboard/documents/").content.decode()
    assert "tl.pdf" in page


@pytest.mark.parametrize("status", list(SellerStatus))
@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_in_every_state(client, status, url):
    seller = complete_seller(status=status)
    client.force_login(seller.members.get().user)
    response = client.get(url)
    assert response.status_code == 200
    assert seller.get_status_display() in response.content.decode()


def test_an_empty_post_to_start_names_the_missing_legal_name(client, stranger):
    client.force_login(stranger)
    response = client.post("/dashboard/start/", {})
    assert response.status_code == 400
    assert REQUIRED in response.content.decode()
    assert not SellerMember.objects.filter(user=stranger).exists()


def test_an_empty_post_to_a_profile_step_names_the_missing_field(owner_client, seller):
    response = owner_client.post("/dashboard/profile/business/", {})
    assert response.status_code == 400
    assert REQUIRED in response.content.decode()
    seller.refresh_from_db()
    assert seller.legal_name == "Rupsha Jute Crafts Ltd."


@pytest.mark.django_db(transaction=True)
def test_a_double_submitted_start_creates_one_business_and_no_500():
    """Two requests at once (a double click): both pass the "already a member?" check, one creates the business,
    the other is refused with the message (it was an IntegrityError, a 500, on PostgreSQL)."""
    user = UserFactory()
    barrier = threading.Barrier(2)
    errors = []

    def start():
        try:
            barrier.wait(timeout=10)
            services.seller_create(owner=user, legal_name="Rupsha Jute Crafts Ltd.")
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert SellerMember.objects.filter(user=user).count() == 1
    assert Seller.objects.count() == 1
    assert all(isinstance(error, TeamError) for error in errors), errors


def test_a_member_created_by_a_concurrent_request_is_a_clear_refusal(stranger, monkeypatch):
    """The same race, made certain: the check sees no membership, the insert meets the one just committed."""
    services.seller_create(owner=stranger, legal_name="First Ltd.")
    real_filter = SellerMember.objects.filter

    class Unseen:
        def exists(self):
            return False

    monkeypatch.setattr(
        SellerMember.objects, "filter", lambda **kw: Unseen() if kw == {"user": stranger} else real_filter(**kw)
    )

    with pytest.raises(TeamError, match="already belong"):
        services.seller_create(owner=stranger, legal_name="Second Ltd.")

    assert list(Seller.objects.values_list("legal_name", flat=True)) == ["First Ltd."]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_read_only_pages_refuse_other_methods(owner_client, seller, method):
    document = DocumentFactory(seller=seller)
    for url in ["/dashboard/", "/dashboard/history/", document.get_absolute_url()]:
        assert getattr(owner_client, method)(url).status_code == 405, url


@pytest.mark.parametrize("n", [1, 6])
def test_history_queries_do_not_grow_with_review_rounds(client, reviewer, n, django_assert_num_queries):
    seller = complete_seller(status=SellerStatus.SUBMITTED)
    owner = seller.members.get().user
    reason = {"target": "etin", "code": "invalid", "message": "The e-TIN does not match the certificate."}
    for index in range(n):
        services.seller_request_changes(seller=seller, actor=reviewer, reasons=[reason, {**reason, "target": "bin"}])
        services.seller_update_profile(
            seller=seller, actor=owner, data={"etin": f"12345678901{index}", "bin": f"001234567890{index}"}
        )
        services.seller_submit(seller=seller, actor=owner)
    client.force_login(owner)
    # session, user, membership+seller, events+actors, reasons (prefetch), the inquiries' and notifications' badges
    with django_assert_num_queries(7):
        response = client.get("/dashboard/history/")
    assert response.content.decode().count("does not match the certificate") == 2 * n


def test_divisions_and_districts_are_named_in_bengali_and_stored_as_before(owner_client, seller, settings):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"

    page = owner_client.get("/dashboard/profile/address/").content.decode()

    assert '<option value="chattogram">চট্টগ্রাম</option>' in page  # the division
    assert '<option value="coxs-bazar">কক্সবাজার</option>' in page  # a district
    assert '<optgroup label="ময়মনসিংহ">' in page
    assert "Cox&#x27;s Bazar" not in page and "Brahmanbaria" not in page
    response = owner_client.post(
        "/dashboard/profile/address/",
        {
            "address": "House 7, Road 3",
            "postcode": "4700",
            "division": "chattogram",
            "district": "coxs-bazar",
            "contact_phone": "01711234567",
        },
    )
    assert response.status_code == 302
    seller.refresh_from_db()
    assert (seller.division, seller.district) == ("chattogram", "coxs-bazar")
