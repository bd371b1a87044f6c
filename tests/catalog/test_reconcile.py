"""Reconciliation against the real mock gateway: each kind of drift is found, repaired and reported, and a second
run finds nothing."""

import pytest

from alibaba.models import InboundPush, OutboxJob
from catalog.models import Product, ProductStatus
from catalog.reconcile import reconcile_listings
from catalog.services import product_publish
from catalog.sync import gateway_product
from catalog.tasks import catalog_reconcile_listings
from tests.catalog.sync_support import (
    gateway_fixture,
    in_review_fixture,
    listing,
    live_fixture,
    supplier_fixture,
    supplier_on,
    sync_fixture,
    upload_images,
)

pytestmark = pytest.mark.django_db
P = ProductStatus
__all__ = ["gateway_fixture", "in_review_fixture", "live_fixture", "supplier_fixture", "sync_fixture"]


def _nothing_found(report):
    counts = report["counts"]
    found = ("found", "missing", "extra", "duplicates", "stale", "reviews_applied", "drift")
    return all(counts[key] == 0 for key in found)


def test_in_step_listings_are_left_alone(sync, live):
    report = reconcile_listings()

    assert report["counts"]["sellers"] == 1 and report["counts"]["checked"] == 1
    assert report["counts"]["on_gateway"] == 1
    assert _nothing_found(report) and report["errors"] == []


def test_a_listing_the_gateway_lost_is_added_again(sync, live):
    with sync.gateway.store.transaction() as conn:
        conn.execute("DELETE FROM products WHERE product_id = ?", (live.gateway_product_id,))

    report = reconcile_listings()

    assert report["missing"] == [{"product": live.pk, "gateway_product_id": live.gateway_product_id}]
    live.refresh_from_db()
    assert live.status == P.UPDATING and live.gateway_product_id is None
    (attempt,) = sync.drain()
    assert attempt.result["action"] == "add" and attempt.result["looked_up"] == []
    sync.review()
    live.refresh_from_db()
    assert live.status == P.LIVE
    sync.assert_in_step()
    assert _nothing_found(reconcile_listings())


def test_a_listing_whose_add_answer_was_lost_is_found_by_its_custom_code(sync, supplier):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    upload_images(product)
    sync.gateway.configure(timeout_rate=1.0)  # the add is applied; its answer and the lookups' are lost
    sync.run_once(OutboxJob.objects.get(target=str(product.pk)))
    sync.gateway.configure(timeout_rate=0.0)
    (held,) = sync.held(product)
    product.refresh_from_db()
    assert product.gateway_product_id is None

    report = reconcile_listings()

    assert report["found"] == [{"product": product.pk, "gateway_product_id": held["product_id"]}]
    product.refresh_from_db()
    assert product.gateway_product_id == held["product_id"] and product.status == P.PUBLISHING
    (attempt,) = sync.drain()  # the sync needs no lookup any more: it sends the current version over it
    assert attempt.result["looked_up"] is None and attempt.result["action"] == "update"
    sync.review()
    product.refresh_from_db()
    assert product.status == P.LIVE
    sync.assert_in_step()
    assert reconcile_listings()["counts"]["found"] == 0


def test_a_duplicate_copy_is_switched_off_and_an_unknown_one_reported(sync, live, supplier):
    token = supplier.supplier_account.access_token
    client = sync_client()
    images = [image.photobank_url for image in live.images.all()]
    copy_id = client.product_add(token, gateway_product(live, images)).product_id  # a second add of the same listing
    stranger = {**gateway_product(live, images), "custom_code": "made-elsewhere"}
    stranger_id = client.product_add(token, stranger).product_id
    sync.gateway.tick(all_reviews_due=True)
    sync.pushes.clear()

    report = reconcile_listings()

    assert report["duplicates"] == [{"product": live.pk, "kept": live.gateway_product_id, "off": [copy_id]}]
    assert report["extra"] == [{"seller": supplier.pk, "custom_code": "made-elsewhere", "product_ids": [stranger_id]}]
    held = {item["product_id"]: item for item in sync.held(live)}
    assert held[copy_id]["display"] == "N" and held[live.gateway_product_id]["display"] == "Y"


def sync_client():
    from alibaba.gateway import shared_client as gateway_client

    return gateway_client()


def test_a_stale_live_listing_is_sent_again(sync, live):
    # An edit the gateway never received (its outbox row was lost with a restored backup, say).
    Product.objects.filter(pk=live.pk).update(title="Jute Shopping Bag, Natural, Reinforced Base", version=2)

    report = reconcile_listings()

    assert report["stale"] == [{"product": live.pk, "gateway_product_id": live.gateway_product_id}]
    sync.drain()
    sync.review()
    live.refresh_from_db()
    assert live.status == P.LIVE and live.synced_version == 2
    assert sync.held(live)[0]["version"] == 2
    assert _nothing_found(reconcile_listings())
    sync.assert_in_step()


def test_a_review_whose_push_was_lost_is_applied(sync, supplier):
    approved, rejected = listing(supplier, images=1), listing(supplier, images=1)
    for product in (approved, rejected):
        product_publish(product=product, actor=supplier.owner)
    sync.drain()
    rejected.refresh_from_db()
    sync.gateway.configure(reject_rate=0.0)
    sync.gateway.tick(all_reviews_due=True)
    sync.pushes.clear()  # lost
    # The gateway rejects the second one after all (staff there changed their mind).
    with sync.gateway.store.transaction() as conn:
        conn.execute(
            "UPDATE products SET status = 'tbd', display = 'N', reason = 'Price is unrealistic' WHERE product_id = ?",
            (rejected.gateway_product_id,),
        )

    report = reconcile_listings()

    assert sorted(item["status"] for item in report["reviews_applied"]) == ["approved", "tbd"]
    approved.refresh_from_db()
    rejected.refresh_from_db()
    assert approved.status == P.LIVE
    assert rejected.status == P.REJECTED and "Price is unrealistic" in rejected.status_reason
    assert InboundPush.objects.count() == 0
    sync.assert_in_step()


def test_a_delisted_listing_shown_again_is_switched_off(sync, live, supplier):
    from catalog.services import product_delist

    product_delist(product=live, actor=supplier.owner)
    sync.drain()
    sync_client().product_set_display(supplier.supplier_account.access_token, [live.gateway_product_id], on=True)

    report = reconcile_listings()

    assert report["redelisted"] == [{"product": live.pk, "gateway_product_id": live.gateway_product_id}]
    sync.drain()
    assert sync.held(live)[0]["display"] == "N"
    sync.assert_in_step()


def test_one_seller_failing_does_not_stop_the_others(sync, live, supplier):
    other = supplier_on(sync.gateway, legal_name="Buriganga Leather Works")
    supplier.supplier_account.__class__.objects.filter(pk=supplier.supplier_account.pk).update(
        access_token="not-a-token", refresh_token="not-a-refresh-token"
    )

    report = catalog_reconcile_listings.run()

    assert report["sellers"] == 2 and report["errors"] == 1
    assert reconcile_listings(seller=other)["counts"]["errors"] == 0
