"""The sync handlers and reconciliation when what they work on vanishes meanwhile: a product deleted while its job
runs, a seller that lost its supplier account."""

import pytest

from alibaba.models import OutboxAttempt, OutboxJob
from catalog import sync as catalog_sync
from catalog.models import Product, ProductStatus
from catalog.reconcile import reconcile_listings
from catalog.services import product_delist, product_publish
from sellers.models import SupplierAccount
from tests.catalog.sync_support import (
    gateway_fixture,
    in_review_fixture,
    listing,
    live_fixture,
    supplier_fixture,
    sync_fixture,
)

pytestmark = pytest.mark.django_db
P = ProductStatus
Outcome = OutboxAttempt.Outcome
__all__ = ["gateway_fixture", "in_review_fixture", "live_fixture", "supplier_fixture", "sync_fixture"]


def _delete_during(monkeypatch, name, product):
    """Deletes ``product`` when ``catalog.sync.<name>`` is called (the seller deleted it while the job ran)."""
    original = getattr(catalog_sync, name)

    def deleting(*args, **kwargs):
        result = original(*args, **kwargs)
        Product.objects.filter(pk=product.pk).delete()
        return result

    monkeypatch.setattr(catalog_sync, name, deleting)


# A product deleted while its job runs ----------------------------------------------------------------------------


def test_a_product_deleted_while_it_is_added_is_skipped_and_its_gateway_copy_hidden(sync, supplier, monkeypatch):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    _delete_during(monkeypatch, "gateway_product", product)

    (attempt,) = sync.drain()

    assert attempt.outcome == Outcome.OK, attempt.error_message
    assert attempt.result["skipped"] == "the product was deleted meanwhile"
    (held,) = sync.held(product)
    assert held["display"] == "N" and attempt.result["hidden"] == [held["product_id"]]


def test_a_product_deleted_while_it_is_delisted_is_skipped(sync, live, monkeypatch):
    product_delist(product=live, actor=None)
    _delete_during(monkeypatch, "_switch_off", live)

    (attempt,) = sync.drain()

    assert attempt.outcome == Outcome.OK, attempt.error_message
    assert attempt.result["skipped"] == "the product was deleted meanwhile"
    (held,) = sync.held(live)
    assert held["display"] == "N"


def test_the_failure_hook_on_a_product_deleted_meanwhile_does_nothing(sync, in_review, monkeypatch):
    job = OutboxJob.objects.get(kind="product.upsert", target=str(in_review.pk))
    original = catalog_sync.services.product_sync_failed

    def deleted_first(*, product, reason):
        Product.objects.filter(pk=product.pk).delete()
        return original(product=product, reason=reason)

    monkeypatch.setattr(catalog_sync.services, "product_sync_failed", deleted_first)

    catalog_sync.sync_failed(job, RuntimeError("gave up"))  # no Product.DoesNotExist

    assert not Product.objects.filter(pk=in_review.pk).exists()


def test_reconciliation_goes_on_when_a_product_is_deleted_meanwhile(sync, live, supplier, monkeypatch):
    other = listing(supplier, images=1)
    product_publish(product=other, actor=supplier.owner)
    sync.drain()
    sync.review()
    with sync.gateway.store.transaction() as conn:
        conn.execute("DELETE FROM products WHERE product_id = ?", (live.gateway_product_id,))
    from catalog import reconcile

    original = reconcile.services.product_resync

    def deleted_first(*, product, **kwargs):
        if product.pk == live.pk:
            Product.objects.filter(pk=live.pk).delete()
        return original(product=product, **kwargs)

    monkeypatch.setattr(reconcile.services, "product_resync", deleted_first)
    with sync.gateway.store.transaction() as conn:
        conn.execute("UPDATE products SET subject = 'Changed there' WHERE custom_code = ?", (str(other.public_id),))

    report = reconcile_listings()

    assert report["missing"] == []
    assert [item["product"] for item in report["stale"]] == [other.pk]


# A seller that lost its supplier account -------------------------------------------------------------------------


def test_a_product_whose_seller_lost_its_supplier_account_is_sync_failed_not_crashed(sync, supplier):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    SupplierAccount.objects.filter(seller=supplier).delete()

    (attempt,) = sync.drain()

    assert attempt.outcome == Outcome.MISCONFIGURED and attempt.error_code == "NoSupplierAccount"
    product.refresh_from_db()
    assert product.status == P.SYNC_FAILED and "NoSupplierAccount" in product.status_reason
