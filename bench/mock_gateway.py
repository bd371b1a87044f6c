"""What one call to the mock gateway costs (its own work, no latency configured): product/get and product/add,
in process (the WSGI application called directly) and over HTTP on a loopback port (keep-alive client), beside a
bare HTTP round trip to /_mock/health. The target: p95 over HTTP within 5 ms, so the mock never dominates what the
sync engine's benchmarks measure."""

import io
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alibaba.mock import MockGateway, serve_in_thread, sign

CALLS = 300
WARM_UP = 30
TARGET_MS = 5.0
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048


def signed(gateway: MockGateway, api_path: str, params: dict) -> dict[str, str]:
    full = {key: json.dumps(value) if isinstance(value, dict | list) else str(value) for key, value in params.items()}
    full.update(app_key=gateway.app_key, timestamp=str(int(time.time() * 1000)), sign_method="sha256")
    full["sign"] = sign(gateway.app_secret, api_path, full)
    return full


def product(photo: str, n: int) -> dict:
    return {
        "subject": "Eco-friendly Hessian Jute Shopping Bag with Cotton Handles",
        "category_id": 1202,
        "keywords": ["jute bag", "hessian tote"],
        "attributes": [
            {"attribute_id": 1, "value_name": "Bangladesh"},
            {"attribute_id": 3, "value_name": "Hessian Jute"},
        ],
        "main_image": {"images": [photo]},
        "sourcing_trade": {
            "fob_currency": "USD", "fob_min_price": "1.20", "fob_max_price": "2.50", "fob_unit_type": "piece",
            "min_order_quantity": 500, "supply_quantity": 50000, "supply_period_type": "month",
            "delivery_port": "Chattogram", "payment_methods": ["T/T", "L/C"],
            "deliver_periods": [{"quantity": 1000, "days": 25}],
        },
        "bulk_discount_prices": [{"start_quantity": 500, "price": "2.50"}, {"start_quantity": 5000, "price": "1.90"}],
        "description": "<p>Natural hessian jute bag, 38 x 42 cm.</p>" * 20,
        "custom_code": f"bench-{n}",
    }  # fmt: skip


def in_process(gateway: MockGateway, api_path: str, params: dict) -> dict:
    body = urllib.parse.urlencode(signed(gateway, api_path, params)).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": f"/rest{api_path}",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    return json.loads(b"".join(gateway(environ, lambda status, headers: None)))


def timed(call, count: int) -> list[float]:
    for n in range(WARM_UP):
        call(-n - 1)
    durations = []
    for n in range(count):
        started = time.perf_counter()
        call(n)
        durations.append((time.perf_counter() - started) * 1000)
    return durations


def figures(durations: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(durations, n=20)
    return round(statistics.median(durations), 3), round(cuts[18], 3)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        gateway = MockGateway(db=Path(folder) / "mock.sqlite3", rate_limit_per_s=None, daily_quota=None)
        base_url, stop = serve_in_thread(gateway, background=False)
        try:
            results = measure(gateway, base_url)
        finally:
            stop()
            gateway.close()
    ratio = max(results["http_get_p95_ms"], results["http_add_p95_ms"]) / TARGET_MS
    for key, value in results.items():
        print(f"{key:>24}: {value}")
    print(json.dumps({"bench": "mock_gateway", "calls": CALLS, **results, "ratio": round(ratio, 3), "target": 1.0,
                      "ok": ratio <= 1.0}))  # fmt: skip


def measure(gateway: MockGateway, base_url: str) -> dict[str, float]:
    with httpx.Client(base_url=base_url, timeout=10) as client:

        def http(api_path: str, params: dict, files=None) -> dict:
            answer = client.post(f"/rest{api_path}", data=signed(gateway, api_path, params), files=files).json()
            assert answer["code"] == "0", answer
            return answer

        created = http("/dexports/supplier/create", {"seller_ref": "bench", "company_name": "Bench Jute Ltd",
                                                     "contact_email": "bench@example.com"})  # fmt: skip
        token = http("/auth/token/create", {"code": created["auth_code"]})["access_token"]
        photo = http("/alibaba/icbu/photobank/upload", {"access_token": token}, {"image": ("a.png", PNG)})[
            "photobank_url"
        ]
        product_id = http("/alibaba/icbu/product/add", {"access_token": token, "product": product(photo, 0)})[
            "product_id"
        ]
        get = {"access_token": token, "product_id": product_id}
        results = {}
        for name, call in [
            ("inprocess_get", lambda n: in_process(gateway, "/alibaba/icbu/product/get", get)),
            ("inprocess_add", lambda n: in_process(gateway, "/alibaba/icbu/product/add",
                                                   {"access_token": token, "product": product(photo, n)})),
            ("http_bare", lambda n: client.get("/_mock/health")),
            ("http_get", lambda n: http("/alibaba/icbu/product/get", get)),
            ("http_add", lambda n: http("/alibaba/icbu/product/add", {"access_token": token,
                                                                      "product": product(photo, 10_000 + n)})),
        ]:  # fmt: skip
            results[f"{name}_p50_ms"], results[f"{name}_p95_ms"] = figures(timed(call, CALLS))
    return results


if __name__ == "__main__":
    main()
