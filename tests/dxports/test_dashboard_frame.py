"""The dashboard frame (dxports.dashboard): apps add sections, the frame finds the user's business."""

import pytest

from dxports import dashboard
from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return OwnerFactory().user


@pytest.fixture
def extra_section():
    dashboard.register_section(
        key="test-extra", label="Extra", url_name="sellers:team", order=1, badge=lambda member: 3
    )
    yield
    dashboard._sections.pop("test-extra")


def test_every_app_section_shows_in_order_with_the_current_one_marked(owner_client):
    response = owner_client.get("/dashboard/products/")
    nav = response.context["dashboard_nav"]()
    keys = [item["key"] for item in nav]
    assert keys[:2] == ["overview", "profile"]
    assert "products" in keys
    assert [item["key"] for item in nav if item["current"]] == ["products"]


def test_a_section_badge_is_shown(owner_client, extra_section):
    response = owner_client.get("/dashboard/")
    assert b'<span class="count-badge">3</span>' in response.content


def test_a_user_without_a_business_is_sent_to_start_one(client, stranger):
    client.force_login(stranger)
    response = client.get("/dashboard/products/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/start/"
