"""The gateway's ``product.reviewed`` pushes through /hooks/alibaba/: applied once, and a push about an unknown
product, an old version or a product of another supplier is recorded without changing anything."""

import json
import uuid

import pytest
from django.conf import settings

from alibaba.mock.pushes import push_authorization
from alibaba.models import InboundPush, OutboxJob
from catalog.models import ProductEvent, ProductStatus
from catalog.services import product_publish, product_update
from tests.catalog.sync_support import (
    gateway_fixture,
    in_review_fixture,
    listing,
    supplier_fixture,
    supplier_on,
    sync_fixture,
    upload_images,
)

pytestmark = pytest.mark.django_db
P = ProductStatus
__all__ = ["gateway_fixture", "in_review_fixture", "supplier_fixture", "sync_fixture"]


def _push(data, *, event_id=None):
    body = json.dumps(
        {
            "event_id": event_id or uuid.uuid4().hex,
            "message_type": "product.reviewed",
            "data": data,
            "timestamp": 1_790_000_000_000,
            "site": "icbu_global",
        }
    ).encode()
    authorization = push_authorization(settings.ALIBABA_APP_SECRET, settings.ALIBABA_APP_KEY, body)
    return body, {"Authorization": authorization}


def test_a_push_delivered_twice_is_applied_once(sync, in_review):
    sync.gateway.tick(all_reviews_due=True)
    (push,) = sync.pushes

    sync.deliver([push, push])
    sync.deliver([push])

    in_review.refresh_from_db()
    assert in_review.status == P.LIVE
    assert InboundPush.objects.filter(status=InboundPush.Status.PROCESSED).count() == 1
    assert ProductEvent.objects.filter(product=in_review, to_status=P.LIVE).count() == 1
    sync.assert_in_step()


def test_the_same_verdict_under_another_event_id_changes_nothing(sync, in_review):
    sync.review()
    data = {
        "supplier_id": in_review.seller.supplier_account.supplier_id,
        "product_id": in_review.gateway_product_id,
        "custom_code": str(in_review.public_id),
        "status": "tbd",
        "reason": "Late and wrong",
        "gmt_modified": "2030-01-01T00:00:00.000Z",
    }

    sync.deliver([_push(data)])

    in_review.refresh_from_db()
    assert in_review.status == P.LIVE  # a live product waits for no review
    assert InboundPush.objects.filter(status=InboundPush.Status.PROCESSED).count() == 2


def test_a_review_of_the_version_before_an_update_is_ignored(sync, in_review, supplier):
    sync.review()
    in_review.refresh_from_db()
    product = product_update(product=in_review, actor=supplier.owner, title="Jute Shopping Bag, Natural, 12 kg load")
    sync.drain()
    old_verdict = {
        "product_id": product.gateway_product_id,
        "custom_code": str(product.public_id),
        "status": "tbd",
        "reason": "Product title does not match the selected category",
        "gmt_modified": "2001-01-01T00:00:00.000Z",  # before the update was sent
    }

    sync.deliver([_push(old_verdict)])

    product.refresh_from_db()
    assert product.status == P.UPDATING
    sync.review()  # the verdict about the update itself
    product.refresh_from_db()
    assert product.status == P.LIVE
    sync.assert_in_step()


def test_a_review_of_a_product_that_is_not_ours_is_recorded_and_ignored(sync, in_review):
    supplier_id = in_review.seller.supplier_account.supplier_id
    data = {"supplier_id": supplier_id, "product_id": 987654, "custom_code": str(uuid.uuid4()), "status": "approved"}

    sync.deliver([_push(data), _push({"supplier_id": supplier_id, "product_id": "not a number"})])

    assert InboundPush.objects.filter(status=InboundPush.Status.PROCESSED).count() == 2
    in_review.refresh_from_db()
    assert in_review.status == P.UNDER_REVIEW


