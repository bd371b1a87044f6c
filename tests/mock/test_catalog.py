"""The category tree, leaf attributes and the photobank."""

import pytest

from alibaba.mock.catalog_seed import CATALOG, MATERIAL, PLACE_OF_ORIGIN

from .conftest import JPEG, PNG, upload

TOP_LEVEL = [
    "Jute & Jute Goods",
    "Leather Goods & Footwear",
    "Apparel",
    "Home Textiles",
    "Handicrafts",
    "Ceramics",
    "Frozen Seafood",
    "Agro & Food",
]
LEAVES = [category for category in CATALOG.categories.values() if category.leaf]


def test_the_root_lists_the_export_sectors(api):
    answer = api.ok("/alibaba/icbu/category/get", cat_id=0)
    assert answer["category"] is None
    assert [c["name"] for c in answer["categories"]] == TOP_LEVEL
    assert all(c["level"] == 1 and c["parent_id"] == 0 and not c["leaf_category"] for c in answer["categories"])


def test_children_down_to_leaves(api):
    jute = api.ok("/alibaba/icbu/category/get", cat_id=1000)
    assert jute["category"] == {
        "category_id": 1000, "name": "Jute & Jute Goods", "level": 1, "parent_id": 0, "leaf_category": False
    }  # fmt: skip
    bags = next(c for c in jute["categories"] if c["name"] == "Jute Bags & Sacks")
    leaves = api.ok("/alibaba/icbu/category/get", cat_id=bags["category_id"])["categories"]
    assert {c["name"] for c in leaves} >= {"Hessian Sacks", "Jute Shopping Bags"}
    assert all(c["leaf_category"] and c["level"] == 3 for c in leaves)
    assert api.ok("/alibaba/icbu/category/get", cat_id=1202)["categories"] == []


def test_the_whole_tree_is_reachable_from_the_root(api):
    seen, queue = [], [0]
    while queue:
        children = api.ok("/alibaba/icbu/category/get", cat_id=queue.pop())["categories"]
        seen += children
        queue += [c["category_id"] for c in children if not c["leaf_category"]]
    assert len(seen) == len(CATALOG.categories)
    assert 36 <= sum(c["leaf_category"] for c in seen) <= 60
    assert {c["level"] for c in seen} == {1, 2, 3}


def test_an_unknown_category(api):
    assert api.error("/alibaba/icbu/category/get", "InvalidParameter", cat_id=999)["field"] == "cat_id"


def test_every_leaf_requires_origin_and_material_and_offers_bangladesh():
    for leaf in LEAVES:
        required = {a.attribute_id for a in leaf.attributes if a.required}
        assert required == {PLACE_OF_ORIGIN, MATERIAL}, leaf.name
        origin = next(a for a in leaf.attributes if a.attribute_id == PLACE_OF_ORIGIN)
        assert "bangladesh" in origin.by_name
        assert any(not a.required for a in leaf.attributes)


def test_value_ids_are_unique_per_attribute():
    for leaf in LEAVES:
        for attribute in leaf.attributes:
            assert len(attribute.by_id) == len(attribute.values)


def test_attributes_of_a_leaf(api):
    answer = api.ok("/alibaba/icbu/category/attribute/get", cat_id=2101)
    by_name = {a["name"]: a for a in answer["attributes"]}
    material = by_name["Material"]
    assert material["required"] is True
    assert material["input_type"] == "single_select"
    assert {"Cow Leather", "Goat Leather"} <= {v["name"] for v in material["values"]}
    assert all(isinstance(v["value_id"], int) for v in material["values"])
    assert by_name["Brand Name"] == {
        "attribute_id": 2, "name": "Brand Name", "required": False, "input_type": "input", "values": []
    }  # fmt: skip
    assert by_name["Certification"]["input_type"] == "multi_select"


def test_food_leaves_have_a_processing_type(api):
    names = {a["name"] for a in api.ok("/alibaba/icbu/category/attribute/get", cat_id=7101)["attributes"]}
    assert "Processing Type" in names
    assert "Style" not in names


def test_attributes_only_for_leaves(api):
    answer = api.error("/alibaba/icbu/category/attribute/get", "InvalidParameter", cat_id=2000)
    assert "leaf" in answer["message"]


def test_catalog_calls_take_an_optional_token(api, seller):
    api.ok("/alibaba/icbu/category/get", token=seller["access_token"])
    api.error("/alibaba/icbu/category/get", "IllegalAccessToken", token="bad")


@pytest.mark.parametrize("content", [PNG, JPEG], ids=["png", "jpeg"])
def test_photobank_takes_png_and_jpeg(api, seller, content):
    url = upload(api, seller["access_token"], content)
    assert url.startswith("https://") and str(seller["supplier_id"]) in url


def test_photobank_judges_by_content_not_by_name(api, seller):
    files = {"image": ("photo.png", b"GIF89a" + b"\x00" * 10, "image/png")}
    answer = api.error("/alibaba/icbu/photobank/upload", "InvalidParameter", token=seller["access_token"], files=files)
    assert answer["field"] == "image"


def test_photobank_limit_is_3_mb(api, seller):
    limit = 3 * 1024 * 1024
    upload(api, seller["access_token"], PNG + b"\x00" * (limit - len(PNG)))
    files = {"image": ("big.png", PNG + b"\x00" * (limit - len(PNG) + 1), "image/png")}
    answer = api.error("/alibaba/icbu/photobank/upload", "InvalidParameter", token=seller["access_token"], files=files)
    assert "3 MB" in answer["message"]


def test_photobank_needs_a_file(api, seller):
    answer = api.error("/alibaba/icbu/photobank/upload", "MissingParameter", token=seller["access_token"])
    assert answer["field"] == "image"
    files = {"image": ("empty.png", b"", "image/png")}
    api.error("/alibaba/icbu/photobank/upload", "InvalidParameter", token=seller["access_token"], files=files)
