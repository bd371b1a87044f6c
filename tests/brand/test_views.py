"""The company profile's dashboard: every page and action, the seller's own profile only (another seller's user gets
404 on every photo and certificate URL, and cannot act on them), the form's rows with JavaScript off, the preview in
English, Bengali, and a constant number of queries on the profile page."""

from datetime import timedelta

import pytest
from django.conf import settings

from alibaba.models import OutboxAttempt, OutboxJob
from brand import rules, services
from brand.models import SYNC_KIND, Certificate, CompanyProfile, PhotoKind, ProfilePhoto, ProfileStatus
from sellers.models import SellerStatus
from tests.brand.support import add_certificate, certificate_upload, complete_profile, photo_upload
from tests.catalog import image_files

pytestmark = pytest.mark.django_db
S = ProfileStatus
BASE = "/dashboard/company"


def _files(profile):
    photo = profile.photos.filter(kind=PhotoKind.FACTORY).first()
    certificate = profile.certificates.first()
    return {
        "photo": f"{BASE}/photos/{photo.public_id}/",
        "thumbnail": f"{BASE}/photos/{photo.public_id}/thumbnail/",
        "certificate": f"{BASE}/certificates/{certificate.public_id}/",
    }


def _actions(profile):
    photo = profile.photos.filter(kind=PhotoKind.FACTORY).first()
    certificate = profile.certificates.first()
    return {
        "photo-remove": (f"{BASE}/photos/{photo.public_id}/remove/", {}),
        "photo-move": (f"{BASE}/photos/{photo.public_id}/move/", {"position": "3"}),
        "certificate-remove": (f"{BASE}/certificates/{certificate.public_id}/remove/", {}),
    }


PAGES = ["", "edit/", "preview/", "certificates/new/"]
FILES = ["photo", "thumbnail", "certificate"]
ACTIONS = ["photo-remove", "photo-move", "certificate-remove"]


def _snapshot(profile):
    profile.refresh_from_db()
    return (
        profile.version,
        profile.status,
        list(profile.photos.values_list("pk", "position")),
        list(profile.certificates.values_list("pk", flat=True)),
    )


# Who may see what ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_user_is_sent_to_log_in(client, page):
    response = client.get(f"{BASE}/{page}")

    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={BASE}/{page}"


@pytest.mark.parametrize("page", FILES)
def test_an_anonymous_user_gets_no_file(client, profile, page):
    response = client.get(_files(profile)[page])

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("page", FILES)
def test_the_sellers_users_get_their_files(owner_client, profile, page):
    response = owner_client.get(_files(profile)[page])

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    if page == "certificate":
        assert body.startswith(b"%PDF-") and response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert 'filename="OEKO-TEX-21.HBD.' in response["Content-Disposition"]
    else:
        assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"].startswith("private")


@pytest.mark.parametrize("page", FILES)
def test_another_sellers_user_gets_404_for_every_file(client, other_seller_user, profile, page):
    client.force_login(other_seller_user)

    assert client.get(_files(profile)[page]).status_code == 404


@pytest.mark.parametrize("page", FILES)
def test_a_user_without_a_business_gets_404_for_every_file(client, stranger, profile, page):
    client.force_login(stranger)

    assert client.get(_files(profile)[page]).status_code == 404


@pytest.mark.parametrize("action", ACTIONS)
def test_another_sellers_user_gets_404_for_every_action_and_nothing_changes(client, other_seller_user, profile, action):
    url, data = _actions(profile)[action]
    before = _snapshot(profile)
    client.force_login(other_seller_user)
    services.profile_get_or_create(seller=other_seller_user.seller_membership.seller)  # they have a profile too

    response = client.post(url, data)

    assert response.status_code == 404
    assert _snapshot(profile) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_another_sellers_user_without_a_profile_gets_404_too(client, other_seller_user, profile, action):
    url, data = _actions(profile)[action]
    client.force_login(other_seller_user)

    assert client.post(url, data).status_code == 404


def test_the_pages_show_the_users_own_profile_only(owner_client, profile, other_seller_user):
    theirs = complete_profile(
        other_seller_user.seller_membership.seller, other_seller_user, company_story="Buriganga tannery " * 20
    )

    for page in ["", "preview/", "edit/"]:
        content = owner_client.get(f"{BASE}/{page}").content.decode()
        assert "Buriganga" not in content
        assert str(theirs.photos.first().public_id) not in content


