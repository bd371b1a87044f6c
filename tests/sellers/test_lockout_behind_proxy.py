"""Login lockout counts failures per login and per client address, the client's address as the trusted proxies
report it (DXPORTS_TRUSTED_PROXY_COUNT): one client behind a proxy never locks out another."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client, override_settings

from dxports.proxies import client_ip
from tests.sellers.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ATTACKER, OWNER = "203.0.113.7", "198.51.100.9"


@pytest.fixture
def owner(db):
    user = UserFactory(email="owner@rupsha-jute.example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _log_in(client, password, **meta):
    client.post("/accounts/login/", {"login": "owner@rupsha-jute.example.com", "password": password}, **meta)
    return "_auth_user_id" in client.session


@override_settings(AXES_FAILURE_LIMIT=3, DXPORTS_TRUSTED_PROXY_COUNT=1)
def test_one_client_behind_the_proxy_does_not_lock_out_another(owner):
    attacker, real_owner = Client(), Client()
    for _attempt in range(3):
        assert not _log_in(attacker, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)

    assert not _log_in(attacker, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)  # locked out
    assert _log_in(real_owner, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OWNER)


@override_settings(AXES_FAILURE_LIMIT=3, DXPORTS_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_a_forged_address_is_not_believed(owner):
    # The proxy appends the address it saw; whatever the client wrote before it is ignored.
    attacker = Client()
    for forged in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        assert not _log_in(attacker, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{forged}, {ATTACKER}")

    assert not _log_in(attacker, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.4, {ATTACKER}")
    assert _log_in(Client(), PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OWNER)


@override_settings(AXES_FAILURE_LIMIT=3, DXPORTS_TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(owner):
    attacker = Client()
    # Forging the owner's address (or a new one each time) neither escapes the lockout nor locks the owner out.
    for forged in (OWNER, "192.0.2.1", "192.0.2.2"):
        assert not _log_in(attacker, "wrong", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=forged)

    assert not _log_in(attacker, PASSWORD, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.3")
    assert _log_in(Client(), PASSWORD, REMOTE_ADDR=OWNER)


@pytest.mark.parametrize(
    ("count", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}, "203.0.113.7"),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.7"}, "203.0.113.7"),
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.7, 10.0.0.1"}, "203.0.113.7"),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": " 2001:db8::1 "}, "2001:db8::1"),
        # Fewer hops than proxies, or garbage: the request did not come through them; its sender is counted.
        (2, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}, PROXY),
        (1, {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "not-an-address"}, PROXY),
        (1, {"REMOTE_ADDR": PROXY}, PROXY),
    ],
)
def test_the_client_address(rf, settings, count, meta, expected):
    settings.DXPORTS_TRUSTED_PROXY_COUNT = count
    assert client_ip(rf.get("/", **meta)) == expected


def test_allauth_and_the_api_count_by_the_same_address(rf, settings):
    from allauth.account.adapter import get_adapter
    from rest_framework.request import Request
    from rest_framework.throttling import BaseThrottle

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.DXPORTS_TRUSTED_PROXY_COUNT
    settings.DXPORTS_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ATTACKER}")

    assert get_adapter(request).get_client_ip(request) == ATTACKER
    assert BaseThrottle().get_ident(Request(request)) == ATTACKER
