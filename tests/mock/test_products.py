"""Products through their life: add, review, get, list, update, display."""

import time

from .conftest import add_product, product_payload


def test_add_enters_review(api, gateway, seller):
    answer = api.ok("/alibaba/icbu/product/add", token=seller["access_token"], product=product_payload(seller["photo"]))
    assert (answer["status"], answer["display"]) == ("new", "N")
    [held] = gateway.state()["products"]["listing-0001"]
    assert held["product_id"] == answer["product_id"]
    assert (held["status"], held["display"], held["version"]) == ("new", "N", 1)
    assert held["review_due_at"] is not None


def test_get_answers_the_product_with_its_status(api, seller):
    product_id = add_product(api, seller)
    product = api.ok("/alibaba/icbu/product/get", token=seller["access_token"], product_id=product_id)["product"]
    assert product["product_id"] == product_id
    assert (product["status"], product["display"], product["reason"]) == ("new", "N", None)
    assert product["gmt_create"].endswith("Z")


def test_a_product_of_another_supplier_is_forbidden(api, seller, other_seller):
    product_id = add_product(api, seller)
    for api_path, params in [
        ("/alibaba/icbu/product/get", {"product_id": product_id}),
        ("/alibaba/icbu/product/update", {"product_id": product_id, "product": product_payload(other_seller["photo"])}),
        ("/icbu/product/update/display", {"product_id_list": [product_id], "new_display": "off"}),
    ]:
        answer = api.error(api_path, "InsufficientPermission", token=other_seller["access_token"], **params)
        assert answer["type"] == "ISV"


def test_an_unknown_product(api, seller):
    answer = api.error("/alibaba/icbu/product/get", "InvalidParameter", token=seller["access_token"], product_id=1)
    assert answer["field"] == "product_id"


def test_review_approves_and_puts_on_display(api, gateway, seller):
    product_id = add_product(api, seller)
    assert gateway.tick() == {"reviewed": 0, "profiles_reviewed": 0, "pushes_delivered": 0, "pushes_failed": 0}
    assert gateway.tick(all_reviews_due=True)["reviewed"] == 1
    product = api.ok("/alibaba/icbu/product/get", token=seller["access_token"], product_id=product_id)["product"]
    assert (product["status"], product["display"]) == ("approved", "Y")


def test_update_sends_the_product_back_to_review(api, gateway, seller):
    product_id = add_product(api, seller)
    gateway.tick(all_reviews_due=True)
    changed = product_payload(seller["photo"], subject="Jute tote bag, natural colour", custom_code="listing-0002")
    answer = api.ok(
        "/alibaba/icbu/product/update", token=seller["access_token"], product_id=product_id, product=changed
    )
    assert (answer["product_id"], answer["status"], answer["display"]) == (product_id, "new", "N")
    product = api.ok("/alibaba/icbu/product/get", token=seller["access_token"], product_id=product_id)["product"]
    assert (product["subject"], product["custom_code"]) == ("Jute tote bag, natural colour", "listing-0002")
    [held] = gateway.state()["products"]["listing-0002"]
    assert held["version"] == 2


def test_list_pages_by_product_id(api, seller):
    ids = [add_product(api, seller, custom_code=f"listing-{n}") for n in range(7)]
    token = seller["access_token"]
    first = api.ok("/alibaba/icbu/product/list", token=token, page_size=3)
    assert (first["total_item"], first["current_page"], first["page_size"]) == (7, 1, 3)
    assert [p["product_id"] for p in first["products"]] == ids[:3]
    last = api.ok("/alibaba/icbu/product/list", token=token, page_size=3, current_page=3)
    assert [p["product_id"] for p in last["products"]] == ids[6:]
    summary = last["products"][0]
    assert set(summary) == {
        "product_id", "custom_code", "subject", "category_id", "status", "display", "reason", "gmt_create",
        "gmt_modified",
    }  # fmt: skip


def test_list_shows_only_the_suppliers_products(api, seller, other_seller):
    add_product(api, seller)
    assert api.ok("/alibaba/icbu/product/list", token=other_seller["access_token"])["total_item"] == 0


