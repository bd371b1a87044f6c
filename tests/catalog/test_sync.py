"""The listing sync end to end against the real mock gateway in process: publish → outbox → gateway → review push →
live; update; delist; and the faults the engine must survive (DESIGN.md §6). Each scenario ends with the gateway
holding exactly what we believe."""

import pytest
from django.utils import timezone

from alibaba.client import AlibabaClient
from alibaba.models import OutboxAttempt, OutboxJob
from catalog.models import CategoryAttribute, ProductImage, ProductStatus
from catalog.selectors import product_sync_history
from catalog.services import product_delist, product_publish, product_update
from tests.catalog.sync_support import (
    add_image,
    gateway_fixture,
    listing,
    supplier_fixture,
    sync_fixture,
    upload_images,
)

pytestmark = pytest.mark.django_db
P = ProductStatus
Outcome = OutboxAttempt.Outcome
__all__ = ["gateway_fixture", "supplier_fixture", "sync_fixture"]


def _job(product, kind="product.upsert"):
    return OutboxJob.objects.get(kind=kind, target=str(product.pk))


def _calls(sync, path):
    return sync.state()["calls"].get(f"/alibaba/icbu/{path}", {})


def test_publish_review_and_go_live(sync, supplier):
    product = listing(supplier)

    product = product_publish(product=product, actor=supplier.owner)
    assert product.status == P.PUBLISHING
    assert _job(product).status == OutboxJob.Status.PENDING

    (attempt,) = sync.drain()
    assert attempt.outcome == Outcome.OK
    product.refresh_from_db()
    assert product.status == P.UNDER_REVIEW
    assert product.gateway_product_id == attempt.result["product_id"]
    assert product.synced_version == product.version
    assert attempt.result["action"] == "add" and attempt.result["looked_up"] is None  # first attempt: no lookup
    held = sync.gateway.state()["products"][str(product.public_id)]
    assert [(h["status"], h["display"]) for h in held] == [("new", "N")]

    sync.review()

    product.refresh_from_db()
    assert product.status == P.LIVE
    sync.assert_in_step()
    # What the gateway stored is the product as the seller entered it.
    with AlibabaClient.from_settings() as client:
        stored = client.product_get(supplier.supplier_account.access_token, product.gateway_product_id).raw
    assert stored["subject"] == product.title
    assert stored["sourcing_trade"]["fob_min_price"] == "1.90"
    assert stored["sourcing_trade"]["fob_max_price"] == "2.50"
    assert stored["sourcing_trade"]["delivery_port"] == "Chattogram"
    assert [t["start_quantity"] for t in stored["bulk_discount_prices"]] == [500, 5000]
    assert len(stored["main_image"]["images"]) == 3
    assert {a["attribute_name"]: a["value_name"] for a in stored["attributes"]}["Material"] == "Hessian Jute"


def test_an_edit_of_a_live_product_is_sent_once_however_many_edits_wait(sync, supplier):
    product = listing(supplier)
    product_publish(product=product, actor=supplier.owner)
    sync.drain()
    sync.review()

    product = product_update(product=product, actor=supplier.owner, title="Jute Shopping Bag, Natural, 10 kg load")
    assert product.status == P.UPDATING
    product = product_update(product=product, actor=supplier.owner, description="A better description. " * 12)
    product = product_update(product=product, actor=supplier.owner, keywords=["jute bag"])
    assert OutboxJob.objects.filter(target=str(product.pk)).count() == 1

    attempts = sync.drain()

    assert [a.result["action"] for a in attempts] == ["update"]  # three edits, one call
    product.refresh_from_db()
    assert product.status == P.UPDATING and product.synced_version == product.version == 4
    assert _calls(sync, "product/update") == {"ok": 1}
    sync.review()
    product.refresh_from_db()
    assert product.status == P.LIVE
    assert sync.held(product)[0]["version"] == 2  # the gateway's own counter: add, one update
    sync.assert_in_step()


def test_delist_takes_the_product_off_display(sync, supplier):
    product = listing(supplier)
    product_publish(product=product, actor=supplier.owner)
    sync.drain()
    sync.review()

    product = product_delist(product=product, actor=supplier.owner)
    assert product.status == P.DELISTING
    (attempt,) = sync.drain()

    assert attempt.result == {"action": "display_off", "product_ids": [product.gateway_product_id]}
    product.refresh_from_db()
    assert product.status == P.DELISTED
    assert sync.held(product)[0]["display"] == "N"
    sync.assert_in_step()


