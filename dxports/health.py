"""/healthz: is each thing the web process depends on answering?

200 with ``{"status": "ok"}`` when every check passes, 503 with ``{"status": "down"}`` otherwise. That is all an
anonymous caller learns in production; a caller holding the shared token (``Authorization: Bearer
<HEALTHZ_TOKEN>``), or anyone with DEBUG on, also gets each check's result, time and error. Failures are logged.
One round of checks serves every request (and every web process, through the cache) for ``HEALTHZ_CACHE_S``
seconds, so a busy load balancer does not turn into a stream of connections to the broker and the gateway. Each
probe is bounded by a timeout, so that a dead dependency makes the check answer 503 quickly instead of hanging.
"""

import contextlib
import hmac
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any, TypedDict

import httpx
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("dxports.health")

PROBE_TIMEOUT_S = 2
CACHE_KEY = "dxports:healthz"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key, value = f"{CACHE_KEY}:probe", uuid.uuid4().hex
    cache.set(key, value, timeout=PROBE_TIMEOUT_S * 5)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")


def check_broker() -> None:
    from dxports.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT_S)


def check_gateway() -> None:
    # Any HTTP answer means the gateway is up; a signed call would spend the program's rate limit and quota.
    httpx.get(settings.ALIBABA_GATEWAY_URL, timeout=PROBE_TIMEOUT_S)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "gateway": check_gateway,
}


class Health(TypedDict):
    """One round of checks: when it ran, and per check ``{"status": "ok" | "down", "ms": …, "error": … when down}``."""

    checked_at: float
    checks: dict[str, dict[str, str | float]]


def run_checks() -> Health:
    results: dict[str, dict[str, str | float]] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "down"; the reason is reported
            results[name] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
            logger.warning("health check %s is down: %s", name, results[name]["error"])
        else:
            results[name] = {"status": "ok"}
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    return {"checked_at": time.time(), "checks": results}


def current_health() -> Health:
    """The latest round of checks, run now if the cached one is older than HEALTHZ_CACHE_S (or the cache is down)."""
    try:
        cached: Health | None = cache.get(CACHE_KEY)
    except Exception:  # noqa: BLE001 - an unreachable cache is reported by its own check, not a 500
        cached = None
    if cached is not None and time.time() - cached["checked_at"] < settings.HEALTHZ_CACHE_S:
        return cached
    result = run_checks()
    with contextlib.suppress(Exception):  # as above
        cache.set(CACHE_KEY, result, timeout=settings.HEALTHZ_CACHE_S * 2)
    return result


def _holds_the_token(request: HttpRequest) -> bool:
    token = settings.HEALTHZ_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme == "Bearer" and hmac.compare_digest(given.encode(), token.encode())


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    result = current_health()
    healthy = all(check["status"] == "ok" for check in result["checks"].values())
    body: dict[str, Any] = {"status": "ok" if healthy else "down"}
    if settings.DEBUG or _holds_the_token(request):
        body.update(result)
    return JsonResponse(body, status=200 if healthy else 503)
