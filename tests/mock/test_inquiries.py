"""Buyers' inquiries: attachments (metadata in pushes, list and thread; files fetched through a time-limited link
that only the owning supplier gets), the whole thread of one inquiry, buyers from the countries a demo asks for,
and what /_mock/state shows of threads."""

import io
import re
from urllib.parse import urlsplit

import httpx
import pytest
from PIL import Image

from alibaba.mock import MockGateway
from alibaba.mock.transport import MockTransport

from .conftest import APP_KEY, APP_SECRET, Api, add_product, make_seller

LINK = "/dexports/inquiry/attachment/get"


@pytest.fixture
def product_id(api, gateway, seller):
    product_id = add_product(api, seller)
    gateway.tick(all_reviews_due=True)
    return product_id


def link_for(api, seller, attachment_id) -> dict:
    return api.ok(LINK, token=seller["access_token"], attachment_id=attachment_id)


def fetch(api, url: str) -> httpx.Response:
    parts = urlsplit(url)
    return api.client.get(f"{parts.path}?{parts.query}")


def check_content(content: bytes, content_type: str) -> None:
    """The file is what its type says, whole: images decode pixel by pixel, a PDF's cross-reference table points
    at its objects."""
    if content_type in ("image/jpeg", "image/png"):
        with Image.open(io.BytesIO(content)) as image:
            assert image.format == {"image/jpeg": "JPEG", "image/png": "PNG"}[content_type]
            assert min(image.size) >= 100
            image.load()
        return
    assert content_type == "application/pdf"
    assert content.startswith(b"%PDF-1.4\n") and content.endswith(b"%%EOF\n")
    xref_at = int(re.search(rb"startxref\n(\d+)\n", content).group(1))
    assert content[xref_at:].startswith(b"xref\n")
    offsets = [int(offset) for offset in re.findall(rb"(\d{10}) 00000 n ", content)]
    for number, offset in enumerate(offsets, start=1):
        assert content[offset:].startswith(f"{number} 0 obj".encode())
    assert b"/Subtype /Image" in content and b"Specification sheet" in content


def test_attachments_travel_as_metadata_in_the_push_the_list_and_the_thread(api, gateway, seller, product_id, receiver):
    [inquiry] = gateway.simulate_inquiries(product_id=product_id, attachments=3)
    [message] = gateway.simulate_messages(inquiry_id=inquiry["inquiry_id"], attachments=2)
    gateway.tick()

    opening, later = inquiry["attachments"], message["attachments"]
    assert (len(opening), len(later)) == (3, 2)
    for attachment in opening + later:
        assert set(attachment) == {"attachment_id", "file_name", "content_type", "size"}
        assert attachment["content_type"] in ("application/pdf", "image/jpeg", "image/png")
        assert 50_000 < attachment["size"] < 3 * 1024 * 1024
    assert receiver.events("inquiry.new")[0]["data"]["attachments"] == opening
    assert receiver.events("inquiry.message")[0]["data"]["attachments"] == later
    [listed] = api.ok("/dexports/inquiry/list", token=seller["access_token"])["inquiries"]
    assert (listed["attachments"], listed["messages"][0]["attachments"]) == (opening, later)
    thread = api.ok("/dexports/inquiry/get", token=seller["access_token"], inquiry_id=inquiry["inquiry_id"])
    assert thread["inquiry"] == listed


def test_every_attached_file_downloads_whole_and_is_what_it_says(api, gateway, seller, product_id):
    inquiries = gateway.simulate_inquiries(count=4, product_id=product_id, attachments=3)
    attachments = [attachment for inquiry in inquiries for attachment in inquiry["attachments"]]
    assert {a["content_type"] for a in attachments} == {"application/pdf", "image/jpeg", "image/png"}

    for attachment in attachments:
        link = link_for(api, seller, attachment["attachment_id"])
        assert link["attachment"]["attachment_id"] == attachment["attachment_id"]
        response = fetch(api, link["download_url"])
        assert response.status_code == 200
        assert response.headers["content-type"] == attachment["content_type"]
        assert int(response.headers["content-length"]) == attachment["size"] == len(response.content)
        assert response.headers["cache-control"] == "private, no-store"
        check_content(response.content, attachment["content_type"])
        assert fetch(api, link["download_url"]).content == response.content


