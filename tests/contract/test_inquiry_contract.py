"""Contract: buyers' inquiries through our client against the real mock gateway, in process and over a socket —
threads, quotations with export terms, attachments downloaded with a byte cap, and a reply whose answer was lost
found in the thread instead of being sent twice."""

import io
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PIL import Image

from alibaba.client import (
    AttachmentTooLarge,
    ConfigurationError,
    GatewayTimeout,
    LinkExpired,
    Quotation,
    Rejected,
    TokenExpired,
    TransientError,
)

from .conftest import a_product

CIF_HAMBURG = Quotation(
    price=Decimal("2.15"),
    quantity=5000,
    unit="piece",
    incoterm="CIF",
    port_of_loading="Chattogram",
    destination="Hamburg",
    lead_time_days=45,
    payment_terms=("T/T", "L/C"),
    sample_terms="Two free samples, courier paid by the buyer.",
)


@pytest.fixture
def live_product(client, gateway, tokens):
    product_id = client.product_add(tokens.access_token, a_product(client, tokens)).product_id
    gateway.tick(all_reviews_due=True)
    return product_id


@pytest.fixture
def inquiry_id(gateway, live_product):
    [inquiry] = gateway.simulate_inquiries(product_id=live_product, countries=["DE"], attachments=3)
    return inquiry["inquiry_id"]


@pytest.fixture
def other_tokens(client):
    account = client.supplier_create(seller_ref="seller-2", company_name="Other Ltd", contact_email="b@o.bd")
    return client.token_create(account.code)


def test_a_quotation_goes_out_and_comes_back_as_typed_terms(client, tokens, inquiry_id):
    message_id = client.inquiry_reply(tokens.access_token, inquiry_id, content="Our offer:", quotation=CIF_HAMBURG)

    thread = client.inquiry_get(tokens.access_token, inquiry_id)

    [reply] = thread.messages
    assert (reply.message_id, reply.sender, reply.content) == (message_id, "supplier", "Our offer:")
    assert reply.quotation.same_offer(CIF_HAMBURG)
    assert reply.quotation.valid_until == datetime.now(UTC).date() + timedelta(days=30)
    assert reply.quotation.price == Decimal("2.15")
    assert (thread.buyer_country, len(thread.attachments)) == ("DE", 3)


def test_a_quotation_breaking_a_rule_names_its_field(client, tokens, inquiry_id):
    with pytest.raises(Rejected) as raised:
        client.inquiry_reply(
            tokens.access_token,
            inquiry_id,
            content="Offer",
            quotation={**CIF_HAMBURG.as_params(), "valid_until": str(datetime.now(UTC).date() - timedelta(days=3))},
        )

    assert raised.value.field == "quotation.valid_until"


def test_the_thread_of_another_supplier_is_refused(client, other_tokens, inquiry_id):
    with pytest.raises(ConfigurationError) as raised:
        client.inquiry_get(other_tokens.access_token, inquiry_id)

    assert raised.value.code == "InsufficientPermission"


def test_attachments_download_whole_within_the_cap(client, tokens, inquiry_id):
    thread = client.inquiry_get(tokens.access_token, inquiry_id)

    for attachment in thread.attachments:
        buffer = io.BytesIO()
        downloaded = client.inquiry_attachment_download(tokens.access_token, attachment.attachment_id, buffer)
        assert (downloaded.size, downloaded.content_type) == (attachment.size, attachment.content_type)
        assert downloaded.attachment == attachment
        assert len(buffer.getvalue()) == attachment.size
        if attachment.content_type != "application/pdf":
            Image.open(buffer).load()
        else:
            assert buffer.getvalue().startswith(b"%PDF")


def test_a_file_over_the_cap_is_refused_before_any_byte_moves(client, gateway, tokens, inquiry_id):
    attachment = client.inquiry_get(tokens.access_token, inquiry_id).attachments[0]
    buffer = io.BytesIO()

    with pytest.raises(AttachmentTooLarge) as raised:
        client.inquiry_attachment_download(tokens.access_token, attachment.attachment_id, buffer, max_bytes=1000)

    assert (raised.value.limit, raised.value.size) == (1000, attachment.size)
    assert buffer.getvalue() == b""
    assert "/files/inquiry-attachments" not in gateway.state()["calls"]


def test_a_link_used_after_it_expired_asks_for_a_new_one(client, gateway, tokens, inquiry_id):
    attachment = client.inquiry_get(tokens.access_token, inquiry_id).attachments[0]
    link = client.inquiry_attachment_link(tokens.access_token, attachment.attachment_id)
    assert "signature" not in repr(link)
    gateway.configure(clock_offset_s=gateway.config["attachment_url_ttl_s"] + 1)

    with pytest.raises(LinkExpired) as raised:
        client.download(link.url, io.BytesIO(), max_bytes=10**8)

    assert not raised.value.outcome_unknown
    fresh = client.inquiry_attachment_download(tokens.access_token, attachment.attachment_id, io.BytesIO())
    assert fresh.size == attachment.size