def test_a_delisted_product_published_again_is_updated_and_shown_again(sync, supplier):
    product = listing(supplier)
    product_publish(product=product, actor=supplier.owner)
    sync.drain()
    sync.review()
    product_delist(product=product, actor=supplier.owner)
    sync.drain()
    product.refresh_from_db()
    gateway_id = product.gateway_product_id

    product = product_update(product=product, actor=supplier.owner, title="Jute Shopping Bag, Natural, Reinforced")
    assert product.status == P.DRAFT
    product_publish(product=product, actor=supplier.owner)
    sync.drain()
    sync.review()

    product.refresh_from_db()
    assert product.status == P.LIVE and product.gateway_product_id == gateway_id
    assert [(h["status"], h["display"]) for h in sync.held(product)] == [("approved", "Y")]
    sync.assert_in_step()


def test_images_are_uploaded_once_per_content(sync, supplier):
    first = listing(supplier, images=2)
    second = listing(supplier, images=1)
    # The second product shows one of the first one's photos too (same content, same seller).
    shared = first.images.first()
    ProductImage.objects.create(
        product=second, file=shared.file.name, sha256=shared.sha256, position=5, content_type="image/jpeg"
    )
    product_publish(product=first, actor=supplier.owner)
    product_publish(product=second, actor=supplier.owner)
    sync.drain()
    assert _calls(sync, "photobank/upload") == {"ok": 3}

    # An edit of a live product that keeps the images uploads nothing again.
    sync.review()
    product_update(product=first, actor=supplier.owner, title="Jute Shopping Bag with Cotton Handles, Printed")
    sync.drain()
    assert _calls(sync, "photobank/upload") == {"ok": 3}
    urls = set(ProductImage.objects.values_list("photobank_url", flat=True))
    assert len(urls) == 3 and "" not in urls
    # A new photo is uploaded, once.
    first.refresh_from_db()
    assert first.status == P.UPDATING
    sync.review()
    first.refresh_from_db()
    add_image(first, "new")
    product_update(product=first, actor=supplier.owner, keywords=["jute bag", "eco bag"])
    sync.drain()
    assert _calls(sync, "photobank/upload") == {"ok": 4}
    sync.review()
    sync.assert_in_step()


def test_isp_errors_at_30_percent_are_retried_until_every_listing_is_done(sync, supplier):
    products = [listing(supplier, images=2) for _ in range(6)]
    sync.gateway.configure(isp_error_rate=0.3, seed=30)
    for product in products:
        product_publish(product=product, actor=supplier.owner)

    attempts = sync.drain()

    refused = sum(n for calls in sync.state()["calls"].values() for code, n in calls.items() if code != "ok")
    assert refused >= 6  # the seed draws some on every kind of call
    # Each was tried again at once within its attempt (uploads and adds refused before anything was applied).
    assert [a.outcome for a in attempts] == [Outcome.OK] * 6
    assert {p.status for p in _reloaded(products)} == {P.UNDER_REVIEW}
    sync.gateway.configure(isp_error_rate=0.0)
    sync.review()
    assert {p.status for p in _reloaded(products)} == {P.LIVE}
    sync.assert_in_step()


def _reloaded(products):
    for product in products:
        product.refresh_from_db()
    return products


def test_an_add_whose_answer_was_lost_is_found_by_custom_code_not_added_twice(sync, supplier):
    other = listing(supplier, images=1)
    product_publish(product=other, actor=supplier.owner)
    upload_images(other)  # so that the add is the job's only call
    sync.gateway.configure(timeout_rate=1.0)  # every answer is lost: the add's, then those of the lookups
    attempt = sync.run_once(_job(other))
    assert attempt.outcome == Outcome.TIMEOUT
    other.refresh_from_db()
    assert other.gateway_product_id is None and len(sync.held(other)) == 1  # the gateway did it
    assert _job(other).has_unconfirmed_write  # the attempt marked the add before sending it
    assert _calls(sync, "product/list") == {"timeout": 3}  # looked up at once, as often as a step tries

    sync.gateway.configure(timeout_rate=0.0)
    attempt = sync.run_once(_job(other))

    assert attempt.outcome == Outcome.OK
    assert attempt.result["looked_up"] == [sync.held(other)[0]["product_id"]]
    assert attempt.result["action"] == "update"
    other.refresh_from_db()
    assert other.status == P.UNDER_REVIEW and other.gateway_product_id == sync.held(other)[0]["product_id"]
    assert not _job(other).has_unconfirmed_write
    assert _calls(sync, "product/add") == {"timeout": 1}  # added once: the answer was lost, not the add
    assert _calls(sync, "product/list") == {"timeout": 3, "ok": 1}
    sync.review()
    sync.assert_in_step()


