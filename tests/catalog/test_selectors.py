import pytest

from catalog.rules import listing_problems, quality_score
from catalog.selectors import leaf_categories, product_for_seller, products_for_seller
from tests.catalog.factories import CategoryFactory, LeafFactory, complete_product

pytestmark = pytest.mark.django_db


def test_a_seller_finds_its_own_product(product):
    assert product_for_seller(seller=product.seller, public_id=product.public_id) == product


def test_another_sellers_product_is_not_found(product):
    other = complete_product()
    assert product_for_seller(seller=other.seller, public_id=product.public_id) is None


@pytest.mark.parametrize("n", [1, 6])
def test_scoring_a_sellers_products_costs_the_same_queries_whatever_their_number(product, n, django_assert_num_queries):
    for _ in range(n - 1):
        complete_product(seller=product.seller)

    # products+category, price tiers, images, attribute values, their attributes, the categories' attributes
    with django_assert_num_queries(6):
        scores = [quality_score(listing_problems(p)) for p in products_for_seller(seller=product.seller)]

    assert scores == [100] * n


def test_only_leaves_are_offered():
    group = CategoryFactory(is_leaf=False, name="Jute & Jute Goods")
    leaf = LeafFactory(parent=group, level=2)

    assert list(leaf_categories()) == [leaf]
