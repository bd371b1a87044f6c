"""Odd input is answered with a clear refusal, never a 500 (issue 12, item 4): a 5,000-digit category on the
product form, its refresh and the list's filter; admin actions posted with ids that are not row ids."""

import pytest

from catalog.models import Product

pytestmark = pytest.mark.django_db

ODD_CATEGORIES = ["9" * 5000, "²³", "12\u0663", "-5", " ", "1e9", "9" * 19]


@pytest.mark.parametrize("category", ODD_CATEGORIES)
def test_an_odd_category_on_the_product_form_is_a_field_error(owner_client, category):
    response = owner_client.post("/dashboard/products/new/", {"sku": "JB-1", "title": "Jute bag", "category": category})
    assert response.status_code == 400
    assert "category" in response.context["form"].errors
    assert not Product.objects.exists()


@pytest.mark.parametrize("category", ODD_CATEGORIES)
def test_an_odd_category_on_refresh_keeps_what_was_typed(owner_client, category):
    response = owner_client.post(
        "/dashboard/products/new/", {"sku": "JB-1", "title": "Jute bag", "category": category, "refresh": "1"}
    )
    assert response.status_code == 200
    assert 'value="JB-1"' in response.content.decode()


@pytest.mark.parametrize("category", ODD_CATEGORIES)
def test_an_odd_category_filter_lists_everything_without_a_500(owner_client, category):
    response = owner_client.get("/dashboard/products/", {"category": category})
    assert response.status_code == 200


@pytest.mark.parametrize("selected", ["abc", "1\x00", "1" * 23, "-1", "0", "1.5", "١٢"])
def test_an_admin_action_posted_with_an_odd_id_is_a_400(client, moderator, product, selected):
    client.force_login(moderator)
    response = client.post(
        "/admin/catalog/product/", {"action": "block", "_selected_action": [str(product.pk), selected]}
    )
    assert response.status_code == 400
    product.refresh_from_db()
    assert product.status == "draft"


def test_an_admin_action_with_real_ids_still_asks_for_the_reason(client, moderator, product):
    client.force_login(moderator)
    response = client.post("/admin/catalog/product/", {"action": "block", "_selected_action": [str(product.pk)]})
    assert response.status_code == 200
    assert "Reason (the seller reads it)" in response.content.decode()
