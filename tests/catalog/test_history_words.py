"""The product's history in words (issue 11): field labels, attribute values and categories by their names, lead
times and prices as a person writes them; good news is not shown like an error."""

import re

import pytest

from catalog import services
from catalog.models import ProductStatus
from tests.catalog.factories import BRAND, MATERIAL, LeafFactory, ProductFactory, complete_product

pytestmark = pytest.mark.django_db


def _history(content):
    return content.split('id="history-heading"', 1)[1]


def _attributes(product, material_value_id):
    return [
        {"attribute_id": attribute_id, "value_id": value_id, "value_name": value_name}
        for attribute_id, value_id, value_name in [
            (1, 101, ""),
            (BRAND, None, "Rupsha"),
            (MATERIAL, material_value_id, ""),
        ]
    ]


def test_an_edit_is_listed_with_labels_and_names_never_keys_or_lists(owner_client, seller, owner):
    product = complete_product(seller=seller)
    services.product_update(
        product=product,
        actor=owner,
        attributes=_attributes(product, 302),
        lead_times=[{"quantity": 2000, "days": 30}],
        price_tiers=[(1000, "2.10")],
        keywords=["jute bag", "tote"],
    )

    history = _history(owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode())

    assert "Material: Hessian Jute" in history and "Material: Jute-Cotton Blend" in history
    assert "Place of Origin: Bangladesh" in history and "Brand Name: Rupsha" in history
    assert "Lead time by quantity: up to 1000: 20 days; up to 10000: 45 days → up to 2000: 30 days" in history
    assert "Prices (FOB, US$): from 500: US$2.50; from 5000: US$1.90 → from 1000: US$2.10" in history
    assert "Keywords: jute bag; tote bag; eco bag → jute bag; tote" in history
    for internal in ("[[", "[{", "attributes:", "lead_times", "price_tiers", "value_id", "'quantity'"):
        assert internal not in history


def test_a_new_category_is_shown_by_its_name(owner_client, seller, owner):
    product = ProductFactory(seller=seller, category=LeafFactory(name="Jute Shopping Bags"))
    services.product_update(product=product, actor=owner, category=LeafFactory(name="Jute Sacks"))

    history = _history(owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode())

    assert "Category: Jute Shopping Bags → Jute Sacks" in history


def test_an_approval_reads_as_good_news_and_a_refusal_as_a_problem(owner_client, seller):
    product = complete_product(seller=seller, status=ProductStatus.UNDER_REVIEW, gateway_product_id=880001)
    product.synced_version = product.version
    product.save()
    services.product_review_record(product=product, gateway_product_id=880001, approved=True)

    history = _history(owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode())

    assert re.search(r'<p class="reason reason-success">Approved by Alibaba.com.</p>', history)
    assert "reason-problem" not in history

    services.product_transition(product=product, to=ProductStatus.BLOCKED, reason="Counterfeit brand")
    history = _history(owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode())
    assert '<p class="reason reason-problem">Counterfeit brand</p>' in history