def test_another_sellers_actions_on_their_own_profile_cannot_reach_ours(client, other_seller_user, profile):
    client.force_login(other_seller_user)
    before = _snapshot(profile)

    client.post(f"{BASE}/edit/", _form_data(employees="5"))
    client.post(f"{BASE}/photos/", {"photo": photo_upload()})
    client.post(f"{BASE}/send/")

    assert _snapshot(profile) == before
    assert CompanyProfile.objects.get(seller=other_seller_user.seller_membership.seller).employees == 5


@pytest.mark.parametrize(
    ("who", "codenames", "status"),
    [("staff with the right", ["view_companyprofile", "view_certificate"], 200), ("staff without it", [], 404)],
)
def test_staff_see_files_only_with_the_right_to(client, profile, who, codenames, status):
    from django.contrib.auth.models import Permission

    from tests.sellers.factories import StaffFactory

    staff = StaffFactory()
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="brand", codename__in=codenames))
    client.force_login(staff)

    for page in FILES:
        response = client.get(_files(profile)[page])
        assert response.status_code == status, page
        if status == 200:
            b"".join(response.streaming_content)


# The profile page ------------------------------------------------------------------------------------------------


def test_a_seller_without_a_profile_sees_an_empty_one_and_what_to_do(owner_client):
    response = owner_client.get(f"{BASE}/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Not started" in content and "Start the profile" in content
    assert "The company story is missing." in content and "Before you send: 5 problems" in content
    assert not CompanyProfile.objects.exists()  # a visit writes nothing


def test_the_profile_page_shows_the_score_the_facts_the_files_and_the_history(owner_client, profile):
    add_certificate(profile, profile.seller.members.get().user, type="BSCI", number="B-SOON", days_valid=10)

    content = owner_client.get(f"{BASE}/").content.decode()

    assert "Company profile" in content and 'aria-current="page"' in content
    assert "<strong>98/100</strong>" in content  # a certificate expiring soon: advice only
    assert "The BSCI certificate B-SOON expires on" in content and "Expires soon" in content
    assert "buyers see: 51 - 100 people" in content
    assert "Germany 35%" in content and "Heimtextil Frankfurt (2024, Germany)" in content
    assert content.count("/thumbnail/") == 5  # four factory photos and the logo
    assert "Send to Alibaba.com" in content and "Profile edited" in content


def test_a_seller_that_is_not_active_sees_sending_disabled_and_why(client, profile, owner):
    type(profile.seller).objects.filter(pk=profile.seller_id).update(status=SellerStatus.APPROVED)
    client.force_login(owner)

    content = client.get(f"{BASE}/").content.decode()

    assert 'disabled aria-describedby="not-active-note"' in content
    assert "The profile is sent once your business is active" in content


@pytest.mark.parametrize("count", [1, 8])
def test_the_profile_page_runs_a_constant_number_of_queries(
    owner_client, seller, owner, count, django_assert_num_queries
):
    profile = complete_profile(seller, owner, photos=count, certificates=count)
    services.profile_update(
        profile=profile,
        actor=owner,
        markets=[services.MarketInput(c, 5) for c in ["DE", "GB", "US", "JP", "FR", "IT", "NL", "ES"][:count]],
    )
    job = OutboxJob.objects.create(kind=SYNC_KIND, target=str(profile.pk))
    for version in range(count):
        OutboxAttempt.objects.create(job=job, version=version + 1, outcome=OutboxAttempt.Outcome.TRANSIENT)

    # session, user, membership+seller, profile+seller, markets, trade shows, photos, certificates, audit events+actors,
    # sync attempts+jobs, the inquiries' and notifications' badges
    with django_assert_num_queries(12):
        response = owner_client.get(f"{BASE}/")

    assert len(response.context["factory_photos"]) == count and len(response.context["attempts"]) == count
    assert len(response.context["certificates"]) == count


@pytest.mark.parametrize("count", [1, 8])
def test_the_preview_runs_a_constant_number_of_queries(owner_client, seller, owner, count, django_assert_num_queries):
    complete_profile(seller, owner, photos=count, certificates=count)

    # session, user, membership+seller, profile+seller, markets, trade shows, photos, certificates, the inquiries' and
    # notifications' badges
    with django_assert_num_queries(10):
        response = owner_client.get(f"{BASE}/preview/")

    assert len(response.context["public"].factory_photos) == count
    assert len(response.context["public"].certificates) == count


# The form ----------------------------------------------------------------------------------------------------------


def _form_data(**changes):
    data = {
        "company_story": "Jute from Khulna. " * 20,
        "year_established": "2008",
        "employees": "85",
        "capacity_quantity": "50000",
        "capacity_unit": "piece",
        "markets-TOTAL_FORMS": "3",
        "markets-INITIAL_FORMS": "3",
        "markets-0-country": "DE",
        "markets-0-share": "40",
        "markets-1-country": "",
        "markets-1-share": "",
        "markets-2-country": "JP",
        "markets-2-share": "10",
        "shows-TOTAL_FORMS": "2",
        "shows-INITIAL_FORMS": "2",
        "shows-0-name": "Heimtextil Frankfurt",
        "shows-0-year": "2024",
        "shows-0-country": "DE",
        "shows-1-name": "",
        "shows-1-year": "",
        "shows-1-country": "",
    }
    data.update(changes)
    return data


def test_the_form_starts_from_the_sellers_facts_with_empty_lines(owner_client):
    response = owner_client.get(f"{BASE}/edit/")

    assert response.status_code == 200
    form = response.context["form"]
    assert (form.initial["year_established"], form.initial["employees"]) == (2008, 85)
    assert len(response.context["markets"].forms) == 3 and len(response.context["shows"].forms) == 3
    assert not CompanyProfile.objects.exists()


def test_saving_the_form_creates_the_profile_with_the_filled_lines_only(owner_client, seller):
    response = owner_client.post(f"{BASE}/edit/", _form_data())

    assert response.status_code == 302 and response["Location"] == f"{BASE}/"
    profile = CompanyProfile.objects.get(seller=seller)
    assert list(profile.markets.values_list("country", "share")) == [("DE", 40), ("JP", 10)]
    assert list(profile.trade_shows.values_list("name", "year", "country")) == [("Heimtextil Frankfurt", 2024, "DE")]
    assert profile.capacity_quantity == 50_000 and profile.version == 2


def test_countries_are_typed_by_name_from_one_list_for_the_page(owner_client, seller):
    """A select of 250 countries on each of the form's lines weighed the page 110 KB; the lines take a country's name
    (in the page's language or in English) or its code, offered by one shared list."""
    owner_client.cookies["django_language"] = "bn"
    data = _form_data(**{"markets-0-country": "জার্মানি", "markets-2-country": " japan ", "shows-0-country": "de"})

    assert owner_client.post(f"{BASE}/edit/", data).status_code == 302

    profile = CompanyProfile.objects.get(seller=seller)
    assert list(profile.markets.values_list("country", flat=True)) == ["DE", "JP"]
    assert list(profile.trade_shows.values_list("country", flat=True)) == ["DE"]
    page = owner_client.get(f"{BASE}/edit/").content.decode()
    assert 'list="countries"' in page and page.count("<datalist") == 1 and '<option value="DE"' not in page
    assert 'value="জার্মানি"' in page and len(page) < 40_000


def test_a_country_not_in_the_list_is_refused_beside_its_line(owner_client):
    response = owner_client.post(f"{BASE}/edit/", _form_data(**{"markets-0-country": "Narnia"}))

    assert response.status_code == 400
    assert response.context["markets"].forms[0].errors["country"] == [
        "Choose a country from the list, for example Germany."
    ]


def test_emptying_a_saved_line_removes_it(owner_client, profile):
    data = _form_data(**{"markets-0-country": "", "markets-0-share": ""})

    owner_client.post(f"{BASE}/edit/", data)

    assert list(profile.markets.values_list("country", flat=True)) == ["JP"]


@pytest.mark.parametrize(
    ("changes", "where", "message"),
    [
        ({"markets-2-share": ""}, ("markets", 2, "share"), "Enter the percent of your exports"),
        ({"markets-1-share": "30"}, ("markets", 1, "country"), "Choose the country."),
        ({"markets-2-country": "DE"}, ("markets", 2, "country"), "Germany is given twice."),
        ({"markets-0-share": "140"}, ("markets", 0, "share"), "less than or equal to 100"),
        ({"shows-0-year": ""}, ("shows", 0, "year"), "Enter the year you attended."),
        ({"shows-1-year": "2020"}, ("shows", 1, "name"), "Enter the name of the trade show."),
        (
            {"year_established": "two"},
            ("form", None, "year_established"),
            "Enter a whole number, for example 1000 or ১০০০.",
        ),
        ({"capacity_unit": "litre"}, ("form", None, "capacity_unit"), "Select a valid choice."),
        ({"markets-TOTAL_FORMS": "500"}, ("markets", None, None), "Please submit at most 10 forms."),
    ],
)
def test_a_wrong_line_or_field_is_named_and_nothing_is_saved(owner_client, seller, changes, where, message):
    response = owner_client.post(f"{BASE}/edit/", _form_data(**changes))

    assert response.status_code == 400
    kind, row, field = where
    if kind == "form":
        errors = response.context["form"].errors[field]
    elif row is None:
        errors = response.context[kind].non_form_errors()
    else:
        errors = response.context[kind].forms[row].errors[field]
    assert any(message in error for error in errors), errors
    assert "Nothing was saved" in response.content.decode()
    assert not CompanyProfile.objects.filter(seller=seller, employees=85, capacity_quantity=50_000).exists()


def test_an_edit_that_would_break_a_live_profile_is_refused_with_the_problem(owner_client, profile):
    CompanyProfile.objects.filter(pk=profile.pk).update(status=S.LIVE)
    data = _form_data(
        **{"markets-0-country": "", "markets-0-share": "", "markets-2-country": "", "markets-2-share": ""}
    )

    response = owner_client.post(f"{BASE}/edit/", data)

    assert response.status_code == 400
    assert "No main export market is given." in str(response.context["form"].non_field_errors())
    assert profile.markets.count() == 3


def test_the_form_posts_without_javascript(owner_client):
    content = owner_client.get(f"{BASE}/edit/").content.decode()

    assert '<form method="post" class="stacked" novalidate>' in content
    assert 'name="markets-TOTAL_FORMS"' in content and "<script" not in content.split("<main", 1)[1]


# Photos, certificates, sending --------------------------------------------------------------------------------------


def test_uploading_photos_and_the_logo(owner_client, seller):
    owner_client.post(f"{BASE}/photos/", {"photo": photo_upload()})
    response = owner_client.post(f"{BASE}/logo/", {"photo": photo_upload("logo.png", fmt="PNG")}, follow=True)

    assert "The logo is saved." in response.content.decode()
    profile = CompanyProfile.objects.get(seller=seller)
    assert sorted(profile.photos.values_list("kind", flat=True)) == ["factory", "logo"]


@pytest.mark.parametrize(("path", "field"), [("photos", "factory-photo"), ("logo", "logo-file")])
def test_a_bad_photo_is_refused_beside_its_own_field_and_the_page_shows_it(owner_client, path, field):
    response = owner_client.post(f"{BASE}/{path}/", {"photo": image_files.upload("setup.jpg", image_files.elf_bytes())})

    assert response.status_code == 400
    content = response.content.decode()
    start = content.index(f'id="{field}-error"')
    assert "“setup.jpg” is not a JPEG or PNG image" in content[start : content.index("</p>", start)]
    assert content.count("is not a JPEG or PNG image") == 1  # beside this field only, not at the top of the page
    assert f'action="{BASE}/{path}/#{field}-form" id="{field}-form"' in content
    assert '<script src="/static/js/photo-upload.js" defer></script>' in content
    assert not ProfilePhoto.objects.exists()


def test_moving_and_removing_a_photo(owner_client, profile):
    photos = list(profile.photos.filter(kind=PhotoKind.FACTORY).order_by("position"))

    owner_client.post(f"{BASE}/photos/{photos[3].public_id}/move/", {"position": "0"})
    owner_client.post(f"{BASE}/photos/{photos[0].public_id}/remove/")

    assert list(profile.photos.filter(kind=PhotoKind.FACTORY).order_by("position")) == [
        photos[3],
        photos[1],
        photos[2],
    ]


def _certificate_data(**changes):
    on = rules.today()
    return {
        "type": "GOTS",
        "issuer": "Control Union",
        "number": "CU-1234",
        "valid_from": (on - timedelta(days=10)).isoformat(),
        "valid_until": (on + timedelta(days=300)).isoformat(),
        "file": certificate_upload(),
        **changes,
    }


def test_adding_a_certificate(owner_client, seller):
    response = owner_client.post(f"{BASE}/certificates/new/", _certificate_data())

    assert response.status_code == 302 and response["Location"] == f"{BASE}/#certificates"
    certificate = Certificate.objects.get(profile__seller=seller)
    assert (certificate.type, certificate.issuer, certificate.number) == ("GOTS", "Control Union", "CU-1234")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"file": image_files.upload("cert.pdf", image_files.elf_bytes())}, "file", "is not a PDF, JPEG or PNG"),
        ({"valid_until": (rules.today() - timedelta(days=2)).isoformat()}, "valid_until", "expired on"),
        ({"valid_from": "31/02/2025"}, "valid_from", "Enter a valid date."),
        ({"type": "ISO 1"}, "type", "Select a valid choice."),
        ({"issuer": ""}, "issuer", "This field is required."),
    ],
)
def test_a_wrong_certificate_is_refused_on_its_field(owner_client, changes, field, message):
    response = owner_client.post(f"{BASE}/certificates/new/", _certificate_data(**changes))

    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Certificate.objects.exists()


