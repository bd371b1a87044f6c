"""The product form: the category's attributes as fields, values typed kept when something is wrong, errors next
to the field they are about, the services' refusals shown where they belong."""

import pytest

from alibaba.models import OutboxJob
from catalog.models import Product, ProductStatus
from tests.catalog.factories import (
    BRAND,
    CERTIFICATION,
    MATERIAL,
    ORIGIN,
    LeafFactory,
    ProductFactory,
    complete_product,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaf(db):
    return LeafFactory(name="Jute Shopping Bags")


def form_data(leaf, **overrides):
    data = {
        "sku": "JB-100",
        "title": "Eco-friendly Hessian Jute Shopping Bag with Cotton Handles, Custom Print",
        "title_bn": "পাটের ব্যাগ",
        "description": "Natural hessian jute bag. " * 10,
        "category": str(leaf.category_id),
        f"attr_{ORIGIN}": "101",
        f"attr_{BRAND}": "Rupsha",
        f"attr_{MATERIAL}": "302",
        f"attr_{CERTIFICATION}": ["501", "502"],
        "keyword_1": "jute bag",
        "keyword_2": "tote bag",
        "keyword_3": "",
        "hs_code": "6305.10",
        "tier_quantity_0": "500",
        "tier_price_0": "2.50",
        "tier_quantity_1": "5000",
        "tier_price_1": "1.90",
        "min_order_quantity": "500",
        "unit": "piece",
        "supply_quantity": "50000",
        "supply_period": "month",
        "lead_quantity_0": "1000",
        "lead_days_0": "20",
        "port": "chattogram",
        "payment_terms": ["T/T", "L/C"],
        "packaging": "100 bags per carton",
        "certifications": "Fair Trade\nOEKO-TEX",
        "sample_policy": "paid",
    }
    data.update(overrides)
    return data


def test_the_new_form_offers_leaf_categories_and_no_attributes_yet(owner_client, leaf):
    group = LeafFactory(name="Bags and cases", is_leaf=False)

    response = owner_client.get("/dashboard/products/new/")

    content = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{leaf.category_id}">Jute Shopping Bags</option>' in content
    assert f'value="{group.category_id}"' not in content
    assert "Choose the category to see the attributes" in content
    assert 'name="attr_' not in content


def test_choosing_a_category_shows_its_attributes_required_marked_values_offered_and_keeps_what_was_typed(
    owner_client, leaf
):
    response = owner_client.post(
        "/dashboard/products/new/",
        {"refresh": "1", "category": str(leaf.category_id), "title": "My bag", "sku": "JB-1", "payment_terms": ["L/C"]},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert not Product.objects.exists()
    form = response.context["form"]
    assert [name for name in form.fields if name.startswith("attr_")] == [
        f"attr_{ORIGIN}",
        f"attr_{BRAND}",
        f"attr_{MATERIAL}",
        f"attr_{CERTIFICATION}",
    ]
    assert form.fields[f"attr_{ORIGIN}"].needed_to_publish and not form.fields[f"attr_{BRAND}"].needed_to_publish
    assert '<label for="id_attr_1">Place of Origin <span class="needed">(needed to publish)</span></label>' in content
    assert '<label for="id_attr_2">Brand Name</label>' in content
    assert (
        '<option value="101">Bangladesh</option>' in content
        and '<option value="302">Jute-Cotton Blend</option>' in content
    )
    assert 'type="checkbox" name="attr_5" value="502"' in content
    assert 'value="My bag"' in content and 'value="JB-1"' in content
    assert 'value="L/C" id="id_payment_terms_1" checked' in content
    assert "errorlist" not in content


def test_creating_a_complete_product_saves_every_field_and_row(owner_client, seller, leaf):
    response = owner_client.post("/dashboard/products/new/", form_data(leaf))

    product = Product.objects.get(seller=seller)
    assert response.status_code == 302 and response["Location"] == f"/dashboard/products/{product.public_id}/"
    assert product.category == leaf and product.hs_code == "630510"
    assert product.keywords == ["jute bag", "tote bag"]
    assert product.payment_terms == ["T/T", "L/C"] and product.certifications == ["Fair Trade", "OEKO-TEX"]
    assert product.lead_times == [{"quantity": 1000, "days": 20}]
    assert [(t.start_quantity, str(t.price)) for t in product.price_tiers.all()] == [(500, "2.50"), (5000, "1.90")]
    values = sorted((v.attribute.attribute_id, v.value_id, v.value_name) for v in product.attribute_values.all())
    assert values == [(ORIGIN, 101, ""), (BRAND, None, "Rupsha"), (MATERIAL, 302, ""), (5, 501, ""), (5, 502, "")]
    assert product.status == ProductStatus.DRAFT
    assert product.events.get().kind == "created"


def test_bad_values_are_reported_next_to_their_fields_and_nothing_typed_is_lost(owner_client, leaf):
    data = form_data(
        leaf, tier_price_1="abc", min_order_quantity="-5", hs_code="12ab", lead_days_0="", tier_quantity_2="9000"
    )

    response = owner_client.post("/dashboard/products/new/", data)

    assert response.status_code == 400
    assert not Product.objects.exists()
    form = response.context["form"]
    assert form.errors["tier_price_1"] == ["Enter a number, for example 12.50 or ১২.৫০."]
    assert form.errors["min_order_quantity"] == ["Ensure this value is greater than or equal to 1."]
    assert form.errors["hs_code"] == ["“12ab” is not an HS code. Enter 6 to 10 digits, without dots or spaces."]
    assert form.errors["lead_days_0"] == ["Enter both the quantity and the days, or neither."]
    assert form.errors["tier_price_2"] == ["Enter both the quantity and the price, or neither."]
    assert set(form.errors) == {"tier_price_1", "min_order_quantity", "hs_code", "lead_days_0", "tier_price_2"}
    content = response.content.decode()
    assert "Nothing was saved: correct the fields marked below." in content
    # each error sits with its field, and what was typed elsewhere is still there
    hs_field = content.index('name="hs_code"')
    assert hs_field < content.index("is not an HS code") < content.index('name="tier_quantity_0"')
    assert 'value="abc"' in content and 'value="-5"' in content
    assert 'value="Rupsha"' in content and '<option value="302" selected>' in content
    assert "Eco-friendly Hessian Jute Shopping Bag" in content and "পাটের ব্যাগ" in content


def test_a_second_product_with_the_same_sku_is_refused_at_the_sku_field(owner_client, seller, leaf):
    ProductFactory(seller=seller, sku="JB-100")

    response = owner_client.post("/dashboard/products/new/", form_data(leaf))

    assert response.status_code == 400
    assert response.context["form"].errors["sku"] == ["You already have a product with the SKU “JB-100”."]
    assert Product.objects.filter(seller=seller).count() == 1


def test_a_value_the_service_refuses_is_reported_at_its_field(owner_client, leaf):
    response = owner_client.post("/dashboard/products/new/", form_data(leaf, sku="   "))

    assert response.status_code == 400
    assert response.context["form"].errors["sku"]


def test_the_edit_form_shows_the_saved_values_and_what_the_listing_still_needs_next_to_each_field(owner_client, seller):
    product = complete_product(seller=seller, hs_code="", port="")

    response = owner_client.get(f"/dashboard/products/{product.public_id}/edit/")

    content = response.content.decode()
    assert response.status_code == 200
    assert f'value="{product.title}"' in content
    assert '<option value="101" selected>Bangladesh</option>' in content
    assert 'value="Rupsha"' in content and 'value="2.50"' in content and 'value="5000"' in content
    assert (
        content.index('name="hs_code"')
        < content.index("The HS code is missing.")
        < content.index('name="tier_quantity_0"')
    )
    assert content.index('name="port"') < content.index("The port of shipment is missing.")


def test_editing_a_draft_saves_and_bumps_the_version(owner_client, seller):
    product = complete_product(seller=seller)
    data = form_data(product.category, sku=product.sku, title="Braided Jute Shopping Bag with Leather Handles, Large")

    response = owner_client.post(f"/dashboard/products/{product.public_id}/edit/", data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title.startswith("Braided") and product.version == 2


def test_editing_a_live_product_sends_the_update(owner_client, seller):
    product = complete_product(seller=seller, status=ProductStatus.LIVE, gateway_product_id=9001, synced_version=1)
    page = owner_client.get(f"/dashboard/products/{product.public_id}/edit/").content.decode()
    assert "Save and update on Alibaba.com" in page
    data = form_data(product.category, sku=product.sku, packaging="50 bags per carton")

    response = owner_client.post(f"/dashboard/products/{product.public_id}/edit/", data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.UPDATING and product.packaging == "50 bags per carton"
    assert OutboxJob.objects.filter(kind="product.upsert", target=str(product.pk)).exists()


def test_a_live_edit_that_would_break_the_listing_lists_every_problem_and_changes_nothing(owner_client, seller):
    product = complete_product(seller=seller, status=ProductStatus.LIVE, gateway_product_id=9002, synced_version=1)
    data = form_data(product.category, sku=product.sku, port="", **{f"attr_{ORIGIN}": ""})

    response = owner_client.post(f"/dashboard/products/{product.public_id}/edit/", data)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["port"] == ["The port of shipment is missing. Choose the port you ship from."]
    assert errors[f"attr_{ORIGIN}"] == ["“Place of Origin” is required in this category. Fill in “Place of Origin”."]
    product.refresh_from_db()
    assert product.status == ProductStatus.LIVE and product.port == "chattogram" and product.version == 1
    assert not OutboxJob.objects.exists()


def test_a_product_on_its_way_to_alibaba_cannot_be_edited(owner_client, seller):
    product = complete_product(seller=seller, status=ProductStatus.PUBLISHING)

    response = owner_client.get(f"/dashboard/products/{product.public_id}/edit/", follow=True)

    assert "cannot be changed now" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/dashboard/products/{product.public_id}/"


def test_changing_the_category_drops_the_old_attributes(owner_client, seller):
    product = complete_product(seller=seller)
    other = LeafFactory(name="Jute rugs")
    data = form_data(product.category, sku=product.sku, category=str(other.category_id))
    for name in [f"attr_{ORIGIN}", f"attr_{BRAND}", f"attr_{MATERIAL}", f"attr_{CERTIFICATION}"]:
        data.pop(name)

    response = owner_client.post(f"/dashboard/products/{product.public_id}/edit/", data)

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.category == other and not product.attribute_values.exists()


# "²" and "³" are digits to str.isdigit() but not to int().
@pytest.mark.parametrize("refresh", [False, True], ids=["save", "refresh"])
def test_a_category_of_unicode_digits_is_a_field_error(owner_client, leaf, own_product, refresh):
    data = form_data(leaf, category="²")
    if refresh:
        data["refresh"] = "1"

    created = owner_client.post("/dashboard/products/new/", data)
    edited = owner_client.post(f"/dashboard/products/{own_product.public_id}/edit/", data)

    for response in (created, edited):
        if refresh:
            assert response.status_code == 200
        else:
            assert response.status_code == 400
            assert "category" in response.context["form"].errors
    assert Product.objects.count() == 1


@pytest.mark.parametrize("count", [1, 4])
def test_the_edit_form_runs_a_constant_number_of_queries(owner_client, seller, count, django_assert_num_queries):
    from decimal import Decimal

    from catalog.models import PriceTier

    product = complete_product(seller=seller, images=count)
    PriceTier.objects.filter(product=product).delete()
    for index in range(count):
        PriceTier.objects.create(product=product, start_quantity=100 * (index + 1), price=Decimal("9") - index)
    for index in range(count * 5):
        LeafFactory(name=f"Leaf {index}")

    # session, user, membership+seller, product+category, tiers, images, attribute values, their attributes,
    # category attributes, the leaf categories offered (with their groups), the inquiries' and notifications' badges
    with django_assert_num_queries(12):
        response = owner_client.get(f"/dashboard/products/{product.public_id}/edit/")

    assert response.status_code == 200


def test_numbers_typed_with_bengali_digits_and_separators_are_stored_as_numbers(owner_client, leaf):
    """Issues 11 and 12 (item 5): the form reads numbers the way sellers type them, and stores ASCII."""
    data = form_data(
        leaf,
        hs_code="৬৩০৫.১০",
        min_order_quantity="৫০০",
        supply_quantity="৫০,০০০",
        tier_quantity_0="৫০০",
        tier_price_0="২.৫০",
        tier_quantity_1="5,000",
        lead_quantity_0="১ ০০০",
        lead_days_0="২০",
    )

    response = owner_client.post("/dashboard/products/new/", data)

    assert response.status_code == 302, response.context["form"].errors
    product = Product.objects.get(sku="JB-100")
    assert (product.hs_code, product.min_order_quantity, product.supply_quantity) == ("630510", 500, 50000)
    assert [(tier.start_quantity, str(tier.price)) for tier in product.price_tiers.all()] == [
        (500, "2.50"),
        (5000, "1.90"),
    ]
    assert product.lead_times == [{"quantity": 1000, "days": 20}]


def test_an_hs_code_in_superscripts_is_refused_on_the_form(owner_client, leaf):
    response = owner_client.post("/dashboard/products/new/", form_data(leaf, hs_code="⁶³⁰⁵¹⁰"))
    assert response.status_code == 400
    assert "hs_code" in response.context["form"].errors
    assert not Product.objects.exists()
