"""Helpers for tests that go through allauth's pages as a person would."""

import re
import uuid

from allauth.account.models import EmailAddress
from django.test import Client

from tests.sellers.factories import PASSWORD, UserFactory


def fresh_address(name):
    """allauth rate-limits mails per address in the (shared Redis) cache: a fresh address each run."""
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def logged_in(email):
    """A user with a confirmed address, and a client logged in through the login form (allauth asks a forced login
    to re-authenticate before it changes an address)."""
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    return user, client


def mails_to(mailoutbox, email):
    return [mail for mail in mailoutbox if mail.to == [email]]


def verification_code(mail):
    return re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.body, re.MULTILINE).group(1)


def addresses(user):
    """(address, verified, primary) of every address the account holds."""
    return {(a.email, a.verified, a.primary) for a in EmailAddress.objects.filter(user=user)}
