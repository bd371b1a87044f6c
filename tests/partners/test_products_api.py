"""Products through the API: the same services as the dashboard (validation, transitions, audit), a constant number
of queries for a page, and another partner's product never found."""

from decimal import Decimal

import pytest

from catalog.models import Product, ProductStatus
from sellers.models import SellerStatus
from tests.catalog.factories import COMPLETE_FIELDS, LeafFactory, ProductImageFactory, complete_product
from tests.catalog.image_files import image_bytes
from tests.partners.support import error_of, grant
from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(partner):
    seller = OwnerFactory(seller__status=SellerStatus.ACTIVE).seller
    grant(partner, seller)
    return seller


@pytest.fixture
def leaf(db):
    return LeafFactory()


def _payload(seller, leaf, **extra):
    return {
        "seller": str(seller.public_id),
        "sku": "JB-0001",
        **COMPLETE_FIELDS,
        "category": leaf.category_id,
        "price_tiers": [{"start_quantity": 500, "price": "2.50"}, {"start_quantity": 5000, "price": "1.90"}],
        "attributes": [
            {"attribute_id": 1, "value_id": 101},
            {"attribute_id": 2, "value_name": "Rupsha"},
            {"attribute_id": 3, "value_id": 301},
            {"attribute_id": 5, "value_id": 501},
        ],
        **extra,
    }


def test_create_retrieve_update_and_delete_a_draft(api, seller, leaf, partner):
    response = api.post("products/", _payload(seller, leaf))
    assert response.status_code == 201, response.json()
    product = response.json()
    assert product["object"] == "product" and product["status"] == "draft"
    assert product["category"] == {"id": leaf.category_id, "name": leaf.name}
    assert product["price_tiers"] == [
        {"start_quantity": 500, "price": "2.50"},
        {"start_quantity": 5000, "price": "1.90"},
    ]
    assert product["sync"] == {"state": "not_sent", "gateway_product_id": None, "synced_version": None}
    assert api.get(f"products/{product['id']}/").json() == product

    response = api.patch(f"products/{product['id']}/", {"hs_code": "6305.10", "keywords": ["jute bag"]})
    assert response.status_code == 200
    assert response.json()["hs_code"] == "630510" and response.json()["version"] == 2
    events = list(Product.objects.get(public_id=product["id"]).events.all())
    assert {event.actor for event in events} == {partner.service_user}

    assert api.delete(f"products/{product['id']}/").status_code == 204
    assert api.get(f"products/{product['id']}/").status_code == 404
    history = seller.events.filter(kind="product_deleted").get()
    assert history.actor == partner.service_user and history.changes["product"][0]["sku"] == "JB-0001"


def test_a_product_on_the_gateway_is_delisted_not_deleted(api, seller, partner):
    product = complete_product(seller=seller, status=ProductStatus.LIVE, gateway_product_id=77)
    response = api.delete(f"products/{product.public_id}/")
    assert response.status_code == 409 and error_of(response)["code"] == "not_editable"


def test_publish_an_incomplete_product_lists_every_blocking_problem(api, seller, leaf):
    product = api.post("products/", {"seller": str(seller.public_id), "sku": "X-1", "title": "Bag"}).json()
    response = api.post(f"products/{product['id']}/publish/")
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "listing_incomplete"
    assert {"category", "images", "price_tiers"} <= {item["field"] for item in error["details"]}


