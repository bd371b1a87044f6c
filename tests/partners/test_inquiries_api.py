"""Inquiries through the API: listed and read with their thread (both ways, sending states, quotations, the buyers'
files), answered by a reply or a quotation through the same services as the dashboard (the same rules, the field
named, the partner as the actor), idempotent; another partner's or an ungranted seller's inquiry is never found."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from buyers import services as buyers_services
from buyers.incoming import IncomingMessage
from buyers.models import InquiryEvent, InquiryStatus, Message
from partners import idempotency, services
from sellers.models import SellerStatus
from tests.buyers.support import private_root_fixture, receive, stored_file  # noqa: F401 - autouse fixture
from tests.catalog.factories import ProductFactory
from tests.partners.support import PartnerClient, error_of, grant, issue_key
from tests.sellers.factories import OwnerFactory
from tests.sellers.files import pdf_bytes

pytestmark = pytest.mark.django_db

VALID_UNTIL = (timezone.now().date() + timedelta(days=20)).isoformat()
QUOTE = {
    "content": "Our offer for 2000 bags, CIF Hamburg.",
    "price": "2.35",
    "quantity": 2000,
    "unit": "piece",
    "incoterm": "CIF",
    "port_of_loading": "Chattogram",
    "destination": "Hamburg",
    "lead_time_days": 30,
    "payment_terms": ["T/T", "L/C"],
    "valid_until": VALID_UNTIL,
    "sample_terms": "Free samples, courier paid by the buyer",
}


@pytest.fixture
def seller(partner):
    seller = OwnerFactory(seller__status=SellerStatus.ACTIVE, seller__legal_name="Rupsha Jute Crafts Ltd.").seller
    grant(partner, seller)
    return seller


@pytest.fixture
def inquiry(seller):
    return receive(seller, subject="Jute bags for Hamburg", buyer_name="Hannah Becker", buyer_company="Becker GmbH")


def _follow_up(inquiry, *contents):
    messages = tuple(
        IncomingMessage(message_id=7_000_000 + inquiry.pk * 100 + n, sender="buyer", content=text, attachments=(),
                        created_at=None)
        for n, text in enumerate(contents)
    )  # fmt: skip
    buyers_services.inquiry_messages_receive(
        seller_id=inquiry.seller_id, gateway_inquiry_id=inquiry.gateway_inquiry_id, messages=messages
    )


# Reading --------------------------------------------------------------------------------------------------------------


def test_the_list_shows_each_inquiry_with_its_buyer_and_product(api, seller):
    product = ProductFactory(seller=seller, sku="JB-0001", title="Jute shopping bag")
    older = receive(seller, country="DE", buyer_name="Hannah Becker", custom_code=str(product.public_id))
    newer = receive(seller, country="US", buyer_name="Sam Carter", buyer_company="Carter Home Inc.")

    response = api.get("inquiries/")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["object"] == "list" and body["has_more"] is False and body["next_cursor"] is None
    assert [item["id"] for item in body["data"]] == [str(newer.public_id), str(older.public_id)]
    first, second = body["data"]
    assert first["object"] == "inquiry" and first["seller"] == str(seller.public_id)
    assert first["status"] == "new" and first["unread"] is True and first["awaiting_reply_since"] is not None
    assert first["buyer"] == {
        "id": str(newer.buyer.public_id),
        "name": "Sam Carter",
        "company": "Carter Home Inc.",
        "country": "US",
    }
    assert first["product"] is None
    assert second["product"] == {"id": str(product.public_id), "sku": "JB-0001", "title": "Jute shopping bag"}
    assert second["listing"] == {"gateway_product_id": None, "custom_code": str(product.public_id)}
    assert "messages" not in first


def test_an_inquiry_with_its_thread_both_ways(api, seller, inquiry, partner):
    attachment_inquiry = receive(seller, files=[("spec.pdf", "application/pdf"), ("photo.png", "image/png")])
    stored = stored_file(attachment_inquiry, pdf_bytes())
    buyers_services.inquiry_reply(inquiry=inquiry, actor=seller.members.get().user, content="Thank you, we quote soon.")
    _follow_up(inquiry, "Can you do CIF Hamburg?")
    api.post(f"inquiries/{inquiry.public_id}/quote/", QUOTE)

    body = api.get(f"inquiries/{inquiry.public_id}/").json()

    assert body["object"] == "inquiry" and body["status"] == "quoted"
    opening, reply, follow_up, quotation = body["messages"]
    assert (opening["sender"], opening["is_opening"], opening["delivery"]) == ("buyer", True, None)
    assert (reply["sender"], reply["delivery"], reply["quotation"]) == ("seller", "sending", None)
    assert reply["author"] == (seller.members.get().user.get_full_name() or None)
    assert (follow_up["sender"], follow_up["content"]) == ("buyer", "Can you do CIF Hamburg?")
    assert quotation["author"] == "Dhaka Chamber of Commerce (API)"
    assert quotation["quotation"] == {
        "price": "2.35",
        "currency": "USD",
        "quantity": 2000,
        "unit": "piece",
        "incoterm": "CIF",
        "port_of_loading": "Chattogram",
        "destination": "Hamburg",
        "lead_time_days": 30,
        "payment_terms": ["T/T", "L/C"],
        "valid_until": VALID_UNTIL,
        "sample_terms": "Free samples, courier paid by the buyer",
    }

    files = api.get(f"inquiries/{attachment_inquiry.public_id}/").json()["messages"][0]["attachments"]
    assert [(f["file_name"], f["status"]) for f in files] == [("spec.pdf", "stored"), ("photo.png", "pending")]
    assert files[0]["content_type"] == "application/pdf" and files[0]["size"] == len(pdf_bytes())
    assert files[1]["download_url"] is None
    response = api.get(files[0]["download_url"], headers={"accept": "application/pdf"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert (
        response["Content-Disposition"].startswith("attachment;") and response["Cache-Control"] == "private, no-store"
    )
    assert response["X-Content-Type-Options"] == "nosniff" and response["Request-Id"].startswith("req_")
    assert files[0]["id"] == str(stored.public_id)


def test_reading_through_the_api_leaves_the_inquiry_unread_for_the_seller(api, inquiry):
    api.get(f"inquiries/{inquiry.public_id}/")
    inquiry.refresh_from_db()
    assert inquiry.has_unread is True and inquiry.status == InquiryStatus.NEW


def test_a_file_that_is_not_stored_is_not_found(api, seller):
    from tests.sellers.files import elf_bytes

    inquiry = receive(seller, files=[("spec.pdf", "application/pdf"), ("more.pdf", "application/pdf")])
    refused = stored_file(inquiry, elf_bytes())
    pending = inquiry.attachments.exclude(pk=refused.pk).get()
    for attachment in (refused, pending):
        response = api.get(f"inquiries/{inquiry.public_id}/attachments/{attachment.public_id}/")
        assert response.status_code == 404 and error_of(response)["type"] == "not_found_error"
    other = receive(seller, files=[("x.pdf", "application/pdf")])
    theirs = stored_file(other, pdf_bytes())
    assert api.get(f"inquiries/{inquiry.public_id}/attachments/{theirs.public_id}/").status_code == 404


def test_filters_and_search(api, seller, partner):
    product = ProductFactory(seller=seller)
    about_product = receive(seller, custom_code=str(product.public_id), subject="Bags for Rotterdam")
    answered = receive(seller, buyer_company="Carter Home Inc.")
    buyers_services.inquiry_reply(inquiry=answered, actor=seller.members.get().user, content="Yes.")
    other_seller = OwnerFactory(seller__status=SellerStatus.ACTIVE).seller
    grant(partner, other_seller)
    theirs = receive(other_seller)

    def ids(**params):
        response = api.get("inquiries/", params)
        assert response.status_code == 200, response.json()
        return {item["id"] for item in response.json()["data"]}

    assert ids() == {str(i.public_id) for i in (about_product, answered, theirs)}
    assert ids(seller=str(other_seller.public_id)) == {str(theirs.public_id)}
    assert ids(status="replied") == {str(answered.public_id)}
    assert ids(product=str(product.public_id)) == {str(about_product.public_id)}
    assert ids(q="rotterdam") == {str(about_product.public_id)}
    assert ids(q="carter home") == {str(answered.public_id)}
    assert ids(waiting="true") == {str(about_product.public_id), str(theirs.public_id)}
    assert ids(waiting="false") == {str(answered.public_id)}
    later = timezone.now() + timedelta(hours=1)
    with time_machine.travel(later):
        fresh = receive(seller)
        _follow_up(theirs, "Any news?")
    since = (later - timedelta(minutes=1)).isoformat()
    assert ids(received_since=since) == {str(fresh.public_id)}
    assert ids(updated_since=since) == {str(fresh.public_id), str(theirs.public_id)}


def test_the_list_pages_with_a_cursor(api, seller):
    made = [receive(seller) for _ in range(5)]
    seen, cursor = [], None
    while True:
        body = api.get("inquiries/", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in body["data"]]
        if not body["has_more"]:
            break
        cursor = body["next_cursor"]
        receive(seller)  # arriving while the partner pages shifts nothing
    assert seen == [str(inquiry.public_id) for inquiry in reversed(made)]
    response = api.get("inquiries/", {"cursor": "forged"})
    assert response.status_code == 400 and error_of(response)["field"] == "cursor"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"status": "pending"}, "status"),
        ({"seller": "not-a-uuid"}, "seller"),
        ({"product": "42"}, "product"),
        ({"received_since": "yesterday"}, "received_since"),
        ({"updated_since": "2026-13-01"}, "updated_since"),
        ({"waiting": "maybe"}, "waiting"),
        ({"q": "x" * 201}, "q"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_bad_query_parameters_are_a_400_naming_them(api, seller, params, field):
    response = api.get("inquiries/", params)
    assert response.status_code == 400, response.json()
    assert error_of(response)["field"] == field


@pytest.mark.parametrize("n", [1, 25])
def test_the_list_runs_the_same_queries_for_any_page(api, seller, n, django_assert_num_queries):
    product = ProductFactory(seller=seller)
    for _ in range(n):
        receive(seller, custom_code=str(product.public_id))
    # key+partner+user; inquiries with their buyer, product and seller (the partner's sellers as a subquery)
    with django_assert_num_queries(2):
        response = api.get("inquiries/", {"limit": 100})
    assert len(response.json()["data"]) == n


@pytest.mark.parametrize("follow_ups", [0, 12])
def test_an_inquiry_runs_the_same_queries_for_any_thread(api, seller, follow_ups, django_assert_num_queries):
    inquiry = receive(seller, files=[("spec.pdf", "application/pdf")])
    if follow_ups:
        _follow_up(inquiry, *(f"Question {n}" for n in range(follow_ups)))
    # key+partner+user; the inquiry among the partner's sellers; its row (buyer, product, seller); the messages with
    # their quotation and author; their attachments
    with django_assert_num_queries(5):
        response = api.get(f"inquiries/{inquiry.public_id}/")
    assert len(response.json()["messages"]) == 1 + follow_ups


# Answering ------------------------------------------------------------------------------------------------------------


def test_a_reply_goes_out_through_the_outbox_with_the_partner_as_actor(api, inquiry, partner):
    from alibaba.models import OutboxJob

    response = api.post(f"inquiries/{inquiry.public_id}/reply/", {"content": "  Thank you! US$2.40 per piece.  "})

    assert response.status_code == 201, response.json()
    message = response.json()
    assert message["object"] == "message" and message["inquiry"] == str(inquiry.public_id)
    assert (message["sender"], message["delivery"], message["sent_at"]) == ("seller", "sending", None)
    assert message["content"] == "Thank you! US$2.40 per piece." and message["quotation"] is None
    assert message["author"] == "Dhaka Chamber of Commerce (API)" and message["attachments"] == []
    stored = Message.objects.get(public_id=message["id"])
    assert stored.author == partner.service_user
    assert OutboxJob.objects.filter(kind="inquiry.reply", target=str(stored.pk)).count() == 1
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.REPLIED and inquiry.awaiting_reply_since is None
    assert inquiry.response_seconds is not None
    actors = set(InquiryEvent.objects.filter(inquiry=inquiry).values_list("actor", flat=True))
    assert actors == {partner.service_user.pk}

    owner = Client()
    owner.force_login(inquiry.seller.members.get().user)
    page = owner.get(f"/dashboard/inquiries/{inquiry.public_id}/").content.decode()
    assert "Thank you! US$2.40 per piece." in page and "(Dhaka Chamber of Commerce (API))" in page


def test_a_quotation_keeps_its_export_terms(api, inquiry):
    response = api.post(f"inquiries/{inquiry.public_id}/quote/", {**QUOTE, "price": 2.35, "valid_until": None})

    assert response.status_code == 201, response.json()
    terms = response.json()["quotation"]
    assert terms["price"] == "2.35" and terms["incoterm"] == "CIF" and terms["valid_until"] is None
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.QUOTED


def test_an_inquiry_reported_as_spam_is_not_answered(api, inquiry, seller):
    buyers_services.inquiry_mark(inquiry=inquiry, actor=seller.members.get().user, to=InquiryStatus.SPAM)
    response = api.post(f"inquiries/{inquiry.public_id}/reply/", {"content": "Hello"})
    assert response.status_code == 409
    error = error_of(response)
    assert error["type"] == "conflict_error" and error["code"] == "inquiry_is_spam"
    assert not Message.objects.filter(inquiry=inquiry, sender="seller").exists()


def test_a_seller_out_of_the_program_does_not_answer(api, inquiry, seller):
    from sellers.models import Seller

    Seller.objects.filter(pk=seller.pk).update(status=SellerStatus.SUSPENDED)
    response = api.post(f"inquiries/{inquiry.public_id}/quote/", QUOTE)
    assert response.status_code == 409 and error_of(response)["code"] == "seller_not_in_program"


LONG = "x" * 8001


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({}, "content", "required"),
        ({"content": ""}, "content", "blank"),
        ({"content": "   "}, "content", "blank"),
        ({"content": 42}, "content", "invalid"),
        ({"content": ["Hello"]}, "content", "invalid"),
        ({"content": None}, "content", "null"),
        ({"content": LONG}, "content", "max_length"),
        ({"content": "Hello\x00"}, "content", "null_characters_not_allowed"),
        ({"content": "Hello", "quotation": True}, "quotation", "unknown_field"),
    ],
)
def test_a_bad_reply_is_a_400_naming_the_field(api, inquiry, body, field, code):
    response = api.post(f"inquiries/{inquiry.public_id}/reply/", body)
    assert response.status_code == 400, response.json()
    error = error_of(response)
    assert (error["field"], error["code"]) == (field, code), error
    assert not Message.objects.filter(inquiry=inquiry, sender="seller").exists()


PAST = (timezone.now().date() - timedelta(days=1)).isoformat()
TOO_LATE = (timezone.now().date() + timedelta(days=181)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"price": "abc"}, "price", "invalid"),
        ({"price": "0.00"}, "price", "min_value"),
        ({"price": "1.234"}, "price", "max_decimal_places"),
        ({"price": "NaN"}, "price", "invalid"),
        ({"price": "9" * 400}, "price", "max_digits"),
        ({"price": "9" * 2000}, "price", "max_string_length"),
        ({"quantity": 1.5}, "quantity", "invalid"),
        ({"quantity": "many"}, "quantity", "invalid"),
        ({"quantity": 0}, "quantity", "min_value"),
        ({"quantity": True}, "quantity", "invalid"),
        ({"unit": "bushel"}, "unit", "invalid_choice"),
        ({"incoterm": "FOT"}, "incoterm", "invalid_choice"),
        ({"lead_time_days": 366}, "lead_time_days", "max_value"),
        ({"payment_terms": "T/T"}, "payment_terms", "not_a_list"),
        ({"payment_terms": []}, "payment_terms", "min_length"),
        ({"payment_terms": ["Cash"]}, "payment_terms[0]", "invalid_choice"),
        ({"valid_until": "soon"}, "valid_until", "invalid"),
        ({"port_of_loading": "P" * 129}, "port_of_loading", "max_length"),
        ({"sample_terms": "S" * 100_000}, "sample_terms", "max_length"),
        ({"destination": "Ham\x00burg"}, "destination", "null_characters_not_allowed"),
        ({"currency": "EUR"}, "currency", "unknown_field"),
        # The rules of the buyers domain, the same as on the seller's dashboard:
        ({"incoterm": "FOB", "port_of_loading": ""}, "port_of_loading", "invalid"),
        ({"incoterm": "CIF", "destination": ""}, "destination", "invalid"),
        ({"payment_terms": ["T/T", "T/T"]}, "payment_terms", "invalid"),
        ({"valid_until": PAST}, "valid_until", "invalid"),
        ({"valid_until": TOO_LATE}, "valid_until", "invalid"),
    ],
)
def test_a_bad_quotation_is_a_400_naming_the_field(api, inquiry, changes, field, code):
    response = api.post(f"inquiries/{inquiry.public_id}/quote/", {**QUOTE, **changes})
    assert response.status_code == 400, response.json()
    error = error_of(response)
    assert (error["field"], error["code"]) == (field, code), error
    assert not Message.objects.filter(inquiry=inquiry, sender="seller").exists()


@pytest.mark.parametrize("body", ["not json", "[1, 2]", "null", '"Hello"', b"\xff\xfe"], ids=repr)
def test_a_body_that_is_not_a_json_object_is_a_400(api, inquiry, body):
    response = api.post(f"inquiries/{inquiry.public_id}/reply/", body)
    assert response.status_code == 400 and error_of(response)["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "inquiries/not-a-uuid/"),
        ("get", "inquiries/00000000-0000-0000-0000-000000000000/"),
        ("get", "/api/v1/inquiries/%00/"),
        ("get", "inquiries/00000000-0000-0000-0000-000000000000/attachments/not-a-uuid/"),
        ("post", "inquiries/00000000-0000-0000-0000-000000000000/reply/"),
        ("post", "inquiries/12345/quote/"),
    ],
)
def test_unknown_ids_are_404_in_the_error_format(api, method, path):
    response = getattr(api, method)(path)
    assert response.status_code == 404 and error_of(response)["type"] == "not_found_error"


# Access ---------------------------------------------------------------------------------------------------------------


def _every_request(api, inquiry, attachment):
    base = f"inquiries/{inquiry.public_id}/"
    download = api.get(f"{base}attachments/{attachment.public_id}/")
    if download.streaming:
        assert b"".join(download.streaming_content) == pdf_bytes()  # read whole, the file is closed
    return {
        "list": api.get("inquiries/"),
        "retrieve": api.get(base),
        "download": download,
        "reply": api.post(f"{base}reply/", {"content": "Hello"}),
        "quote": api.post(f"{base}quote/", QUOTE),
    }


def test_another_partners_inquiries_are_not_found(other_partner, make_api, seller):
    inquiry = receive(seller, files=[("spec.pdf", "application/pdf")])
    attachment = stored_file(inquiry, pdf_bytes())
    responses = _every_request(make_api(other_partner), inquiry, attachment)
    assert responses.pop("list").json()["data"] == []
    for name, response in responses.items():
        assert response.status_code == 404, name
        assert error_of(response)["type"] == "not_found_error", name
    assert not Message.objects.filter(inquiry=inquiry, sender="seller").exists()


def test_an_ungranted_or_withdrawn_sellers_inquiries_are_not_found(api, partner):
    seller = OwnerFactory(seller__status=SellerStatus.ACTIVE).seller
    grant(partner, seller, ["sellers:read", "catalog:read", "catalog:write"])  # no inquiries:*
    inquiry = receive(seller, files=[("spec.pdf", "application/pdf")])
    attachment = stored_file(inquiry, pdf_bytes())
    responses = _every_request(api, inquiry, attachment)
    assert responses.pop("list").json()["data"] == []
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 404)

    grant(partner, seller, ["inquiries:read"])
    assert api.get(f"inquiries/{inquiry.public_id}/").status_code == 200
    response = api.post(f"inquiries/{inquiry.public_id}/reply/", {"content": "Hello"})
    assert response.status_code == 404  # reading is not answering

    grant(partner, seller, [])  # withdrawn
    assert api.get(f"inquiries/{inquiry.public_id}/").status_code == 404


@pytest.mark.parametrize(
    ("scopes", "allowed"),
    [
        (["sellers:read", "sellers:write", "catalog:read", "catalog:write", "webhooks:manage"], set()),
        (["inquiries:read"], {"list", "retrieve", "download"}),
        (["inquiries:write"], {"reply", "quote"}),
    ],
)
def test_each_operation_needs_its_scope(make_api, partner, seller, scopes, allowed):
    inquiry = receive(seller, files=[("spec.pdf", "application/pdf")])
    attachment = stored_file(inquiry, pdf_bytes())
    for name, response in _every_request(make_api(partner, scopes), inquiry, attachment).items():
        if name in allowed:
            assert response.status_code in (200, 201), (name, response.status_code)
            continue
        assert response.status_code == 403, (name, response.status_code)
        error = error_of(response)
        assert error["code"] == "insufficient_scope", name
        assert ("inquiries:write" if name in ("reply", "quote") else "inquiries:read") in error["message"]


def test_a_revoked_or_expired_key_is_refused(make_api, partner, inquiry):
    revoked, expiring = make_api(partner), make_api(partner, expires_at=timezone.now() + timedelta(hours=1))
    services.api_key_revoke(api_key=revoked.api_key)
    assert expiring.get(f"inquiries/{inquiry.public_id}/").status_code == 200

    def answers(api):
        return [
            api.get("inquiries/"),
            api.get(f"inquiries/{inquiry.public_id}/"),
            api.post(f"inquiries/{inquiry.public_id}/reply/", {"content": "Hello"}),
            api.post(f"inquiries/{inquiry.public_id}/quote/", QUOTE),
        ]

    assert {(r.status_code, error_of(r)["code"]) for r in answers(revoked)} == {(401, "api_key_revoked")}
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert {(r.status_code, error_of(r)["code"]) for r in answers(expiring)} == {(401, "api_key_expired")}
    assert not Message.objects.filter(inquiry=inquiry, sender="seller").exists()


# Idempotency ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "body"), [("reply", {"content": "Thank you!"}), ("quote", QUOTE)])
def test_a_replayed_answer_is_sent_once(api, inquiry, action, body):
    path = f"inquiries/{inquiry.public_id}/{action}/"
    first = api.post(path, body, headers={"idempotency-key": "answer-1"})
    again = api.post(path, body, headers={"idempotency-key": "answer-1"})

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Message.objects.filter(inquiry=inquiry, sender="seller").count() == 1

    other = api.post(path, {**body, "content": "Something else"}, headers={"idempotency-key": "answer-1"})
    assert other.status_code == 422
    assert error_of(other)["code"] == "idempotency_key_reused" and error_of(other)["field"] == "Idempotency-Key"
    assert Message.objects.filter(inquiry=inquiry, sender="seller").count() == 1


def test_a_refused_answer_is_replayed_as_refused(api, inquiry):
    path = f"inquiries/{inquiry.public_id}/quote/"
    body = {**QUOTE, "destination": ""}
    first = api.post(path, body, headers={"idempotency-key": "bad-quote"})
    again = api.post(path, body, headers={"idempotency-key": "bad-quote"})
    assert first.status_code == again.status_code == 400 and again.json() == first.json()
    assert error_of(again)["field"] == "destination"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("action", "body"), [("reply", {"content": "Thank you!"}), ("quote", QUOTE)])
def test_a_concurrent_duplicate_answer_is_told_to_retry_and_sent_once(partner, monkeypatch, action, body):
    seller = OwnerFactory(seller__status=SellerStatus.ACTIVE).seller
    grant(partner, seller)
    inquiry = receive(seller)
    issued = issue_key(partner)
    path = f"inquiries/{inquiry.public_id}/{action}/"
    first_claimed, release = threading.Event(), threading.Event()
    original = idempotency.begin

    def begin_then_wait(**kwargs):
        record = original(**kwargs)
        if threading.current_thread().name == "first":
            first_claimed.set()
            assert release.wait(10)
        return record

    monkeypatch.setattr(idempotency, "begin", begin_then_wait)
    results = {}

    def first():
        results["first"] = PartnerClient(Client(), issued).post(path, body, headers={"idempotency-key": "race"})

    thread = threading.Thread(target=first, name="first")
    thread.start()
    try:
        assert first_claimed.wait(10)
        duplicate = PartnerClient(Client(), issued).post(path, body, headers={"idempotency-key": "race"})
    finally:
        release.set()
        thread.join(10)

    assert duplicate.status_code == 409
    assert error_of(duplicate)["code"] == "idempotency_request_in_progress" and int(duplicate["Retry-After"]) >= 1
    assert results["first"].status_code == 201, results["first"].json()
    replay = PartnerClient(Client(), issued).post(path, body, headers={"idempotency-key": "race"})
    assert replay.status_code == 201 and replay.json() == results["first"].json()
    assert Message.objects.filter(inquiry=inquiry, sender="seller").count() == 1


# The schema -----------------------------------------------------------------------------------------------------------


@pytest.fixture
def in_process():
    """Requests through the WSGI handler in this process, inside the test's transaction (as Django's test client)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.slow
