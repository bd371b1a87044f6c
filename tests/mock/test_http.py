"""The gateway on a real loopback socket: concurrency, hangs, the harness, the background thread, the command."""

import contextlib
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from alibaba.mock import MockGateway, serve_in_thread

from .conftest import APP_KEY, APP_SECRET, Api, make_seller, product_payload, wait_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(gateway):
    base_url, stop = serve_in_thread(gateway, background=False)
    yield base_url
    stop()


@pytest.fixture
def http_api(served):
    with httpx.Client(base_url=served, timeout=10) as client:
        yield Api(client)


def test_concurrent_callers_leave_a_consistent_state(served, http_api, gateway):
    seller = make_seller(http_api)
    token = seller["access_token"]

    def worker(n: int) -> list[int]:
        added = []
        with httpx.Client(base_url=served, timeout=10) as client:
            api = Api(client)
            for i in range(25):
                product = product_payload(seller["photo"], custom_code=f"w{n}-{i}")
                product_id = api.ok("/alibaba/icbu/product/add", token=token, product=product)["product_id"]
                assert (
                    api.ok("/alibaba/icbu/product/get", token=token, product_id=product_id)["product"]["custom_code"]
                    == f"w{n}-{i}"
                )
                added.append(product_id)
        return added

    with ThreadPoolExecutor(max_workers=8) as pool:
        added = [product_id for ids in pool.map(worker, range(8)) for product_id in ids]

    assert len(set(added)) == 200
    state = gateway.state()
    assert state["product_count"] == 200
    assert state["duplicates"] == {}
    assert sorted(held[0]["product_id"] for held in state["products"].values()) == sorted(added)
    assert state["calls"]["/alibaba/icbu/product/add"] == {"ok": 200}
    assert state["calls"]["/alibaba/icbu/product/get"] == {"ok": 200}
    assert http_api.ok("/alibaba/icbu/product/list", token=token, page_size=1)["total_item"] == 200


def test_a_hang_over_http_times_the_client_out_after_the_write(served, http_api, gateway):
    seller = make_seller(http_api)
    gateway.configure(timeout_rate=1.0, hang_seconds=3)
    product = product_payload(seller["photo"])
    impatient = httpx.Timeout(5, read=0.3)
    with httpx.Client(base_url=served, timeout=impatient) as client, pytest.raises(httpx.ReadTimeout):
        Api(client).call("/alibaba/icbu/product/add", token=seller["access_token"], product=product)
    gateway.configure(timeout_rate=0.0)
    # The hanging answer holds one server thread; the others keep answering, and find the product written.
    wait_for(lambda: gateway.state()["calls"].get("/alibaba/icbu/product/add") == {"timeout": 1})
    found = http_api.ok("/alibaba/icbu/product/list", token=seller["access_token"], custom_code="listing-0001")
    assert found["total_item"] == 1


def test_the_harness_over_http(served, http_api, gateway):
    client = http_api.client
    assert client.get("/_mock/health").json() == {"ok": True}
    assert client.post("/_mock/config", json={"review_delay_s": 0, "seed": 3}).json()["review_delay_s"] == 0
    assert client.get("/_mock/config").json()["seed"] == 3
    assert client.post("/_mock/config", json={"no_such_key": 1}).status_code == 400
    assert client.post("/_mock/config", content=b"[1]").status_code == 400
    assert client.post("/_mock/config", content=b"{").status_code == 400
    seller = make_seller(http_api)
    http_api.ok("/alibaba/icbu/product/add", token=seller["access_token"], product=product_payload(seller["photo"]))
    assert client.post("/_mock/tick", json={"all_reviews_due": True}).json()["reviewed"] == 1
    assert client.post("/_mock/tick", json={"all_reviews_due": "yes"}).status_code == 400
    state = client.get("/_mock/state").json()
    assert state["products"]["listing-0001"][0]["status"] in ("approved", "tbd")
    assert client.post("/_mock/reset").json()["config"]["seed"] == 7
    assert client.get("/_mock/state").json()["product_count"] == 0
    assert client.get("/_mock/tick").status_code == 405
    assert client.get("/_mock/nothing").status_code == 404
    assert client.get("/").status_code == 404


class _Receiver(BaseHTTPRequestHandler):
    statuses: list[int] = []
    received: list[tuple[dict, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(self.statuses.pop(0) if self.statuses else 200)
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture
def push_receiver():
    handler = type("Receiver", (_Receiver,), {"statuses": [500], "received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/alibaba/", handler
    server.shutdown()
    server.server_close()
    thread.join()


def test_served_gateway_reviews_and_pushes_by_itself(push_receiver):
    url, handler = push_receiver
    gateway = MockGateway(
        app_key=APP_KEY, app_secret=APP_SECRET, seed=1, review_delay_s=0, reject_rate=0, push_url=url,
        push_backoff_s=0.05,
    )  # fmt: skip
    base_url, stop = serve_in_thread(gateway)
    try:
        with httpx.Client(base_url=base_url, timeout=10) as client:
            api = Api(client)
            seller = make_seller(api)
            api.ok("/alibaba/icbu/product/add", token=seller["access_token"], product=product_payload(seller["photo"]))
            wait_for(lambda: gateway.state()["pushes"]["delivered"] == 1)
    finally:
        stop()
        gateway.close()
    assert len(handler.received) == 2
    (first_headers, first_body), (headers, body) = handler.received
    assert first_body == body
    expected = hmac.new(APP_SECRET.encode(), APP_KEY.encode() + body, hashlib.sha256).hexdigest().upper()
    assert headers["Authorization"] == expected
    push = json.loads(body)
    assert (push["message_type"], push["data"]["status"]) == ("product.reviewed", "approved")


@pytest.mark.slow
def test_the_command_serves_until_sigterm_even_with_a_hanging_answer():
    command = [sys.executable, "manage.py", "run_mock_alibaba", "--port", "0", "--db", ":memory:"]
    env = {**os.environ, "DJANGO_DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            line = process.stdout.readline()
            assert "Mock Alibaba.com gateway on http://127.0.0.1:" in line, process.stderr.read()
            base_url = line.split(" on ")[1].split()[0]
            with httpx.Client(base_url=base_url, timeout=10) as client:
                assert client.get("/_mock/health").json() == {"ok": True}
                client.post("/_mock/config", json={"timeout_rate": 1.0, "hang_seconds": 600, "rate_limit_per_s": None})
                api = Api(client)
                hanging = threading.Thread(target=_call_ignoring_errors, args=(api, "/alibaba/icbu/category/get"))
                hanging.start()
                wait_for(lambda: client.get("/_mock/state").json()["calls_total"] == 1)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0
            assert "stopped" in process.stdout.read()
            hanging.join(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()


def _call_ignoring_errors(api: Api, api_path: str) -> None:
    with contextlib.suppress(httpx.HTTPError):
        api.call(api_path)
