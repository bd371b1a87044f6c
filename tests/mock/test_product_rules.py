"""The product rules of add and update, one by one: each broken rule is refused naming its field."""

import pytest

from .conftest import product_payload, upload

MISSING, INVALID = "MissingParameter", "InvalidParameter"


def set_trade(key, value):
    def change(product):
        product["sourcing_trade"][key] = value

    return change


def drop_trade(key):
    def change(product):
        del product["sourcing_trade"][key]

    return change


def set_field(key, value):
    def change(product):
        product[key] = value

    return change


def drop_field(key):
    def change(product):
        del product[key]

    return change


def set_attributes(*attributes):
    return set_field("attributes", list(attributes))


ORIGIN_BD = {"attribute_id": 1, "value_name": "Bangladesh"}
MATERIAL = {"attribute_id": 3, "value_name": "Hessian Jute"}

BROKEN = [
    # (name, change, code, field, words in the message)
    ("subject missing", drop_field("subject"), MISSING, "subject", "required"),
    ("subject blank", set_field("subject", "   "), INVALID, "subject", "empty"),
    ("subject not a string", set_field("subject", 12), INVALID, "subject", "string"),
    ("subject too long", set_field("subject", "J" * 129), INVALID, "subject", "128"),
    ("subject not ascii", set_field("subject", "Jute bag – natural"), INVALID, "subject", "must be ASCII"),
    ("subject in bangla", set_field("subject", "পাটের ব্যাগ"), INVALID, "subject", "must be ASCII"),
    ("subject two lines", set_field("subject", "Jute\nbag"), INVALID, "subject", "ASCII"),
    ("category missing", drop_field("category_id"), MISSING, "category_id", "required"),
    ("category unknown", set_field("category_id", 4242), INVALID, "category_id", "not a category"),
    ("category not a leaf", set_field("category_id", 1200), INVALID, "category_id", "not a leaf"),
    ("category not a number", set_field("category_id", "bags"), INVALID, "category_id", "integer"),
    ("four keywords", set_field("keywords", ["a", "b", "c", "d"]), INVALID, "keywords", "0 to 3"),
    ("keyword with comma", set_field("keywords", ["jute, bag"]), INVALID, "keywords[0]", "','"),
    ("keyword with semicolon", set_field("keywords", ["ok", "jute;bag"]), INVALID, "keywords[1]", "';'"),
    ("keywords not a list", set_field("keywords", "jute bag"), INVALID, "keywords", "array"),
    ("attributes missing", drop_field("attributes"), MISSING, "attributes", "required"),
    ("origin missing", set_attributes(MATERIAL), MISSING, "attributes", "Place of Origin"),
    ("material missing", set_attributes(ORIGIN_BD), MISSING, "attributes", "Material"),
    (
        "attribute of another category",
        set_attributes(ORIGIN_BD, MATERIAL, {"attribute_id": 6, "value_name": "Frozen"}),
        INVALID, "attributes[2].attribute_id", "not an attribute of category 1202",
    ),
    (
        "value not allowed",
        set_attributes(ORIGIN_BD, {"attribute_id": 3, "value_name": "Cow Leather"}),
        INVALID, "attributes[1].value_name", "not a value of Material",
    ),
    (
        "value id not allowed",
        set_attributes(ORIGIN_BD, {"attribute_id": 3, "value_id": 123}),
        INVALID, "attributes[1].value_id", "not a value of Material",
    ),
    (
        "value id and name disagree",
        set_attributes({"attribute_id": 1, "value_id": 1089216, "value_name": "India"}, MATERIAL),
        INVALID, "attributes[0].value_name", "does not match",
    ),
    ("no value", set_attributes({"attribute_id": 1}, MATERIAL), MISSING, "attributes[0].value_id", "value_name"),
    (
        "single select twice",
        set_attributes(ORIGIN_BD, MATERIAL, {"attribute_id": 1, "value_name": "India"}),
        INVALID, "attributes[2].attribute_id", "one value",
    ),
    (
        "free text with a value id",
        set_attributes(ORIGIN_BD, MATERIAL, {"attribute_id": 2, "value_id": 5}),
        INVALID, "attributes[2].value_id", "free text",
    ),
    (
        "same certification twice",
        set_attributes(ORIGIN_BD, MATERIAL, {"attribute_id": 5, "value_name": "GOTS"},
                       {"attribute_id": 5, "value_name": "gots"}),
        INVALID, "attributes[3]", "repeats",
    ),
    ("attribute not an object", set_attributes("Bangladesh"), INVALID, "attributes[0]", "object"),
    ("main image missing", drop_field("main_image"), MISSING, "main_image", "required"),
    ("no images", set_field("main_image", {"images": []}), INVALID, "main_image.images", "1 to 6"),
    (
        "image not in photobank",
        set_field("main_image", {"images": ["https://example.com/a.jpg"]}),
        INVALID, "main_image.images[0]", "photobank",
    ),
    ("main image not an object", set_field("main_image", ["x"]), INVALID, "main_image", "object"),
    ("trade missing", drop_field("sourcing_trade"), MISSING, "sourcing_trade", "required"),
    ("currency not usd", set_trade("fob_currency", "BDT"), INVALID, "sourcing_trade.fob_currency", "USD"),
    ("min price missing", drop_trade("fob_min_price"), MISSING, "sourcing_trade.fob_min_price", "required"),
    ("min price zero", set_trade("fob_min_price", 0), INVALID, "sourcing_trade.fob_min_price", "0.01"),
    ("price three decimals", set_trade("fob_min_price", "1.234"), INVALID, "sourcing_trade.fob_min_price", "2 decimal"),
    ("price not a number", set_trade("fob_max_price", "cheap"), INVALID, "sourcing_trade.fob_max_price", "decimal"),
    ("price too high", set_trade("fob_max_price", "10000000"), INVALID, "sourcing_trade.fob_max_price", "9999999.00"),
    ("max below min", set_trade("fob_max_price", "1.00"), INVALID, "sourcing_trade.fob_max_price", "below"),
    ("unit unknown", set_trade("fob_unit_type", "bale"), INVALID, "sourcing_trade.fob_unit_type", "one of"),
    ("moq zero", set_trade("min_order_quantity", 0), INVALID, "sourcing_trade.min_order_quantity", "between"),
    ("moq fraction", set_trade("min_order_quantity", 1.5), INVALID, "sourcing_trade.min_order_quantity", "integer"),
    ("supply missing", drop_trade("supply_quantity"), MISSING, "sourcing_trade.supply_quantity", "required"),
    ("period", set_trade("supply_period_type", "fortnight"), INVALID, "sourcing_trade.supply_period_type", "one of"),
    ("port blank", set_trade("delivery_port", ""), INVALID, "sourcing_trade.delivery_port", "empty"),
    ("no payment methods", set_trade("payment_methods", []), INVALID, "sourcing_trade.payment_methods", "1 to"),
    ("bitcoin", set_trade("payment_methods", ["T/T", "BTC"]), INVALID, "sourcing_trade.payment_methods[1]", "one of"),
    ("deliver periods missing", drop_trade("deliver_periods"), MISSING, "sourcing_trade.deliver_periods", "required"),
    (
        "deliver periods descending",
        set_trade("deliver_periods", [{"quantity": 100, "days": 10}, {"quantity": 50, "days": 5}]),
        INVALID, "sourcing_trade.deliver_periods[1].quantity", "greater",
    ),
    (
        "deliver days too many",
        set_trade("deliver_periods", [{"quantity": 100, "days": 400}]),
        INVALID, "sourcing_trade.deliver_periods[0].days", "between",
    ),
    ("unknown trade field", set_trade("incoterm", "FOB"), INVALID, "sourcing_trade.incoterm", "not a known field"),
    (
        "tier start zero",
        set_field("bulk_discount_prices", [{"start_quantity": 0, "price": "1.00"}]),
        INVALID, "bulk_discount_prices[0].start_quantity", "between 1 and 99999",
    ),
    (
        "tier start too big",
        set_field("bulk_discount_prices", [{"start_quantity": 100000, "price": "1.00"}]),
        INVALID, "bulk_discount_prices[0].start_quantity", "99999",
    ),
    (
        "tiers not ascending",
        set_field("bulk_discount_prices", [{"start_quantity": 500, "price": 2}, {"start_quantity": 500, "price": 1}]),
        INVALID, "bulk_discount_prices[1].start_quantity", "ascending",
    ),
    (
        "tier price too small",
        set_field("bulk_discount_prices", [{"start_quantity": 5, "price": "0.001"}]),
        INVALID, "bulk_discount_prices[0].price", "decimal places",
    ),
    (
        "tier price missing",
        set_field("bulk_discount_prices", [{"start_quantity": 5}]),
        MISSING, "bulk_discount_prices[0].price", "required",
    ),
    ("description missing", drop_field("description"), MISSING, "description", "required"),
    ("description too long", set_field("description", "x" * 50_001), INVALID, "description", "50000"),
    ("custom code too long", set_field("custom_code", "c" * 65), INVALID, "custom_code", "64"),
    ("unknown field", set_field("price", 3), INVALID, "price", "not a known field"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "code", "field", "words"), [case[1:] for case in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_a_broken_rule_is_refused_naming_the_field(api, seller, change, code, field, words):
    product = product_payload(seller["photo"])
    change(product)
    answer = api.error("/alibaba/icbu/product/add", code, token=seller["access_token"], product=product)
    assert answer["type"] == "ISV"
    assert answer["field"] == field
    assert answer["message"].startswith(f"{code}: {field} ")
    assert words in answer["message"]


@pytest.mark.parametrize(
    ("change", "code", "field", "words"), [case[1:] for case in BROKEN[:12]], ids=[c[0] for c in BROKEN[:12]]
)
def test_update_follows_the_same_rules(api, seller, change, code, field, words):
    product = product_payload(seller["photo"])
    product_id = api.ok("/alibaba/icbu/product/add", token=seller["access_token"], product=product)["product_id"]
    change(product)
    answer = api.error(
        "/alibaba/icbu/product/update", code, token=seller["access_token"], product_id=product_id, product=product
    )
    assert answer["field"] == field


def test_the_product_parameter_must_be_a_json_object(api, seller):
    token = seller["access_token"]
    assert api.error("/alibaba/icbu/product/add", MISSING, token=token)["field"] == "product"
    assert api.error("/alibaba/icbu/product/add", INVALID, token=token, product="{oops")["field"] == "product"
    assert api.error("/alibaba/icbu/product/add", INVALID, token=token, product="[1]")["field"] == "product"


def test_a_good_product_is_stored_normalized(api, seller):
    product = product_payload(seller["photo"])
    product["attributes"][0] = {"attribute_id": 1, "value_id": 1089216}
    product["attributes"][1] = {"attribute_id": 3, "value_name": "hessian jute"}
    product_id = api.ok("/alibaba/icbu/product/add", token=seller["access_token"], product=product)["product_id"]
    stored = api.ok("/alibaba/icbu/product/get", token=seller["access_token"], product_id=product_id)["product"]
    assert stored["attributes"][:2] == [
        {"attribute_id": 1, "attribute_name": "Place of Origin", "value_id": 1089216, "value_name": "Bangladesh"},
        {"attribute_id": 3, "attribute_name": "Material", "value_id": stored["attributes"][1]["value_id"],
         "value_name": "Hessian Jute"},
    ]  # fmt: skip
    assert stored["attributes"][2] == {
        "attribute_id": 2, "attribute_name": "Brand Name", "value_id": None, "value_name": "Golden Fibre"
    }  # fmt: skip
    trade = stored["sourcing_trade"]
    assert (trade["fob_min_price"], trade["fob_max_price"]) == ("1.20", "2.50")
    assert stored["bulk_discount_prices"] == [
        {"start_quantity": 500, "price": "2.50"},
        {"start_quantity": 5000, "price": "1.90"},
    ]
    for field in ("subject", "category_id", "keywords", "main_image", "description", "custom_code"):
        assert stored[field] == product[field]


def test_the_smallest_good_product(api, seller):
    product = product_payload(seller["photo"], keywords=[], bulk_discount_prices=[], attributes=[ORIGIN_BD, MATERIAL])
    del product["custom_code"]
    del product["sourcing_trade"]["packaging_desc"]
    product_id = api.ok("/alibaba/icbu/product/add", token=seller["access_token"], product=product)["product_id"]
    stored = api.ok("/alibaba/icbu/product/get", token=seller["access_token"], product_id=product_id)["product"]
    assert stored["custom_code"] is None
    assert stored["sourcing_trade"]["packaging_desc"] == ""


def test_limits_are_inclusive(api, seller):
    token = seller["access_token"]
    photos = [seller["photo"], *(upload(api, token) for _ in range(5))]
    product = product_payload(
        seller["photo"],
        subject="J" * 128,
        keywords=["a", "b", "c"],
        main_image={"images": photos},
        bulk_discount_prices=[{"start_quantity": 1, "price": "9999999.00"}, {"start_quantity": 99999, "price": 0.01}],
    )
    api.ok("/alibaba/icbu/product/add", token=token, product=product)
    product["main_image"]["images"].append(upload(api, token))
    assert api.error("/alibaba/icbu/product/add", INVALID, token=token, product=product)["field"] == "main_image.images"


def test_images_of_another_supplier_are_refused(api, seller, other_seller):
    product = product_payload(other_seller["photo"])
    answer = api.error("/alibaba/icbu/product/add", INVALID, token=seller["access_token"], product=product)
    assert answer["field"] == "main_image.images[0]"


def test_an_image_given_twice_is_refused(api, seller):
    product = product_payload(seller["photo"], main_image={"images": [seller["photo"], seller["photo"]]})
    answer = api.error("/alibaba/icbu/product/add", INVALID, token=seller["access_token"], product=product)
    assert answer["field"] == "main_image.images[1]"


def test_custom_code_is_not_unique(api, seller):
    first = api.ok("/alibaba/icbu/product/add", token=seller["access_token"], product=product_payload(seller["photo"]))
    again = api.ok("/alibaba/icbu/product/add", token=seller["access_token"], product=product_payload(seller["photo"]))
    assert first["product_id"] != again["product_id"]
