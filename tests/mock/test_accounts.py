"""Supplier provisioning, authorization codes and tokens."""

from .conftest import make_seller

SUPPLIER = {"seller_ref": "seller-42", "company_name": "Padma Leather Works", "contact_email": "hello@padma.com.bd"}


def test_create_answers_a_supplier_and_an_authorization_code(api, gateway):
    answer = api.ok("/dexports/supplier/create", **SUPPLIER, country="BD")
    assert answer["supplier_id"] > 0
    assert answer["auth_code"]
    assert answer["auth_code_expires_in"] == 1800
    [supplier] = gateway.state()["suppliers"]
    assert supplier == {"supplier_id": answer["supplier_id"], **SUPPLIER, "country": "BD", "products": 0}


def test_a_retried_create_answers_the_same_supplier_with_a_fresh_code(api, gateway):
    first = api.ok("/dexports/supplier/create", **SUPPLIER)
    again = api.ok("/dexports/supplier/create", **SUPPLIER)
    assert again["supplier_id"] == first["supplier_id"]
    assert again["auth_code"] != first["auth_code"]
    assert len(gateway.state()["suppliers"]) == 1
    assert api.ok("/auth/token/create", code=first["auth_code"])["supplier_id"] == first["supplier_id"]
    assert api.ok("/auth/token/create", code=again["auth_code"])["supplier_id"] == first["supplier_id"]


def test_create_checks_its_parameters(api):
    assert (
        api.error("/dexports/supplier/create", "MissingParameter", company_name="x", contact_email="a@b.bd")["field"]
        == "seller_ref"
    )
    answer = api.error("/dexports/supplier/create", "InvalidParameter", **{**SUPPLIER, "contact_email": "nope"})
    assert answer["field"] == "contact_email"
    answer = api.error("/dexports/supplier/create", "InvalidParameter", **SUPPLIER, country="IN")
    assert answer["field"] == "country"


def test_a_code_gives_tokens_once(api):
    code = api.ok("/dexports/supplier/create", **SUPPLIER)["auth_code"]
    tokens = api.ok("/auth/token/create", code=code)
    assert tokens["expires_in"] == 10 * 86400
    assert tokens["refresh_expires_in"] == 60 * 86400
    assert tokens["account"] == SUPPLIER["contact_email"]
    assert tokens["access_token"] != tokens["refresh_token"]
    assert api.error("/auth/token/create", "InvalidParameter", code=code)["field"] == "code"


def test_an_expired_code_is_refused(api, gateway):
    code = api.ok("/dexports/supplier/create", **SUPPLIER)["auth_code"]
    gateway.configure(clock_offset_s=1801)
    api.error("/auth/token/create", "InvalidParameter", code=code)


def test_an_expired_access_token_is_illegal_until_refreshed(api, gateway):
    seller = make_seller(api)
    gateway.configure(clock_offset_s=10 * 86400 + 1)
    answer = api.error("/alibaba/icbu/product/list", "IllegalAccessToken", token=seller["access_token"])
    assert answer["type"] == "ISV"
    assert "expired" in answer["message"]
    refreshed = api.ok("/auth/token/refresh", refresh_token=seller["refresh_token"])
    assert refreshed["refresh_token"] == seller["refresh_token"]
    assert 50 * 86400 - 3 <= refreshed["refresh_expires_in"] < 50 * 86400
    api.ok("/alibaba/icbu/product/list", token=refreshed["access_token"])


def test_expiring_tokens_now_by_config_and_by_harness(api, gateway):
    seller = make_seller(api)
    gateway.configure(expire_access_tokens=True)
    assert "expire_access_tokens" not in gateway.config
    api.error("/alibaba/icbu/product/list", "IllegalAccessToken", token=seller["access_token"])
    fresh = api.ok("/auth/token/refresh", refresh_token=seller["refresh_token"])["access_token"]
    api.ok("/alibaba/icbu/product/list", token=fresh)
    assert api.client.post("/_mock/tokens/expire").json() == {"expired": 1}
    api.error("/alibaba/icbu/product/list", "IllegalAccessToken", token=fresh)


def test_an_earlier_access_token_stays_good_after_a_refresh(api):
    seller = make_seller(api)
    api.ok("/auth/token/refresh", refresh_token=seller["refresh_token"])
    api.ok("/alibaba/icbu/product/list", token=seller["access_token"])


def test_an_expired_refresh_token_needs_a_new_authorization(api, gateway):
    seller = make_seller(api)
    gateway.configure(clock_offset_s=60 * 86400 + 1)
    answer = api.error("/auth/token/refresh", "InvalidParameter", refresh_token=seller["refresh_token"])
    assert answer["field"] == "refresh_token"
    code = api.ok("/dexports/supplier/create", seller_ref="seller-1", company_name="x", contact_email="a@b.bd")
    api.ok("/auth/token/create", code=code["auth_code"])


def test_token_ttls_are_configurable(api, gateway):
    gateway.configure(access_token_ttl_s=5, refresh_token_ttl_s=50)
    seller = make_seller(api)
    assert (seller["expires_in"], seller["refresh_expires_in"]) == (5, 50)


def test_a_refresh_token_is_not_an_access_token(api):
    seller = make_seller(api)
    api.error("/alibaba/icbu/product/list", "IllegalAccessToken", token=seller["refresh_token"])


def test_seller_calls_need_a_token(api):
    answer = api.error("/alibaba/icbu/product/list", "MissingParameter")
    assert answer["field"] == "access_token"