def test_a_link_names_its_file_and_lasts_the_configured_time(api, gateway, seller, product_id):
    gateway.configure(attachment_url_ttl_s=120)
    [inquiry] = gateway.simulate_inquiries(product_id=product_id, attachments=1)
    [attachment] = inquiry["attachments"]

    link = link_for(api, seller, attachment["attachment_id"])

    assert link["expires_in"] == 120
    assert link["download_url"].startswith(
        f"http://mock-gateway/files/inquiry-attachments/{attachment['attachment_id']}/"
    )
    assert link["attachment"]["message_id"] is None
    assert link["attachment"]["inquiry_id"] == inquiry["inquiry_id"]
    disposition = fetch(api, link["download_url"]).headers["content-disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    gateway.configure(clock_offset_s=121)
    expired = fetch(api, link["download_url"])
    assert (expired.status_code, expired.json()["code"]) == (403, "LinkExpired")
    assert fetch(api, link_for(api, seller, attachment["attachment_id"])["download_url"]).status_code == 200


def test_only_the_owning_supplier_gets_a_link_and_a_link_cannot_be_forged(
    api, gateway, seller, other_seller, product_id
):
    [inquiry] = gateway.simulate_inquiries(product_id=product_id, attachments=2)
    first, second = inquiry["attachments"]

    refused = api.error(
        LINK, "InsufficientPermission", token=other_seller["access_token"], attachment_id=first["attachment_id"]
    )
    assert refused["type"] == "ISV"
    assert (
        api.error(LINK, "InvalidParameter", token=seller["access_token"], attachment_id=1)["field"] == "attachment_id"
    )
    assert api.error(LINK, "MissingParameter", token=seller["access_token"])["field"] == "attachment_id"
    url = link_for(api, seller, first["attachment_id"])["download_url"]
    for forged in (
        url.replace(f"/{first['attachment_id']}/", f"/{second['attachment_id']}/"),
        re.sub(r"expires=(\d+)", lambda m: f"expires={int(m.group(1)) + 3600}", url),
        re.sub(r"signature=[0-9a-f]+", "signature=" + "0" * 64, url),
    ):
        response = fetch(api, forged)
        assert (response.status_code, response.json()["code"]) == (403, "SignatureDoesNotMatch")
    assert api.client.get("/files/inquiry-attachments/nothing").status_code == 404
    assert api.client.post(urlsplit(url).path + "?" + urlsplit(url).query).status_code == 405


def test_a_restarted_gateway_voids_its_links(api, gateway, seller, product_id, receiver):
    [inquiry] = gateway.simulate_inquiries(product_id=product_id, attachments=1)
    url = link_for(api, seller, inquiry["attachments"][0]["attachment_id"])["download_url"]
    again = MockGateway(app_key=APP_KEY, app_secret=APP_SECRET, push_sender=receiver)
    try:
        with httpx.Client(transport=MockTransport(again), base_url="http://mock-gateway") as client:
            assert fetch(Api(client), url).status_code == 403
    finally:
        again.close()


def test_the_thread_holds_every_message_both_ways_in_order(api, gateway, seller, product_id):
    [inquiry] = gateway.simulate_inquiries(product_id=product_id, attachments=0)
    token, inquiry_id = seller["access_token"], inquiry["inquiry_id"]
    gateway.simulate_messages(inquiry_id=inquiry_id, attachments=0)
    quotation = {"price": "1.90", "currency": "USD", "quantity": 2000, "unit": "piece", "incoterm": "FOB",
                 "port_of_loading": "Chattogram", "lead_time_days": 30, "payment_terms": ["T/T"]}  # fmt: skip
    api.ok("/dexports/inquiry/reply", token=token, inquiry_id=inquiry_id, content="Our offer", quotation=quotation)
    gateway.simulate_messages(inquiry_id=inquiry_id, attachments=1)
    api.ok("/dexports/inquiry/reply", token=token, inquiry_id=inquiry_id, content="Photos follow by courier.")

    thread = api.ok("/dexports/inquiry/get", token=token, inquiry_id=inquiry_id)["inquiry"]

    assert thread["content"] == inquiry["content"]
    messages = thread["messages"]
    assert [m["sender"] for m in messages] == ["buyer", "supplier", "buyer", "supplier"]
    assert [m["message_id"] for m in messages] == sorted(m["message_id"] for m in messages)
    assert [m["gmt_create"] for m in messages] == sorted(m["gmt_create"] for m in messages)
    assert messages[1]["quotation"]["incoterm"] == "FOB"
    assert messages[3]["quotation"] is None
    assert [len(m["attachments"]) for m in messages] == [0, 0, 1, 0]
    assert set(messages[0]) == {"message_id", "sender", "content", "quotation", "attachments", "gmt_create"}


def test_another_suppliers_thread_is_refused(api, gateway, seller, other_seller, product_id):
    [inquiry] = gateway.simulate_inquiries(product_id=product_id)

    api.error("/dexports/inquiry/get", "InsufficientPermission", token=other_seller["access_token"],
              inquiry_id=inquiry["inquiry_id"])  # fmt: skip
    assert (
        api.error("/dexports/inquiry/get", "InvalidParameter", token=seller["access_token"], inquiry_id=7)["field"]
        == "inquiry_id"
    )
    assert api.error("/dexports/inquiry/get", "MissingParameter", token=seller["access_token"])["field"] == "inquiry_id"


DEMO_COUNTRIES = ["DE", "US", "JP", "AE", "GB", "IN"]


def test_a_demo_asks_for_buyers_from_the_countries_it_names(api, gateway, seller, product_id):
    inquiries = api.client.post("/_mock/simulate/inquiries", json={"count": 12, "countries": DEMO_COUNTRIES}).json()[
        "inquiries"
    ]

    assert [inquiry["buyer_country"] for inquiry in inquiries] == DEMO_COUNTRIES * 2
    indian = [inquiry for inquiry in inquiries if inquiry["buyer_country"] == "IN"]
    assert all(inquiry["buyer_company"] and inquiry["buyer_name"] for inquiry in indian)


def test_there_are_several_indian_importers(api, gateway, seller, product_id):
    inquiries = gateway.simulate_inquiries(count=40, product_id=product_id, countries=["IN"], attachments=0)

    assert {inquiry["buyer_country"] for inquiry in inquiries} == {"IN"}
    assert len({inquiry["buyer_company"] for inquiry in inquiries}) >= 4


def test_the_simulation_refuses_what_it_cannot_do(api, gateway, seller, product_id):
    post = api.client.post
    unknown = post("/_mock/simulate/inquiries", json={"countries": ["DE", "XX"]})
    assert unknown.status_code == 400 and "XX" in unknown.json()["error"]
    assert post("/_mock/simulate/inquiries", json={"countries": "DE"}).status_code == 400
    assert post("/_mock/simulate/inquiries", json={"countries": []}).status_code == 400
    assert post("/_mock/simulate/inquiries", json={"attachments": 4}).status_code == 400
    assert post("/_mock/simulate/messages", json={"attachments": -1}).status_code == 400
    assert gateway.state()["inquiries"] == 0


def test_without_a_fixed_number_the_seeded_draw_attaches_files_to_some(api, gateway, seller, product_id):
    inquiries = gateway.simulate_inquiries(count=30, product_id=product_id)
    counts = [len(inquiry["attachments"]) for inquiry in inquiries]
    assert 5 <= sum(1 for n in counts if n) <= 25
    assert max(counts) <= 3
    messages = gateway.simulate_messages(count=30)
    assert 0 < sum(1 for m in messages if m["attachments"]) < 30


def test_the_same_seed_attaches_the_same_files(receiver):
    def attachments(seed: int) -> list[dict]:
        gateway = MockGateway(app_key=APP_KEY, app_secret=APP_SECRET, seed=seed, reject_rate=0, push_sender=receiver)
        with httpx.Client(transport=MockTransport(gateway), base_url="http://mock") as client:
            api = Api(client)
            seller = make_seller(api)
            add_product(api, seller)
            gateway.tick(all_reviews_due=True)
            inquiries = gateway.simulate_inquiries(count=6)
        gateway.close()
        return [(a["file_name"], a["content_type"], a["size"]) for i in inquiries for a in i["attachments"]]

    assert attachments(5) == attachments(5)
    assert attachments(5) != attachments(6)


def test_the_state_shows_each_thread_and_replies_sent_twice(api, gateway, seller, product_id):
    first, second = gateway.simulate_inquiries(count=2, product_id=product_id, attachments=1)
    token = seller["access_token"]
    for inquiry_id, content in ((first["inquiry_id"], "Offer A"), (second["inquiry_id"], "Offer B"),
                                (second["inquiry_id"], "Offer B"), (second["inquiry_id"], "Offer C")):  # fmt: skip
        api.ok("/dexports/inquiry/reply", token=token, inquiry_id=inquiry_id, content=content)

    state = gateway.state()

    assert (state["inquiries"], state["messages"], state["attachments"]) == (2, 4, 2)
    threads = {thread["inquiry_id"]: thread for thread in state["threads"]}
    assert threads[first["inquiry_id"]]["attachments"] == 1
    assert threads[first["inquiry_id"]]["buyer_country"] == first["buyer_country"]
    assert [m["content"] for m in threads[second["inquiry_id"]]["messages"]] == ["Offer B", "Offer B", "Offer C"]
    doubled = [m["message_id"] for m in threads[second["inquiry_id"]]["messages"][:2]]
    assert state["reply_duplicates"] == {str(second["inquiry_id"]): doubled}
