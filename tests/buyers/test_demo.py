"""The demo driver (buyers/demo.py), step by step against the real mock gateway in process: from the seeded demo
seller to live listings, inquiries from six countries through the push path, and some answered; idempotent."""

import io

import httpx
import pytest

from alibaba.mock.transport import MockTransport
from buyers import demo
from buyers.models import Delivery, Inquiry, Message
from catalog import demo as catalog_demo
from catalog.models import Category, Product
from tests.buyers.support import threads_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def harness(sync):
    with httpx.Client(transport=MockTransport(sync.gateway), base_url="http://gateway.test") as client:
        yield client


@pytest.fixture
def seeded(db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    return demo.demo_member()


def test_the_demo_conversation_builds_itself_step_by_step(sync, harness, seeded):
    seller = seeded.seller
    assert catalog_demo.step() == "waiting for the supplier account"
    assert demo.step(harness=harness) == "waiting for a live listing"

    sync.drain()  # the worker creates the approved sellers' supplier accounts
    assert not Category.objects.exists()
    assert catalog_demo.step() == "listing"
    products = list(Product.objects.filter(seller=seller))
    assert len(products) == 4 and {p.status for p in products} == {"publishing"}
    assert demo.step(harness=harness) == "waiting for a live listing"

    sync.drain()
    sync.review()  # the mock approves them and pushes product.reviewed
    assert set(Product.objects.filter(seller=seller).values_list("status", flat=True)) == {"live"}
    assert catalog_demo.step() == "listed"

    assert demo.step(harness=harness) == "buyers asked"
    assert demo.step(harness=harness) == "waiting for the buyers' inquiries"  # asked once only
    supplier_id = seller.supplier_account.supplier_id
    assert len(threads_of(sync.state(), supplier_id)) == 6

    sync.gateway.tick()
    sync.deliver()  # the real push path: /hooks/alibaba/ and the handlers
    countries = sorted(Inquiry.objects.filter(seller=seller).values_list("buyer__country", flat=True))
    assert countries == sorted(demo.COUNTRIES)

    assert demo.step(harness=harness) == "done"
    sync.drain()

    answered = Inquiry.objects.filter(seller=seller, first_response_at__isnull=False)
    assert sorted(answered.values_list("buyer__country", flat=True)) == ["DE", "IN", "US"]
    assert Inquiry.objects.filter(seller=seller).waiting().count() == 3
    replies = Message.objects.filter(inquiry__seller=seller, sender="seller")
    assert {m.delivery for m in replies} == {Delivery.SENT}
    assert replies.filter(quotation__isnull=False).count() == 1
    held = [m for t in threads_of(sync.state(), supplier_id) for m in t["messages"] if m["sender"] == "supplier"]
    assert len(held) == 3 and sync.state()["reply_duplicates"] == {}

    calls = sync.state()["calls_total"]
    assert demo.step(harness=harness) == "done"  # silent and idle once done
    assert sync.state()["calls_total"] == calls
    assert Message.objects.filter(inquiry__seller=seller).count() == 9


def test_a_step_waits_while_another_runs(harness, seeded):
    from django.core.cache import cache

    cache.add(demo.LOCK, 1)
    try:
        assert demo.step(harness=harness) == "another step is running"
    finally:
        cache.delete(demo.LOCK)


def test_seed_demo_lists_the_products_once_the_categories_and_the_account_are_there(sync, seeded):
    from django.core.management import call_command

    from alibaba.client import AlibabaClient
    from catalog import demo as catalog_demo
    from catalog.categories import categories_sync

    sync.drain()
    with AlibabaClient.from_settings() as client:
        categories_sync(client=client)
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    skus = sorted(Product.objects.filter(seller=seeded.seller).values_list("sku", flat=True))
    assert skus == sorted(sku for sku, *_rest in catalog_demo.DEMO_PRODUCTS)
    assert set(Product.objects.filter(seller=seeded.seller).values_list("status", flat=True)) == {"publishing"}