def test_another_suppliers_attachment_gets_no_link(client, other_tokens, tokens, inquiry_id):
    attachment = client.inquiry_get(tokens.access_token, inquiry_id).attachments[0]

    with pytest.raises(ConfigurationError) as raised:
        client.inquiry_attachment_download(other_tokens.access_token, attachment.attachment_id, io.BytesIO())

    assert raised.value.code == "InsufficientPermission"


def test_a_file_host_failure_is_transient(client, gateway, tokens, inquiry_id):
    attachment = client.inquiry_get(tokens.access_token, inquiry_id).attachments[0]
    link = client.inquiry_attachment_link(tokens.access_token, attachment.attachment_id)
    gateway.configure(isp_error_rate=1.0)

    with pytest.raises(TransientError) as raised:
        client.download(link.url, io.BytesIO(), max_bytes=10**8)

    assert (raised.value.code, raised.value.outcome_unknown) == ("ServiceUnavailable", False)


def test_a_reply_whose_answer_was_lost_is_found_in_the_thread_not_sent_again(client, gateway, tokens, inquiry_id):
    sent_from = datetime.now(UTC)
    gateway.configure(timeout_rate=1.0)
    with pytest.raises(GatewayTimeout) as raised:
        client.inquiry_reply(tokens.access_token, inquiry_id, content="Our offer", quotation=CIF_HAMBURG)
    assert raised.value.outcome_unknown
    gateway.configure(timeout_rate=0.0)

    found = client.inquiry_get(tokens.access_token, inquiry_id).find_reply(
        content="Our offer", sent_from=sent_from, quotation=CIF_HAMBURG
    )

    assert found is not None and found.sender == "supplier"
    state = gateway.state()
    assert [m["message_id"] for m in state["threads"][0]["messages"]] == [found.message_id]
    assert state["reply_duplicates"] == {}


def reply_exactly_once(client, token_holder: dict, inquiry_id: int, content: str, refresh) -> int:
    """What the buyers app's outbox handler must do: retry what is transient (waiting as told), refresh an expired
    token, and after an answer that may have been lost look for the reply in the thread before sending it again."""
    sent_from = datetime.now(UTC)
    maybe_sent = stale_token = False
    while True:
        try:
            if stale_token:
                token_holder["access"] = refresh()
                stale_token = False
            if maybe_sent:
                thread = client.inquiry_get(token_holder["access"], inquiry_id)
                found = thread.find_reply(content=content, sent_from=sent_from, quotation=CIF_HAMBURG)
                if found is not None:
                    return found.message_id
            return client.inquiry_reply(token_holder["access"], inquiry_id, content=content, quotation=CIF_HAMBURG)
        except TokenExpired:
            stale_token = True
        except TransientError as error:
            maybe_sent = maybe_sent or error.outcome_unknown
            if error.retry_after:
                time.sleep(error.retry_after)


@pytest.mark.slow
def test_forty_replies_through_every_fault_reach_each_buyer_exactly_once(client, gateway, tokens, live_product):
    """30 % ISP errors, lost answers after the write, a ban, and access tokens that expire along the way: every
    reply lands once, none twice, none lost."""
    inquiries = gateway.simulate_inquiries(count=40, product_id=live_product, attachments=0)
    holder = {"access": tokens.access_token}

    def refresh() -> str:
        return client.token_refresh(tokens.refresh_token).access_token

    gateway.configure(seed=2027, isp_error_rate=0.3, timeout_rate=0.15, rate_limit_per_s=20, rate_limit_burst=25,
                      ban_seconds=1)  # fmt: skip
    ids = []
    for number, inquiry in enumerate(inquiries):
        if number % 10 == 5:
            gateway.expire_access_tokens()
        ids.append(reply_exactly_once(client, holder, inquiry["inquiry_id"], f"Offer {number}", refresh))

    state = gateway.state()
    assert len(set(ids)) == 40
    assert state["reply_duplicates"] == {}
    replies = [m for thread in state["threads"] for m in thread["messages"] if m["sender"] == "supplier"]
    assert sorted(m["content"] for m in replies) == sorted(f"Offer {n}" for n in range(40))
    outcomes = state["calls"]["/dexports/inquiry/reply"]
    assert outcomes.get("timeout", 0) > 0
    assert outcomes.get("ServiceUnavailable", 0) + outcomes.get("isp.remote-service-error", 0) > 5
    assert any("IllegalAccessToken" in calls for calls in state["calls"].values())
    assert any("ApiCallLimit" in calls for calls in state["calls"].values())