def test_an_add_whose_answer_was_lost_is_looked_up_within_the_same_attempt(sync, supplier):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    upload_images(product)
    # Seeded so that the add's answer is lost and the calls after it are answered.
    sync.gateway.configure(timeout_rate=0.5, seed=32)

    (attempt,) = sync.drain()

    assert attempt.outcome == Outcome.OK
    (held,) = sync.held(product)
    assert attempt.result["looked_up"] == [held["product_id"]] and attempt.result["action"] == "update"
    assert _calls(sync, "product/add") == {"timeout": 1}
    assert _calls(sync, "product/list") == {"ok": 1}
    product.refresh_from_db()
    assert product.status == P.UNDER_REVIEW and product.gateway_product_id == held["product_id"]
    sync.gateway.configure(timeout_rate=0.0)
    sync.review()
    sync.assert_in_step()


def test_the_id_a_lookup_finds_is_recorded_before_the_attempt_goes_on(sync, supplier):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    upload_images(product)
    sync.gateway.configure(timeout_rate=1.0)
    assert sync.run_once(_job(product)).outcome == Outcome.TIMEOUT  # the add is applied, its answer lost
    gateway_id = sync.held(product)[0]["product_id"]
    # Seeded so that the lookup is answered and every try of the update after it is refused.
    sync.gateway.configure(timeout_rate=0.0, isp_error_rate=0.5, seed=6)

    attempt = sync.run_once(_job(product))

    assert attempt.outcome == Outcome.TRANSIENT
    assert _calls(sync, "product/update") == {"ServiceUnavailable": 1, "isp.remote-service-error": 2}
    product.refresh_from_db()
    assert product.gateway_product_id == gateway_id and product.status == P.PUBLISHING
    sync.gateway.configure(isp_error_rate=0.0)
    attempt = sync.run_once(_job(product))
    assert attempt.result["looked_up"] is None and attempt.result["action"] == "update"  # no lookup again
    assert _calls(sync, "product/list") == {"timeout": 3, "ok": 1}
    sync.review()
    sync.assert_in_step()


def test_a_ban_is_waited_out(sync, supplier):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    sync.gateway.configure(rate_limit_per_s=0.001, rate_limit_burst=1, ban_seconds=30)
    with AlibabaClient.from_settings() as client:
        client.category_get(0)  # takes the bucket's only token: the next call is banned

    attempt = sync.run_once(_job(product))

    assert attempt.outcome == Outcome.RATE_LIMITED and attempt.error_code == "ApiCallLimit"
    job = _job(product)
    assert job.status == OutboxJob.Status.PENDING and job.attempts == 0  # a ban is not the job's fault
    assert (job.next_attempt_at - timezone.now()).total_seconds() > 25  # it waits the ban out
    assert outbox_process_now(job) is None  # not due during the ban

    # The ban is over (the gateway's clock moves past it); the job goes through.
    sync.gateway.configure(rate_limit_per_s=None, clock_offset_s=31)
    assert sync.run_once(job).outcome == Outcome.OK
    sync.review()
    sync.assert_in_step()


def outbox_process_now(job):
    from alibaba import outbox

    return outbox.process(job.pk)


def test_an_expired_token_is_refreshed_once_and_the_call_repeated(sync, supplier):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    old_token = supplier.supplier_account.access_token
    sync.gateway.expire_access_tokens()

    (attempt,) = sync.drain()

    assert attempt.outcome == Outcome.OK
    supplier.supplier_account.refresh_from_db()
    assert supplier.supplier_account.access_token != old_token
    assert sync.state()["calls"]["/auth/token/refresh"] == {"ok": 1}
    assert _calls(sync, "photobank/upload") == {"IllegalAccessToken": 1, "ok": 1}
    sync.review()
    sync.assert_in_step()


