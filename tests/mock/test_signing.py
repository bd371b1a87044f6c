import time

import pytest

from alibaba.mock import push_authorization
from alibaba.mock import sign as mock_sign

from .conftest import PNG, sign, signed

VECTOR_PARAMS = {
    "access_token": "test",
    "app_key": "123456",
    "order_id": "1234",
    "sign_method": "sha256",
    "timestamp": "1517820392000",
}
VECTOR_SIGN = "4190D32361CFB9581350222F345CB77F3B19F0E31D162316848A2C1FFD5FAB4A"


@pytest.mark.parametrize("sign_function", [mock_sign, sign], ids=["mock", "test-helper"])
def test_the_published_vector(sign_function):
    assert sign_function("helloworld", "/order/get", VECTOR_PARAMS) == VECTOR_SIGN
    assert sign_function("helloworld", "/order/get", {**VECTOR_PARAMS, "sign": "ignored"}) == VECTOR_SIGN


def test_push_authorization_is_hmac_of_app_key_and_body():
    assert push_authorization("helloworld", "123456", b'{"a":1}') == sign("helloworld", '123456{"a":1}', {})


def test_a_signed_call_passes(api):
    assert api.ok("/alibaba/icbu/category/get", cat_id=0)["categories"]


def test_lowercase_hex_is_accepted(api):
    data = signed("/alibaba/icbu/category/get", {"cat_id": 0})
    data["sign"] = data["sign"].lower()
    assert api.post("/alibaba/icbu/category/get", data)["code"] == "0"


def test_wrong_secret_is_an_incomplete_signature(api):
    data = signed("/alibaba/icbu/category/get", {"cat_id": 0}, secret="not-the-secret")
    answer = api.post("/alibaba/icbu/category/get", data)
    assert (answer["type"], answer["code"]) == ("ISV", "IncompleteSignature")


def test_signature_of_another_api_path_fails(api):
    data = signed("/alibaba/icbu/category/attribute/get", {"cat_id": 1202})
    assert api.post("/alibaba/icbu/category/get", data)["code"] == "IncompleteSignature"


def test_tampered_body_fails(api):
    data = signed("/alibaba/icbu/category/get", {"cat_id": 0})
    data["cat_id"] = "1000"
    assert api.post("/alibaba/icbu/category/get", data)["code"] == "IncompleteSignature"


def test_an_added_parameter_fails(api):
    data = {**signed("/alibaba/icbu/category/get", {"cat_id": 0}), "extra": "1"}
    assert api.post("/alibaba/icbu/category/get", data)["code"] == "IncompleteSignature"


@pytest.mark.parametrize("missing", ["app_key", "timestamp", "sign_method", "sign"])
def test_each_system_parameter_is_required(api, missing):
    data = signed("/alibaba/icbu/category/get", {"cat_id": 0})
    del data[missing]
    answer = api.post("/alibaba/icbu/category/get", data)
    assert (answer["type"], answer["code"], answer["field"]) == ("ISV", "MissingParameter", missing)
    assert missing in answer["message"]


def test_unknown_app_key(api):
    data = signed("/alibaba/icbu/category/get", {"cat_id": 0}, app_key="999")
    answer = api.post("/alibaba/icbu/category/get", data)
    assert (answer["code"], answer["field"]) == ("InvalidParameter", "app_key")


def test_sign_method_must_be_sha256(api):
    data = signed("/alibaba/icbu/category/get", {"cat_id": 0, "sign_method": "md5"})
    answer = api.post("/alibaba/icbu/category/get", data)
    assert (answer["code"], answer["field"]) == ("InvalidParameter", "sign_method")


@pytest.mark.parametrize("offset_s", [-11 * 60, 11 * 60])
def test_a_timestamp_outside_ten_minutes_is_refused(api, offset_s):
    stale = int((time.time() + offset_s) * 1000)
    answer = api.post("/alibaba/icbu/category/get", signed("/alibaba/icbu/category/get", {}, timestamp_ms=stale))
    assert (answer["type"], answer["code"]) == ("ISV", "InvalidTimestamp")


def test_a_timestamp_within_ten_minutes_passes(api):
    recent = int((time.time() - 9 * 60) * 1000)
    answer = api.post("/alibaba/icbu/category/get", signed("/alibaba/icbu/category/get", {}, timestamp_ms=recent))
    assert answer["code"] == "0"


def test_a_timestamp_that_is_not_milliseconds_is_refused(api):
    data = signed("/alibaba/icbu/category/get", {}, timestamp_ms="2024-01-01 00:00:00")
    assert api.post("/alibaba/icbu/category/get", data)["code"] == "InvalidTimestamp"


def test_file_parts_are_not_signed_but_multipart_fields_are(api, seller):
    data = signed("/alibaba/icbu/photobank/upload", {"access_token": seller["access_token"]})
    files = {"image": ("a.png", PNG, "image/png")}
    assert api.post("/alibaba/icbu/photobank/upload", data, files)["code"] == "0"
    data["access_token"] = "x" + data["access_token"]
    assert api.post("/alibaba/icbu/photobank/upload", data, files)["code"] == "IncompleteSignature"


def test_parameters_in_the_query_string_are_signed_too(api):
    data = signed("/alibaba/icbu/category/get", {"cat_id": 1000})
    cat_id = data.pop("cat_id")
    response = api.client.post("/rest/alibaba/icbu/category/get", params={"cat_id": cat_id}, data=data)
    assert response.json()["category"]["category_id"] == 1000


def test_a_sign_that_is_not_hex_is_just_wrong(api):
    data = {**signed("/alibaba/icbu/category/get", {}), "sign": "zéro"}
    assert api.post("/alibaba/icbu/category/get", data)["code"] == "IncompleteSignature"