def test_list_by_custom_code_finds_every_copy(api, seller):
    first, second = add_product(api, seller, custom_code="dup"), add_product(api, seller, custom_code="dup")
    add_product(api, seller, custom_code="other")
    found = api.ok("/alibaba/icbu/product/list", token=seller["access_token"], custom_code="dup")
    assert [p["product_id"] for p in found["products"]] == [first, second]


def test_list_since_a_modification_time(api, gateway, seller):
    old = add_product(api, seller, custom_code="old")
    gateway.configure(clock_offset_s=60)
    since_ms = int(gateway.now() * 1000)
    new = add_product(api, seller, custom_code="new")
    token = seller["access_token"]
    found = api.ok("/alibaba/icbu/product/list", token=token, gmt_modified_from=since_ms)["products"]
    assert [p["product_id"] for p in found] == [new]
    iso = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(gateway.now() - 30))
    found = api.ok("/alibaba/icbu/product/list", token=token, gmt_modified_from=iso)["products"]
    assert [p["product_id"] for p in found] == [new]
    assert old not in [p["product_id"] for p in found]


def test_list_checks_its_parameters(api, seller):
    token = seller["access_token"]
    assert (
        api.error("/alibaba/icbu/product/list", "InvalidParameter", token=token, page_size=51)["field"] == "page_size"
    )
    assert api.error("/alibaba/icbu/product/list", "InvalidParameter", token=token, current_page=0)["field"] == (
        "current_page"
    )
    naive = "2024-01-01T00:00:00"
    answer = api.error("/alibaba/icbu/product/list", "InvalidParameter", token=token, gmt_modified_from=naive)
    assert answer["field"] == "gmt_modified_from"


def test_display_off_and_on(api, gateway, seller):
    token = seller["access_token"]
    product_id = add_product(api, seller)
    gateway.tick(all_reviews_due=True)
    off = api.ok("/icbu/product/update/display", token=token, product_id_list=[product_id], new_display="off")
    assert off["products"] == [{"product_id": product_id, "status": "approved", "display": "N"}]
    on = api.ok("/icbu/product/update/display", token=token, product_id_list=[product_id], new_display="on")
    assert on["products"] == [{"product_id": product_id, "status": "approved", "display": "Y"}]


def test_display_off_during_review_is_kept_at_approval(api, gateway, seller):
    token = seller["access_token"]
    held = add_product(api, seller, custom_code="held")
    add_product(api, seller, custom_code="shown")
    api.ok("/icbu/product/update/display", token=token, product_id_list=[held], new_display="off")
    gateway.tick(all_reviews_due=True)
    state = gateway.state()["products"]
    assert (state["held"][0]["status"], state["held"][0]["display"]) == ("approved", "N")
    assert state["shown"][0]["display"] == "Y"


def test_a_rejected_product_cannot_go_on_display(api, gateway, seller):
    gateway.configure(reject_rate=1.0)
    product_id = add_product(api, seller)
    gateway.tick(all_reviews_due=True)
    answer = api.error(
        "/icbu/product/update/display", "InvalidParameter", token=seller["access_token"],
        product_id_list=[product_id], new_display="on",
    )  # fmt: skip
    assert "tbd" in answer["message"]


def test_display_checks_its_parameters(api, seller):
    token = seller["access_token"]
    product_id = add_product(api, seller)
    for params, field in [
        ({"product_id_list": [product_id], "new_display": "maybe"}, "new_display"),
        ({"product_id_list": "[", "new_display": "on"}, "product_id_list"),
        ({"product_id_list": [], "new_display": "on"}, "product_id_list"),
        ({"product_id_list": ["x"], "new_display": "on"}, "product_id_list"),
        ({"product_id_list": [product_id, 5], "new_display": "off"}, "product_id"),
    ]:
        assert api.error("/icbu/product/update/display", "InvalidParameter", token=token, **params)["field"] == field
    product = api.ok("/alibaba/icbu/product/get", token=token, product_id=product_id)["product"]
    assert product["display"] == "N"


def test_duplicates_are_reported_in_the_state(api, gateway, seller):
    first, second = add_product(api, seller, custom_code="twice"), add_product(api, seller, custom_code="twice")
    add_product(api, seller, custom_code="once")
    state = gateway.state()
    assert state["duplicates"] == {"twice": [first, second]}
    assert state["product_count"] == 3
    assert state["suppliers"][0]["products"] == 3
