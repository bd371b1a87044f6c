"""The behaviour a client must survive, switched on at run time and repeatable by seed."""

import time

import httpx
import pytest

from alibaba.mock import MockGateway
from alibaba.mock.config import ConfigError
from alibaba.mock.transport import MockTransport

from .conftest import APP_KEY, APP_SECRET, Api, product_payload


def isp_codes(seed: int, calls: int, rate: float) -> list[str]:
    gateway = MockGateway(app_key=APP_KEY, app_secret=APP_SECRET, seed=seed, isp_error_rate=rate, rate_limit_per_s=None)
    with httpx.Client(transport=MockTransport(gateway), base_url="http://mock") as client:
        codes = [Api(client).call("/alibaba/icbu/category/get")["code"] for _ in range(calls)]
    gateway.close()
    return codes


def test_isp_errors_come_in_the_configured_share_and_repeat_by_seed():
    codes = isp_codes(seed=11, calls=300, rate=0.3)
    errors = [code for code in codes if code != "0"]
    assert 0.2 <= len(errors) / len(codes) <= 0.4
    assert set(errors) == {"ServiceUnavailable", "isp.remote-service-error"}
    assert isp_codes(seed=11, calls=300, rate=0.3) == codes
    assert isp_codes(seed=12, calls=300, rate=0.3) != codes


def test_an_isp_error_happens_before_the_call(api, gateway, seller):
    gateway.configure(isp_error_rate=1.0)
    answer = api.call(
        "/alibaba/icbu/product/add", token=seller["access_token"], product=product_payload(seller["photo"])
    )
    assert answer["type"] == "ISP"
    assert gateway.state()["product_count"] == 0


def test_a_new_seed_restarts_the_draws(api, gateway):
    gateway.configure(isp_error_rate=0.5, seed=5)
    first = [api.call("/alibaba/icbu/category/get")["code"] for _ in range(30)]
    gateway.configure(seed=5)
    assert [api.call("/alibaba/icbu/category/get")["code"] for _ in range(30)] == first


def test_a_timeout_strikes_after_the_write(api, gateway, seller):
    gateway.configure(timeout_rate=1.0)
    token = seller["access_token"]
    with pytest.raises(httpx.ReadTimeout):
        api.call("/alibaba/icbu/product/add", token=token, product=product_payload(seller["photo"]))
    gateway.configure(timeout_rate=0.0)
    found = api.ok("/alibaba/icbu/product/list", token=token, custom_code="listing-0001")
    assert found["total_item"] == 1
    assert gateway.state()["calls"]["/alibaba/icbu/product/add"] == {"timeout": 1}


def test_latency_delays_every_answer(api, gateway):
    gateway.configure(latency_ms=60)
    started = time.monotonic()
    api.ok("/alibaba/icbu/category/get")
    assert time.monotonic() - started >= 0.06


def test_token_bucket_bans_the_app_key(api, gateway):
    gateway.configure(rate_limit_per_s=1, rate_limit_burst=3, ban_seconds=5)
    for _ in range(3):
        api.ok("/alibaba/icbu/category/get")
    answer = api.error("/alibaba/icbu/category/get", "ApiCallLimit")
    assert (answer["type"], answer["ban_seconds"]) == ("ISV", 5)
    assert "this ban will last 5 seconds" in answer["message"]
    gateway.configure(clock_offset_s=3)
    during = api.error("/alibaba/icbu/category/get", "ApiCallLimit")
    assert during["ban_seconds"] == 2
    assert gateway.state()["bans"] == {APP_KEY: pytest.approx(2, abs=0.5)}
    gateway.configure(clock_offset_s=5)
    api.ok("/alibaba/icbu/category/get")


def test_the_bucket_refills_at_the_rate(api, gateway):
    gateway.configure(rate_limit_per_s=2, rate_limit_burst=2)
    api.ok("/alibaba/icbu/category/get")
    api.ok("/alibaba/icbu/category/get")
    gateway.configure(clock_offset_s=0.6)
    api.ok("/alibaba/icbu/category/get")


def test_the_limit_counts_calls_however_they_end(api, gateway):
    gateway.configure(rate_limit_per_s=0.001, rate_limit_burst=2)
    api.error("/alibaba/icbu/product/get", "MissingParameter")
    api.ok("/alibaba/icbu/category/get")
    api.error("/alibaba/icbu/category/get", "ApiCallLimit")


def test_daily_quota(api, gateway):
    gateway.configure(daily_quota=3)
    for _ in range(3):
        api.ok("/alibaba/icbu/category/get")
    answer = api.error("/alibaba/icbu/category/get", "DailyQuotaExceeded")
    assert answer["type"] == "ISV"
    assert 0 < answer["retry_after"] <= 86400
    assert gateway.state()["quota_used"] == {APP_KEY: 3}
    gateway.configure(clock_offset_s=answer["retry_after"] + 1)
    api.ok("/alibaba/icbu/category/get")


def test_config_answers_everything_and_refuses_nonsense(gateway):
    config = gateway.configure(latency_ms=5)
    assert config["latency_ms"] == 5
    assert set(config) >= {
        "seed", "latency_ms", "isp_error_rate", "timeout_rate", "hang_seconds", "rate_limit_per_s",
        "rate_limit_burst", "ban_seconds", "daily_quota", "access_token_ttl_s", "refresh_token_ttl_s",
        "review_delay_s", "reject_rate", "push_url", "clock_offset_s",
    }  # fmt: skip
    for bad in ({"nope": 1}, {"isp_error_rate": 2}, {"latency_ms": "5"}, {"push_url": "ftp://x"}, {"seed": 1.5}):
        with pytest.raises(ConfigError):
            gateway.configure(**bad)
    assert gateway.config["latency_ms"] == 5


def test_reset_forgets_everything(api, gateway, seller):
    api.ok("/alibaba/icbu/product/add", token=seller["access_token"], product=product_payload(seller["photo"]))
    gateway.configure(isp_error_rate=0.5)
    config = gateway.reset()
    assert config["isp_error_rate"] == 0.0
    state = gateway.state()
    assert (state["product_count"], state["suppliers"], state["calls"]) == (0, [], {})
    api.error("/alibaba/icbu/product/list", "IllegalAccessToken", token=seller["access_token"])
