"""Creating, editing, marking ready and moderating products through the services."""

from decimal import Decimal

import pytest

from catalog.errors import NotEditable, ProductInvalid
from catalog.models import EventKind, Port, ProductEvent, ProductStatus
from catalog.services import (
    product_block,
    product_create,
    product_transition,
    product_unblock,
    product_update,
)
from sellers.models import SellerStatus
from tests.catalog.factories import BRAND, ORIGIN, CategoryFactory, LeafFactory, ProductFactory
from tests.sellers.factories import SellerFactory, UserFactory

pytestmark = pytest.mark.django_db

P = ProductStatus


@pytest.fixture
def user(db):
    return UserFactory()


def test_a_new_product_is_a_draft_with_its_creation_audited(user):
    seller = SellerFactory(status=SellerStatus.ACTIVE)
    leaf = LeafFactory()

    product = product_create(
        seller=seller,
        actor=user,
        sku=" JB-1 ",
        title="Jute  shopping bag",
        category=leaf,
        price_tiers=[(500, "2.50"), (5000, Decimal("1.90"))],
        attributes=[{"attribute_id": ORIGIN, "value_id": 101}, {"attribute_id": BRAND, "value_name": "Rupsha"}],
    )

    assert (product.status, product.version, product.sku, product.title) == (P.DRAFT, 1, "JB-1", "Jute shopping bag")
    assert [(t.start_quantity, t.price) for t in product.price_tiers.all()] == [
        (500, Decimal("2.50")),
        (5000, Decimal("1.90")),
    ]
    event = ProductEvent.objects.get(product=product)
    assert (event.kind, event.actor) == (EventKind.CREATED, user)
    assert event.changes["category"] == [None, leaf.category_id]
    assert event.changes["price_tiers"] == [None, [[500, "2.50"], [5000, "1.90"]]]
    assert event.changes["attributes"] == [None, [[ORIGIN, 101, ""], [BRAND, None, "Rupsha"]]]


def test_a_sku_is_unique_per_seller_only(user):
    product = ProductFactory(sku="JB-1")

    with pytest.raises(ProductInvalid) as error:
        product_create(seller=product.seller, actor=user, sku="JB-1", title="Another bag")

    assert "JB-1" in error.value.message
    assert product_create(seller=SellerFactory(), actor=user, sku="JB-1", title="Their bag").sku == "JB-1"


@pytest.mark.parametrize("call", ["create", "update"])
def test_a_category_that_is_not_a_leaf_is_refused(user, call):
    group = CategoryFactory(is_leaf=False, name="Jute & Jute Goods")
    with pytest.raises(ProductInvalid) as error:
        if call == "create":
            product_create(seller=SellerFactory(), actor=user, sku="X", title="Bag", category=group)
        else:
            product_update(product=ProductFactory(), actor=user, category=group)
    assert "Jute & Jute Goods" in error.value.message


def test_an_attribute_of_another_category_is_refused(product, user):
    with pytest.raises(ProductInvalid):
        product_update(product=product, actor=user, attributes=[{"attribute_id": 4242, "value_name": "x"}])


@pytest.mark.parametrize(
    "tiers",
    [
        [(0, "1")],
        [(100_000, "1")],
        [(1, "0.00")],
        [(1, "10000000")],
        [(1, "abc")],
        [(1, "2"), (1, "1")],
        [(1, "2.505")],
        [(1, "nan")],
    ],
)
def test_price_tiers_the_database_cannot_hold_are_refused_with_a_message(product, user, tiers):
    with pytest.raises(ProductInvalid):
        product_update(product=product, actor=user, price_tiers=tiers)
    assert product.price_tiers.count() == 2


def test_an_edit_bumps_the_version_and_audits_every_changed_field(product, user):
    product = product_update(
        product=product,
        actor=user,
        title=product.title,  # unchanged: not in the audit row
        port=Port.MONGLA,
        hs_code="6305100010",
        price_tiers=[(500, "2.40"), (5000, "1.90")],
    )

    assert product.version == 2
    event = ProductEvent.objects.get(product=product, kind=EventKind.EDITED)
    assert event.version == 2
    assert event.actor == user
    assert event.changes == {
        "port": ["chattogram", "mongla"],
        "hs_code": ["630510", "6305100010"],
        "price_tiers": [[[500, "2.50"], [5000, "1.90"]], [[500, "2.40"], [5000, "1.90"]]],
    }


