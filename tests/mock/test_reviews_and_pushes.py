"""Asynchronous review, buyers' inquiries and messages, and the signed pushes that announce them."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from alibaba.mock import MockGateway
from alibaba.mock.transport import MockTransport

from .conftest import APP_KEY, APP_SECRET, Api, add_product, make_seller


def approved_product(api, gateway, seller, **changes) -> int:
    product_id = add_product(api, seller, **changes)
    gateway.tick(all_reviews_due=True)
    return product_id


def test_review_waits_for_its_delay(api, gateway, seller, receiver):
    gateway.configure(review_delay_s=30)
    add_product(api, seller)
    assert gateway.tick()["reviewed"] == 0
    gateway.configure(clock_offset_s=31)
    assert gateway.tick()["reviewed"] == 1
    assert gateway.tick()["reviewed"] == 0
    assert len(receiver.events("product.reviewed")) == 1


def test_an_approval_is_pushed_signed(api, gateway, seller, receiver):
    product_id = approved_product(api, gateway, seller)
    [(url, body, headers)] = receiver.pushes
    assert url == "http://127.0.0.1:8000/hooks/alibaba/"
    expected = hmac.new(APP_SECRET.encode(), APP_KEY.encode() + body, hashlib.sha256).hexdigest().upper()
    assert headers["Authorization"] == expected
    assert headers["Content-Type"] == "application/json"
    push = json.loads(body)
    assert set(push) == {"event_id", "message_type", "data", "timestamp", "site"}
    assert (push["message_type"], push["site"]) == ("product.reviewed", "icbu_global")
    assert abs(push["timestamp"] / 1000 - gateway.now()) < 60
    assert push["data"] == {
        "supplier_id": seller["supplier_id"],
        "product_id": product_id,
        "custom_code": "listing-0001",
        "status": "approved",
        "display": "Y",
        "reason": None,
        "gmt_modified": push["data"]["gmt_modified"],
    }


def test_a_rejection_comes_with_a_reason(api, gateway, seller, receiver):
    gateway.configure(reject_rate=1.0)
    product_id = approved_product(api, gateway, seller)
    product = api.ok("/alibaba/icbu/product/get", token=seller["access_token"], product_id=product_id)["product"]
    assert (product["status"], product["display"]) == ("tbd", "N")
    assert product["reason"]
    [push] = receiver.events()
    assert (push["data"]["status"], push["data"]["reason"]) == ("tbd", product["reason"])


def test_verdicts_follow_the_seed_not_the_timing(receiver):
    def verdicts(seed: int, batches: int) -> list[str]:
        gateway = MockGateway(app_key=APP_KEY, app_secret=APP_SECRET, seed=seed, reject_rate=0.5, push_sender=receiver)
        with httpx.Client(transport=MockTransport(gateway), base_url="http://mock") as client:
            api = Api(client)
            seller = make_seller(api)
            for n in range(30):
                add_product(api, seller, custom_code=f"listing-{n:02}")
                if n % (30 // batches) == 0:
                    gateway.tick(all_reviews_due=True)
            gateway.tick(all_reviews_due=True)
            statuses = [held[0]["status"] for _, held in sorted(gateway.state()["products"].items())]
        gateway.close()
        return statuses

    once = verdicts(3, 1)
    assert once == verdicts(3, 10)
    assert 5 <= once.count("tbd") <= 25
    assert once != verdicts(4, 1)


def test_reject_rate_is_roughly_kept(api, gateway, seller):
    gateway.configure(reject_rate=0.3)
    for n in range(60):
        add_product(api, seller, custom_code=f"listing-{n}")
    gateway.tick(all_reviews_due=True)
    statuses = [held[0]["status"] for held in gateway.state()["products"].values()]
    assert 8 <= statuses.count("tbd") <= 30
    assert statuses.count("tbd") + statuses.count("approved") == 60


def test_a_failed_push_is_retried_with_backoff(api, gateway, seller, receiver):
    gateway.configure(push_backoff_s=10)
    receiver.statuses = [500, 503]
    approved_product(api, gateway, seller)
    [recent] = gateway.state()["pushes"]["recent"]
    assert (recent["status"], recent["attempts"], recent["last_status"]) == ("pending", 1, 500)
    assert gateway.tick()["pushes_failed"] == 0
    gateway.configure(clock_offset_s=10)
    assert gateway.tick()["pushes_failed"] == 1
    gateway.configure(clock_offset_s=20)
    assert gateway.tick()["pushes_delivered"] == 0
    gateway.configure(clock_offset_s=30)
    assert gateway.tick()["pushes_delivered"] == 1
    assert len({body for _, body, _ in receiver.pushes}) == 1
    pushes = gateway.state()["pushes"]
    assert (pushes["delivered"], pushes["pending"], pushes["failed"]) == (1, 0, 0)
    assert pushes["recent"][0]["attempts"] == 3


def test_a_push_gives_up_after_its_attempts(api, gateway, seller, receiver):
    gateway.configure(push_backoff_s=0, push_max_attempts=3)

    def unreachable(url, body, headers):
        receiver.pushes.append((url, body, headers))
        raise ConnectionRefusedError("nobody listens")

    gateway._sender = unreachable
    approved_product(api, gateway, seller)
    gateway.tick()
    gateway.tick()
    gateway.tick()
    assert len(receiver.pushes) == 3
    pushes = gateway.state()["pushes"]
    assert pushes["failed"] == 1
    assert "ConnectionRefusedError" in pushes["recent"][0]["last_error"]


def test_pushes_go_to_the_configured_url(api, gateway, seller, receiver):
    gateway.configure(push_url="http://127.0.0.1:9999/elsewhere/")
    approved_product(api, gateway, seller)
    assert receiver.pushes[0][0] == "http://127.0.0.1:9999/elsewhere/"


def test_buyers_ask_only_about_live_products(api, gateway, seller):
    with pytest.raises(LookupError):
        gateway.simulate_inquiries()
    add_product(api, seller)
    with pytest.raises(LookupError):
        gateway.simulate_inquiries()
    response = api.client.post("/_mock/simulate/inquiries", json={"count": 1})
    assert response.status_code == 409


def test_a_new_inquiry_is_pushed(api, gateway, seller, receiver):
    product_id = approved_product(api, gateway, seller)
    [inquiry] = gateway.simulate_inquiries(count=1, product_id=product_id)
    gateway.tick()
    [push] = receiver.events("inquiry.new")
    assert push["data"] == inquiry
    assert inquiry["product_id"] == product_id
    assert inquiry["custom_code"] == "listing-0001"
    assert inquiry["supplier_id"] == seller["supplier_id"]
    assert inquiry["buyer_name"] and len(inquiry["buyer_country"]) == 2
    assert inquiry["quantity"] % 500 == 0
    assert "Eco-friendly Hessian Jute Shopping Bag" in inquiry["content"]


def test_inquiries_are_pulled_with_a_cursor(api, gateway, seller, other_seller):
    approved_product(api, gateway, seller)
    elsewhere = approved_product(api, gateway, other_seller, custom_code="other")
    gateway.simulate_inquiries(count=5)
    token = seller["access_token"]
    seen, cursor = [], ""
    while True:
        page = api.ok("/dexports/inquiry/list", token=token, cursor=cursor, page_size=2)
        seen += page["inquiries"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert all(i["supplier_id"] == seller["supplier_id"] for i in seen)
    assert all(i["product_id"] != elsewhere for i in seen)
    again = api.ok("/dexports/inquiry/list", token=token, cursor=cursor)
    assert (again["inquiries"], again["next_cursor"], again["has_more"]) == ([], cursor, False)
    total = len(seen) + len(api.ok("/dexports/inquiry/list", token=other_seller["access_token"])["inquiries"])
    assert total == 5


def test_reply_with_a_quotation(api, gateway, seller):
    product_id = approved_product(api, gateway, seller)
    [inquiry] = gateway.simulate_inquiries(product_id=product_id)
    quotation = {
        "price": "1.85", "currency": "USD", "quantity": 5000, "unit": "piece", "incoterm": "FOB",
        "port_of_loading": "Chattogram", "lead_time_days": 30, "payment_terms": ["T/T"],
    }  # fmt: skip
    answer = api.ok(
        "/dexports/inquiry/reply", token=seller["access_token"], inquiry_id=inquiry["inquiry_id"],
        content="Dear Sir, our best FOB price is USD 1.85.", quotation=quotation,
    )  # fmt: skip
    assert answer["inquiry_id"] == inquiry["inquiry_id"]
    [listed] = api.ok("/dexports/inquiry/list", token=seller["access_token"])["inquiries"]
    [message] = listed["messages"]
    assert message["message_id"] == answer["message_id"]
    today = datetime.fromtimestamp(gateway.now(), UTC).date()
    expected = {**quotation, "destination": None, "sample_terms": "", "valid_until": str(today + timedelta(days=30))}
    assert (message["sender"], message["quotation"]) == ("supplier", expected)


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"content": ""}, "MissingParameter", "content"),
        ({"quotation": "{"}, "InvalidParameter", "quotation"),
        ({"inquiry_id": 5}, "InvalidParameter", "inquiry_id"),
    ],
)
def test_reply_checks_its_parameters(api, gateway, seller, params, code, field):
    [inquiry] = gateway.simulate_inquiries(product_id=approved_product(api, gateway, seller))
    params = {"inquiry_id": inquiry["inquiry_id"], "content": "Thanks", **params}
    assert api.error("/dexports/inquiry/reply", code, token=seller["access_token"], **params)["field"] == field


def test_reply_to_another_suppliers_inquiry_is_forbidden(api, gateway, seller, other_seller):
    [inquiry] = gateway.simulate_inquiries(product_id=approved_product(api, gateway, seller))
    api.error(
        "/dexports/inquiry/reply", "InsufficientPermission", token=other_seller["access_token"],
        inquiry_id=inquiry["inquiry_id"], content="Hello",
    )  # fmt: skip


def test_a_buyer_message_is_pushed_and_moves_the_inquiry_past_the_cursor(api, gateway, seller, receiver):
    [inquiry] = gateway.simulate_inquiries(product_id=approved_product(api, gateway, seller))
    token = seller["access_token"]
    cursor = api.ok("/dexports/inquiry/list", token=token)["next_cursor"]
    [message] = gateway.simulate_messages(inquiry_id=inquiry["inquiry_id"])
    gateway.tick()
    [push] = receiver.events("inquiry.message")
    assert push["data"] == message
    assert (message["sender"], message["inquiry_id"]) == ("buyer", inquiry["inquiry_id"])
    [changed] = api.ok("/dexports/inquiry/list", token=token, cursor=cursor)["inquiries"]
    assert changed["inquiry_id"] == inquiry["inquiry_id"]
    assert [m["content"] for m in changed["messages"]] == [message["content"]]


def test_simulation_through_the_harness(api, gateway, seller):
    product_id = approved_product(api, gateway, seller)
    inquiries = api.client.post("/_mock/simulate/inquiries", json={"count": 2, "product_id": product_id}).json()
    assert len(inquiries["inquiries"]) == 2
    messages = api.client.post("/_mock/simulate/messages", json={"count": 3}).json()
    assert len(messages["messages"]) == 3
    assert api.client.post("/_mock/simulate/messages", json={"count": 0}).status_code == 400
    state = gateway.state()
    assert (state["inquiries"], state["messages"], state["pushes"]["pending"]) == (2, 3, 5)
