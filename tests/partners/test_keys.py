"""API keys: shown once, stored as a keyed hash, scoped, revocable, expiring, rotated with overlap, of one mode."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from partners import services
from partners.models import ApiKey, Partner, Scope
from tests.partners.support import error_of

pytestmark = pytest.mark.django_db


def test_create_partner_key_prints_the_key_alone_on_its_last_line_and_stores_only_its_hash():
    out, err = StringIO(), StringIO()
    call_command(
        "create_partner_key",
        "--partner",
        "Bangladesh Bank Export Desk",
        "--contact-email",
        "api@bb.example",
        "--scopes",
        "sellers:read,catalog:read",
        stdout=out,
        stderr=err,
    )

    key = out.getvalue().strip().splitlines()[-1]
    assert key.startswith("dxp_live_") and len(key) == len("dxp_live_") + 12 + 1 + 32
    api_key = ApiKey.objects.get()
    assert api_key.partner.name == "Bangladesh Bank Export Desk"
    assert api_key.scopes == ["catalog:read", "sellers:read"]
    assert key not in str(ApiKey.objects.values().get()) and api_key.key_hash == services.key_hash(key)
    assert "shown once" in err.getvalue()


def test_create_partner_key_for_an_existing_partner_and_all_scopes(partner):
    out = StringIO()
    call_command("create_partner_key", "--partner", partner.name.upper(), "--scopes", "all", stdout=out)
    assert ApiKey.objects.get(partner=partner).scopes == sorted(Scope.values)
    assert Partner.objects.count() == 1


def test_create_partner_key_refuses_an_unknown_scope(partner):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown scopes: catalog:delete"):
        call_command("create_partner_key", "--partner", partner.name, "--scopes", "catalog:delete", stdout=StringIO())


def test_a_key_works(api):
    response = api.get("me/")
    assert response.status_code == 200
    assert response.json()["name"] == "Dhaka Chamber of Commerce"
    assert response["Request-Id"].startswith("req_")


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "authentication_required"),
        ("Bearer dxp_live_abc", "invalid_authorization_header"),
        ("Api-Key ", "invalid_authorization_header"),
        ("Api-Key sk_live_123", "invalid_api_key"),
        ("Api-Key dxp_live_AAAAAAAAAAAA_" + "B" * 32, "invalid_api_key"),
        ("Api-Key dxp_live_AAAAAAAAAAAA_" + "B" * 31 + "\u00e9", "invalid_api_key"),
    ],
)
def test_requests_without_a_valid_key_are_refused(client, db, header, code):
    headers = {"authorization": header} if header else {}
    response = client.get("/api/v1/sellers/", headers=headers)
    assert response.status_code == 401
    assert error_of(response)["code"] == code
    assert response["WWW-Authenticate"].startswith("Api-Key")


def test_a_key_whose_secret_is_wrong_is_refused(api):
    api.key = api.key[:-1] + ("A" if api.key[-1] != "A" else "B")
    response = api.get("me/")
    assert response.status_code == 401 and error_of(response)["code"] == "invalid_api_key"


def test_a_revoked_key_is_refused(api):
    services.api_key_revoke(api_key=api.api_key)
    response = api.get("me/")
    assert response.status_code == 401 and error_of(response)["code"] == "api_key_revoked"


def test_an_expired_key_is_refused(make_api, partner):
    api = make_api(partner, expires_at=timezone.now() + timedelta(days=1))
    assert api.get("me/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        response = api.get("me/")
    assert response.status_code == 401 and error_of(response)["code"] == "api_key_expired"


def test_a_rotated_key_works_during_the_overlap_and_is_refused_after(api, client):
    from tests.partners.support import PartnerClient

    issued = services.api_key_rotate(api_key=api.api_key, overlap=timedelta(hours=2))
    new = PartnerClient(client, issued)

    assert api.get("me/").status_code == 200
    assert new.get("me/").json()["api_key"]["scopes"] == api.api_key.scopes
    with time_machine.travel(timezone.now() + timedelta(hours=2, seconds=1)):
        old_response = api.get("me/")
        assert new.get("me/").status_code == 200
    assert old_response.status_code == 401
    assert error_of(old_response)["code"] == "api_key_expired"
    assert "replaced" in error_of(old_response)["message"]


def test_a_key_of_the_other_mode_is_refused(make_api, partner, settings):
    api = make_api(partner, mode="test")
    response = api.get("me/")
    assert response.status_code == 401 and error_of(response)["code"] == "api_key_wrong_mode"
    settings.PARTNERS_KEY_MODE = "test"
    assert api.get("me/").status_code == 200


def test_an_inactive_partners_keys_are_refused(api, partner):
    services.partner_update(partner=partner, is_active=False)
    response = api.get("me/")
    assert response.status_code == 401 and error_of(response)["code"] == "partner_inactive"


def test_the_last_use_is_remembered_at_most_once_a_minute(api, django_assert_num_queries):
    ApiKey.objects.filter(pk=api.api_key.pk).update(last_used_at=None)
    with django_assert_num_queries(2):  # the key (with partner and service user); last_used_at
        api.get("me/")
    first = ApiKey.objects.get(pk=api.api_key.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the key only
        api.get("me/")
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        api.get("me/")
    assert ApiKey.objects.get(pk=api.api_key.pk).last_used_at > first


@pytest.mark.parametrize(
    ("scopes", "method", "path", "needed"),
    [
        (["catalog:read"], "get", "sellers/", "sellers:read"),
        (["sellers:read"], "post", "sellers/", "sellers:write"),
        (["sellers:read"], "get", "products/", "catalog:read"),
        (["catalog:read"], "post", "products/", "catalog:write"),
        (["catalog:read"], "get", "webhook_endpoints/", "webhooks:manage"),
        (["catalog:read"], "get", "categories/", None),
    ],
)
def test_each_operation_needs_its_scope(make_api, partner, scopes, method, path, needed):
    api = make_api(partner, scopes)
    response = getattr(api, method)(path)
    if needed is None:
        assert response.status_code == 200
        return
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "insufficient_scope" and needed in error["message"]
