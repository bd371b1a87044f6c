"""Inquiries in: the gateway's ``inquiry.new`` and ``inquiry.message`` pushes through the real receiver
(/hooks/alibaba/) and the buyers' handlers; stored once however often they come, with buyer, product, thread and
files; hostile bodies refused or cleaned, never a 500, never a second row."""

import json

import pytest

from alibaba.models import InboundPush, OutboxJob
from buyers.models import Attachment, AttachmentStatus, Buyer, Inquiry, InquiryStatus, Message
from catalog.models import Product
from dxports.models import Event
from tests.buyers.support import (
    ask,
    envelope,
    follow_up,
    inquiry_data,
    inquiry_of,
    post_push,
    process_pushes,
)

pytestmark = pytest.mark.django_db


def supplier_id(seller):
    return int(seller.supplier_account.supplier_id)


def test_an_inquiry_is_stored_with_its_buyer_product_opening_and_files(sync, supplier, live):
    (asked,) = ask(sync, count=1, countries=["JP"], attachments=2)

    inquiry = inquiry_of(asked)
    assert inquiry.seller == supplier
    assert inquiry.product == live
    assert (inquiry.buyer.name, inquiry.buyer.country.code) == (asked["buyer_name"], "JP")
    assert inquiry.subject == asked["subject"]
    assert (inquiry.quantity, inquiry.quantity_unit) == (asked["quantity"], asked["quantity_unit"])
    assert inquiry.status == InquiryStatus.NEW and inquiry.has_unread
    assert inquiry.awaiting_reply_since == inquiry.received_at
    (opening,) = inquiry.messages.all()
    assert opening.is_opening and opening.content == asked["content"] and opening.sender == "buyer"
    assert [a.file_name for a in opening.attachments.all()] == [a["file_name"] for a in asked["attachments"]]
    assert Event.objects.filter(type="inquiry.received", subject_id=inquiry.public_id, seller_id=supplier.pk).exists()

    sync.drain()  # the files are fetched in the background

    stored = list(Attachment.objects.filter(inquiry=inquiry))
    assert {a.status for a in stored} == {AttachmentStatus.STORED}
    for attachment in stored:
        with attachment.file.open("rb") as handle:
            assert len(handle.read()) == attachment.size == attachment.declared_size
        assert attachment.content_type == attachment.declared_type


def test_a_push_delivered_three_times_stores_one_inquiry(sync, supplier, live, client):
    sync.gateway.simulate_inquiries(count=1, attachments=1)
    sync.gateway.tick()
    [(body, headers)] = sync.pushes
    sync.pushes.clear()

    for _ in range(3):
        sync.post(body, headers)
        process_pushes()
    # The gateway may also send the same inquiry under a new event id (a retry after a lost answer).
    again = json.loads(body)
    post_push(client, {**again, "event_id": again["event_id"] + "-again"})
    process_pushes()

    assert Inquiry.objects.count() == 1
    assert Message.objects.count() == 1
    assert Attachment.objects.count() == 1
    assert Event.objects.filter(type="inquiry.received").count() == 1


def test_one_buyer_however_many_inquiries_they_send(supplier, client):
    for inquiry_id in (1, 2, 3):
        post_push(
            client, envelope("inquiry.new", inquiry_data(supplier_id=supplier_id(supplier), inquiry_id=inquiry_id))
        )
    post_push(
        client,
        envelope(
            "inquiry.new",
            inquiry_data(supplier_id=supplier_id(supplier), inquiry_id=4, buyer_name="  hannah   BECKER "),
        ),
    )
    process_pushes()

    assert Inquiry.objects.count() == 4
    assert Buyer.objects.count() == 1


