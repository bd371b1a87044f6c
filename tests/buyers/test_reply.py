"""Replies out: a seller's answer or quotation reaches the buyer through the outbox (``inquiry.reply``) exactly once
under every fault the mock gateway injects (ISP errors, lost answers, bans, expired tokens), is looked for in the
thread before any resend, and shows its state: sending, sent, or failed with the reason and a retry."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from alibaba.models import OutboxJob
from buyers import services
from buyers import sync as buyers_sync
from buyers.errors import NotAllowed, ReplyInvalid
from buyers.models import Delivery, Inquiry, InquiryStatus, Message
from tests.buyers.support import ask, inquiry_of, threads_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _patient_outbox(settings):
    settings.ALIBABA_OUTBOX_MAX_ATTEMPTS = 100


def quotation(**overrides):
    values = {
        "price": Decimal("2.35"),
        "quantity": 2000,
        "unit": "piece",
        "incoterm": "CIF",
        "port_of_loading": "Chattogram",
        "destination": "Hamburg",
        "lead_time_days": 30,
        "payment_terms": ["T/T", "L/C"],
        "valid_until": timezone.now().date() + timedelta(days=20),
        "sample_terms": "Free samples, courier paid by the buyer",
    }
    values.update(overrides)
    return services.quotation_terms(**values)


def drain_through_bans(sync, *, rounds=300):
    """Run the outbox until nothing is pending; a ban is waited out by moving the gateway's clock past it."""
    for _ in range(rounds):
        if not OutboxJob.objects.filter(status=OutboxJob.Status.PENDING).exists():
            return
        for job in OutboxJob.objects.filter(status=OutboxJob.Status.PENDING):
            sync.run_once(job)
        bans = sync.gateway.state()["bans"]
        if bans:
            offset = sync.gateway.config["clock_offset_s"]
            sync.gateway.configure(clock_offset_s=offset + max(bans.values()) + 1)
    raise AssertionError("the outbox did not drain")


def gateway_replies(sync, supplier):
    """{inquiry id: [supplier messages]} as the gateway holds them."""
    return {
        thread["inquiry_id"]: [m for m in thread["messages"] if m["sender"] == "supplier"]
        for thread in threads_of(sync.state(), supplier.supplier_account.supplier_id)
    }


def assert_each_sent_once(sync, supplier, messages):
    state = sync.state()
    assert state["reply_duplicates"] == {}
    held = gateway_replies(sync, supplier)
    for message in messages:
        message.refresh_from_db()
        assert message.delivery == Delivery.SENT, (message.delivery, message.failure_reason)
        replies = held[message.inquiry.gateway_inquiry_id]
        matching = [m for m in replies if m["content"] == message.content]
        assert [m["message_id"] for m in matching] == [message.gateway_message_id]


def test_a_reply_and_a_quotation_reach_the_buyer_with_their_terms(sync, supplier, live):
    first, second = (inquiry_of(i) for i in ask(sync, count=2, attachments=0))

    reply = services.inquiry_reply(inquiry=first, actor=supplier.owner, content="Thank you! US$2.40 per piece.")
    quote = services.inquiry_reply(
        inquiry=second, actor=supplier.owner, content="Our offer is attached.", quotation=quotation()
    )
    assert reply.delivery == quote.delivery == Delivery.SENDING
    sync.drain()

    assert_each_sent_once(sync, supplier, [reply, quote])
    [held] = gateway_replies(sync, supplier)[second.gateway_inquiry_id]
    assert held["quotation"] == {
        "currency": "USD",
        "price": "2.35",
        "quantity": 2000,
        "unit": "piece",
        "incoterm": "CIF",
        "port_of_loading": "Chattogram",
        "destination": "Hamburg",
        "lead_time_days": 30,
        "payment_terms": ["T/T", "L/C"],
        "valid_until": (timezone.now().date() + timedelta(days=20)).isoformat(),
        "sample_terms": "Free samples, courier paid by the buyer",
    }
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (InquiryStatus.REPLIED, InquiryStatus.QUOTED)
    assert first.awaiting_reply_since is None and first.response_seconds is not None


