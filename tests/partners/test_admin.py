"""Staff manage partners and keys in the admin, through the services: a new partner gets its service user, a new key
is shown once in the confirmation, keys are revoked and rotated by actions, deliveries redelivered."""

import re

import pytest

from partners.models import ApiKey, Partner, WebhookDelivery

pytestmark = pytest.mark.django_db


def test_staff_create_a_partner_and_a_key_shown_once(admin_client):
    response = admin_client.post(
        "/admin/partners/partner/add/",
        {"name": "Khulna Chamber", "contact_email": "it@kcci.example", "language": "bn", "is_active": "on"},
    )
    assert response.status_code == 302
    partner = Partner.objects.get(name="Khulna Chamber")
    assert partner.service_user.get_full_name() == "Khulna Chamber (API)"

    response = admin_client.post(
        "/admin/partners/apikey/add/",
        {"partner": partner.pk, "name": "production", "mode": "live", "scopes": ["sellers:read", "catalog:read"]},
        follow=True,
    )
    key = re.search(r"dxp_live_[A-Za-z0-9]{12}_[A-Za-z0-9]{32}", response.content.decode()).group(0)
    api_key = ApiKey.objects.get(partner=partner)
    assert api_key.scopes == ["catalog:read", "sellers:read"] and key.startswith(api_key.prefix)
    assert key not in admin_client.get(f"/admin/partners/apikey/{api_key.pk}/change/").content.decode()


def test_staff_revoke_and_rotate_keys(admin_client, api):
    admin_client.post(
        "/admin/partners/apikey/", {"action": "rotate", "_selected_action": [api.api_key.pk]}, follow=True
    )
    assert ApiKey.objects.filter(partner=api.partner).count() == 2
    admin_client.post("/admin/partners/apikey/", {"action": "revoke", "_selected_action": [api.api_key.pk]})
    assert api.get("me/").status_code == 401


def test_the_admin_lists_open(admin_client, api):
    for model in ["partner", "apikey", "sellergrant", "webhookendpoint", "webhookdelivery"]:
        assert admin_client.get(f"/admin/partners/{model}/").status_code == 200, model
    assert not WebhookDelivery.objects.exists()
