"""The mock gateway in process, and a tiny signing client of our own (the project's client is tested elsewhere and
must not be what proves the mock right)."""

import hashlib
import hmac
import json
import time

import httpx
import pytest

from alibaba.mock import MockGateway
from alibaba.mock.transport import MockTransport

APP_KEY = "test-app"
APP_SECRET = "test-secret"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def sign(secret: str, api_path: str, params: dict[str, str]) -> str:
    text = api_path + "".join(key + params[key] for key in sorted(params) if key != "sign")
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


def signed(api_path: str, params: dict, *, secret=APP_SECRET, app_key=APP_KEY, timestamp_ms=None) -> dict[str, str]:
    """``params`` with the system parameters and the sign; dicts and lists become JSON strings."""
    full = {key: json.dumps(value) if isinstance(value, dict | list) else str(value) for key, value in params.items()}
    full = {
        "app_key": app_key,
        "timestamp": str(timestamp_ms or int(time.time() * 1000)),
        "sign_method": "sha256",
        **full,
    }
    full["sign"] = sign(secret, api_path, full)
    return full


class Api:
    """Signed calls to a gateway through any httpx client (in process or over a socket)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def post(self, api_path: str, data: dict[str, str], files=None) -> dict:
        response = self.client.post(f"/rest{api_path}", data=data, files=files)
        assert response.status_code == 200, response.text
        return response.json()

    def call(self, api_path: str, /, *, token: str | None = None, files=None, **params) -> dict:
        if token is not None:
            params["access_token"] = token
        return self.post(api_path, signed(api_path, params), files)

    def ok(self, api_path: str, /, **kwargs) -> dict:
        answer = self.call(api_path, **kwargs)
        assert answer["code"] == "0", answer
        return answer

    def error(self, api_path: str, expected_code: str, /, **kwargs) -> dict:
        answer = self.call(api_path, **kwargs)
        assert answer["code"] == expected_code, answer
        return answer


class Receiver:
    """Captures pushes in process; answers ``statuses`` in turn, then 200."""

    def __init__(self) -> None:
        self.pushes: list[tuple[str, bytes, dict[str, str]]] = []
        self.statuses: list[int] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.pushes.append((url, body, headers))
        return self.statuses.pop(0) if self.statuses else 200

    def events(self, message_type: str | None = None) -> list[dict]:
        bodies = [json.loads(body) for _, body, _ in self.pushes]
        return [body for body in bodies if message_type in (None, body["message_type"])]


@pytest.fixture
def receiver():
    return Receiver()


@pytest.fixture
def gateway(receiver):
    """No rate limit or quota unless a test switches them on; reviews wait for an explicit tick."""
    gateway = MockGateway(
        app_key=APP_KEY,
        app_secret=APP_SECRET,
        push_sender=receiver,
        seed=7,
        rate_limit_per_s=None,
        daily_quota=None,
        review_delay_s=60,
    )
    yield gateway
    gateway.close()


@pytest.fixture
def api(gateway):
    with httpx.Client(transport=MockTransport(gateway), base_url="http://mock-gateway") as client:
        yield Api(client)


def make_seller(api: Api, seller_ref: str = "seller-1") -> dict:
    created = api.ok(
        "/dexports/supplier/create",
        seller_ref=seller_ref,
        company_name="Golden Fibre Ltd",
        contact_email="ops@gf.com.bd",
    )
    tokens = api.ok("/auth/token/create", code=created["auth_code"])
    return {**tokens, "photo": upload(api, tokens["access_token"])}


def upload(api: Api, token: str, content: bytes = PNG) -> str:
    return api.ok("/alibaba/icbu/photobank/upload", token=token, files={"image": ("photo.png", content, "image/png")})[
        "photobank_url"
    ]


@pytest.fixture
def seller(api):
    return make_seller(api)


@pytest.fixture
def other_seller(api):
    return make_seller(api, "seller-2")


def product_payload(photo: str, **changes) -> dict:
    """A valid jute shopping bag (category 1202); ``changes`` replace top-level fields."""
    product = {
        "subject": "Eco-friendly Hessian Jute Shopping Bag with Cotton Handles",
        "category_id": 1202,
        "keywords": ["jute bag", "hessian tote", "eco shopping bag"],
        "attributes": [
            {"attribute_id": 1, "value_name": "Bangladesh"},
            {"attribute_id": 3, "value_name": "Hessian Jute"},
            {"attribute_id": 2, "value_name": "Golden Fibre"},
            {"attribute_id": 5, "value_name": "GOTS"},
            {"attribute_id": 5, "value_name": "Fair Trade"},
        ],
        "main_image": {"images": [photo]},
        "sourcing_trade": {
            "fob_currency": "USD",
            "fob_min_price": "1.20",
            "fob_max_price": 2.5,
            "fob_unit_type": "piece",
            "min_order_quantity": 500,
            "supply_quantity": 50000,
            "supply_period_type": "month",
            "delivery_port": "Chattogram",
            "payment_methods": ["T/T", "L/C"],
            "deliver_periods": [{"quantity": 1000, "days": 25}, {"quantity": 10000, "days": 45}],
            "packaging_desc": "50 bags per export carton",
        },
        "bulk_discount_prices": [{"start_quantity": 500, "price": "2.50"}, {"start_quantity": 5000, "price": "1.90"}],
        "description": "<p>Natural hessian jute bag, 38 x 42 cm, laminated inside.</p>",
        "custom_code": "listing-0001",
    }
    product.update(changes)
    return product


def add_product(api: Api, seller: dict, **changes) -> int:
    product = product_payload(seller["photo"], **changes)
    return api.ok("/alibaba/icbu/product/add", token=seller["access_token"], product=product)["product_id"]


def wait_for(condition, *, timeout: float = 5.0, interval: float = 0.01):
    """Polls ``condition`` until it answers something truthy; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)
