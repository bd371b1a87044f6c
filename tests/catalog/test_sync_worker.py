"""The listing sync with REAL Celery worker processes, the broker, and the mock gateway on a loopback port: listings
go live end to end; a worker killed in the middle of an add leaves no duplicate (its lease expires, another worker
finds the add by custom code and finishes the job); messages lost from the broker are re-driven by the relay.

The workers are those of tests/alibaba/test_worker.py (the test database, a queue of the test's own, short lease and
relay intervals), pointed at the gateway this test serves.
"""

import shutil

import pytest
from django.conf import settings

from alibaba.client import AlibabaClient
from alibaba.mock import MockGateway, serve_in_thread
from alibaba.models import OutboxAttempt, OutboxJob
from catalog.models import Product, ProductStatus
from catalog.services import product_images_photobank_store, product_publish
from tests.alibaba.test_worker import LEASE_S, purge, queue, workers  # noqa: F401 - fixtures
from tests.catalog.sync_support import Sync, listing, real_leaf, supplier_on

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
P = ProductStatus


@pytest.fixture
def served(monkeypatch, client):
    """The gateway on a loopback port; this process and the workers it starts talk to it over HTTP. Its pushes go
    to /hooks/alibaba/ through the test client (the worker processes them)."""
    holder = {}
    gateway = MockGateway(
        seed=5,
        rate_limit_per_s=None,
        review_delay_s=3600,
        reject_rate=0.0,
        push_sender=lambda url, body, headers: holder["sync"].post(body, headers).status_code,
    )
    url, stop = serve_in_thread(gateway, background=False)
    monkeypatch.setenv("ALIBABA_GATEWAY_URL", url)
    monkeypatch.setattr(settings, "ALIBABA_GATEWAY_URL", url)
    sync = Sync(gateway, client)
    holder["sync"] = sync
    # The workers read images from the test settings' MEDIA_ROOT, not this test's temporary one.
    media = settings.BASE_DIR / "var" / "test-media"
    monkeypatch.setattr(settings, "MEDIA_ROOT", media)
    yield sync
    from alibaba.gateway import close_shared_clients as close_clients

    close_clients()
    stop()
    gateway.close()
    for product in Product.objects.all():
        shutil.rmtree(media / "products" / str(product.public_id), ignore_errors=True)


@pytest.fixture
def seller(served):
    real_leaf(served.gateway)
    return supplier_on(served.gateway)


def _statuses(products):
    return set(Product.objects.filter(pk__in=[p.pk for p in products]).values_list("status", flat=True))


def test_twenty_listings_go_live_end_to_end(workers, served, seller):  # noqa: F811 - the imported fixture
    workers.start("a")
    products = [listing(seller, images=1) for _ in range(20)]
    for product in products:
        product_publish(product=product, actor=seller.owner)

    workers.wait_until(lambda: _statuses(products) == {P.UNDER_REVIEW}, "every listing to reach review")
    served.gateway.tick(all_reviews_due=True)  # the pushes reach /hooks/alibaba/; the worker processes them
    workers.wait_until(lambda: _statuses(products) == {P.LIVE}, "every listing to go live")

    served.assert_in_step()
    state = served.state()
    assert state["product_count"] == 20
    assert state["calls"]["/alibaba/icbu/product/add"] == {"ok": 20}
    assert state["calls"]["/alibaba/icbu/photobank/upload"] == {"ok": 20}


def test_a_worker_killed_during_an_add_leaves_no_duplicate(workers, served, seller):  # noqa: F811
    product = listing(seller, images=1)
    with AlibabaClient.from_settings(rate_limiter=None) as client:  # the images are in the photobank already
        for image in product.images.all():
            with image.file.open("rb") as handle:
                url = client.photobank_upload(
                    seller.supplier_account.access_token, filename="a.jpg", content=handle.read()
                )
            product_images_photobank_store(seller=seller, sha256=image.sha256, photobank_url=url)
    served.gateway.configure(timeout_rate=1.0, hang_seconds=120)  # the add is applied, its answer never comes
    first = workers.start("first")
    product_publish(product=product, actor=seller.owner)
    workers.wait_until(lambda: len(served.held(product)) == 1, "the gateway to apply the add")

    workers.kill(first)
    served.gateway.configure(timeout_rate=0.0)
    job = OutboxJob.objects.get(target=str(product.pk))
    assert job.status == OutboxJob.Status.RUNNING and f":{first.pid}:" in job.lease_owner
    workers.start("second")
    workers.wait_until(
        lambda: Product.objects.filter(pk=product.pk, status=P.UNDER_REVIEW).exists(), "the second worker"
    )

    attempts = list(OutboxAttempt.objects.filter(job=job).order_by("started_at", "id"))
    assert [a.outcome for a in attempts] == [OutboxAttempt.Outcome.LOST_LEASE, OutboxAttempt.Outcome.OK]
    assert attempts[1].result["looked_up"] == [served.held(product)[0]["product_id"]]
    assert (attempts[1].started_at - attempts[0].started_at).total_seconds() >= LEASE_S
    assert served.state()["calls"]["/alibaba/icbu/product/add"] == {"timeout": 1}
    product.refresh_from_db()
    assert served.state()["duplicates"] == {}
    served.assert_in_step()


def test_listings_whose_messages_were_lost_are_re_driven_by_the_relay(workers, served, seller, queue):  # noqa: F811
    products = [listing(seller, images=1) for _ in range(3)]
    for product in products:
        product_publish(product=product, actor=seller.owner)
    assert purge(queue) == 3  # as in a Redis restart: the messages are gone, the outbox rows are not

    workers.start("a")

    workers.wait_until(lambda: _statuses(products) == {P.UNDER_REVIEW}, "the relay to re-drive every listing")
    served.assert_in_step()
    assert served.state()["calls"]["/alibaba/icbu/product/add"] == {"ok": 3}
