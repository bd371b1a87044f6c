"""A seller who loses the right to sell (suspended, documents expired) has every listing taken off Alibaba.com
through the outbox, and no sync path puts one back (issue 12, item 2)."""

import pytest
from django.utils import timezone

from alibaba.models import OutboxJob
from catalog.errors import SellerNotActive
from catalog.models import ProductStatus
from catalog.services import product_publish, product_sync_retry
from sellers.models import Seller, SellerStatus
from sellers.services import seller_expiry_check, seller_reinstate, seller_suspend
from tests.catalog.sync_support import gateway_fixture, listing, supplier_fixture, sync_fixture
from tests.sellers.factories import StaffFactory

pytestmark = pytest.mark.django_db
P = ProductStatus
__all__ = ["gateway_fixture", "supplier_fixture", "sync_fixture"]


@pytest.fixture
def reviewer():
    return StaffFactory(groups=["Reviewers"])


def _live(sync, supplier):
    product = product_publish(product=listing(supplier, images=1), actor=supplier.owner)
    sync.drain()
    sync.review()
    product.refresh_from_db()
    assert product.status == P.LIVE
    return product


def test_suspending_a_seller_takes_its_live_listing_off_the_gateway(sync, supplier, reviewer):
    product = _live(sync, supplier)

    seller_suspend(seller=supplier, actor=reviewer, reason="Fake certificates reported by a buyer.")
    product.refresh_from_db()
    assert product.status == P.DELISTING
    assert "may not sell" in product.events.filter(to_status=P.DELISTING).get().reason
    sync.drain()

    product.refresh_from_db()
    assert product.status == P.DELISTED
    (held,) = sync.held(product)
    assert held["display"] == "N"
    sync.assert_in_step()


def test_a_listing_on_its_way_when_the_seller_is_suspended_never_shows(sync, supplier, reviewer):
    product = product_publish(product=listing(supplier, images=1), actor=supplier.owner)  # job not run yet

    seller_suspend(seller=supplier, actor=reviewer, reason="Documents under investigation.")
    sync.drain()
    sync.review()

    product.refresh_from_db()
    assert product.status == P.DELISTED
    assert all(item["display"] == "N" for item in sync.held(product))


def test_a_sync_already_running_stops_before_calling_the_gateway(sync, supplier):
    product = product_publish(product=listing(supplier, images=1), actor=supplier.owner)
    # The seller loses the right to sell before the worker's call, and no withdrawal has run: the check at the call
    # itself stops it.
    Seller.objects.filter(pk=supplier.pk).update(status=SellerStatus.SUSPENDED)

    attempt = sync.run_once(OutboxJob.objects.get(kind="product.upsert", target=str(product.pk)))

    assert attempt.result == {"skipped": "the seller may not sell now"}
    assert sync.held(product) == []


def test_expired_documents_take_the_listings_off_too(sync, supplier):
    product = _live(sync, supplier)
    Seller.objects.filter(pk=supplier.pk).update(trade_licence_expires_on=timezone.localdate().replace(year=2000))

    seller_expiry_check(seller=supplier)
    sync.drain()

    product.refresh_from_db()
    assert product.status == P.DELISTED
    sync.assert_in_step()


@pytest.mark.parametrize("failed", [False, True])
def test_send_again_is_refused_to_a_seller_who_may_not_sell(sync, supplier, gateway, failed):
    gateway.configure(isp_error_rate=1.0, seed=7)
    product = product_publish(product=listing(supplier, images=1), actor=supplier.owner)
    if failed:
        sync.drain(rounds=30)  # gives up: sync failed
    else:
        sync.run_once(OutboxJob.objects.get())  # waits out a backoff, still publishing
    product.refresh_from_db()
    assert product.status == (P.SYNC_FAILED if failed else P.PUBLISHING)
    gateway.configure(isp_error_rate=0.0)
    Seller.objects.filter(pk=supplier.pk).update(status=SellerStatus.SUSPENDED)
    product.seller.refresh_from_db()

    with pytest.raises(SellerNotActive):
        product_sync_retry(product=product, actor=supplier.owner)


def test_reinstating_leaves_the_listings_off_until_the_seller_publishes_them_again(sync, supplier, reviewer):
    product = _live(sync, supplier)
    seller_suspend(seller=supplier, actor=reviewer, reason="Suspended.")
    sync.drain()

    seller_reinstate(seller=supplier, actor=reviewer, reason="Cleared.")
    sync.drain()

    product.refresh_from_db()
    assert product.status == P.DELISTED
    sync.assert_in_step()
