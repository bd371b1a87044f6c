"""Shared pieces of the inquiry tests: the real mock gateway in process (``tests.catalog.sync_support``), a seller with
live listings on it, buyers asking through the gateway's pushes delivered to /hooks/alibaba/, and signed pushes
written by hand for hostile bodies.

Fixtures are registered under their short names and imported by the test modules that use them.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import timezone

from alibaba.models import InboundPush
from buyers.models import Inquiry
from catalog.services import product_publish
from tests.alibaba.outbox_support import push_signature
from tests.catalog.sync_support import Sync, listing

__all__ = ["Sync"]


def go_live(sync, seller, *, count=1):
    """``count`` listings of ``seller`` published, synced and approved: live on the gateway."""
    products = [listing(seller, images=1) for _ in range(count)]
    for product in products:
        product_publish(product=product, actor=seller.owner)
    sync.drain()
    sync.review()
    for product in products:
        product.refresh_from_db()
        assert product.status == "live", product.status
    return products


def ask(sync, **kwargs):
    """Buyers ask through the gateway; its pushes reach /hooks/alibaba/ and are processed. The gateway's
    inquiries."""
    inquiries = sync.gateway.simulate_inquiries(**kwargs)
    sync.gateway.tick()
    sync.deliver()
    return inquiries


def follow_up(sync, **kwargs):
    messages = sync.gateway.simulate_messages(**kwargs)
    sync.gateway.tick()
    sync.deliver()
    return messages


def envelope(message_type, data, *, event_id=None):
    return {
        "event_id": event_id or uuid.uuid4().hex,
        "message_type": message_type,
        "data": data,
        "timestamp": int(timezone.now().timestamp() * 1000),
        "site": "icbu_global",
    }


def post_push(client, body, *, raw=None):
    """POST a signed push to /hooks/alibaba/ (``raw`` bytes as they are, else ``body`` as JSON)."""
    raw = raw if raw is not None else json.dumps(body).encode()
    return client.post(
        "/hooks/alibaba/", data=raw, content_type="application/json", headers={"Authorization": push_signature(raw)}
    )


def inquiry_data(*, supplier_id, inquiry_id=9001, **overrides):
    """The data of an ``inquiry.new`` push, as the gateway writes it."""
    data = {
        "inquiry_id": inquiry_id,
        "supplier_id": supplier_id,
        "product_id": 1,
        "custom_code": str(uuid.uuid4()),
        "subject": "Inquiry about Jute Shopping Bags",
        "content": "Hello, we are interested in your jute bags. Could you quote FOB Chattogram for 2000 pieces?",
        "attachments": [],
        "quantity": 2000,
        "quantity_unit": "piece",
        "buyer_name": "Hannah Becker",
        "buyer_company": "Becker Wohnen GmbH",
        "buyer_country": "DE",
        "gmt_create": "2026-03-01T09:30:00.125Z",
        "gmt_modified": "2026-03-01T09:30:00.125Z",
    }
    data.update(overrides)
    return data


def process_pushes():
    from alibaba import pushes

    for push in InboundPush.objects.filter(status=InboundPush.Status.RECEIVED):
        InboundPush.objects.filter(pk=push.pk).update(next_attempt_at=timezone.now())
        pushes.process_push(push.pk)


@pytest.fixture(name="private_root", autouse=True)
def private_root_fixture(settings, tmp_path):
    settings.BUYERS_PRIVATE_ROOT = tmp_path / "private-inquiries"
    return settings.BUYERS_PRIVATE_ROOT


def threads_of(state, supplier_id):
    return [thread for thread in state["threads"] if str(thread["supplier_id"]) == str(supplier_id)]


def inquiry_of(gateway_inquiry):
    return Inquiry.objects.get(gateway_inquiry_id=gateway_inquiry["inquiry_id"])


_ids = iter(range(10**6, 10**9))


def receive(seller, *, country="DE", content="Could you quote FOB Chattogram for 2000 pieces?", files=(), **fields):
    """An inquiry received for ``seller`` through the service the push handler calls (no gateway needed): the
    inquiry. ``files`` are ``(name, content type)`` of attachments still to fetch."""
    from buyers import services
    from buyers.incoming import IncomingAttachment, IncomingInquiry

    inquiry_id = next(_ids)
    values = {
        "inquiry_id": inquiry_id,
        "supplier_id": None,
        "product_id": None,
        "custom_code": "",
        "subject": "Inquiry about Jute Shopping Bags",
        "content": content,
        "quantity": 2000,
        "quantity_unit": "piece",
        "buyer_name": f"Buyer {inquiry_id}",
        "buyer_company": "Import GmbH",
        "buyer_country": country,
        "attachments": tuple(
            IncomingAttachment(attachment_id=inquiry_id * 10 + n, file_name=name, content_type=kind, size=100)
            for n, (name, kind) in enumerate(files)
        ),
        "created_at": timezone.now(),
    }
    values.update(fields)
    inquiry, _created = services.inquiry_receive(seller_id=seller.pk, incoming=IncomingInquiry(**values))
    return inquiry


def stored_file(inquiry, data, *, max_pixels=10_000_000):
    """The inquiry's first attachment, fetched: ``data`` stored through the service (checked by content)."""
    from buyers import services
    from buyers.models import Attachment

    attachment = Attachment.objects.filter(inquiry=inquiry).order_by("gateway_attachment_id").first()
    return services.attachment_store(attachment=attachment, data=data, max_pixels=max_pixels)
