"""Products and categories in Django admin: read-only, with moderation through actions that ask for a reason."""

import pytest
from django.contrib.auth.models import Permission

from catalog.models import ProductStatus
from tests.catalog.factories import LeafFactory, complete_product
from tests.sellers.factories import StaffFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/catalog/product/"


def _action(client, action, products, **data):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in products], **data})


@pytest.mark.parametrize("n", [1, 8])
def test_the_product_list_runs_the_same_queries_whatever_its_length(client, moderator, n, django_assert_num_queries):
    for _ in range(n):
        complete_product()
    client.force_login(moderator)

    # session, user, user and group permissions, the category filter's choices, count and total count, the page
    # (with seller and category), the date hierarchy's range and its days
    with django_assert_num_queries(10):
        response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert response.content.decode().count('name="_selected_action"') == n


def test_the_product_list_filters_and_searches(client, moderator):
    bag = complete_product(title="Eco-friendly Hessian Jute Shopping Bag with Cotton Handles, Custom Print")
    rug = complete_product(title="Braided Jute Rug, Round, 120 cm, Natural Colour, Handmade in Rangpur Bangladesh")
    complete_product(status=ProductStatus.READY)
    client.force_login(moderator)

    page = client.get(CHANGELIST, {"q": "Rug"}).content.decode()
    assert "Braided Jute Rug" in page and "Hessian Jute Shopping Bag" not in page
    page = client.get(CHANGELIST, {"status__exact": "ready"}).content.decode()
    assert page.count('name="_selected_action"') == 1
    page = client.get(CHANGELIST, {"q": bag.sku}).content.decode()
    assert page.count('name="_selected_action"') == 1
    assert client.get(f"{CHANGELIST}?category__id__exact={rug.category_id}").status_code == 200


def test_a_product_page_shows_the_listing_check_and_nothing_editable(client, moderator):
    product = complete_product(hs_code="")
    client.force_login(moderator)

    page = client.get(f"{CHANGELIST}{product.pk}/change/").content.decode()

    assert "Quality score: 50/100" in page
    assert "The HS code is missing." in page
    assert 'name="status"' not in page and 'name="title"' not in page


def test_blocking_asks_for_a_reason_then_blocks(client, moderator):
    product = complete_product()
    client.force_login(moderator)

    page = _action(client, "block", [product]).content.decode()
    assert "Reason (the seller reads it)" in page
    _action(client, "block", [product], confirm="1", reason="")
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT

    _action(client, "block", [product], confirm="1", reason="Images show another brand's logo.")

    product.refresh_from_db()
    assert (product.status, product.status_reason) == (ProductStatus.BLOCKED, "Images show another brand's logo.")
    _action(client, "unblock", [product], confirm="1", reason="Images replaced.")
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT


def test_staff_without_the_moderation_permission_can_read_but_not_block(client):
    reader = StaffFactory()
    reader.user_permissions.add(*Permission.objects.filter(codename__in=["view_product", "view_category"]))
    product = complete_product()
    client.force_login(reader)

    assert 'value="block"' not in client.get(CHANGELIST).content.decode()
    _action(client, "block", [product], confirm="1", reason="Trying anyway.")

    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT


def test_categories_are_listed_read_only_and_filtered_by_leaf(client, moderator):
    leaf = LeafFactory(name="Jute Shopping Bags")
    client.force_login(moderator)

    page = client.get("/admin/catalog/category/", {"is_leaf__exact": "1", "q": "Shopping"}).content.decode()
    assert "Jute Shopping Bags" in page
    page = client.get(f"/admin/catalog/category/{leaf.pk}/change/").content.decode()
    assert "Place of Origin" in page and 'name="name"' not in page
