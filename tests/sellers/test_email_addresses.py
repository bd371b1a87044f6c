"""An account has one e-mail address; nobody can hold (or take) an address whose mailbox they do not read."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.sellers.account_support import addresses, fresh_address, logged_in, mails_to, verification_code

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def _no_rate_limit_left_over():
    """allauth's per-account limits are keyed by user id, and ids come back (another test's rollback, another run's
    fresh test database) while the cache (Redis) keeps the count."""
    cache.clear()


def test_nobody_can_park_an_address_that_belongs_to_someone_else(mailoutbox):
    parker_email, owner_email = fresh_address("parker"), fresh_address("owner")
    parker, parker_client = logged_in(parker_email)

    # The parker adds the owner's address: the owner's mailbox gets a message, the parker's account nothing.
    parker_client.post("/accounts/email/", {"email": owner_email, "action_add": ""})
    [parked_mail] = mails_to(mailoutbox, owner_email)
    assert addresses(parker) == {(parker_email, True, True)}

    # The owner signs up with their address: an account is made and a confirmation is really sent.
    owner_client = Client()
    response = owner_client.post(
        "/accounts/signup/", {"email": owner_email, "password1": "Jute-bags-2026!", "password2": "Jute-bags-2026!"}
    )
    assert response.status_code == 302
    owner = User.objects.get(email=owner_email)
    signup_mail = mails_to(mailoutbox, owner_email)[-1]
    assert signup_mail is not parked_mail

    # Whatever the owner opens in the parker's message, the address does not go to the parker.
    for path in re.findall(r"https?://testserver(/\S+)", parked_mail.body):
        owner_client.get(path)
        owner_client.post(path)
    owner_client.post("/accounts/confirm-email/", {"code": verification_code(signup_mail)})

    assert addresses(owner) == {(owner_email, True, True)}
    assert "_auth_user_id" in owner_client.session
    assert addresses(parker) == {(parker_email, True, True)}
    # Even with the parked message's code in hand, the parker cannot take the address now.
    parker_client.post("/accounts/confirm-email/", {"code": verification_code(parked_mail)})
    assert addresses(parker) == {(parker_email, True, True)}
    parker.refresh_from_db()
    assert parker.email == parker_email


def test_an_account_changes_its_one_address_by_confirming_the_new_one(mailoutbox):
    old, new = fresh_address("old"), fresh_address("new")
    user, client = logged_in(old)

    response = client.post("/accounts/email/", {"email": new, "action_add": ""})

    assert response.status_code == 302
    [mail] = mails_to(mailoutbox, new)
    assert addresses(user) == {(old, True, True)}  # nothing changes before the new address is confirmed
    assert old in client.get("/accounts/email/").content.decode()

    client.post("/accounts/confirm-email/", {"code": verification_code(mail)})

    assert addresses(user) == {(new, True, True)}
    user.refresh_from_db()
    assert user.email == new


def test_a_wrong_code_changes_nothing(mailoutbox):
    old, new = fresh_address("old"), fresh_address("new")
    user, client = logged_in(old)
    client.post("/accounts/email/", {"email": new, "action_add": ""})

    response = client.post("/accounts/confirm-email/", {"code": "WRONG-CODE"})

    assert response.status_code == 200
    assert addresses(user) == {(old, True, True)}


def test_one_account_cannot_keep_sending_codes_to_an_address(mailoutbox, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    _user, client = logged_in(fresh_address("parker"))
    target = fresh_address("owner")

    in_one_minute = [client.post("/accounts/email/", {"email": target, "action_add": ""}).status_code for _ in range(4)]
    assert in_one_minute == [302, 302, 302, 429]  # three codes a minute reach one address

    in_one_hour = []
    for _minute in range(7):
        time_machine.shift(61)
        in_one_hour.append(client.post("/accounts/email/", {"email": target, "action_add": ""}).status_code)
    assert in_one_hour == [302] * 6 + [429]  # ten changes an hour from one account, refused ones included
    assert len(mails_to(mailoutbox, target)) == 9


def test_addresses_parked_before_the_change_are_released():
    from importlib import import_module

    from allauth.account.models import EmailAddress
    from django.apps import apps

    migration = import_module("dxports.migrations.0002_drop_parked_email_addresses")
    parker, _client = logged_in(fresh_address("parker"))
    EmailAddress.objects.create(user=parker, email="owner@example.com", verified=False, primary=False)
    signed_up = User.objects.create_user(email="new@example.com")
    EmailAddress.objects.create(user=signed_up, email="new@example.com", verified=False, primary=True)

    migration.drop_parked_addresses(apps, None)

    assert addresses(parker) == {(parker.email, True, True)}
    assert addresses(signed_up) == {("new@example.com", False, True)}  # a sign-up waiting for its code stays
