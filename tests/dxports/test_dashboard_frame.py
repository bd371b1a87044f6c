"""The dashboard frame (dxports.dashboard): apps add sections, the frame finds the user's business."""

import pytest
from django.conf import settings

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


def test_on_a_phone_the_sections_fold_into_one_menu_that_needs_no_javascript(owner_client, extra_section):
    html = owner_client.get("/dashboard/products/").content.decode()
    nav = html.split('<nav class="dashboard-nav"', 1)[1].split("</nav>", 1)[0]

    menu = nav.split('<details class="nav-menu">', 1)[1].split("</details>", 1)[0]
    assert menu.lstrip().startswith("<summary>Menu: <strong>Products</strong>")
    assert '<span class="count-badge" title="Extra">3</span></summary>' in menu  # a badge is seen while folded
    assert '<a href="/dashboard/products/" aria-current="page">Products</a>' in menu
    assert '<ul class="nav-tabs">' in nav  # the wide screen's tabs (static/css/dashboard.css shows one or the other)
    css = (settings.BASE_DIR / "static/css/dashboard.css").read_text()
    assert ".nav-tabs { display: none; }" in css and "@media (min-width: 48rem)" in css
