"""Request budgets per key: 429 with Retry-After and rate-limit headers, writes counted apart and stricter, and one
budget shared by several web processes through Redis."""

import os
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest
import time_machine
from django.conf import settings
from django.db import connection

from partners import throttling
from tests.partners.support import error_of, issue_key

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.mark.django_db
def test_a_key_over_its_budget_gets_429_with_retry_after(api, settings):
    settings.PARTNERS_API_READ_RATE = 3
    settings.PARTNERS_API_RATE_WINDOW_S = 60
    with time_machine.travel(1_800_000_010, tick=False):
        responses = [api.get("me/") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert [r["RateLimit-Remaining"] for r in responses] == ["2", "1", "0", "0"]
    assert responses[0]["RateLimit-Limit"] == "3" and responses[0]["RateLimit-Reset"] == "50"
    refused = responses[-1]
    assert refused["Retry-After"] == "50"
    assert error_of(refused)["code"] == "rate_limited" and error_of(refused)["type"] == "rate_limit_error"


@pytest.mark.django_db
def test_writes_have_their_own_stricter_budget(api, settings):
    settings.PARTNERS_API_READ_RATE = 100
    settings.PARTNERS_API_WRITE_RATE = 1
    assert api.post("sellers/", {"owner_email": "a@example.com", "legal_name": "A"}).status_code == 201
    assert api.post("sellers/", {"owner_email": "b@example.com", "legal_name": "B"}).status_code == 429
    assert api.get("sellers/").status_code == 200


@pytest.mark.django_db
def test_each_key_has_its_own_budget(api, make_api, partner, settings):
    settings.PARTNERS_API_READ_RATE = 1
    other = make_api(partner)
    assert api.get("me/").status_code == 200
    assert api.get("me/").status_code == 429
    assert other.get("me/").status_code == 200


def test_the_window_resets():
    with time_machine.travel(1_800_000_000, tick=False):
        assert throttling.hit(key_id=f"t-{uuid.uuid4()}", kind="read").reset_s == 60


# Two web processes, one budget ----------------------------------------------------------------------------------------


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is unreachable ({exc}); a budget shared by processes needs it")
    finally:
        client.close()


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(port, env):
    return subprocess.Popen(
        [
            str(os.path.join(os.path.dirname(sys.executable), "gunicorn")),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "dxports.wsgi:application",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_until_up(url, deadline):
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not start")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_web_processes_share_one_budget(partner):
    """Two gunicorn processes on the test database and one Redis: together they allow the budget, no more."""
    _redis_or_skip()
    issued = issue_key(partner)
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        database_url = f"sqlite:///{db['NAME']}"
    else:
        database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_SETTINGS")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "PARTNERS_API_READ_RATE": "10",
            "PARTNERS_API_RATE_WINDOW_S": "3600",
        }
    )
    ports = [_free_port(), _free_port()]
    servers = [_serve(port, env) for port in ports]
    try:
        deadline = time.monotonic() + 60
        for port in ports:
            _wait_until_up(f"http://127.0.0.1:{port}/healthz", deadline)
        headers = {"authorization": f"Api-Key {issued.key}"}
        statuses = [
            httpx.get(f"http://127.0.0.1:{ports[n % 2]}/api/v1/me/", headers=headers, timeout=10).status_code
            for n in range(16)
        ]
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(10)
    assert statuses.count(200) == 10 and statuses.count(429) == 6
    assert statuses[:10] == [200] * 10


@pytest.mark.django_db
def test_a_budget_store_that_is_down_does_not_take_the_api_down(api, monkeypatch):
    def down(**kwargs):
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(throttling, "hit", down)
    response = api.get("me/")
    assert response.status_code == 200 and "RateLimit-Limit" not in response