def test_a_follow_up_is_stored_once_and_asks_for_an_answer_again(sync, supplier, live):
    from buyers import services

    (asked,) = ask(sync, count=1, attachments=0)
    inquiry = inquiry_of(asked)
    services.inquiry_reply(inquiry=inquiry, actor=supplier.owner, content="Thank you, our price is US$2.40.")
    sync.drain()

    (message,) = follow_up(sync, count=1, inquiry_id=asked["inquiry_id"], attachments=1)

    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.NEGOTIATING
    assert inquiry.has_unread and inquiry.awaiting_reply_since is not None
    assert inquiry.first_response_at is not None  # the first answer stays the first answer
    stored = Message.objects.get(gateway_message_id=message["message_id"])
    assert stored.content == message["content"] and stored.sender == "buyer"
    assert stored.attachments.count() == 1
    assert OutboxJob.objects.filter(kind="inquiry.attachments", target=str(inquiry.pk)).exists()


def test_a_message_about_an_inquiry_not_stored_yet_waits_for_the_pull(sync, supplier, live):
    from buyers import sync as buyers_sync

    sync.gateway.simulate_inquiries(count=1, attachments=0)
    sync.gateway.tick()
    sync.pushes.clear()  # the inquiry's push is lost
    (message,) = follow_up(sync, count=1, attachments=0)

    push = InboundPush.objects.get(message_type="inquiry.message")
    assert push.status == InboundPush.Status.RECEIVED and push.attempts == 1
    assert "is not stored yet" in push.error

    buyers_sync.pull_seller(seller=supplier)
    process_pushes()

    push.refresh_from_db()
    assert push.status == InboundPush.Status.PROCESSED
    assert Inquiry.objects.count() == 1
    assert Message.objects.filter(gateway_message_id=message["message_id"]).count() == 1


def test_an_inquiry_about_a_product_we_no_longer_hold_is_kept(sync, supplier, live):
    gateway_product_id, custom_code = live.gateway_product_id, str(live.public_id)
    sync.gateway.simulate_inquiries(count=1, attachments=0)
    sync.gateway.tick()
    Product.objects.filter(pk=live.pk).delete()
    sync.deliver()

    inquiry = Inquiry.objects.get()
    assert inquiry.product is None
    assert (inquiry.gateway_product_id, inquiry.custom_code) == (gateway_product_id, custom_code)


@pytest.mark.parametrize("authorization", [None, "", "0" * 64, "not hex at all"])
def test_a_bad_or_missing_signature_is_refused_and_nothing_stored(supplier, client, authorization):
    raw = json.dumps(envelope("inquiry.new", inquiry_data(supplier_id=supplier_id(supplier)))).encode()
    headers = {} if authorization is None else {"Authorization": authorization}

    response = client.post("/hooks/alibaba/", data=raw, content_type="application/json", headers=headers)

    assert response.status_code == 401
    assert not InboundPush.objects.exists()
    assert not Inquiry.objects.exists()


def test_an_inquiry_for_another_supplier_is_acknowledged_and_refused(supplier, client):
    response = post_push(client, envelope("inquiry.new", inquiry_data(supplier_id=424242)))
    process_pushes()

    assert response.status_code == 200
    push = InboundPush.objects.get()
    assert push.status == InboundPush.Status.REFUSED and "not ours" in push.error
    assert not Inquiry.objects.exists()


# Hostile bodies -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["price?\u0000 DROP TABLE", "price? \ud800"])
def test_a_nul_character_or_a_lone_surrogate_is_refused_by_the_receiver(supplier, client, content):
    data = inquiry_data(supplier_id=supplier_id(supplier), content=content)

    response = post_push(client, envelope("inquiry.new", data))

    assert response.status_code == 400
    assert not InboundPush.objects.exists()


def test_control_characters_and_bidi_overrides_are_dropped_and_the_rest_kept(supplier, client):
    raw = json.dumps(
        envelope(
            "inquiry.new",
            inquiry_data(
                supplier_id=supplier_id(supplier),
                subject="Jute\tbags\x07 \u202e\x1b[31m",
                content="Line one\r\nLine two\x0b\x7f \x85 <script>alert(1)</script> 価格",
                buyer_name="Ayşe\x08Yılmaz\u2066",
            ),
        )
    ).encode()

    response = post_push(client, None, raw=raw)
    process_pushes()

    assert response.status_code == 200
    inquiry = Inquiry.objects.get()
    assert inquiry.subject == "Jute bags [31m"
    assert inquiry.buyer.name == "AyşeYılmaz"
    opening = inquiry.messages.get()
    assert opening.content == "Line one\nLine two  <script>alert(1)</script> 価格"


