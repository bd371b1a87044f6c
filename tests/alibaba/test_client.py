"""The gateway client's own wire format and error contract, through an httpx.MockTransport that captures what we
send. The contract against the real mock gateway lives in tests/contract/."""

import dataclasses
import hashlib
import hmac
import io
import json
import logging
import socket
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest

from alibaba.client import (
    AlibabaClient,
    AttachmentTooLarge,
    BadResponse,
    ConfigurationError,
    DailyQuotaExceeded,
    GatewayError,
    GatewayTimeout,
    LinkExpired,
    PermanentError,
    Quotation,
    RateLimited,
    Rejected,
    TokenExpired,
    TransientError,
    sign,
    signature_base,
)
from alibaba.errors import parse_ban_seconds, parse_field
from alibaba.ratelimit import LocalRateLimiter

APP_KEY = "500001"
SECRET = "s3cret-app-secret-value"
TOKEN = "tok-access-9f8e7d6c5b4a"
NOW = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC


class Gateway:
    """An httpx.MockTransport that records every request and answers with queued envelopes (or raises)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if self.answers else {"code": "0", "request_id": "req-ok"}
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, json=answer)

    def form(self, index: int = -1) -> dict[str, str]:
        request = self.requests[index]
        request.read()
        return dict(parse_qsl(request.content.decode(), keep_blank_values=True))


@pytest.fixture
def gateway():
    return Gateway()


@pytest.fixture
def make_client():
    clients = []

    def make(gateway: Gateway, **kwargs) -> AlibabaClient:
        kwargs.setdefault("clock", lambda: NOW)
        client = AlibabaClient("http://gateway.test", APP_KEY, SECRET, transport=gateway.transport, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def error_envelope(code, message="", type_="ISV", **extra):
    return {"type": type_, "code": code, "message": message, "request_id": "req-err-1", **extra}


# Signing -----------------------------------------------------------------------------------------------------------


def test_sign_matches_the_published_test_vector():
    params = {
        "access_token": "test",
        "app_key": "123456",
        "order_id": "1234",
        "sign_method": "sha256",
        "timestamp": "1517820392000",
    }
    assert (
        signature_base("/order/get", params)
        == "/order/getaccess_tokentestapp_key123456order_id1234sign_methodsha256timestamp1517820392000"
    )
    expected = "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"
    assert sign("helloworld", "/order/get", params) == expected


def test_sign_ignores_an_existing_sign_parameter():
    params = {"app_key": "1", "timestamp": "2"}
    assert sign("k", "/x", {**params, "sign": "OLD"}) == sign("k", "/x", params)


def test_a_seller_call_is_posted_form_encoded_and_signed_as_specified(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append({"code": "0", "request_id": "r1", "product": {"product_id": 77, "status": "new"}})

    client.product_get(TOKEN, 77)

    request = gateway.requests[0]
    assert request.method == "POST"
    assert str(request.url) == "http://gateway.test/rest/alibaba/icbu/product/get"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = gateway.form()
    assert form == {
        "product_id": "77",
        "app_key": APP_KEY,
        "timestamp": "1700000000000",
        "sign_method": "sha256",
        "access_token": TOKEN,
        "sign": form["sign"],
    }
    # Computed independently of alibaba.client.sign, straight from DESIGN.md §5.
    base = "/alibaba/icbu/product/get" + "".join(k + form[k] for k in sorted(form) if k != "sign")
    expected = hmac.new(SECRET.encode(), base.encode(), hashlib.sha256).hexdigest().upper()
    assert form["sign"] == expected


def test_an_app_call_sends_no_access_token(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append({"code": "0", "request_id": "r1", "categories": []})

    client.category_get()

    assert "access_token" not in gateway.form()
    assert gateway.form()["cat_id"] == "0"


def test_structured_parameters_are_sent_as_compact_json_and_signed(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append({"code": "0", "request_id": "r1", "product_id": 1601})
    product = {"subject": "Jute bag", "keywords": ["jute", "bag"], "sourcing_trade": {"fob_min_price": 1.5}}

    written = client.product_add(TOKEN, product)

    assert (written.product_id, written.request_id, written.modified_at) == (1601, "r1", None)
    form = gateway.form()
    assert form["product"] == '{"subject":"Jute bag","keywords":["jute","bag"],"sourcing_trade":{"fob_min_price":1.5}}'
    assert form["sign"] == sign(SECRET, "/alibaba/icbu/product/add", form)


def test_an_upload_is_multipart_and_the_file_is_not_signed(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append({"code": "0", "request_id": "r1", "photobank_url": "https://photobank.test/a.png"})
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64

    url = client.photobank_upload(TOKEN, filename="a.png", content=png)

    assert url == "https://photobank.test/a.png"
    request = gateway.requests[0]
    assert request.headers["content-type"].startswith("multipart/form-data")
    fields, files = _multipart(request)
    assert files == {"image": ("a.png", "image/png", png)}
    assert fields["sign"] == sign(SECRET, "/alibaba/icbu/photobank/upload", fields)
    assert set(fields) == {"file_name", "app_key", "timestamp", "sign_method", "access_token", "sign"}


def _multipart(request: httpx.Request):
    from email.parser import BytesParser
    from email.policy import HTTP

    request.read()
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    fields, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename():
            files[name] = (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
        else:
            fields[name] = part.get_payload(decode=True).decode()
    return fields, files


def test_system_parameters_cannot_be_smuggled_in_params(gateway, make_client):
    client = make_client(gateway)
    with pytest.raises(ValueError, match="system parameters"):
        client.call("/x", {"app_key": "other"})
    assert gateway.requests == []


# Errors: every code to its class -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("envelope", "expected"),
    [
        (error_envelope("MissingParameter", "Missing parameter: category_id"), Rejected),
        (error_envelope("InvalidParameter", "InvalidParameter: subject must be ASCII"), Rejected),
        (error_envelope("IncompleteSignature", "The request signature does not conform"), ConfigurationError),
        (error_envelope("InvalidParameter", "InvalidParameter: app_key 9 is not registered"), ConfigurationError),
        (error_envelope("MissingParameter", "MissingParameter: x", field="access_token"), ConfigurationError),
        (error_envelope("InvalidTimestamp", "Timestamp is out of range"), ConfigurationError),
        (error_envelope("InvalidApiPath", "No such api"), ConfigurationError),
        (error_envelope("InsufficientPermission", "Not allowed"), ConfigurationError),
        (error_envelope("IllegalAccessToken", "The access token is invalid or expired"), TokenExpired),
        (error_envelope("ApiCallLimit", "Too many calls, this ban will last 3 seconds"), RateLimited),
        (error_envelope("DailyQuotaExceeded", "Daily quota used up"), DailyQuotaExceeded),
        (error_envelope("ServiceUnavailable", "Try later", type_="ISP"), TransientError),
        (error_envelope("isp.remote-service-error", "Backend failed", type_="ISP"), TransientError),
        (error_envelope("InternalError", "Oops", type_="SYSTEM"), TransientError),
        (error_envelope("isp.something-new", "New ISP code", type_="ISP"), TransientError),
        (error_envelope("SomeNewIsvCode", "New ISV code"), PermanentError),
        ({"code": "Weird", "message": "no type", "request_id": "r"}, TransientError),
        ({"request_id": "r"}, TransientError),
    ],
    ids=lambda value: value.get("code", "no-code") if isinstance(value, dict) else value.__name__,
)
def test_every_error_code_maps_to_its_class(gateway, make_client, envelope, expected):
    client = make_client(gateway)
    gateway.answers.append(envelope)

    with pytest.raises(GatewayError) as raised:
        client.call("/alibaba/icbu/product/get", {"product_id": "1"}, access_token=TOKEN)

    error = raised.value
    assert type(error) is expected
    assert error.code == envelope.get("code", "UnknownError")
    assert error.message == envelope.get("message", "")
    assert error.request_id == envelope["request_id"]
    assert error.api_path == "/alibaba/icbu/product/get"
    assert error.type == envelope.get("type", "")
    assert len(gateway.requests) == 1, "the client never retries"


def test_what_the_caller_does_follows_from_the_class():
    assert issubclass(GatewayTimeout, TransientError)
    assert issubclass(RateLimited, TransientError)
    assert issubclass(DailyQuotaExceeded, RateLimited)
    assert issubclass(BadResponse, TransientError)
    for permanent in (Rejected, ConfigurationError):
        assert issubclass(permanent, PermanentError)
        assert not issubclass(permanent, TransientError)
    assert not issubclass(TokenExpired, TransientError | PermanentError)


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ("InvalidParameter: subject must be ASCII", "subject"),
        ("Missing parameter: category_id", "category_id"),
        ("MissingParameter: main_image.images is required", "main_image.images"),
        ("Invalid parameter 'keywords': at most 3", "keywords"),
        ("The parameter sourcing_trade.fob_min_price is invalid", "sourcing_trade.fob_min_price"),
        ("InvalidParameter: bulk_discount_prices[1].price must be ascending", "bulk_discount_prices[1].price"),
        ("attributes[2].value_id is not allowed", "attributes[2].value_id"),
        ("InvalidParameter: Subject exceeds 128 characters", "subject"),
        ("InvalidParameter: field keywords contains ;", "keywords"),
        ("category_id is required", "category_id"),
        ("The request is wrong", None),
        ("", None),
    ],
)
def test_the_rejected_field_is_read_from_the_message(message, field):
    assert parse_field(message) == field


def test_a_rejection_names_its_field_and_a_message_for_the_seller(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(error_envelope("InvalidParameter", "InvalidParameter: subject must be ASCII"))

    with pytest.raises(Rejected) as raised:
        client.product_add(TOKEN, {"subject": "Pāṭ bag"})

    assert raised.value.field == "subject"
    assert raised.value.user_message == "subject must be ASCII"


def test_a_field_key_in_the_envelope_wins_over_the_message(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(error_envelope("InvalidParameter", "InvalidParameter: too many", field="keywords"))

    with pytest.raises(Rejected) as raised:
        client.product_add(TOKEN, {"keywords": ["a", "b", "c", "d"]})

    assert raised.value.field == "keywords"


@pytest.mark.parametrize(
    ("envelope", "seconds"),
    [
        ({"message": "Too many calls, this ban will last 7 seconds"}, 7.0),
        ({"message": "ApiCallLimit: access frequency exceeded, this ban will last 1 second"}, 1.0),
        ({"message": "this ban will last 2.5 seconds"}, 2.5),
        ({"message": "ban will last 9 seconds", "ban_seconds": 12}, 12.0),
        ({"message": "Too many calls"}, 5.0),
    ],
)
def test_ban_seconds_are_read_from_the_field_or_the_message(envelope, seconds):
    assert parse_ban_seconds(envelope) == seconds


def test_an_api_call_limit_carries_its_ban(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(error_envelope("ApiCallLimit", "Too many calls, this ban will last 4 seconds"))

    with pytest.raises(RateLimited) as raised:
        client.category_get()

    assert raised.value.ban_seconds == 4.0
    assert raised.value.retry_after == 4.0


def test_a_daily_quota_is_retried_after_the_next_utc_midnight(gateway, make_client):
    eleven_pm = datetime(2024, 3, 1, 23, 0, tzinfo=UTC).timestamp()
    client = make_client(gateway, clock=lambda: eleven_pm)
    gateway.answers.append(error_envelope("DailyQuotaExceeded", "Daily quota exceeded"))

    with pytest.raises(DailyQuotaExceeded) as raised:
        client.category_get()

    assert raised.value.retry_after == 3600.0


def test_a_daily_quota_reset_given_by_the_gateway_is_used(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(error_envelope("DailyQuotaExceeded", "Daily quota exceeded", retry_after=120))

    with pytest.raises(DailyQuotaExceeded) as raised:
        client.category_get()

    assert raised.value.retry_after == 120.0


# Transport failures -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exception", "outcome_unknown"),
    [
        (httpx.ReadTimeout("timed out"), True),
        (httpx.WriteTimeout("timed out"), True),
        (httpx.ConnectTimeout("timed out"), False),
        (httpx.PoolTimeout("timed out"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_a_timeout_is_a_gateway_timeout(gateway, make_client, exception, outcome_unknown):
    client = make_client(gateway)
    gateway.answers.append(exception)

    with pytest.raises(GatewayTimeout) as raised:
        client.product_add(TOKEN, {"subject": "x", "custom_code": "L-1"})

    assert raised.value.outcome_unknown is outcome_unknown
    assert raised.value.api_path == "/alibaba/icbu/product/add"
    assert len(gateway.requests) == 1


def test_a_gateway_that_does_not_answer_in_time_times_out_with_the_outcome_unknown():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()  # the kernel completes the connection; nobody ever answers
        port = server.getsockname()[1]
        client = AlibabaClient(f"http://127.0.0.1:{port}", APP_KEY, SECRET, read_timeout=0.2)
        with client, pytest.raises(GatewayTimeout) as raised:
            client.product_add(TOKEN, {"subject": "x"})

    assert raised.value.outcome_unknown is True


def test_connection_refused_is_transient_and_nothing_was_sent(unused_port):
    client = AlibabaClient(f"http://127.0.0.1:{unused_port}", APP_KEY, SECRET)
    with client, pytest.raises(TransientError) as raised:
        client.category_get()

    assert type(raised.value) is TransientError
    assert raised.value.code == "ConnectionError"
    assert raised.value.outcome_unknown is False


def test_a_connection_reset_after_sending_leaves_the_outcome_unknown(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(httpx.ReadError("connection reset by peer"))

    with pytest.raises(TransientError) as raised:
        client.product_add(TOKEN, {"subject": "x"})

    assert raised.value.outcome_unknown is True


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(502, text="Bad Gateway"),
        httpx.Response(200, text="<html>not json</html>"),
        httpx.Response(200, json=["not", "an", "object"]),
    ],
    ids=["http-502", "not-json", "not-an-object"],
)
def test_an_unreadable_answer_is_a_transient_bad_response(gateway, make_client, response):
    client = make_client(gateway)
    gateway.answers.append(response)

    with pytest.raises(BadResponse) as raised:
        client.product_add(TOKEN, {"subject": "x"})

    assert isinstance(raised.value, TransientError)
    assert raised.value.outcome_unknown is True
    assert len(gateway.requests) == 1


def test_a_success_without_the_promised_field_is_a_bad_response(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append({"code": "0", "request_id": "r9"})

    with pytest.raises(BadResponse) as raised:
        client.product_add(TOKEN, {"subject": "x"})

    assert raised.value.request_id == "r9"
    assert raised.value.outcome_unknown is True


# Logging ----------------------------------------------------------------------------------------------------------


def test_each_call_is_logged_with_path_outcome_duration_and_request_id(gateway, make_client, caplog):
    client = make_client(gateway)
    gateway.answers += [
        {"code": "0", "request_id": "req-a", "categories": []},
        error_envelope("ServiceUnavailable", "Try later", type_="ISP"),
    ]
    caplog.set_level(logging.INFO, logger="dxports.alibaba")

    client.category_get()
    with pytest.raises(TransientError):
        client.category_get()

    ok, failed = [r for r in caplog.records if r.name == "dxports.alibaba"]
    assert (ok.api_path, ok.outcome, ok.request_id) == ("/alibaba/icbu/category/get", "ok", "req-a")
    assert (failed.outcome, failed.request_id, failed.levelno) == ("ServiceUnavailable", "req-err-1", logging.WARNING)
    assert isinstance(ok.duration_ms, int)
    assert "req-a" in ok.getMessage()


def test_secrets_and_tokens_are_never_logged(gateway, make_client, caplog):
    client = make_client(gateway)
    refresh = "tok-refresh-1a2b3c4d5e"
    gateway.answers += [
        {
            "code": "0",
            "request_id": "r1",
            "access_token": TOKEN,
            "refresh_token": refresh,
            "expires_in": 864000,
            "refresh_expires_in": 5184000,
        },
        error_envelope("IllegalAccessToken", f"IllegalAccessToken: {TOKEN} has expired"),
        error_envelope("InvalidParameter", f"InvalidParameter: refresh_token {refresh} is unknown"),
    ]
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included

    tokens = client.token_create("auth-code-5566")
    with pytest.raises(TokenExpired) as expired:
        client.product_get(TOKEN, 1)
    with pytest.raises(Rejected) as rejected:
        client.token_refresh(refresh)

    assert caplog.records, "calls are logged"
    errors = (expired.value, rejected.value)
    shown = caplog.text + repr(tokens) + "".join(str(e) + repr(e) for e in errors) + rejected.value.user_message
    for secret in (SECRET, TOKEN, refresh, "auth-code-5566"):
        assert secret not in shown


# Typed calls -------------------------------------------------------------------------------------------------------


def test_supplier_create_returns_the_account_and_its_authorization_code(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(
        {"code": "0", "request_id": "r1", "supplier": {"supplier_id": 100, "code": "auth-1"}},
    )

    account = client.supplier_create(seller_ref="seller-uuid", company_name="Jute Co", contact_email="a@jute.test")

    assert (account.supplier_id, account.code) == (100, "auth-1")
    form = gateway.form()
    assert (form["seller_ref"], form["company_name"], form["country"]) == ("seller-uuid", "Jute Co", "BD")


def test_tokens_expire_relative_to_the_clock(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(
        {
            "code": "0",
            "request_id": "r1",
            "access_token": "a",
            "refresh_token": "b",
            "expires_in": 864000,
            "refresh_expires_in": 5184000,
            "supplier_id": 1,
        }
    )

    tokens = client.token_refresh("old-refresh")

    issued = datetime.fromtimestamp(NOW, tz=UTC)
    assert tokens.access_expires_at == issued + timedelta(days=10)
    assert tokens.refresh_expires_at == issued + timedelta(days=60)
    assert tokens.supplier_id == 1
    assert gateway.form()["refresh_token"] == "old-refresh"


def test_category_attributes_come_with_their_allowed_values(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(
        {
            "code": "0",
            "request_id": "r1",
            "attributes": [
                {"attribute_id": 10, "name": "Material", "required": True, "values": [{"value_id": 1, "name": "Jute"}]},
                {"attribute_id": 11, "name": "Brand", "required": False, "input_type": "input"},
            ],
        }
    )

    material, brand = client.category_attributes(200)

    assert (material.attribute_id, material.required, material.values[0].name) == (10, True, "Jute")
    assert (brand.required, brand.values) == (False, ())


def test_product_list_sends_its_filters_and_reads_the_page(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(
        {
            "code": "0",
            "request_id": "r1",
            "total_item": 1,
            "current_page": 2,
            "page_size": 10,
            "products": [
                {"product_id": 5, "custom_code": "L-5", "status": "tbd", "display": "N", "reason": "Blurry photo"}
            ],
        }
    )

    page = client.product_list(
        TOKEN, page=2, page_size=10, custom_code="L-5", modified_from=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    )

    form = gateway.form()
    assert (form["current_page"], form["page_size"], form["custom_code"]) == ("2", "10", "L-5")
    assert form["gmt_modified_from"] == "2024-01-02T03:04:05Z"
    assert (page.total, page.page) == (1, 2)
    assert (page.products[0].product_id, page.products[0].reject_reason) == (5, "Blurry photo")


def test_product_set_display_sends_the_id_list_and_on_or_off(gateway, make_client):
    client = make_client(gateway)

    client.product_set_display(TOKEN, [1, 2], on=False)

    form = gateway.form()
    assert (form["product_id_list"], form["new_display"]) == ("[1,2]", "off")


# Rate limiter ------------------------------------------------------------------------------------------------------


class CountingLimiter(LocalRateLimiter):
    def __init__(self):
        super().__init__(rate=1000, burst=1000)
        self.acquired = 0
        self.paused = []

    def acquire(self, timeout=None):
        self.acquired += 1
        return super().acquire(timeout)

    def pause(self, seconds):
        self.paused.append(seconds)
        super().pause(seconds)


def test_every_call_takes_a_rate_limit_token_first(gateway, make_client):
    limiter = CountingLimiter()
    client = make_client(gateway, rate_limiter=limiter)

    client.call("/a")
    client.call("/b")

    assert limiter.acquired == 2


def test_a_ban_is_passed_to_the_limiter_so_every_worker_waits(gateway, make_client):
    limiter = CountingLimiter()
    client = make_client(gateway, rate_limiter=limiter)
    gateway.answers.append(error_envelope("ApiCallLimit", "Too many calls, this ban will last 6 seconds"))

    with pytest.raises(RateLimited):
        client.call("/a")

    assert limiter.paused == [6.0]
    assert limiter.paused_for() > 5


def test_a_daily_quota_does_not_pause_the_limiter(gateway, make_client):
    limiter = CountingLimiter()
    client = make_client(gateway, rate_limiter=limiter)
    gateway.answers.append(error_envelope("DailyQuotaExceeded", "Daily quota exceeded"))

    with pytest.raises(DailyQuotaExceeded):
        client.call("/a")

    assert limiter.paused == []


def test_a_call_that_would_wait_too_long_is_not_sent(gateway, make_client):
    limiter = LocalRateLimiter(rate=10)
    limiter.pause(60)
    client = make_client(gateway, rate_limiter=limiter, rate_limit_wait=1.0)

    with pytest.raises(RateLimited) as raised:
        client.call("/a")

    assert raised.value.type == "CLIENT"
    assert raised.value.outcome_unknown is False
    assert 59 < raised.value.retry_after <= 60
    assert gateway.requests == []


def test_from_settings_shares_one_limiter_per_process(settings, monkeypatch):
    from alibaba import ratelimit

    monkeypatch.setattr(ratelimit, "_shared", {})
    settings.REDIS_URL = ""
    settings.ALIBABA_RATE_LIMIT_PER_S = 25
    settings.ALIBABA_GATEWAY_URL = "http://gateway.test:8001/"
    settings.ALIBABA_TIMEOUT_READ = 4.5

    with AlibabaClient.from_settings() as first, AlibabaClient.from_settings() as second:
        assert first.base_url == "http://gateway.test:8001"
        assert first._http.timeout.read == 4.5
        assert first.rate_limiter is second.rate_limiter
        assert first.rate_limiter.rate == 25

    settings.ALIBABA_RATE_LIMIT_PER_S = 0
    with AlibabaClient.from_settings() as unlimited:
        assert unlimited.rate_limiter is None


def test_the_client_repr_shows_no_secret(gateway, make_client):
    assert SECRET not in repr(make_client(gateway))


# Inquiries: threads, quotations, attachments -----------------------------------------------------------------------

THREAD = {
    "inquiry_id": 91,
    "product_id": 16,
    "custom_code": "L-1",
    "subject": "Inquiry about jute bags",
    "content": "Please quote.",
    "attachments": [{"attachment_id": 7, "file_name": "spec.pdf", "content_type": "application/pdf", "size": 5}],
    "quantity": 500,
    "quantity_unit": "piece",
    "buyer_name": "Priya Sharma",
    "buyer_company": "Sharma Overseas Pvt. Ltd.",
    "buyer_country": "IN",
    "gmt_create": "2023-11-14T22:00:00.000Z",
    "gmt_modified": "2023-11-14T22:10:00.000Z",
    "messages": [
        {"message_id": 1, "sender": "supplier", "content": "Offer", "quotation": None, "attachments": [],
         "gmt_create": "2023-11-14T22:01:00.000Z"},
        {"message_id": 2, "sender": "buyer", "content": "Offer", "quotation": None, "attachments": [],
         "gmt_create": "2023-11-14T22:02:00.000Z"},
        {"message_id": 3, "sender": "supplier", "content": "Offer",
         "quotation": {"price": "2.15", "currency": "USD", "quantity": 500, "unit": "piece", "incoterm": "FOB",
                       "port_of_loading": "Chattogram", "destination": None, "lead_time_days": 30,
                       "payment_terms": ["T/T"], "valid_until": "2023-12-14", "sample_terms": ""},
         "attachments": [], "gmt_create": "2023-11-14T22:09:00.000Z"},
    ],
}  # fmt: skip
FOB = Quotation(
    price=Decimal("2.15"), quantity=500, unit="piece", incoterm="FOB", port_of_loading="Chattogram",
    lead_time_days=30, payment_terms=("T/T",),
)  # fmt: skip


def test_a_quotation_is_sent_as_compact_json_without_empty_terms(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append({"code": "0", "request_id": "r1", "message_id": 9})

    assert client.inquiry_reply(TOKEN, 91, content="Offer", quotation=FOB) == 9

    assert json.loads(gateway.form()["quotation"]) == {
        "price": 2.15, "currency": "USD", "quantity": 500, "unit": "piece", "incoterm": "FOB",
        "port_of_loading": "Chattogram", "lead_time_days": 30, "payment_terms": ["T/T"],
    }  # fmt: skip


def test_a_thread_is_read_into_typed_messages(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append({"code": "0", "request_id": "r1", "inquiry": THREAD})

    thread = client.inquiry_get(TOKEN, 91)

    assert gateway.form()["inquiry_id"] == "91"
    assert thread.attachments[0].file_name == "spec.pdf"
    assert [m.sender for m in thread.messages] == ["supplier", "buyer", "supplier"]
    quotation = thread.messages[2].quotation
    assert (quotation.price, quotation.valid_until, quotation.payment_terms) == (
        Decimal("2.15"), date(2023, 12, 14), ("T/T",)
    )  # fmt: skip
    assert quotation.same_offer(FOB)
    assert not quotation.same_offer(dataclasses.replace(FOB, incoterm="CIF", destination="Hamburg"))


def test_find_reply_takes_the_earliest_supplier_message_with_that_content_since_the_attempt(gateway, make_client):
    gateway.answers.append({"code": "0", "request_id": "r1", "inquiry": THREAD})
    thread = make_client(gateway).inquiry_get(TOKEN, 91)
    first_attempt = datetime(2023, 11, 14, 22, 5, tzinfo=UTC)

    assert thread.find_reply(content="Offer", sent_from=first_attempt).message_id == 1  # within the clock margin
    assert thread.find_reply(content="Offer", sent_from=first_attempt, known_message_ids=[1]).message_id == 3
    assert thread.find_reply(content="Offer", sent_from=first_attempt, quotation=FOB).message_id == 3
    assert thread.find_reply(content="Offer", sent_from=first_attempt + timedelta(minutes=20)) is None
    assert thread.find_reply(content="Other text", sent_from=first_attempt) is None


def _stream(*chunks):
    yield from chunks


@pytest.mark.parametrize(
    ("response", "error", "code"),
    [
        (httpx.Response(403, json={"code": "LinkExpired"}), LinkExpired, "LinkExpired"),
        (httpx.Response(403, json={"code": "SignatureDoesNotMatch"}), LinkExpired, "SignatureDoesNotMatch"),
        (httpx.Response(404, json={"code": "NotFound"}), PermanentError, "NotFound"),
        (httpx.Response(503, text="down", headers={"Retry-After": "4"}), TransientError, "HTTP503"),
    ],
)
def test_a_failed_download_says_what_to_do(gateway, make_client, response, error, code):
    client = make_client(gateway)
    gateway.answers.append(response)

    with pytest.raises(error) as raised:
        client.download("https://files.example/a/1/spec.pdf?expires=1&signature=abc", io.BytesIO(), max_bytes=100)

    assert raised.value.code == code
    assert not raised.value.outcome_unknown
    if code == "HTTP503":
        assert raised.value.retry_after == 4.0


def test_a_download_without_a_declared_size_is_stopped_at_the_cap(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(httpx.Response(200, content=_stream(b"a" * 60, b"b" * 60, b"c" * 60)))
    dest = io.BytesIO()

    with pytest.raises(AttachmentTooLarge) as raised:
        client.download("https://files.example/a/1/x.jpg?signature=abc", dest, max_bytes=100)

    assert raised.value.limit == 100
    assert len(dest.getvalue()) <= 100


def test_a_download_streams_into_the_file_with_its_hash(gateway, make_client, caplog):
    client = make_client(gateway)
    body = b"%PDF-1.4 spec"
    gateway.answers.append(httpx.Response(200, content=body, headers={"Content-Type": "application/pdf"}))
    dest = io.BytesIO()

    with caplog.at_level(logging.INFO, logger="dxports.alibaba"):
        downloaded = client.download("https://files.example/a/1/spec.pdf?signature=s3cr3tsig", dest, max_bytes=100)

    assert dest.getvalue() == body
    assert (downloaded.size, downloaded.content_type) == (len(body), "application/pdf")
    assert downloaded.sha256 == hashlib.sha256(body).hexdigest()
    assert gateway.requests[0].method == "GET"
    assert "s3cr3tsig" not in caplog.text
    assert "/a/1/spec.pdf" in caplog.text


def test_a_declared_size_over_the_cap_reads_nothing(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(httpx.Response(200, content=b"x" * 500))
    dest = io.BytesIO()

    with pytest.raises(AttachmentTooLarge) as raised:
        client.download("https://files.example/f?signature=s", dest, max_bytes=499)

    assert (raised.value.size, dest.getvalue()) == (500, b"")


def test_only_http_links_are_followed(gateway, make_client):
    client = make_client(gateway)

    with pytest.raises(ValueError):
        client.download("file:///etc/passwd", io.BytesIO(), max_bytes=100)

    assert gateway.requests == []


def test_an_attachment_is_downloaded_through_a_fresh_link(gateway, make_client):
    client = make_client(gateway)
    gateway.answers += [
        {
            "code": "0",
            "request_id": "r1",
            "attachment": {"attachment_id": 7, "inquiry_id": 91, "message_id": None, "file_name": "spec.pdf",
                           "content_type": "application/pdf", "size": 5},
            "download_url": "https://files.example/files/inquiry-attachments/7/spec.pdf?expires=1&signature=s",
            "expires_in": 300,
            "expires_at": "2023-11-14T22:18:20.000Z",
        },
        httpx.Response(200, content=b"%PDF-", headers={"Content-Type": "application/pdf"}),
    ]  # fmt: skip

    downloaded = client.inquiry_attachment_download(TOKEN, 7, io.BytesIO(), max_bytes=10)

    assert gateway.form(0)["attachment_id"] == "7"
    assert str(gateway.requests[1].url).startswith("https://files.example/files/inquiry-attachments/7/")
    assert (downloaded.attachment.attachment_id, downloaded.size) == (7, 5)


# The company profile -----------------------------------------------------------------------------------------------


def test_a_certificate_goes_multipart_with_its_type_read_from_the_content(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append({"code": "0", "request_id": "r1", "certificate_url": "https://files.test/c.pdf"})

    url = client.company_certificate_upload(TOKEN, filename="bsci.pdf", content=b"%PDF-1.4 certificate")

    assert url == "https://files.test/c.pdf"
    request = gateway.requests[0]
    request.read()
    assert str(request.url) == "http://gateway.test/rest/dexports/company/certificate/upload"
    assert b'name="file"; filename="bsci.pdf"' in request.content
    assert b"Content-Type: application/pdf" in request.content


def test_a_profile_that_was_never_sent_reads_as_none(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append({"code": "0", "request_id": "r1", "supplier_id": 5, "profile": None, "status": None})

    assert client.company_profile_get(TOKEN) is None


def test_a_profile_update_is_sent_as_json_and_answers_its_review(gateway, make_client):
    client = make_client(gateway)
    gateway.answers.append(
        {"code": "0", "request_id": "r1", "supplier_id": 5, "status": "new", "version": 3,
         "gmt_modified": "2023-11-14T22:13:20.000Z"}
    )  # fmt: skip

    review = client.company_profile_update(TOKEN, {"year_established": 1987, "employees": "51-100"})

    assert json.loads(gateway.form()["profile"]) == {"year_established": 1987, "employees": "51-100"}
    assert (review.status, review.version, review.modified_at) == ("new", 3, datetime.fromtimestamp(NOW, tz=UTC))
