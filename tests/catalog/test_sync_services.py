"""The seller's and staff's sync actions: publish, edit a live product, delist, block, retry — each one transaction
with its outbox row (no gateway here: the outbox is only written)."""

import pytest
from django.utils import timezone

from alibaba.errors import ConfigurationError, Rejected
from alibaba.models import OutboxJob
from catalog.errors import IllegalTransition, ListingIncomplete, NothingToRetry, SellerNotActive
from catalog.models import EventKind, ProductEvent, ProductStatus
from catalog.services import (
    product_block,
    product_delist,
    product_publish,
    product_sync_retry,
    product_update,
)
from catalog.sync import failure_reason
from sellers.models import SellerStatus
from tests.catalog.factories import ProductFactory, complete_product
from tests.sellers.factories import SellerFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
P = ProductStatus


@pytest.fixture
def user(db):
    return UserFactory()


def _jobs(product):
    return list(OutboxJob.objects.filter(target=str(product.pk)).values_list("kind", "version", "status"))


def test_publishing_a_draft_checks_it_moves_it_to_publishing_and_writes_one_outbox_row(product, user):
    product = product_publish(product=product, actor=user)

    assert product.status == P.PUBLISHING
    assert _jobs(product) == [("product.upsert", 1, "pending")]
    path = list(ProductEvent.objects.filter(product=product).order_by("id").values_list("from_status", "to_status"))
    assert path == [(P.DRAFT, P.READY), (P.READY, P.PUBLISHING)]


@pytest.mark.parametrize("start", [P.READY, P.SYNC_FAILED])
def test_a_ready_or_sync_failed_product_is_published(user, start):
    product = complete_product(status=start)
    assert product_publish(product=product, actor=user).status == P.PUBLISHING
    assert _jobs(product) == [("product.upsert", 1, "pending")]


def test_publishing_reports_every_blocking_problem_and_writes_nothing(user):
    product = ProductFactory(title="Jute bag")

    with pytest.raises(ListingIncomplete) as caught:
        product_publish(product=product, actor=user)

    fields = {problem.field for problem in caught.value.problems}
    assert {"description", "category", "images", "price_tiers", "port", "hs_code"} <= fields
    assert all(problem.blocking for problem in caught.value.problems)
    product.refresh_from_db()
    assert product.status == P.DRAFT and _jobs(product) == []


def test_only_an_active_seller_publishes(user):
    product = complete_product(seller=SellerFactory(status=SellerStatus.SUBMITTED))
    with pytest.raises(SellerNotActive):
        product_publish(product=product, actor=user)
    assert _jobs(product) == []


@pytest.mark.parametrize("start", [P.PUBLISHING, P.UNDER_REVIEW, P.LIVE, P.REJECTED, P.BLOCKED, P.DELISTING])
def test_a_product_on_the_gateway_or_rejected_unchanged_is_not_published(user, start):
    product = complete_product(status=start, status_reason="x")
    with pytest.raises(IllegalTransition):
        product_publish(product=product, actor=user)
    assert _jobs(product) == []


def test_an_edit_of_a_live_product_is_sent_and_later_edits_join_it(user):
    product = complete_product(status=P.LIVE, gateway_product_id=77, synced_version=1)

    product = product_update(product=product, actor=user, title="Jute Shopping Bag with Cotton Handles, Natural")
    assert (product.status, product.version) == (P.UPDATING, 2)
    product = product_update(product=product, actor=user, keywords=["jute bag"])

    assert (product.status, product.version) == (P.UPDATING, 3)
    assert _jobs(product) == [("product.upsert", 2, "pending")]  # one row, bumped
    kinds = list(ProductEvent.objects.filter(product=product).order_by("id").values_list("kind", "to_status"))
    assert kinds == [(EventKind.EDITED, ""), (EventKind.TRANSITION, P.UPDATING), (EventKind.EDITED, "")]


def test_an_edit_that_would_break_a_live_listing_is_refused_whole(user):
    product = complete_product(status=P.LIVE, gateway_product_id=77, synced_version=1)

    with pytest.raises(ListingIncomplete) as caught:
        product_update(product=product, actor=user, title="Pâte bag", price_tiers=[])

    assert {problem.field for problem in caught.value.problems} == {"title", "price_tiers"}
    product.refresh_from_db()
    assert (product.status, product.version, product.price_tiers.count()) == (P.LIVE, 1, 2)
    assert "Eco-friendly" in product.title and _jobs(product) == []


