"""Shared pieces of the listing sync tests: the real mock gateway in process, a seller with a supplier account on
it, a driver that runs the outbox as a worker would, the gateway's pushes delivered through /hooks/alibaba/, and the
check that the gateway holds exactly what we believe.

Fixtures are registered under their short names (``gateway``, ``supplier``, ``sync``) and imported by the test
modules that use them.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from alibaba import outbox, pushes, tasks
from alibaba.client import AlibabaClient
from alibaba.mock import MockGateway
from alibaba.models import InboundPush, OutboxJob
from catalog.models import Product, ProductStatus
from catalog.services import product_publish
from sellers.models import SellerStatus
from sellers.services import seller_supplier_account_store
from tests.sellers.factories import OwnerFactory

P = ProductStatus


class Sync:
    """The gateway in process and the means to drive the engine step by step (no Celery, no sleeping)."""

    def __init__(self, gateway, client):
        self.gateway = gateway
        self.client = client  # Django's test client, for the pushes
        self.pushes: list[tuple[bytes, dict]] = []

    # The outbox, as a worker runs it -----------------------------------------------------------------------------

    def run_once(self, job):
        """Let the job's backoff pass, then run it once; the attempt (or None)."""
        OutboxJob.objects.filter(pk=job.pk, status=OutboxJob.Status.PENDING).update(next_attempt_at=timezone.now())
        return outbox.process(job.pk)

    def drain(self, *, rounds=100):
        """Run every pending job until none is left (each backoff skipped, as if its time had passed). Returns the
        attempts made."""
        attempts = []
        for _ in range(rounds):
            jobs = list(OutboxJob.objects.filter(status=OutboxJob.Status.PENDING))
            if not jobs:
                return attempts
            for job in jobs:
                attempt = self.run_once(job)
                if attempt is not None:
                    attempts.append(attempt)
        raise AssertionError(f"the outbox did not drain in {rounds} rounds: {list(OutboxJob.objects.values())}")

    # Reviews and pushes ------------------------------------------------------------------------------------------

    def sender(self, url, body, headers):
        self.pushes.append((body, headers))
        return 200

    def review(self):
        """The gateway reviews everything in review now; its pushes are delivered to /hooks/alibaba/ and
        processed as the push task would."""
        self.gateway.tick(all_reviews_due=True)
        self.deliver()

    def deliver(self, pushes_=None):
        sent = list(self.pushes) if pushes_ is None else pushes_
        self.pushes.clear()
        for body, headers in sent:
            self.post(body, headers)
        self.process_pushes()
        return sent

    def post(self, body, headers):
        response = self.client.post(
            "/hooks/alibaba/",
            data=body,
            content_type="application/json",
            headers={"Authorization": headers["Authorization"]},
        )
        assert response.status_code == 200, response.content
        return response

    def process_pushes(self):
        for push in InboundPush.objects.filter(status=InboundPush.Status.RECEIVED):
            InboundPush.objects.filter(pk=push.pk).update(next_attempt_at=timezone.now())
            pushes.process_push(push.pk)

    # What the gateway holds --------------------------------------------------------------------------------------

    def state(self):
        return self.gateway.state()

    def held(self, product):
        return self.state()["products"].get(str(product.public_id), [])

    def assert_in_step(self):
        """The gateway holds exactly what we believe: each product we recorded once under its custom code with our
        id, shown when live and hidden when delisted or blocked; nothing we do not know; no duplicates."""
        state = self.state()
        assert state["duplicates"] == {}
        ours = {str(p.public_id): p for p in Product.objects.all()}
        for code, held in state["products"].items():
            assert code in ours, f"the gateway holds {code}, which is not ours"
            product = ours[code]
            assert [item["product_id"] for item in held] == [product.gateway_product_id]
            (item,) = held
            if product.status == P.LIVE:
                assert (item["status"], item["display"]) == ("approved", "Y")
            elif product.status in (P.UNDER_REVIEW, P.UPDATING):
                assert item["status"] == "new"
            elif product.status in (P.DELISTED, P.BLOCKED):
                assert item["display"] == "N"
            elif product.status == P.REJECTED:
                assert item["status"] == "tbd"
        for product in ours.values():
            if product.status in (P.UNDER_REVIEW, P.LIVE, P.UPDATING, P.DELISTED):
                assert str(product.public_id) in state["products"], f"{product} is not on the gateway"
                assert product.synced_version == product.version


@pytest.fixture(name="gateway")
def gateway_fixture(monkeypatch, use_gateway):
    """The mock gateway in process (seeded, no rate limit, reviews only when a test ticks); every
    ``AlibabaClient.from_settings()`` talks to it. Celery messages are dropped: the tests drive the outbox."""
    holder = {}
    gateway = MockGateway(
        seed=7,
        rate_limit_per_s=None,
        review_delay_s=3600,
        reject_rate=0.0,
        push_sender=lambda url, body, headers: holder["sync"].sender(url, body, headers),
    )
    use_gateway(gateway)
    monkeypatch.setattr(tasks.push_process, "apply_async", lambda *args, **kwargs: None)
    gateway.holder = holder
    yield gateway
    from alibaba.gateway import close_shared_clients as close_clients

    close_clients()
    gateway.close()