def test_publish_a_complete_product_and_delist_it(api, seller, use_gateway):
    from alibaba.mock import MockGateway

    use_gateway(MockGateway())
    product = complete_product(seller=seller)
    response = api.post(f"products/{product.public_id}/publish/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "publishing" and response.json()["sync"]["state"] == "sending"
    Product.objects.filter(pk=product.pk).update(status=ProductStatus.LIVE)
    response = api.post(f"products/{product.public_id}/delist/")
    assert response.status_code == 200 and response.json()["status"] == "delisting"


def test_a_seller_that_is_not_active_cannot_publish(api, partner):
    seller = OwnerFactory(seller__status=SellerStatus.DRAFT).seller
    grant(partner, seller)
    product = complete_product(seller=seller)
    response = api.post(f"products/{product.public_id}/publish/")
    assert response.status_code == 409 and error_of(response)["code"] == "seller_not_active"


def test_the_quality_check_and_its_dry_run(api, seller):
    product = complete_product(seller=seller)
    body = api.get(f"products/{product.public_id}/quality/").json()
    assert body == {"object": "quality_check", "score": 100, "can_publish": True, "problems": []}

    response = api.post(f"products/{product.public_id}/quality/", {"title": "Bag", "price_tiers": []})
    body = response.json()
    assert body["can_publish"] is False and body["score"] <= 50
    assert {"title", "price_tiers"} <= {problem["field"] for problem in body["problems"]}
    product.refresh_from_db()
    assert product.title == COMPLETE_FIELDS["title"]  # nothing saved


def test_the_sync_state_and_history(api, seller):
    product = complete_product(seller=seller)
    body = api.get(f"products/{product.public_id}/sync/").json()
    assert body["object"] == "sync_history" and body["attempts"] == [] and body["sync"]["state"] == "not_sent"


def test_images_are_added_and_removed(api, seller):
    from django.core.files.uploadedfile import SimpleUploadedFile

    product = complete_product(seller=seller, images=0)
    upload = SimpleUploadedFile("bag.jpg", image_bytes(), content_type="image/jpeg")
    response = api.post(f"products/{product.public_id}/images/", {"file": upload}, multipart=True)
    assert response.status_code == 201, response.json()
    (image,) = response.json()["images"]
    assert image["content_type"] == "image/jpeg" and image["photobank_url"] is None
    response = api.delete(f"products/{product.public_id}/images/{image['sha256']}/")
    assert response.status_code == 200 and response.json()["images"] == []
    not_image = SimpleUploadedFile("bag.jpg", b"GIF89a not a jpeg", content_type="image/jpeg")
    response = api.post(f"products/{product.public_id}/images/", {"file": not_image}, multipart=True)
    assert response.status_code == 400 and error_of(response)["field"] == "file"


def test_filters_and_search(api, seller, partner):
    draft = complete_product(seller=seller, title="Jute shopping bag")
    live = complete_product(seller=seller, status=ProductStatus.LIVE, title="Leather wallet")
    other_seller = OwnerFactory(seller__status=SellerStatus.ACTIVE).seller
    grant(partner, other_seller)
    theirs = complete_product(seller=other_seller)

    def ids(**params):
        return {item["id"] for item in api.get("products/", params).json()["data"]}

    assert ids(status="live") == {str(live.public_id)}
    assert ids(q="wallet") == {str(live.public_id)}
    assert ids(seller=str(other_seller.public_id)) == {str(theirs.public_id)}
    assert ids(category=draft.category.category_id) == {str(draft.public_id)}
    assert len(ids()) == 3


def test_another_partners_products_are_not_found(api, other_partner, make_api):
    theirs = OwnerFactory(seller__status=SellerStatus.ACTIVE).seller
    grant(other_partner, theirs)
    product = complete_product(seller=theirs)
    assert api.get("products/").json()["data"] == []
    for method, suffix in [("get", ""), ("patch", ""), ("delete", ""), ("post", "publish/"), ("get", "quality/")]:
        response = getattr(api, method)(f"products/{product.public_id}/{suffix}")
        assert response.status_code == 404, (method, suffix)
    response = api.post("products/", {"seller": str(theirs.public_id), "sku": "X", "title": "Y"})
    assert response.status_code == 404 and error_of(response)["field"] == "seller"


def test_reading_products_does_not_allow_writing_them(api, partner, make_api):
    seller = OwnerFactory(seller__status=SellerStatus.ACTIVE).seller
    grant(partner, seller, ["catalog:read"])
    product = complete_product(seller=seller)
    assert api.get(f"products/{product.public_id}/").status_code == 200
    assert api.patch(f"products/{product.public_id}/", {"title": "New"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"sku": ""}, "sku", "blank"),
        ({"category": 424242}, "category", "unknown_category"),
        ({"category": "bags"}, "category", "invalid"),
        ({"price_tiers": [{"start_quantity": 0, "price": "1.00"}]}, "price_tiers[0].start_quantity", "min_value"),
        ({"price_tiers": [{"start_quantity": 10, "price": "abc"}]}, "price_tiers[0].price", "invalid"),
        (
            {"price_tiers": [{"start_quantity": 10, "price": "1.00", "currency": "BDT"}]},
            "price_tiers[0].currency",
            "unknown_field",
        ),
        ({"attributes": [{"attribute_id": 999}]}, "attributes", "invalid"),
        ({"hs_code": "63.05"}, "hs_code", "invalid"),
        ({"hs_code": "⁶³⁰⁵¹⁰"}, "hs_code", "invalid"),  # superscripts: isdigit() says digits, they are not
        ({"unit": "bushel"}, "unit", "invalid_choice"),
        ({"keywords": "jute"}, "keywords", "not_a_list"),
        ({"title": "T" * 2000}, "title", "max_length"),
        ({"description": "a\x00b"}, "description", "null_characters_not_allowed"),
        ({"colour": "red"}, "colour", "unknown_field"),
    ],
)
def test_bad_product_input_is_a_400_naming_the_field(api, seller, body, field, code):
    product = complete_product(seller=seller)
    response = api.patch(f"products/{product.public_id}/", body)
    assert response.status_code == 400, response.json()
    error = error_of(response)
    assert (error["field"], error["code"]) == (field, code), error