@pytest.mark.parametrize(
    "field, value",
    [
        ("content", "x" * 1_000_000),
        ("subject", "s" * 5_000),
        ("buyer_name", "n" * 10_000),
        ("inquiry_id", "12.9"),
        ("inquiry_id", True),
        ("inquiry_id", -5),
        ("inquiry_id", 2**70),
        ("attachments", "not a list"),
        ("attachments", [{"attachment_id": n, "file_name": "a.pdf", "content_type": "x", "size": 1} for n in range(9)]),
        ("attachments", [{"attachment_id": "evil", "file_name": "a.pdf"}]),
        ("content", {"nested": ["objects"]}),
    ],
)
def test_absurd_or_malformed_data_is_refused_with_the_push_acknowledged(supplier, client, field, value):
    response = post_push(
        client, envelope("inquiry.new", inquiry_data(supplier_id=supplier_id(supplier), **{field: value}))
    )
    process_pushes()

    assert response.status_code == 200
    push = InboundPush.objects.get()
    assert push.status == InboundPush.Status.REFUSED and field in push.error  # kept for staff, never retried
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("data", [{}, {"inquiry_id": 1}, {"message_id": 1, "sender": "buyer"}, {"sender": "martian"}])
def test_malformed_messages_are_acknowledged_and_change_nothing(supplier, client, data):
    response = post_push(client, envelope("inquiry.message", {"supplier_id": supplier_id(supplier), **data}))
    process_pushes()

    assert response.status_code == 200
    assert InboundPush.objects.get().status == InboundPush.Status.REFUSED
    assert not Message.objects.exists()


def test_an_attachment_name_is_shown_never_used_as_a_path(supplier, client):
    attachments = [
        {"attachment_id": 7, "file_name": "../../etc/passwd\x00", "content_type": "application/pdf", "size": 3}
    ]
    raw = json.dumps(envelope("inquiry.new", inquiry_data(supplier_id=supplier_id(supplier)))).encode()
    body = json.loads(raw)
    body["data"]["attachments"] = [{**attachments[0], "file_name": "..\\..\\windows\\evil.pdf"}]

    post_push(client, body)
    process_pushes()

    assert Attachment.objects.get().file_name == "evil.pdf"


# Queries -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("attachments", [0, 3])
def test_ingesting_an_inquiry_costs_the_same_queries_every_time(
    supplier, client, attachments, django_assert_num_queries
):
    from alibaba import pushes

    for inquiry_id in (1, 2):  # the first one creates the buyer
        data = inquiry_data(
            supplier_id=supplier_id(supplier), inquiry_id=inquiry_id, attachments=_files(inquiry_id, attachments)
        )
        post_push(client, envelope("inquiry.new", data))
    pushes.process_push(InboundPush.objects.get(data__inquiry_id=1).pk)
    push = InboundPush.objects.get(data__inquiry_id=2)
    files = 5 if attachments else 0  # the files' rows in one insert; the outbox row: select, savepoint, insert, release
    # The push: savepoint, claim, read. The buyer; the product by custom code; the inquiry inserted (a repeat
    # ignored) and read back locked; the seller's first inquiry for the figures (kept only when earlier); the
    # opening; the domain event; release. The seller of the supplier account is remembered from the first push; the
    # e-mail is queued by its own task after commit.
    with django_assert_num_queries(11 + files):
        pushes.process_push(push.pk)
    assert Inquiry.objects.count() == 2


def _files(inquiry_id, count):
    return [
        {"attachment_id": inquiry_id * 10 + n, "file_name": f"{n}.pdf", "content_type": "application/pdf", "size": 9}
        for n in range(count)
    ]
