"""Contract: our client against the real mock gateway, every scenario twice — in process (httpx's WSGI transport)
and over a real loopback socket. Every typed call, and every error class provoked the way the gateway really
produces it (faults switched on through its config, seeded)."""

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from alibaba.client import (
    ConfigurationError,
    DailyQuotaExceeded,
    GatewayTimeout,
    RateLimited,
    Rejected,
    TokenExpired,
    TransientError,
)
from alibaba.ratelimit import LocalRateLimiter

from .conftest import JUTE_BAGS, a_product


def test_a_seller_goes_from_account_to_live_product_to_answered_inquiry(client, gateway):
    account = client.supplier_create(seller_ref="seller-1", company_name="Golden Fibre Ltd", contact_email="a@gf.bd")
    tokens = client.token_create(account.code)
    assert tokens.supplier_id == account.supplier_id
    assert tokens.access_expires_at - datetime.now(UTC) == pytest.approx(timedelta(days=10), abs=timedelta(minutes=1))

    roots = client.category_get()
    jute = next(category for category in roots if category.category_id == 1000)
    assert not jute.is_leaf
    bags = next(child for child in client.category_get(jute.category_id) if child.category_id == 1200)
    assert bags.parent_id == jute.category_id
    assert any(leaf.category_id == JUTE_BAGS and leaf.is_leaf for leaf in client.category_get(bags.category_id))

    product = a_product(client, tokens)
    product_id = client.product_add(tokens.access_token, product).product_id
    added = client.product_get(tokens.access_token, product_id)
    assert (added.custom_code, added.status, added.display) == ("listing-0001", "new", "N")

    gateway.tick(all_reviews_due=True)
    page = client.product_list(tokens.access_token, custom_code="listing-0001")
    assert (page.total, page.products[0].status, page.products[0].display) == (1, "approved", "Y")
    since = client.product_list(tokens.access_token, modified_from=datetime.now(UTC) - timedelta(minutes=1))
    assert [p.product_id for p in since.products] == [product_id]

    gateway.simulate_inquiries(count=1, product_id=product_id)
    inquiries = client.inquiry_list(tokens.access_token)
    inquiry = inquiries.inquiries[0]
    assert (inquiry.product_id, inquiry.custom_code) == (product_id, "listing-0001")
    quotation = {
        "price": Decimal("1.85"), "currency": "USD", "quantity": 5000, "unit": "piece", "incoterm": "FOB",
        "port_of_loading": "Chattogram", "lead_time_days": 30, "payment_terms": ["T/T", "L/C"],
    }  # fmt: skip
    reply_id = client.inquiry_reply(tokens.access_token, inquiry.inquiry_id, content="Our offer:", quotation=quotation)
    assert reply_id > 0
    assert inquiries.next_cursor is not None

    client.product_update(tokens.access_token, product_id, {**product, "subject": "Hessian Jute Tote Bag"})
    client.product_set_display(tokens.access_token, [product_id], on=False)
    assert client.product_get(tokens.access_token, product_id).display == "N"

    refreshed = client.token_refresh(tokens.refresh_token)
    assert client.product_get(refreshed.access_token, product_id).product_id == product_id


def test_an_invalid_product_is_rejected_with_its_field(client, tokens):
    with pytest.raises(Rejected) as raised:
        client.product_add(tokens.access_token, a_product(client, tokens, subject="Jute bag — handmade"))

    assert raised.value.field == "subject"
    assert "ASCII" in raised.value.user_message


def test_a_timeout_after_the_write_is_found_again_by_custom_code(client, gateway, tokens):
    product = a_product(client, tokens)
    gateway.configure(timeout_rate=1.0)

    with pytest.raises(GatewayTimeout) as raised:
        client.product_add(tokens.access_token, product)

    assert raised.value.outcome_unknown
    gateway.configure(timeout_rate=0.0)
    assert client.product_list(tokens.access_token, custom_code="listing-0001").total == 1


def test_a_ban_from_the_gateway_pauses_the_shared_limiter(make_client, gateway):
    limiter = LocalRateLimiter(rate=1000, burst=1000)
    client = make_client(rate_limiter=limiter)
    gateway.configure(rate_limit_per_s=0.001, rate_limit_burst=1, ban_seconds=30)
    client.category_get()

    with pytest.raises(RateLimited) as raised:
        client.category_get()

    assert raised.value.ban_seconds == 30
    assert 29 < limiter.paused_for() <= 30