def test_an_hs_code_in_bengali_digits_is_stored_as_ascii_digits(api, seller):
    """Issue 12, item 5: the API reads numbers as the dashboard and the import do (dxports.numbers)."""
    product = complete_product(seller=seller)
    response = api.patch(f"products/{product.public_id}/", {"hs_code": "৬৩০৫.১০.০০"})
    assert response.status_code == 200, response.json()
    assert response.json()["hs_code"] == "63051000"
    product.refresh_from_db()
    assert product.hs_code == "63051000"


def test_a_second_product_with_the_same_sku_is_refused(api, seller, leaf):
    assert api.post("products/", _payload(seller, leaf)).status_code == 201
    response = api.post("products/", _payload(seller, leaf))
    assert response.status_code == 400 and error_of(response)["field"] == "sku"


@pytest.mark.parametrize("n", [1, 30])
def test_the_product_list_runs_the_same_queries_for_any_page(api, seller, n, django_assert_num_queries):
    for _ in range(n):
        product = complete_product(seller=seller)
        ProductImageFactory(product=product)
    # key+partner+user, products (with category and seller, the partner's sellers as a subquery), price tiers,
    # images, attribute values
    with django_assert_num_queries(5):
        response = api.get("products/", {"limit": 50})
    assert len(response.json()["data"]) == n
    assert all(len(item["images"]) == 4 and len(item["price_tiers"]) == 2 for item in response.json()["data"])


def test_bulk_creates_and_updates_with_a_result_per_item(api, seller, leaf, other_partner):
    existing = complete_product(seller=seller)
    theirs = complete_product(seller=OwnerFactory(seller__status=SellerStatus.ACTIVE).seller)
    items = [
        _payload(seller, leaf, sku="NEW-1"),
        {"id": str(existing.public_id), "title": "Eco-friendly Hessian Jute Tote Bag with Cotton Handles, Custom"},
        {"seller": str(seller.public_id), "sku": "NEW-2"},
        {"id": str(theirs.public_id), "title": "x"},
        {"seller": str(seller.public_id), "sku": "NEW-3", "title": "Bag", "price_tiers": "cheap"},
        _payload(seller, leaf, sku="NEW-1"),
    ]
    response = api.post("products/bulk/", {"items": items})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["created", "updated", "failed", "failed", "failed", "failed"]
    assert (body["created"], body["updated"], body["failed"]) == (1, 1, 4)
    assert body["results"][2]["error"]["field"] == "title"
    assert body["results"][3]["error"]["type"] == "not_found_error"
    assert body["results"][4]["error"]["field"] == "price_tiers"
    assert body["results"][5]["error"]["field"] == "sku"
    assert Product.objects.filter(seller=seller, sku="NEW-1").count() == 1


def test_bulk_refuses_more_than_100_items(api, seller):
    response = api.post("products/bulk/", {"items": [{"sku": str(i)} for i in range(101)]})
    assert response.status_code == 400 and error_of(response)["field"] == "items"


def test_categories_with_their_attributes(api, leaf):
    body = api.get("categories/").json()
    (category,) = body["data"]
    assert category["id"] == leaf.category_id and category["is_leaf"] is True
    assert [a["attribute_id"] for a in category["attributes"]] == [1, 2, 3, 5]
    assert api.get(f"categories/{leaf.category_id}/").json() == category
    assert api.get("categories/1/").status_code == 404


def test_a_price_is_a_string_with_two_decimals(api, seller):
    product = complete_product(seller=seller)
    product.price_tiers.update(price=Decimal("3"))
    assert {t["price"] for t in api.get(f"products/{product.public_id}/").json()["price_tiers"]} == {"3.00"}