def test_sending_the_profile(owner_client, profile):
    response = owner_client.post(f"{BASE}/send/", follow=True)

    assert "Sent to Alibaba.com." in response.content.decode()
    profile.refresh_from_db()
    assert profile.status == S.SENDING


def test_sending_an_incomplete_profile_lists_every_problem(owner_client, seller, owner):
    services.profile_get_or_create(seller=seller, actor=owner)

    response = owner_client.post(f"{BASE}/send/", follow=True)

    content = response.content.decode()
    assert "Not sent: fix the problems" in content and "The company story is missing." in content
    assert CompanyProfile.objects.get(seller=seller).status == S.DRAFT


def test_sending_without_a_profile_is_404(owner_client):
    assert owner_client.post(f"{BASE}/send/").status_code == 404


# The preview and the languages ------------------------------------------------------------------------------------


def test_the_preview_shows_what_buyers_see_in_english(client, profile, owner):
    owner.language = "bn"
    owner.save(update_fields=["language"])
    add_certificate(profile, owner, type="BSCI", number="B-OLD", days_valid=1)
    Certificate.objects.filter(number="B-OLD").update(valid_until=rules.today() - timedelta(days=1))
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"

    content = client.get(f"{BASE}/preview/").content.decode()

    buyer_view = content.split('class="buyer-view"', 1)[1].split("</article>", 1)[0]
    assert '<article class="buyer-view" lang="en"' in content
    assert "Total employees" in buyer_view and "51 - 100 people" in buyer_view
    assert "50000 Piece / month" in buyer_view
    assert "Germany" in buyer_view and "United Kingdom" in buyer_view
    assert "OEKO-TEX" in buyer_view and "B-OLD" not in buyer_view  # expired: buyers do not see it
    assert "Heimtextil Frankfurt, Germany" in buyer_view
    assert '<html lang="bn">' in content  # the page around it speaks the seller's language


def test_the_profile_page_speaks_bengali(client, profile, owner):
    client.force_login(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"

    content = client.get(f"{BASE}/").content.decode()

    assert '<html lang="bn">' in content
    assert "Company profile" not in content.split("<main", 1)[1]
    assert "Completeness score" not in content


def test_every_page_has_a_viewport_for_phones_and_no_inline_style(owner_client, profile):
    for page in PAGES:
        content = owner_client.get(f"{BASE}/{page}").content.decode()
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in content
        assert " style=" not in content and "<style" not in content


def test_the_dashboard_navigation_has_the_company_profile(owner_client):
    content = owner_client.get("/dashboard/").content.decode()

    assert f'href="{BASE}/"' in content


def test_a_photo_added_to_a_live_profile_is_sent(owner_client, profile):
    CompanyProfile.objects.filter(pk=profile.pk).update(status=S.LIVE)

    owner_client.post(f"{BASE}/photos/", {"photo": photo_upload()})

    profile.refresh_from_db()
    assert profile.status == S.SENDING
    assert OutboxJob.objects.filter(kind=SYNC_KIND, target=str(profile.pk)).exists()
