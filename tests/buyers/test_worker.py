"""Inquiries with REAL Celery worker processes, the broker, and the mock gateway on a loopback port: buyers' pushes
are stored by the worker with their files and e-mails queued, and replies reach the gateway exactly once while it drops
answers and fails calls.

The workers are those of tests/alibaba/test_worker.py (the test database, a queue of the test's own, short lease and
relay intervals), pointed at the gateway this test serves.
"""

import pytest
from django.conf import settings

from alibaba.mock import MockGateway, serve_in_thread
from buyers import services
from buyers.models import Attachment, Delivery, Inquiry, Message
from catalog.models import Product
from catalog.services import product_publish
from dxports.models import OutgoingEmail
from tests.alibaba.test_worker import purge, queue, workers  # noqa: F401 - fixtures
from tests.buyers.support import threads_of
from tests.catalog.sync_support import Sync, listing, real_leaf, supplier_on

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def served(monkeypatch, client, tmp_path):
    """The gateway on a loopback port; this process and the workers talk to it over HTTP. Its pushes go to
    /hooks/alibaba/ through the test client (the worker processes them). Lost answers come after 2 s, and the
    workers' client gives up after 1 s."""
    holder = {}
    gateway = MockGateway(
        seed=11,
        rate_limit_per_s=None,
        review_delay_s=3600,
        reject_rate=0.0,
        hang_seconds=2.0,
        push_sender=lambda url, body, headers: holder["sync"].post(body, headers).status_code,
    )
    url, stop = serve_in_thread(gateway, background=False)
    monkeypatch.setenv("ALIBABA_GATEWAY_URL", url)
    monkeypatch.setenv("ALIBABA_TIMEOUT_READ", "1")
    monkeypatch.setenv("BUYERS_PRIVATE_ROOT", str(tmp_path / "private-inquiries"))
    monkeypatch.setattr(settings, "ALIBABA_GATEWAY_URL", url)
    sync = Sync(gateway, client)
    holder["sync"] = sync
    media = settings.BASE_DIR / "var" / "test-media"
    monkeypatch.setattr(settings, "MEDIA_ROOT", media)
    yield sync
    from alibaba.gateway import close_shared_clients

    close_shared_clients()
    stop()
    gateway.close()


@pytest.fixture
def seller(served):
    real_leaf(served.gateway)
    return supplier_on(served.gateway)


def test_inquiries_come_in_and_replies_go_out_through_real_workers(workers, served, seller):  # noqa: F811
    workers.start("a")
    product = listing(seller, images=1)
    product_publish(product=product, actor=seller.owner)
    workers.wait_until(lambda: Product.objects.get(pk=product.pk).status == "under_review", "the listing in review")
    served.gateway.tick(all_reviews_due=True)
    workers.wait_until(lambda: Product.objects.get(pk=product.pk).status == "live", "the listing to go live")

    asked = served.gateway.simulate_inquiries(count=4, countries=["DE", "JP", "AE", "IN"], attachments=2)
    served.gateway.tick()  # the pushes reach /hooks/alibaba/; the worker handles them

    workers.wait_until(lambda: Inquiry.objects.count() == 4, "the four inquiries")
    workers.wait_until(
        lambda: Attachment.objects.filter(status="stored").count() == 8, "the buyers' files fetched and checked"
    )
    # Queued once each by their task (the test settings' mail server is not there to send them).
    workers.wait_until(
        lambda: OutgoingEmail.objects.filter(key__startswith="inquiry-new:").count() == 4, "the new-inquiry e-mails"
    )
    assert sorted(Inquiry.objects.values_list("buyer__country", flat=True)) == ["AE", "DE", "IN", "JP"]

    served.gateway.configure(seed=3, isp_error_rate=0.3, timeout_rate=0.3)
    replies = [
        services.inquiry_reply(inquiry=inquiry, actor=seller.owner, content=f"Dear buyer, our offer {n}.")
        for n, inquiry in enumerate(Inquiry.objects.order_by("pk"))
    ]
    workers.wait_until(
        lambda: Message.objects.filter(pk__in=[m.pk for m in replies], delivery=Delivery.SENT).count() == 4,
        "every reply to be sent",
    )
    served.gateway.configure(isp_error_rate=0.0, timeout_rate=0.0)

    state = served.state()
    assert state["reply_duplicates"] == {}
    held = {
        m["message_id"]
        for t in threads_of(state, seller.supplier_account.supplier_id)
        for m in t["messages"]
        if m["sender"] == "supplier"
    }
    assert held == {m.gateway_message_id for m in Message.objects.filter(pk__in=[m.pk for m in replies])}
    outcomes = set(state["calls"]["/dexports/inquiry/reply"]) | set(state["calls"].get("/dexports/inquiry/get", {}))
    assert outcomes - {"ok"}, "the faults were injected"
    assert len(asked) == 4
