"""The contract tests' gateway, and clients of it in process (httpx's WSGI transport) and over a real loopback
socket: every scenario runs both ways."""

import httpx
import pytest

from alibaba.client import AlibabaClient
from alibaba.mock import MockGateway, serve_in_thread
from alibaba.mock.transport import MockTransport

APP_KEY = "client-test-app"
APP_SECRET = "client-test-secret"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JUTE_BAGS = 1202  # a leaf of the mock's seeded tree


@pytest.fixture
def gateway():
    gateway = MockGateway(
        app_key=APP_KEY,
        app_secret=APP_SECRET,
        push_sender=lambda url, body, headers: 200,
        seed=11,
        rate_limit_per_s=None,
        daily_quota=None,
        review_delay_s=60,
        reject_rate=0.0,
    )
    yield gateway
    gateway.close()


@pytest.fixture(params=["in_process", "loopback"])
def served(request, gateway):
    """``(base_url, transport)`` of ``gateway``: through httpx's WSGI transport (``transport`` set), or over HTTP to
    the gateway served on a free loopback port (``transport`` None)."""
    if request.param == "loopback":
        base_url, stop = serve_in_thread(gateway)
        yield base_url, None
        stop()
    else:
        yield "http://mock-gateway", MockTransport(gateway)


@pytest.fixture
def make_client(served):
    """Clients of the served gateway; over the socket with a short read timeout, so that a lost answer is a real
    socket timeout."""
    base_url, transport = served
    options = {"transport": transport} if transport else {"read_timeout": 1.0}
    clients = []

    def make(**kwargs):
        kwargs.setdefault("app_secret", APP_SECRET)
        client = AlibabaClient(base_url, APP_KEY, **options, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def http(served):
    """A bare HTTP client of the served gateway, for callers that are not ours (the SDK's form)."""
    base_url, transport = served
    with httpx.Client(base_url=base_url, transport=transport, timeout=5.0) as client:
        yield client


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def tokens(client):
    account = client.supplier_create(seller_ref="seller-1", company_name="Golden Fibre Ltd", contact_email="a@gf.bd")
    return client.token_create(account.code)


def a_product(client, tokens, **changes):
    photo = client.photobank_upload(tokens.access_token, filename="bag.png", content=PNG)
    attributes = client.category_attributes(JUTE_BAGS)
    chosen = [
        {"attribute_id": attribute.attribute_id, "value_id": attribute.values[0].value_id}
        if attribute.values
        else {"attribute_id": attribute.attribute_id, "value_name": "Golden Fibre"}
        for attribute in attributes
        if attribute.required
    ]
    product = {
        "subject": "Eco-friendly Hessian Jute Shopping Bag",
        "category_id": JUTE_BAGS,
        "keywords": ["jute bag"],
        "attributes": chosen,
        "main_image": {"images": [photo]},
        "sourcing_trade": {
            "fob_currency": "USD",
            "fob_min_price": "1.20",
            "fob_max_price": "2.50",
            "fob_unit_type": "piece",
            "min_order_quantity": 500,
            "supply_quantity": 50000,
            "supply_period_type": "month",
            "delivery_port": "Chattogram",
            "payment_methods": ["T/T"],
            "deliver_periods": [{"quantity": 1000, "days": 25}],
            "packaging_desc": "50 bags per carton",
        },
        "bulk_discount_prices": [{"start_quantity": 500, "price": "2.50"}],
        "description": "<p>Natural hessian jute bag.</p>",
        "custom_code": "listing-0001",
    }
    product.update(changes)
    return product