def test_an_expired_access_token_is_refreshed_then_the_call_succeeds(client, gateway, tokens):
    gateway.expire_access_tokens()

    with pytest.raises(TokenExpired):
        client.inquiry_list(tokens.access_token)

    fresh = client.token_refresh(tokens.refresh_token)
    assert client.inquiry_list(fresh.access_token).inquiries == ()


def test_isp_errors_are_transient(client, gateway):
    gateway.configure(isp_error_rate=1.0)

    with pytest.raises(TransientError) as raised:
        client.category_get()

    assert raised.value.type == "ISP"
    assert raised.value.code in ("ServiceUnavailable", "isp.remote-service-error")


def test_a_used_up_daily_quota_says_when_it_resets(client, gateway):
    gateway.configure(daily_quota=1)
    client.category_get()

    with pytest.raises(DailyQuotaExceeded) as raised:
        client.category_get()

    now = time.time()
    assert raised.value.retry_after == pytest.approx(86400 - now % 86400, abs=2)


@pytest.mark.parametrize(
    ("client_kwargs", "api_path", "code"),
    [
        ({"app_secret": "not-the-secret"}, "/alibaba/icbu/category/get", "IncompleteSignature"),
        ({"clock": lambda: time.time() - 3600}, "/alibaba/icbu/category/get", "InvalidTimestamp"),
        ({}, "/alibaba/icbu/no/such/call", "InvalidApiPath"),
    ],
)
def test_our_own_mistakes_are_configuration_errors(make_client, client_kwargs, api_path, code):
    client = make_client(**client_kwargs)

    with pytest.raises(ConfigurationError) as raised:
        client.call(api_path, {"cat_id": 0})

    assert raised.value.code == code


def test_another_sellers_product_is_an_insufficient_permission(client, tokens):
    product_id = client.product_add(tokens.access_token, a_product(client, tokens)).product_id
    other = client.supplier_create(seller_ref="seller-2", company_name="Other Ltd", contact_email="b@o.bd")
    other_tokens = client.token_create(other.code)

    with pytest.raises(ConfigurationError) as raised:
        client.product_get(other_tokens.access_token, product_id)

    assert raised.value.code == "InsufficientPermission"


def add_with_a_simple_retry(client, token, product):
    """What a careful caller does: retry what is transient, waiting as told; after an answer that was lost, look the
    product up by its custom_code before adding it again (the gateway has no idempotency keys)."""
    maybe_written = False
    while True:
        try:
            if maybe_written:
                found = client.product_list(token, custom_code=product["custom_code"])
                if found.total:
                    return found.products[0].product_id
            return client.product_add(token, product).product_id
        except TransientError as error:
            maybe_written = maybe_written or error.outcome_unknown
            if error.retry_after:
                time.sleep(error.retry_after)


@pytest.mark.slow
def test_two_hundred_adds_through_isp_errors_timeouts_and_a_rate_limit_land_exactly_once(make_client, gateway):
    """30 % ISP errors, a few answers lost after the write, and a gateway limit of 5 calls/s that our shared
    limiter respects: 200 adds end as exactly 200 products, each found by its custom_code, none twice, no ban."""
    client = make_client(rate_limiter=LocalRateLimiter(rate=5, burst=1))
    account = client.supplier_create(seller_ref="seller-1", company_name="Golden Fibre Ltd", contact_email="a@gf.bd")
    tokens = client.token_create(account.code)
    template = a_product(client, tokens)
    token = tokens.access_token
    gateway.configure(seed=2026, isp_error_rate=0.3, timeout_rate=0.05, rate_limit_per_s=5, rate_limit_burst=5)

    ids = [add_with_a_simple_retry(client, token, {**template, "custom_code": f"listing-{n:04d}"}) for n in range(200)]

    state = gateway.state()
    assert len(set(ids)) == 200
    assert state["product_count"] == 200
    assert state["duplicates"] == {}
    assert all(len(state["products"][f"listing-{n:04d}"]) == 1 for n in range(200))
    add_outcomes = state["calls"]["/alibaba/icbu/product/add"]
    assert add_outcomes.get("ServiceUnavailable", 0) + add_outcomes.get("isp.remote-service-error", 0) > 40
    assert add_outcomes.get("timeout", 0) > 0
    assert not any("ApiCallLimit" in outcomes for outcomes in state["calls"].values())