@pytest.mark.parametrize(
    "faults",
    [
        pytest.param({"isp_error_rate": 0.5}, id="isp-errors"),
        pytest.param({"timeout_rate": 0.5}, id="lost-answers"),
        pytest.param({"rate_limit_per_s": 0.5, "rate_limit_burst": 2, "ban_seconds": 5}, id="bans"),
        pytest.param({"expire_access_tokens": True}, id="expired-tokens"),
        pytest.param({"isp_error_rate": 0.3, "timeout_rate": 0.4}, id="everything"),
    ],
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_reply_reaches_the_gateway_exactly_once_under_faults(sync, supplier, live, faults, seed):
    inquiries = [inquiry_of(i) for i in ask(sync, count=6, attachments=0)]
    messages = []
    for n, inquiry in enumerate(inquiries):
        terms = quotation(price=Decimal("2.10") + n) if n % 2 else None
        messages.append(
            services.inquiry_reply(inquiry=inquiry, actor=supplier.owner, content=f"Answer {n}", quotation=terms)
        )

    sync.gateway.configure(seed=seed, **faults)
    drain_through_bans(sync)
    sync.gateway.configure(isp_error_rate=0.0, timeout_rate=0.0)

    assert_each_sent_once(sync, supplier, messages)
    calls = sync.state()["calls"]
    outcomes = set(calls["/dexports/inquiry/reply"]) | set(calls.get("/dexports/inquiry/get", {}))
    assert outcomes - {"ok"}, "the faults were injected"


def test_a_reply_whose_answer_was_lost_is_found_in_the_thread_not_sent_again(sync, supplier, live):
    inquiry = inquiry_of(ask(sync, count=1, attachments=0)[0])
    message = services.inquiry_reply(inquiry=inquiry, actor=supplier.owner, content="Samples are free.")
    job = OutboxJob.objects.get(kind="inquiry.reply", target=str(message.pk))

    sync.gateway.configure(timeout_rate=1.0)
    lost = sync.run_once(job)
    sync.gateway.configure(timeout_rate=0.0)
    found = sync.run_once(job)

    assert lost.outcome == "timeout"
    assert found.outcome == "ok" and found.result["action"] == "found"
    assert sync.state()["calls"]["/dexports/inquiry/reply"] == {"timeout": 1}
    assert_each_sent_once(sync, supplier, [message])


def test_the_pull_finds_a_lost_reply_first_and_the_retry_then_sends_nothing(sync, supplier, live):
    inquiry = inquiry_of(ask(sync, count=1, attachments=0)[0])
    message = services.inquiry_reply(inquiry=inquiry, actor=supplier.owner, content="We can ship in May.")
    job = OutboxJob.objects.get(kind="inquiry.reply", target=str(message.pk))
    sync.gateway.configure(timeout_rate=1.0)
    sync.run_once(job)
    sync.gateway.configure(timeout_rate=0.0)
    sync.gateway.simulate_messages(count=1, inquiry_id=inquiry.gateway_inquiry_id, attachments=0)  # moves the cursor

    buyers_sync.pull_seller(seller=supplier)
    message.refresh_from_db()
    assert message.delivery == Delivery.SENT and message.gateway_message_id is not None
    attempt = sync.run_once(job)

    assert attempt.result["skipped"] == "sent already"
    assert sync.state()["calls"]["/dexports/inquiry/reply"] == {"timeout": 1}
    assert Message.objects.filter(inquiry=inquiry, sender="seller").count() == 1
    assert_each_sent_once(sync, supplier, [message])


def test_the_same_text_sent_twice_on_purpose_is_two_messages(sync, supplier, live):
    inquiry = inquiry_of(ask(sync, count=1, attachments=0)[0])
    first = services.inquiry_reply(inquiry=inquiry, actor=supplier.owner, content="Thank you!")
    sync.drain()
    second = services.inquiry_reply(inquiry=inquiry, actor=supplier.owner, content="Thank you!")
    job = OutboxJob.objects.get(kind="inquiry.reply", target=str(second.pk))
    sync.gateway.configure(timeout_rate=1.0)
    sync.run_once(job)
    sync.gateway.configure(timeout_rate=0.0)
    sync.run_once(job)

    first.refresh_from_db()
    second.refresh_from_db()
    held = gateway_replies(sync, supplier)[inquiry.gateway_inquiry_id]
    assert sorted(m["message_id"] for m in held) == sorted([first.gateway_message_id, second.gateway_message_id])
    assert first.gateway_message_id != second.gateway_message_id


def test_a_refused_reply_fails_with_the_reason_and_can_be_retried(sync, supplier, live):
    inquiry = inquiry_of(ask(sync, count=1, attachments=0)[0])
    Inquiry.objects.filter(pk=inquiry.pk).update(gateway_inquiry_id=999_999)  # the gateway knows no such inquiry
    inquiry.refresh_from_db()
    message = services.inquiry_reply(inquiry=inquiry, actor=supplier.owner, content="Hello")

    sync.drain()
    message.refresh_from_db()
    assert message.delivery == Delivery.FAILED
    assert "Alibaba.com refused the message" in message.failure_reason and "inquiry_id" in message.failure_reason

    Inquiry.objects.filter(pk=inquiry.pk).update(gateway_inquiry_id=sync.state()["threads"][0]["inquiry_id"])
    message = services.inquiry_reply_retry(message=message, actor=supplier.owner)
    assert message.delivery == Delivery.SENDING
    sync.drain()
    assert_each_sent_once(sync, supplier, [message])


def test_only_a_failed_message_can_be_retried(sync, supplier, live):
    inquiry = inquiry_of(ask(sync, count=1, attachments=0)[0])
    message = services.inquiry_reply(inquiry=inquiry, actor=supplier.owner, content="Hello")

    with pytest.raises(NotAllowed):
        services.inquiry_reply_retry(message=message, actor=supplier.owner)


@pytest.mark.parametrize(
    "content, terms, field",
    [
        ("", None, "content"),
        ("   \n ", None, "content"),
        ("x" * 8001, None, "content"),
        ("Offer", {"incoterm": "FOB", "port_of_loading": ""}, "port_of_loading"),
        ("Offer", {"incoterm": "CIF", "destination": ""}, "destination"),
        ("Offer", {"payment_terms": ["Bitcoin"]}, "payment_terms"),
        ("Offer", {"payment_terms": []}, "payment_terms"),
        ("Offer", {"unit": "barrel"}, "unit"),
        ("Offer", {"price": Decimal("0")}, "price"),
        ("Offer", {"lead_time_days": 400}, "lead_time_days"),
        ("Offer", {"valid_until": timezone.now().date() - timedelta(days=1)}, "valid_until"),
        ("Offer", {"valid_until": timezone.now().date() + timedelta(days=181)}, "valid_until"),
    ],
)
def test_a_reply_the_gateway_would_refuse_is_refused_naming_the_field(sync, supplier, live, content, terms, field):
    inquiry = inquiry_of(ask(sync, count=1, attachments=0)[0])

    with pytest.raises(ReplyInvalid) as refused:
        services.inquiry_reply(
            inquiry=inquiry,
            actor=supplier.owner,
            content=content,
            quotation=quotation(**terms) if terms is not None else None,
        )

    assert refused.value.extra["field"] == field
    assert not Message.objects.filter(sender="seller").exists()


def test_an_exw_offer_needs_no_port(sync, supplier, live):
    inquiry = inquiry_of(ask(sync, count=1, attachments=0)[0])
    message = services.inquiry_reply(
        inquiry=inquiry,
        actor=supplier.owner,
        content="Ex works Khulna.",
        quotation=quotation(incoterm="EXW", port_of_loading="", destination=""),
    )
    sync.drain()
    assert_each_sent_once(sync, supplier, [message])


def test_a_spam_inquiry_gets_no_answer_until_the_report_is_taken_back(sync, supplier, live):
    inquiry = inquiry_of(ask(sync, count=1, attachments=0)[0])
    services.inquiry_mark(inquiry=inquiry, actor=supplier.owner, to=InquiryStatus.SPAM)

    with pytest.raises(NotAllowed):
        services.inquiry_reply(inquiry=inquiry, actor=supplier.owner, content="Hello")
    services.inquiry_spam_clear(inquiry=inquiry, actor=supplier.owner)
    services.inquiry_reply(inquiry=inquiry, actor=supplier.owner, content="Hello")

    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.REPLIED


def test_a_suspended_seller_cannot_answer(sync, supplier, live):
    from sellers.models import Seller, SellerStatus

    inquiry = inquiry_of(ask(sync, count=1, attachments=0)[0])
    Seller.objects.filter(pk=supplier.pk).update(status=SellerStatus.SUSPENDED)

    with pytest.raises(NotAllowed):
        services.inquiry_reply(inquiry=inquiry, actor=supplier.owner, content="Hello")
