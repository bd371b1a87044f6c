"""Reads of the catalog domain for a caller. A seller's reads are scoped to the seller, so another seller's product
is never returned (the views turn "none" into 404)."""

from catalog.models import Category, Product
from catalog.rules import LISTING_PREFETCH


def products_for_seller(*, seller):
    """The seller's products with everything the listing rules read: a constant number of queries for any page."""
    return Product.objects.filter(seller=seller).select_related("category").prefetch_related(*LISTING_PREFETCH)


def product_for_seller(*, seller, public_id):
    """One of the seller's products, or None."""
    return products_for_seller(seller=seller).filter(public_id=public_id).first()


def leaf_categories():
    """The categories a product may use, with their attributes."""
    return Category.objects.filter(is_leaf=True).select_related("parent").prefetch_related("attributes")