def test_a_listing_the_gateway_refuses_is_sync_failed_with_what_to_fix(sync, supplier):
    product = listing(supplier, images=1)
    # Our copy of the category is stale: it says Place of Origin is optional, the gateway requires it. Our rules
    # pass the product without one; the gateway refuses it.
    product.attribute_values.filter(attribute__attribute_id=1).delete()
    CategoryAttribute.objects.filter(category=product.category, attribute_id=1).update(is_required=False)
    product_publish(product=product, actor=supplier.owner)

    (attempt,) = sync.drain()

    assert attempt.outcome == Outcome.REJECTED
    product.refresh_from_db()
    assert product.status == P.SYNC_FAILED
    assert "Place of Origin" in product.status_reason and "(field: attributes)" in product.status_reason
    assert sync.state()["product_count"] == 0
    # The seller fixes it (an edit brings it back to draft) and publishes again.
    CategoryAttribute.objects.filter(category=product.category, attribute_id=1).update(is_required=True)
    origin = CategoryAttribute.objects.get(category=product.category, attribute_id=1)
    attributes = [
        {"attribute_id": v.attribute.attribute_id, "value_id": v.value_id, "value_name": v.value_name}
        for v in product.attribute_values.select_related("attribute")
    ] + [{"attribute_id": 1, "value_id": origin.values[0]["value_id"]}]
    product = product_update(product=product, actor=supplier.owner, attributes=attributes)
    assert product.status == P.DRAFT and product.status_reason == ""
    product_publish(product=product, actor=supplier.owner)
    sync.drain()
    sync.review()
    product.refresh_from_db()
    assert product.status == P.LIVE
    sync.assert_in_step()


def test_a_rejection_in_review_reaches_the_seller_with_the_reason(sync, supplier):
    product = listing(supplier, images=1)
    sync.gateway.configure(reject_rate=1.0)
    product_publish(product=product, actor=supplier.owner)
    sync.drain()

    sync.review()

    product.refresh_from_db()
    assert product.status == P.REJECTED
    reason = sync.held(product)[0]["reason"]
    assert reason and reason in product.status_reason
    sync.assert_in_step()


def test_the_sync_history_lists_every_attempt_newest_first(sync, supplier, django_assert_num_queries):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    sync.gateway.configure(isp_error_rate=1.0)
    sync.run_once(_job(product))
    sync.gateway.configure(isp_error_rate=0.0)
    sync.drain()
    sync.review()
    product_delist(product=product, actor=supplier.owner)
    sync.drain()

    with django_assert_num_queries(1):  # attempts with their jobs
        history = [(a.job.kind, a.outcome) for a in product_sync_history(product=product)]

    assert history == [
        ("product.delist", Outcome.OK),
        ("product.upsert", Outcome.OK),
        ("product.upsert", Outcome.TRANSIENT),
    ]


def test_copies_found_by_custom_code_are_reduced_to_one_shown(sync, supplier):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    upload_images(product)
    # Two adds whose answers were lost (say, by a version of us without the lookup): the gateway holds two copies.
    sync.gateway.configure(timeout_rate=1.0)
    assert sync.run_once(_job(product)).outcome == Outcome.TIMEOUT
    from alibaba.gateway import shared_client as gateway_client
    from catalog.sync import gateway_product

    urls = [image.photobank_url for image in product.images.all()]
    with pytest.raises(Exception):  # noqa: B017 - the lost answer of the second add
        gateway_client().product_add(supplier.supplier_account.access_token, gateway_product(product, urls))
    sync.gateway.configure(timeout_rate=0.0)
    first, second = sorted(item["product_id"] for item in sync.held(product))

    attempt = sync.run_once(_job(product))

    assert attempt.result["looked_up"] == [first, second]
    product.refresh_from_db()
    assert product.gateway_product_id == first
    sync.review()
    held = {item["product_id"]: item["display"] for item in sync.held(product)}
    assert held == {first: "Y", second: "N"}


def test_a_dead_authorization_stops_the_sync_for_staff_to_act(sync, supplier):
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    sync.gateway.configure(clock_offset_s=61 * 86400)  # the access and the refresh token have both expired

    (attempt,) = sync.drain()

    assert attempt.outcome == Outcome.MISCONFIGURED and attempt.error_code == "AuthorizationExpired"
    product.refresh_from_db()
    assert product.status == P.SYNC_FAILED and "problem on our side (AuthorizationExpired)" in product.status_reason
    supplier.supplier_account.refresh_from_db()
    assert "refresh_token" in supplier.supplier_account.token_error
    assert sync.state()["product_count"] == 0


def test_an_image_another_worker_is_uploading_is_waited_for_not_uploaded_twice(sync, supplier):
    from django.core.cache import cache

    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    lock = f"dxports:catalog:photobank:{supplier.pk}:{product.images.get().sha256}"
    cache.add(lock, 1)  # held by "another worker"

    attempt = sync.run_once(_job(product))

    assert attempt.outcome == Outcome.TRANSIENT and attempt.error_code == "PhotobankUploadInProgress"
    assert _calls(sync, "photobank/upload") == {}
    cache.delete(lock)
    assert sync.run_once(_job(product)).outcome == Outcome.OK
    assert _calls(sync, "photobank/upload") == {"ok": 1}
