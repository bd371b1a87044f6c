"""Every error code of the protocol can be provoked, and comes with its documented type."""

import pytest

from alibaba.mock.calls import ROUTES

from .conftest import add_product, signed

PROTOCOL_CODES = {
    "MissingParameter": "ISV",
    "InvalidParameter": "ISV",
    "IncompleteSignature": "ISV",
    "InvalidTimestamp": "ISV",
    "IllegalAccessToken": "ISV",
    "InvalidApiPath": "ISV",
    "InsufficientPermission": "ISV",
    "ApiCallLimit": "ISV",
    "DailyQuotaExceeded": "ISV",
    "ServiceUnavailable": "ISP",
    "isp.remote-service-error": "ISP",
    "InternalError": "SYSTEM",
}


def missing_parameter(api, gateway, seller, other_seller):
    return api.call("/alibaba/icbu/product/get", token=seller["access_token"])


def invalid_parameter(api, gateway, seller, other_seller):
    return api.call("/alibaba/icbu/category/attribute/get", cat_id=1000)


def incomplete_signature(api, gateway, seller, other_seller):
    return api.post("/alibaba/icbu/category/get", signed("/alibaba/icbu/category/get", {}, secret="wrong"))


def invalid_timestamp(api, gateway, seller, other_seller):
    return api.post("/alibaba/icbu/category/get", signed("/alibaba/icbu/category/get", {}, timestamp_ms=1))


def illegal_access_token(api, gateway, seller, other_seller):
    return api.call("/alibaba/icbu/product/list", token="not-a-token")


def invalid_api_path(api, gateway, seller, other_seller):
    return api.call("/alibaba/icbu/product/delete", token=seller["access_token"], product_id=1)


def insufficient_permission(api, gateway, seller, other_seller):
    product_id = add_product(api, seller)
    return api.call("/alibaba/icbu/product/get", token=other_seller["access_token"], product_id=product_id)


def api_call_limit(api, gateway, seller, other_seller):
    gateway.configure(rate_limit_per_s=0.001, rate_limit_burst=1)
    api.ok("/alibaba/icbu/category/get")
    return api.call("/alibaba/icbu/category/get")


def daily_quota_exceeded(api, gateway, seller, other_seller):
    gateway.configure(daily_quota=1)
    api.ok("/alibaba/icbu/category/get")
    return api.call("/alibaba/icbu/category/get")


def isp_error(code):
    def provoke(api, gateway, seller, other_seller):
        gateway.configure(isp_error_rate=1.0, seed=1)
        answers = [api.call("/alibaba/icbu/category/get") for _ in range(20)]
        return next(answer for answer in answers if answer["code"] == code)

    return provoke


def internal_error(api, gateway, seller, other_seller, monkeypatch):
    def broken(call):
        raise RuntimeError("a bug in the gateway")

    monkeypatch.setitem(ROUTES, "/alibaba/icbu/category/get", (broken, "public"))
    return api.call("/alibaba/icbu/category/get")


PROVOKE = {
    "MissingParameter": missing_parameter,
    "InvalidParameter": invalid_parameter,
    "IncompleteSignature": incomplete_signature,
    "InvalidTimestamp": invalid_timestamp,
    "IllegalAccessToken": illegal_access_token,
    "InvalidApiPath": invalid_api_path,
    "InsufficientPermission": insufficient_permission,
    "ApiCallLimit": api_call_limit,
    "DailyQuotaExceeded": daily_quota_exceeded,
    "ServiceUnavailable": isp_error("ServiceUnavailable"),
    "isp.remote-service-error": isp_error("isp.remote-service-error"),
}


def test_every_code_has_a_way_to_provoke_it():
    assert set(PROVOKE) | {"InternalError"} == set(PROTOCOL_CODES)


@pytest.mark.parametrize("code", sorted(PROVOKE))
def test_code_is_reachable_with_its_type(api, gateway, seller, other_seller, code):
    answer = PROVOKE[code](api, gateway, seller, other_seller)
    assert answer["code"] == code
    assert answer["type"] == PROTOCOL_CODES[code]
    assert answer["message"].startswith(code)
    assert len(answer["request_id"]) == 32
    assert gateway.state()["calls"][_api_path_of(code)][code] >= 1


def test_an_unexpected_failure_is_a_system_error(api, gateway, seller, other_seller, monkeypatch, caplog):
    answer = internal_error(api, gateway, seller, other_seller, monkeypatch)
    assert (answer["type"], answer["code"]) == ("SYSTEM", "InternalError")
    assert "a bug in the gateway" in caplog.text


def test_error_envelopes_are_http_200_json(api):
    response = api.client.post("/rest/no/such/api", data={})
    assert response.status_code == 200
    assert response.json()["code"] == "InvalidApiPath"


def test_the_ban_is_announced_in_the_message_and_as_a_number(api, gateway, seller, other_seller):
    answer = api_call_limit(api, gateway, seller, other_seller)
    assert answer["ban_seconds"] == 10
    assert "this ban will last 10 seconds" in answer["message"]


def test_parameter_errors_name_the_field(api, gateway, seller, other_seller):
    answer = missing_parameter(api, gateway, seller, other_seller)
    assert (answer["field"], answer["message"]) == ("product_id", "MissingParameter: product_id is required")


def _api_path_of(code: str) -> str:
    return {
        "MissingParameter": "/alibaba/icbu/product/get",
        "InvalidParameter": "/alibaba/icbu/category/attribute/get",
        "IllegalAccessToken": "/alibaba/icbu/product/list",
        "InvalidApiPath": "/alibaba/icbu/product/delete",
        "InsufficientPermission": "/alibaba/icbu/product/get",
    }.get(code, "/alibaba/icbu/category/get")