def test_a_review_that_overtakes_the_sync_waits_for_it_and_is_never_a_failure(sync, supplier, settings):
    settings.ALIBABA_PUSH_MAX_ATTEMPTS = 2
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    upload_images(product)
    sync.gateway.configure(timeout_rate=1.0)  # the add is applied, every answer of the attempt is lost
    sync.run_once(OutboxJob.objects.get(target=str(product.pk)))
    sync.gateway.configure(timeout_rate=0.0)
    sync.gateway.tick(all_reviews_due=True)  # the gateway reviews the add; we do not know its id yet

    sync.deliver()
    for _ in range(5):  # looked at again and again, more often than a failing push is tried
        sync.process_pushes()

    push = InboundPush.objects.get()
    assert (push.status, push.attempts) == (InboundPush.Status.RECEIVED, 0)
    assert push.error.startswith("Waiting (not a failure)")
    product.refresh_from_db()
    assert product.status == P.PUBLISHING
    sync.drain()  # the sync finds the add by its custom code and sends the current version over it
    sync.process_pushes()
    push.refresh_from_db()
    assert push.status == InboundPush.Status.PROCESSED  # about the add, which the update superseded: not applied
    product.refresh_from_db()
    assert product.status == P.UNDER_REVIEW
    sync.review()  # the verdict about the update
    product.refresh_from_db()
    assert product.status == P.LIVE
    assert not InboundPush.objects.exclude(status=InboundPush.Status.PROCESSED).exists()
    sync.assert_in_step()


def test_a_review_arriving_while_a_worker_sends_the_product_waits_for_it(sync, in_review):
    from django.utils import timezone

    lease = {"lease_owner": "worker-1", "lease_expires_at": timezone.now() + timezone.timedelta(minutes=2)}
    OutboxJob.objects.filter(target=str(in_review.pk)).update(status=OutboxJob.Status.RUNNING, **lease)
    sync.gateway.tick(all_reviews_due=True)

    sync.deliver()

    push = InboundPush.objects.get()
    assert (push.status, push.attempts) == (InboundPush.Status.RECEIVED, 0)
    assert "has not recorded the gateway's answer yet" in push.error
    OutboxJob.objects.filter(target=str(in_review.pk)).update(
        status=OutboxJob.Status.DONE, lease_owner="", lease_expires_at=None
    )
    sync.process_pushes()
    in_review.refresh_from_db()
    assert in_review.status == P.LIVE


def test_a_review_sent_for_another_supplier_does_not_change_our_product(sync, in_review, gateway):
    other = supplier_on(gateway, legal_name="Buriganga Leather Works")
    data = {
        "supplier_id": other.supplier_account.supplier_id,
        "product_id": in_review.gateway_product_id,
        "custom_code": str(in_review.public_id),
        "status": "approved",
        "display": "Y",
        "reason": None,
        "gmt_modified": "2099-01-01T00:00:00Z",
    }

    sync.deliver([_push(data)])

    assert InboundPush.objects.get().status == InboundPush.Status.PROCESSED
    in_review.refresh_from_db()
    assert in_review.status == P.UNDER_REVIEW


def test_a_review_of_our_supplier_is_applied(sync, in_review, supplier):
    data = {
        "supplier_id": supplier.supplier_account.supplier_id,
        "product_id": in_review.gateway_product_id,
        "custom_code": str(in_review.public_id),
        "status": "approved",
        "display": "Y",
        "reason": None,
        "gmt_modified": "2099-01-01T00:00:00Z",
    }

    sync.deliver([_push(data)])

    in_review.refresh_from_db()
    assert in_review.status == P.LIVE


@pytest.mark.parametrize("shift", [0.5, 0.9], ids=["half", "nine-tenths"])
def test_a_review_whose_product_id_is_not_a_whole_number_is_ignored(sync, in_review, supplier, shift):
    data = {
        "supplier_id": supplier.supplier_account.supplier_id,
        "product_id": in_review.gateway_product_id + shift,  # int() would read it as our product's id
        "custom_code": str(uuid.uuid4()),
        "status": "approved",
        "reason": None,
    }

    sync.deliver([_push(data)])

    assert InboundPush.objects.get().status == InboundPush.Status.PROCESSED
    in_review.refresh_from_db()
    assert in_review.status == P.UNDER_REVIEW


@pytest.mark.parametrize("supplier_id", [None, ""])
def test_a_review_that_names_no_supplier_is_refused_and_recorded(sync, in_review, supplier_id):
    data = {"product_id": in_review.gateway_product_id, "custom_code": str(in_review.public_id), "status": "approved"}
    if supplier_id is not None:
        data["supplier_id"] = supplier_id

    sync.deliver([_push(data)])

    push = InboundPush.objects.get()
    assert push.status == InboundPush.Status.REFUSED
    assert "names no supplier_id" in push.error
    in_review.refresh_from_db()
    assert in_review.status == P.UNDER_REVIEW
