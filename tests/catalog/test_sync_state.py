"""The product page's sync part refreshes in place (issue 11): a fragment endpoint, scoped to the seller, that a
deferred static script polls while the sync waits; a Refresh link without JavaScript; "Try again now" only when a
retry would help."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alibaba.models import OutboxAttempt, OutboxJob
from catalog.models import ProductStatus
from tests.catalog.factories import complete_product

pytestmark = pytest.mark.django_db


def _publishing(seller, *, attempts=0, next_attempt_in=timedelta(0), status=ProductStatus.PUBLISHING):
    product = complete_product(seller=seller, status=status)
    job = OutboxJob.objects.create(
        kind="product.upsert",
        target=str(product.pk),
        attempts=attempts,
        next_attempt_at=timezone.now() + next_attempt_in,
        last_error_code="isp.remote-service-error" if attempts else "",
    )
    for _ in range(attempts):
        OutboxAttempt.objects.create(
            job=job, version=1, outcome=OutboxAttempt.Outcome.TRANSIENT, message="Service unavailable"
        )
    return product


def _url(product):
    return f"/dashboard/products/{product.public_id}/sync/"


def test_the_fragment_is_the_sync_part_alone_and_asks_to_be_refreshed_while_waiting(owner_client, seller):
    product = _publishing(seller)

    response = owner_client.get(_url(product))

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="sync-state"') and "<html" not in content
    assert f'data-refresh-url="{_url(product)}"' in content
    assert "Publishing" in content and "Sync history" in content


def test_a_settled_product_is_not_polled(owner_client, seller):
    product = complete_product(seller=seller, status=ProductStatus.LIVE, gateway_product_id=880001)

    content = owner_client.get(_url(product)).content.decode()

    assert "data-refresh-url" not in content and "Refresh" not in content


def test_another_sellers_product_is_not_found(client, seller, other_seller_user):
    product = _publishing(seller)
    client.force_login(other_seller_user)

    assert client.get(_url(product)).status_code == 404


def test_an_anonymous_user_is_sent_to_log_in(client, seller):
    response = client.get(_url(_publishing(seller)))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("attempts", [1, 8])
def test_the_fragment_runs_a_constant_number_of_queries(owner_client, seller, attempts, django_assert_num_queries):
    product = _publishing(seller, attempts=attempts, next_attempt_in=timedelta(minutes=1))

    # session, user, membership+seller, product+category, listing rules: price tiers, images, attribute values,
    # their attributes, category attributes; sync attempts+jobs, the latest sync job
    with django_assert_num_queries(11):
        response = owner_client.get(_url(product))

    assert len(response.context["attempts"]) == attempts


def test_the_page_polls_with_a_deferred_script_and_offers_a_refresh_link(owner_client, seller):
    product = _publishing(seller)

    content = owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode()

    assert '<script src="/static/js/sync-state.js" defer></script>' in content
    assert f'href="/dashboard/products/{product.public_id}/#sync-state">Refresh</a>' in content
    assert "<script>" not in content and " onclick=" not in content


def test_a_normal_wait_offers_no_retry(owner_client, seller):
    content = owner_client.get(_url(_publishing(seller))).content.decode()

    assert "Try again now" not in content and "Waiting for Alibaba.com" in content


def test_under_review_offers_no_retry(owner_client, seller):
    product = complete_product(seller=seller, status=ProductStatus.UNDER_REVIEW, gateway_product_id=880001)

    content = owner_client.get(_url(product)).content.decode()

    assert "Try again now" not in content and "Send again" not in content


def test_a_sync_waiting_out_an_error_may_be_retried_now(owner_client, seller):
    product = _publishing(seller, attempts=2, next_attempt_in=timedelta(minutes=3))

    content = owner_client.get(_url(product)).content.decode()

    assert "Try again now" in content and "Service unavailable" in content


def test_a_stuck_sync_may_be_retried_now(owner_client, seller):
    product = _publishing(seller)
    type(product).objects.filter(pk=product.pk).update(status_changed_at=timezone.now() - timedelta(hours=1))

    assert "Try again now" in owner_client.get(_url(product)).content.decode()


def test_a_failed_sync_may_be_sent_again(owner_client, seller):
    product = complete_product(seller=seller, status=ProductStatus.SYNC_FAILED, status_reason="subject: not ASCII")

    content = owner_client.get(_url(product)).content.decode()

    assert "Send again" in content and "data-refresh-url" not in content
