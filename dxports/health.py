"""/healthz: is each thing the web process depends on answering right now?

Each probe is short and bounded by a timeout, so that a dead dependency makes the check answer 503 quickly
instead of hanging the load balancer's probe.
"""

import time
from collections.abc import Callable

import httpx
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

PROBE_TIMEOUT_S = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    from dxports.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=PROBE_TIMEOUT_S)


def check_gateway() -> None:
    # Any HTTP answer means the gateway is up; a signed call would spend the program's rate limit and quota.
    httpx.get(settings.ALIBABA_GATEWAY_URL, timeout=PROBE_TIMEOUT_S)


CHECKS: dict[str, Callable[[], None]] = {"database": check_database, "broker": check_broker, "gateway": check_gateway}


def run_checks() -> dict[str, dict[str, str | float]]:
    """``{check: {"status": "ok" | "down", "ms": …, "error": … when down}}``."""
    results: dict[str, dict[str, str | float]] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "down"; the reason is reported
            results[name] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"status": "ok"}
        results[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    return results


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(result["status"] == "ok" for result in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", "checks": checks}, status=200 if healthy else 503)