@pytest.fixture(name="sync")
def sync_fixture(gateway, client):
    sync = Sync(gateway, client)
    gateway.holder["sync"] = sync
    return sync


def supplier_on(gateway, *, legal_name="Rupsha Jute Crafts Ltd."):
    """An active seller (with its owner) whose supplier account exists on ``gateway``, tokens stored."""
    owner = OwnerFactory(seller__legal_name=legal_name, seller__status=SellerStatus.ACTIVE)
    seller = owner.seller
    with AlibabaClient.from_settings() as client:
        account = client.supplier_create(
            seller_ref=str(seller.public_id), company_name=legal_name, contact_email=owner.user.email
        )
        tokens = client.token_create(account.code)
    seller_supplier_account_store(seller=seller, supplier_id=account.supplier_id, tokens=tokens)
    seller.refresh_from_db()
    seller.owner = owner.user
    return seller


@pytest.fixture(name="supplier")
def supplier_fixture(gateway, db):
    """An active seller with a supplier account on the gateway; the gateway's categories are synced too."""
    real_leaf(gateway)
    return supplier_on(gateway)


@pytest.fixture(name="in_review")
def in_review_fixture(sync, supplier):
    """A product of ``supplier`` published and received by the gateway: under review."""
    product = listing(supplier, images=1)
    product_publish(product=product, actor=supplier.owner)
    sync.drain()
    product.refresh_from_db()
    assert product.status == ProductStatus.UNDER_REVIEW
    return product


@pytest.fixture(name="live")
def live_fixture(sync, in_review):
    """``in_review`` approved by the gateway: live."""
    sync.review()
    in_review.refresh_from_db()
    assert in_review.status == ProductStatus.LIVE
    return in_review


def upload_images(product):
    """Put the product's images in its seller's photobank beforehand, so that the add is its sync's first call."""
    from catalog.services import product_images_photobank_store

    with AlibabaClient.from_settings() as client:
        for image in product.images.all():
            with image.file.open("rb") as handle:
                content = handle.read()
            url = client.photobank_upload(
                product.seller.supplier_account.access_token, filename="a.jpg", content=content
            )
            product_images_photobank_store(seller=product.seller, sha256=image.sha256, photobank_url=url)


def real_leaf(gateway):
    """The gateway's leaf 1202 (Jute Shopping Bags) with its attributes, synced into our database as
    ``sync_categories`` does."""
    from catalog.categories import categories_sync
    from catalog.models import Category

    leaf = Category.objects.filter(category_id=1202).first()
    if leaf is None:
        with AlibabaClient.from_settings() as client:
            categories_sync(client=client)
        leaf = Category.objects.get(category_id=1202)
    return leaf


def image_bytes(n):
    """A distinct JPEG (by content) for each ``n``."""
    return b"\xff\xd8\xff\xe0" + f"image {n}".encode() + b"\0" * 64


def add_image(product, n, *, position=None):
    import hashlib

    from django.core.files.base import ContentFile

    from catalog.models import ProductImage

    content = image_bytes(n)
    image = ProductImage(
        product=product,
        sha256=hashlib.sha256(content).hexdigest(),
        position=product.images.count() if position is None else position,
        content_type="image/jpeg",
        size_bytes=len(content),
    )
    image.file.save(f"{n}.jpg", ContentFile(content), save=False)
    image.save()
    return image


_images = iter(range(10**9))


def listing(seller, *, images=3, **kwargs):
    """A complete draft product of ``seller`` in the gateway's real leaf 1202, with values the gateway accepts and
    ``images`` distinct images."""
    from decimal import Decimal

    from catalog.models import CategoryAttribute, PriceTier, ProductAttributeValue
    from tests.catalog.factories import COMPLETE_FIELDS, ProductFactory

    leaf = real_leaf_cached()
    product = ProductFactory(seller=seller, category=leaf, **{**COMPLETE_FIELDS, **kwargs})
    PriceTier.objects.create(product=product, start_quantity=500, price=Decimal("2.50"))
    PriceTier.objects.create(product=product, start_quantity=5000, price=Decimal("1.90"))
    for _ in range(images):
        add_image(product, next(_images))
    attributes = {a.attribute_id: a for a in CategoryAttribute.objects.filter(category=leaf)}

    def value(attribute_id, name):
        attribute = attributes[attribute_id]
        if not attribute.values:
            return ProductAttributeValue(product=product, attribute=attribute, value_name=name)
        value_id = next(v["value_id"] for v in attribute.values if v["name"] == name)
        return ProductAttributeValue(product=product, attribute=attribute, value_id=value_id)

    ProductAttributeValue.objects.bulk_create(
        [
            value(1, "Bangladesh"),
            value(2, "Rupsha"),
            value(3, "Hessian Jute"),
            value(4, "Eco-friendly"),
            value(5, "ISO 9001"),
            value(7, "RJ-38"),
        ]
    )
    return Product.objects.get(pk=product.pk)


def real_leaf_cached():
    from catalog.models import Category

    return Category.objects.get(category_id=1202)
