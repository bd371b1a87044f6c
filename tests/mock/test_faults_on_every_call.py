"""Every call of the gateway, old or new, suffers the same faults: drawn ISP errors before it does anything, bans,
the daily quota, expired tokens, and answers lost after the write."""

import httpx
import pytest

from alibaba.mock.calls import ROUTES, SELLER

from .conftest import add_product
from .test_company import CERTIFICATE, PDF, UPDATE, profile_payload

SELLER_CALLS = sorted(path for path, (_, auth) in ROUTES.items() if auth == SELLER)


@pytest.mark.parametrize("api_path", sorted(ROUTES))
def test_an_isp_error_can_strike_every_call(api, gateway, seller, api_path):
    gateway.configure(isp_error_rate=1.0)

    answer = api.call(api_path, token=seller["access_token"])

    assert answer["type"] == "ISP"
    assert gateway.state()["calls"][api_path][answer["code"]] == 1


@pytest.mark.parametrize("api_path", sorted(ROUTES))
def test_a_ban_and_the_daily_quota_cover_every_call(api, gateway, seller, api_path):
    gateway.configure(rate_limit_per_s=0.001, rate_limit_burst=1)
    api.call(api_path, token=seller["access_token"])
    assert api.call(api_path, token=seller["access_token"])["code"] == "ApiCallLimit"

    gateway.configure(rate_limit_per_s=None, daily_quota=0)
    assert api.call(api_path, token=seller["access_token"])["code"] == "DailyQuotaExceeded"


@pytest.mark.parametrize("api_path", SELLER_CALLS)
def test_an_expired_token_stops_every_seller_call(api, gateway, seller, api_path):
    gateway.expire_access_tokens()

    assert api.call(api_path, token=seller["access_token"])["code"] == "IllegalAccessToken"


def lost(api, api_path, **params) -> None:
    with pytest.raises(httpx.ReadTimeout):
        api.call(api_path, **params)


def test_a_lost_reply_answer_leaves_the_reply_with_the_buyer(api, gateway, seller):
    product_id = add_product(api, seller)
    gateway.tick(all_reviews_due=True)
    [inquiry] = gateway.simulate_inquiries(product_id=product_id, attachments=1)
    gateway.configure(timeout_rate=1.0)

    lost(api, "/dexports/inquiry/reply", token=seller["access_token"], inquiry_id=inquiry["inquiry_id"], content="Hi")
    lost(api, "/dexports/inquiry/get", token=seller["access_token"], inquiry_id=inquiry["inquiry_id"])
    lost(api, "/dexports/inquiry/attachment/get", token=seller["access_token"],
         attachment_id=inquiry["attachments"][0]["attachment_id"])  # fmt: skip

    state = gateway.state()
    assert [m["content"] for m in state["threads"][0]["messages"]] == ["Hi"]
    assert state["calls"]["/dexports/inquiry/reply"] == {"timeout": 1}


def test_lost_answers_of_the_company_calls_leave_their_writes_done(api, gateway, seller):
    profile = profile_payload(api, seller, gateway)
    gateway.configure(timeout_rate=1.0)

    lost(api, CERTIFICATE, token=seller["access_token"], files={"file": ("c.pdf", PDF, "application/pdf")})
    lost(api, UPDATE, token=seller["access_token"], profile=profile)

    gateway.configure(timeout_rate=0.0)
    assert gateway.state()["company_profiles"][0]["version"] == 1
    assert gateway.state()["calls"][CERTIFICATE] == {"ok": 1, "timeout": 1}


def test_downloads_suffer_latency_isp_errors_and_lost_answers(api, gateway, seller):
    product_id = add_product(api, seller)
    gateway.tick(all_reviews_due=True)
    [inquiry] = gateway.simulate_inquiries(product_id=product_id, attachments=1)
    link = api.ok("/dexports/inquiry/attachment/get", token=seller["access_token"],
                  attachment_id=inquiry["attachments"][0]["attachment_id"])["download_url"]  # fmt: skip
    path = link.removeprefix("http://mock-gateway")

    gateway.configure(isp_error_rate=1.0)
    refused = api.client.get(path)
    assert (refused.status_code, refused.json()["code"]) == (503, "ServiceUnavailable")
    gateway.configure(isp_error_rate=0.0, timeout_rate=1.0)
    with pytest.raises(httpx.ReadTimeout):
        api.client.get(path)
    gateway.configure(timeout_rate=0.0)
    assert api.client.get(path).status_code == 200

    assert gateway.state()["calls"]["/files/inquiry-attachments"] == {"ServiceUnavailable": 1, "timeout": 1, "ok": 1}
