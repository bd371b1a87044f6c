"""Contract: the gateway answers the call form of Alibaba's own Python SDK (iop-sdk-python 1.0.2), by GET and by
POST, in process and over a real socket, and the two forms reach the same calls and the same state.

``IopLike`` does what ``IopClient.execute`` does (read from the SDK's published source, not imported: the SDK is
not on PyPI, and it writes log files into the home directory when imported): every call goes to ``server_url``
(ending in ``/rest``) with the api path in ``method`` beside ``partner_id``, ``simplify`` and ``format``; the
timestamp is whole seconds followed by ``000``; the sign covers every parameter (``method`` included) sorted by
key, after the api path when the api name holds a ``/``; files make the call a multipart POST whatever the method.
"""

import hashlib
import hmac
import json
import time

import httpx
import pytest

from alibaba.client import AlibabaClient

from .conftest import APP_KEY, APP_SECRET, PNG, a_product

SDK_VERSION = "iop-sdk-python-20250910"


def sdk_sign(secret: str, api: str, parameters: dict[str, str]) -> str:
    joined = "".join(f"{key}{parameters[key]}" for key in sorted(parameters))
    text = f"{api}{joined}" if "/" in api else joined
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


class IopLike:
    def __init__(self, http: httpx.Client, server_url: str, app_key: str = APP_KEY, app_secret: str = APP_SECRET):
        self.http, self.server_url, self.app_key, self.app_secret = http, server_url, app_key, app_secret

    def parameters(self, api: str, params: dict, access_token: str | None = None, **system) -> dict[str, str]:
        signed = {
            "app_key": self.app_key,
            "sign_method": "sha256",
            "timestamp": f"{round(time.time())}000",
            "partner_id": SDK_VERSION,
            "method": api,
            "simplify": "false",
            "format": "json",
            **system,
        }
        if access_token:
            signed["access_token"] = access_token
        signed.update({key: str(value) for key, value in params.items()})
        signed["sign"] = sdk_sign(self.app_secret, api, signed)
        return signed

    def execute(self, api: str, params: dict | None = None, *, http_method="POST", access_token=None, files=None):
        signed = self.parameters(api, params or {}, access_token)
        return self.send(signed, http_method=http_method, files=files)

    def send(self, signed: dict[str, str], *, http_method="POST", files=None, url=None) -> dict:
        url = url or self.server_url
        if http_method == "POST" or files:
            response = self.http.post(url, data=signed, files=files)
        else:
            response = self.http.get(url, params=signed)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def sdk(http, served):
    return IopLike(http, f"{served[0]}/rest")


def ok(answer: dict) -> dict:
    assert answer["code"] == "0", answer
    return answer


@pytest.mark.parametrize("http_method", ["GET", "POST"])
def test_every_kind_of_call_answers_the_sdks_form(sdk, gateway, http_method):
    categories = ok(sdk.execute("/alibaba/icbu/category/get", {"cat_id": 0}, http_method=http_method))
    assert {c["category_id"] for c in categories["categories"]} >= {1000, 7000}
    created = ok(
        sdk.execute(
            "/dexports/supplier/create",
            {"seller_ref": "s-1", "company_name": "Golden Fibre Ltd", "contact_email": "ops@gf.com.bd"},
            http_method=http_method,
        )
    )
    tokens = ok(sdk.execute("/auth/token/create", {"code": created["auth_code"]}, http_method=http_method))
    listed = ok(sdk.execute("/alibaba/icbu/product/list", http_method=http_method, access_token=tokens["access_token"]))
    assert listed["total_item"] == 0
    calls = gateway.state()["calls"]
    assert calls["/alibaba/icbu/category/get"] == {"ok": 1}
    assert calls["/auth/token/create"] == {"ok": 1}


def test_an_upload_goes_multipart_even_when_the_sdk_was_told_get(sdk, gateway):
    created = ok(
        sdk.execute("/dexports/supplier/create", {"seller_ref": "s-1", "company_name": "G", "contact_email": "a@b.bd"})
    )
    token = ok(sdk.execute("/auth/token/create", {"code": created["auth_code"]}))["access_token"]

    answer = sdk.execute(
        "/alibaba/icbu/photobank/upload",
        http_method="GET",
        access_token=token,
        files={"image": ("bag.png", PNG, "image/png")},
    )

    assert ok(answer)["photobank_url"].endswith(".png")


def test_what_the_sdk_writes_our_client_reads_and_the_other_way_round(sdk, make_client):
    client: AlibabaClient = make_client()
    account = client.supplier_create(seller_ref="seller-1", company_name="Golden Fibre Ltd", contact_email="a@gf.bd")
    tokens = client.token_create(account.code)
    product = a_product(client, tokens)

    product_id = ok(
        sdk.execute("/alibaba/icbu/product/add", {"product": json.dumps(product)}, access_token=tokens.access_token)
    )["product_id"]

    assert client.product_get(tokens.access_token, product_id).custom_code == "listing-0001"
    client.product_set_display(tokens.access_token, [product_id], on=False)
    got = ok(
        sdk.execute(
            "/alibaba/icbu/product/get", {"product_id": product_id}, http_method="GET", access_token=tokens.access_token
        )
    )
    assert got["product"]["display"] == "N"


@pytest.mark.parametrize("http_method", ["GET", "POST"])
def test_the_path_form_takes_get_as_well(http, http_method):
    signed = IopLike(http, "").parameters("/alibaba/icbu/category/get", {"cat_id": 1000})
    del signed["method"], signed["sign"]
    signed["sign"] = sdk_sign(APP_SECRET, "/alibaba/icbu/category/get", signed)

    answer = IopLike(http, "").send(signed, http_method=http_method, url="/rest/alibaba/icbu/category/get")

    assert [c["category_id"] for c in ok(answer)["categories"]] == [1100, 1200, 1300]


def test_the_method_parameter_is_signed(sdk):
    signed = sdk.parameters("/alibaba/icbu/category/get", {})
    signed["method"] = "/alibaba/icbu/category/attribute/get"  # changed after signing

    assert sdk.send(signed)["code"] == "IncompleteSignature"


def test_the_sdks_form_breaks_the_same_rules_with_the_field_named(sdk, http):
    no_method = sdk.parameters("/alibaba/icbu/category/get", {})
    del no_method["method"]
    no_method["sign"] = sdk_sign(APP_SECRET, "", no_method)
    answer = sdk.send(no_method)
    assert (answer["code"], answer["field"]) == ("MissingParameter", "method")

    answer = sdk.send(sdk.parameters("/alibaba/icbu/category/get", {}, format="xml"))
    assert (answer["code"], answer["field"]) == ("InvalidParameter", "format")

    elsewhere = sdk.parameters("/alibaba/icbu/category/attribute/get", {"cat_id": 1202})
    answer = sdk.send(elsewhere, url="/rest/alibaba/icbu/category/get")
    assert (answer["code"], answer["field"]) == ("InvalidParameter", "method")

    unknown = sdk.execute("/alibaba/icbu/product/delete")
    assert unknown["code"] == "InvalidApiPath"
    dotted = sdk.execute("alibaba.icbu.category.get")
    assert dotted["code"] == "InvalidApiPath"


def test_other_http_methods_are_refused(http):
    assert http.put("/rest", data={"method": "/alibaba/icbu/category/get"}).status_code == 405
    assert http.delete("/rest/alibaba/icbu/category/get").status_code == 405