def test_an_edit_that_changes_nothing_writes_nothing(product, user):
    product = product_update(
        product=product, actor=user, title=product.title, price_tiers=[(500, "2.50"), (5000, "1.90")]
    )

    assert product.version == 1
    assert not ProductEvent.objects.filter(product=product).exists()


def test_changing_the_category_drops_the_old_categorys_attribute_values(product, user):
    product = product_update(product=product, actor=user, category=LeafFactory())

    assert product.attribute_values.count() == 0
    assert len(ProductEvent.objects.get(product=product).changes["attributes"][0]) == 4


@pytest.mark.parametrize("start", [P.READY, P.REJECTED, P.SYNC_FAILED, P.DELISTED])
def test_editing_a_product_that_left_draft_brings_it_back_to_draft(user, start):
    product = ProductFactory(status=start)

    product = product_update(product=product, actor=user, title="Jute shopping bag, new design")

    assert (product.status, product.version) == (P.DRAFT, 2)
    kinds = list(ProductEvent.objects.filter(product=product).order_by("id").values_list("kind", "to_status"))
    assert kinds == [(EventKind.EDITED, ""), (EventKind.TRANSITION, P.DRAFT)]


# Live and updating products are edited through the update path: tests/catalog/test_sync_services.py.
@pytest.mark.parametrize("start", [P.PUBLISHING, P.UNDER_REVIEW, P.DELISTING, P.BLOCKED])
def test_a_product_on_its_way_to_or_on_the_gateway_cannot_be_edited(user, start):
    product = ProductFactory(status=start, status_reason="x")

    with pytest.raises(NotEditable):
        product_update(product=product, actor=user, title="Changed")

    product.refresh_from_db()
    assert (product.title, product.version) != ("Changed", 2)


def test_staff_block_a_product_with_a_reason_the_seller_sees(product, moderator):
    product = product_transition(product=product, to=P.READY).product

    product = product_block(product=product, actor=moderator, reason="  Images show another brand's logo.  ")

    assert (product.status, product.status_reason) == (P.BLOCKED, "Images show another brand's logo.")
    event = ProductEvent.objects.filter(product=product).first()
    assert (event.actor, event.from_status, event.to_status) == (moderator, P.READY, P.BLOCKED)


@pytest.mark.parametrize("service", [product_block, product_unblock])
def test_moderation_needs_a_reason(product, moderator, service):
    with pytest.raises(ProductInvalid):
        service(product=product, actor=moderator, reason=" ")


def test_blocking_through_the_transition_needs_a_reason_too(product):
    with pytest.raises(ProductInvalid):
        product_transition(product=product, to=P.BLOCKED)


def test_unblocking_returns_the_product_to_draft_and_clears_the_reason(product, moderator):
    product = product_block(product=product, actor=moderator, reason="Check the HS code.")

    product = product_unblock(product=product, actor=moderator, reason="Fixed.")

    assert (product.status, product.status_reason) == (P.DRAFT, "")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "T" * 129),
        ("hs_code", "63051000123"),
        ("sku", "S" * 65),
        ("min_order_quantity", -1),
        ("supply_quantity", "many"),
    ],
)
def test_values_the_database_cannot_hold_are_refused_with_the_field_named(product, user, field, value):
    with pytest.raises(ProductInvalid) as error:
        product_update(product=product, actor=user, **{field: value})

    assert error.value.extra == {"field": field}
    product.refresh_from_db()
    assert product.version == 1


def test_a_sync_failure_keeps_what_to_fix_until_the_product_moves_on():
    product = ProductFactory(status=P.PUBLISHING)

    product = product_transition(product=product, to=P.SYNC_FAILED, reason="subject must be ASCII only").product
    assert product.status_reason == "subject must be ASCII only"
    product = product_transition(product=product, to=P.DRAFT).product
    assert product.status_reason == ""
