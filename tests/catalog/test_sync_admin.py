"""Staff's view of the listing sync in admin: the sync state and attempts on the product page, the "needs
attention" filter, and the retry action."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alibaba.models import OutboxJob
from catalog.models import Product, ProductStatus
from catalog.services import product_publish
from tests.catalog.sync_support import gateway_fixture, listing, supplier_fixture, sync_fixture

pytestmark = pytest.mark.django_db
P = ProductStatus
__all__ = ["gateway_fixture", "supplier_fixture", "sync_fixture"]


def test_the_product_page_shows_the_sync_state_and_every_attempt(client, moderator, sync, supplier):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    sync.gateway.configure(isp_error_rate=1.0)
    sync.run_once(OutboxJob.objects.get(target=str(product.pk)))
    sync.gateway.configure(isp_error_rate=0.0)
    sync.drain()
    product.refresh_from_db()
    client.force_login(moderator)

    page = client.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()

    assert f"{product.gateway_product_id}" in page and "in step" in page
    assert page.count("<td>product.upsert</td>") == 2
    assert "ServiceUnavailable" in page or "isp.remote-service-error" in page
    assert f"/admin/alibaba/outboxjob/?target={product.pk}" in page
    assert "/admin/alibaba/outboxjob/?attention=any" in page


def test_the_filter_finds_failed_and_stuck_syncs_across_sellers(client, moderator, supplier):
    failed = listing(supplier, images=1, status=P.SYNC_FAILED, status_reason="refused")
    stuck = listing(supplier, images=1, status=P.PUBLISHING)
    Product.objects.filter(pk=stuck.pk).update(status_changed_at=timezone.now() - timedelta(hours=2))
    fresh = listing(supplier, images=1, status=P.PUBLISHING)
    client.force_login(moderator)

    def listed(value):
        page = client.get(f"/admin/catalog/product/?sync_attention={value}").content.decode()
        return {p for p in (failed, stuck, fresh) if f"/admin/catalog/product/{p.pk}/change/" in page}

    assert listed("failed") == {failed}
    assert listed("stuck") == {stuck}
    assert listed("any") == {failed, stuck}


def test_staff_retry_a_failed_sync(client, moderator, supplier):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    OutboxJob.objects.filter(target=str(product.pk)).update(status=OutboxJob.Status.FAILED)
    Product.objects.filter(pk=product.pk).update(status=P.SYNC_FAILED, status_reason="It failed.")
    client.force_login(moderator)

    response = client.post(
        "/admin/catalog/product/", {"action": "retry_sync", "_selected_action": [product.pk]}, follow=True
    )

    assert response.status_code == 200
    product.refresh_from_db()
    assert product.status == P.PUBLISHING
    assert OutboxJob.objects.get(target=str(product.pk)).status == OutboxJob.Status.PENDING


def test_retry_is_refused_with_a_message_when_there_is_nothing_to_retry(client, moderator, supplier):
    product = listing(supplier, images=1)
    client.force_login(moderator)

    response = client.post(
        "/admin/catalog/product/", {"action": "retry_sync", "_selected_action": [product.pk]}, follow=True
    )

    assert "nothing to retry" in response.content.decode()