def test_real_answers_conform_to_the_schema(api, seller, inquiry, in_process):
    """What Schemathesis cannot make up (a thread with a reply, a quotation and the buyer's files, stored and not),
    checked against the schema as it checks generated requests. (The download itself is checked through Django's
    client, which closes the file it streams.)"""
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from schemathesis import checks

    with_files = receive(seller, files=[("spec.pdf", "application/pdf"), ("photo.png", "image/png")])
    stored = stored_file(with_files, pdf_bytes())
    buyers_services.inquiry_reply(inquiry=inquiry, actor=seller.members.get().user, content="We quote soon.")
    spam = receive(seller)
    buyers_services.inquiry_mark(inquiry=spam, actor=seller.members.get().user, to=InquiryStatus.SPAM)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    headers = {"Authorization": f"Api-Key {api.key}"}

    def call(path, method, expected, **case):
        if "body" in case:
            case["media_type"] = "application/json"
        response = (
            schema[f"/api/v1/{path}"][method]
            .Case(**case)
            .call_and_validate(
                headers=headers,
                checks=[
                    checks.not_a_server_error,
                    checks.status_code_conformance,
                    checks.content_type_conformance,
                    checks.response_headers_conformance,
                    checks.response_schema_conformance,
                ],
            )
        )
        assert response.status_code == expected, response.text
        return response

    one = {"inquiry_id": str(inquiry.public_id)}
    call("inquiries/", "GET", 200, query={"limit": 100, "waiting": "false"})
    call("inquiries/{inquiry_id}/quote/", "POST", 201, path_parameters=one, body=QUOTE)
    call("inquiries/{inquiry_id}/reply/", "POST", 201, path_parameters=one, body={"content": "And samples are free."})
    assert len(call("inquiries/{inquiry_id}/", "GET", 200, path_parameters=one).json()["messages"]) == 4
    files = {"inquiry_id": str(with_files.public_id)}
    call("inquiries/{inquiry_id}/", "GET", 200, path_parameters=files)
    missing = {**files, "attachment_id": str(with_files.attachments.exclude(pk=stored.pk).get().public_id)}
    call("inquiries/{inquiry_id}/attachments/{attachment_id}/", "GET", 404, path_parameters=missing)
    refused = {"inquiry_id": str(spam.public_id)}
    call("inquiries/{inquiry_id}/reply/", "POST", 409, path_parameters=refused, body={"content": "Hello"})
