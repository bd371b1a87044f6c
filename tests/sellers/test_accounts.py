"""Accounts through django-allauth (e-mail login, confirmation, password reset) and django-axes (lockout)."""

import re
import uuid

import pytest
from axes.models import AccessAttempt
from django.test import override_settings

from tests.sellers.account_support import verification_code
from tests.sellers.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_confirm_the_address_then_start_the_business(client, mailoutbox):
    # A fresh address each run: allauth rate-limits confirmation e-mails per address in the (shared Redis) cache.
    email = f"owner-{uuid.uuid4().hex[:8]}@rupsha-jute.example.com"
    response = client.post(
        "/accounts/signup/",
        {"email": email, "password1": "Jute-bags-2026!", "password2": "Jute-bags-2026!"},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert len(mailoutbox) == 1 and "/accounts/" not in mailoutbox[0].body  # a code to type, no link to follow

    # Unconfirmed: logging in is refused, and a new code is sent (the first one no longer works).
    client.logout()
    client.post("/accounts/login/", {"login": email, "password": "Jute-bags-2026!"})
    assert "_auth_user_id" not in client.session
    assert len(mailoutbox) == 2

    response = client.post("/accounts/confirm-email/", {"code": verification_code(mailoutbox[-1])})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert client.get("/dashboard/")["Location"] == "/dashboard/start/"


def test_password_reset_by_e_mail(client, mailoutbox):
    user = UserFactory(email=f"owner-{uuid.uuid4().hex[:8]}@example.com")  # rate limits are per address
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert "password" in mailoutbox[0].subject.lower()
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_the_login_page_is_labelled_and_has_no_username(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<label for="id_login"' in page and '<label for="id_password"' in page
    assert "username" not in page.lower()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_login_out(client):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="owner@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    for _attempt in range(3):
        client.post("/accounts/login/", {"login": "owner@example.com", "password": "wrong"})

    response = client.post("/accounts/login/", {"login": "owner@example.com", "password": PASSWORD})

    assert response.status_code == 429 or response.status_code == 403
    assert "Too many failed log-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_landing_links_to_sign_up_and_log_in(client):
    page = client.get("/").content.decode()
    assert 'href="/accounts/signup/"' in page and 'href="/accounts/login/"' in page


def test_an_over_long_login_is_counted_by_the_lockout_not_a_500(client):
    response = client.post("/accounts/login/", {"login": "a" * 300 + "@example.com", "password": "wrong-password"})

    assert response.status_code in (200, 400)
    assert AccessAttempt.objects.get().username == ("a" * 300 + "@example.com")[:255]


def test_a_sign_up_in_bengali_is_confirmed_in_bengali_and_keeps_the_language(client, mailoutbox, settings):
    email = f"owner-{uuid.uuid4().hex[:8]}@rupsha-jute.example.com"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"

    form = client.get("/accounts/signup/").content.decode()
    response = client.post(
        "/accounts/signup/", {"email": email, "password1": "Jute-bags-2026!", "password2": "Jute-bags-2026!"}
    )

    # The password rules, the confirmation e-mail and the page asking for its code all speak Bengali.
    assert "আপনার পাসওয়ার্ড শুধু সংখ্যা দিয়ে তৈরি হতে পারবে না।" in form
    assert "entirely numeric" not in form
    mail = mailoutbox[0]
    assert mail.subject == "[dxports] আপনার ই-মেইল ঠিকানা নিশ্চিত করুন"
    assert "আপনার ই-মেইল যাচাইয়ের কোড নিচে দেওয়া হলো।" in mail.body
    assert "verification code" not in mail.body and "Hello from" not in mail.body
    page = client.get(response["Location"]).content.decode()
    assert "ই-মেইল যাচাইয়ের কোড লিখুন" in page and "Enter Email Verification Code" not in page
    assert UserFactory._meta.model.objects.get(email=email).language == "bn"


def test_password_rules_refuse_in_bengali(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"
    email = f"owner-{uuid.uuid4().hex[:8]}@example.com"

    page = client.post("/accounts/signup/", {"email": email, "password1": "12345678", "password2": "12345678"})

    html = page.content.decode()
    assert "এই পাসওয়ার্ডটি খুবই প্রচলিত।" in html and "এই পাসওয়ার্ডটি শুধু সংখ্যা দিয়ে তৈরি।" in html
    assert "too common" not in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("bn", "আপনার অ্যাকাউন্টের পাসওয়ার্ড রিসেট"), ("", "password reset")],
    ids=["bengali", "site-default"],
)
def test_a_password_reset_is_mailed_in_the_users_language_whatever_the_browser(client, mailoutbox, language, expected):
    user = UserFactory(email=f"owner-{uuid.uuid4().hex[:8]}@example.com", language=language)

    client.post("/accounts/password/reset/", {"email": user.email}, headers={"accept-language": "en"})

    assert expected in mailoutbox[0].body


@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/accounts/password/reset/done/"],
)
def test_allauths_pages_have_no_english_left_in_bengali(client, settings, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"

    html = client.get(url).content.decode()

    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style).*?</\1>", " ", html, flags=re.S))
    english = set(re.findall(r"[A-Za-z][A-Za-z']{2,}", text)) - {"dxports", "English"}
    assert english == set()