def test_delisting_a_live_product_writes_a_delist_row(user):
    product = complete_product(status=P.LIVE, gateway_product_id=77, synced_version=1)

    product = product_delist(product=product, actor=user)

    assert product.status == P.DELISTING
    assert _jobs(product) == [("product.delist", 1, "pending")]


def test_only_a_live_product_is_delisted(user, product):
    with pytest.raises(IllegalTransition):
        product_delist(product=product, actor=user)
    assert _jobs(product) == []


@pytest.mark.parametrize("start", [P.LIVE, P.UNDER_REVIEW, P.PUBLISHING, P.UPDATING])
def test_blocking_a_product_the_gateway_may_hold_takes_it_off_display(start):
    product = complete_product(status=start)

    product = product_block(product=product, actor=StaffFactory(), reason="Counterfeit brand.")

    assert product.status == P.BLOCKED
    assert _jobs(product) == [("product.delist", 1, "pending")]


def test_blocking_a_draft_sends_nothing(product):
    product_block(product=product, actor=StaffFactory(), reason="Counterfeit brand.")
    assert _jobs(product) == []


def test_retrying_a_failed_sync_publishes_again(user):
    product = complete_product()
    product_publish(product=product, actor=user)
    OutboxJob.objects.filter(target=str(product.pk)).update(status=OutboxJob.Status.FAILED)
    product.__class__.objects.filter(pk=product.pk).update(status=P.SYNC_FAILED, status_reason="It failed.")

    product = product_sync_retry(product=product, actor=StaffFactory())

    assert product.status == P.PUBLISHING and product.status_reason == ""
    assert _jobs(product) == [("product.upsert", 2, "pending")]


def test_retrying_a_failed_delist_delists_again(user):
    product = complete_product(status=P.LIVE, gateway_product_id=77, synced_version=1)
    product_delist(product=product, actor=user)
    OutboxJob.objects.filter(target=str(product.pk)).update(status=OutboxJob.Status.FAILED)
    product.__class__.objects.filter(pk=product.pk).update(status=P.SYNC_FAILED, status_reason="It failed.")

    product = product_sync_retry(product=product, actor=user)

    assert product.status == P.DELISTING
    assert _jobs(product) == [("product.delist", 2, "pending")]


def test_retrying_a_job_waiting_out_its_backoff_makes_it_due_now(user):
    product = complete_product()
    product_publish(product=product, actor=user)
    later = timezone.now() + timezone.timedelta(minutes=5)
    OutboxJob.objects.filter(target=str(product.pk)).update(next_attempt_at=later, attempts=3)

    product_sync_retry(product=product, actor=StaffFactory())

    job = OutboxJob.objects.get(target=str(product.pk))
    assert job.next_attempt_at <= timezone.now() and job.attempts == 0


def test_there_is_nothing_to_retry_for_a_product_never_sent(user, product):
    with pytest.raises(NothingToRetry):
        product_sync_retry(product=product, actor=user)


def test_the_seller_reads_the_gateways_refusal_with_the_field_of_the_form():
    job = OutboxJob(kind="product.upsert", target="1")
    error = Rejected(
        "InvalidParameter",
        "InvalidParameter: sourcing_trade.delivery_port must be at most 128 characters",
        field="sourcing_trade.delivery_port",
    )
    reason = failure_reason(job, error)
    assert "delivery_port must be at most 128 characters" in reason and "(field: port of shipment)" in reason

    reason = failure_reason(job, ConfigurationError("IncompleteSignature", "bad sign"))
    assert "problem on our side (IncompleteSignature)" in reason


def test_an_inactive_sellers_live_product_cannot_be_updated(user):
    product = complete_product(status=P.LIVE, gateway_product_id=77, synced_version=1)
    product.seller.__class__.objects.filter(pk=product.seller_id).update(status=SellerStatus.SUSPENDED)

    with pytest.raises(SellerNotActive):
        product_update(product=product, actor=user, keywords=["jute bag"])
    assert _jobs(product) == []
