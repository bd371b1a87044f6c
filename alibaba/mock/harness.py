"""The test harness under ``/_mock/``: plain JSON, unsigned, meant for loopback only."""

import json
from typing import TYPE_CHECKING, Any, overload

from .buyers import MAX_ATTACHMENTS, NothingToAsk, UnknownCountry
from .config import ConfigError

if TYPE_CHECKING:
    from .gateway import MockGateway

MAX_BODY_BYTES = 1024 * 1024
MAX_SIMULATED = 1000


class _BadRequest(Exception):
    pass


@overload
def _positive(body: dict[str, Any], key: str, default: int, maximum: int | None = None) -> int: ...


@overload
def _positive(body: dict[str, Any], key: str, default: None, maximum: int | None = None) -> int | None: ...


def _positive(body: dict[str, Any], key: str, default: int | None, maximum: int | None = None) -> int | None:
    """``body[key]``: an integer from 1 (to ``maximum``), or ``default`` when it is missing or null."""
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or maximum and value > maximum:
        raise _BadRequest(f"{key} must be an integer from 1{f' to {maximum}' if maximum else ''}")
    return value


def _flag(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise _BadRequest(f"{key} must be true or false")
    return value


def _attachments(body: dict[str, Any]) -> int | None:
    value = body.get("attachments")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ATTACHMENTS:
        raise _BadRequest(f"attachments must be an integer from 0 to {MAX_ATTACHMENTS}")
    return value


def _countries(body: dict[str, Any]) -> list[str] | None:
    value = body.get("countries")
    if value is None:
        return None
    if not isinstance(value, list) or not 1 <= len(value) <= 50 or not all(isinstance(c, str) for c in value):
        raise _BadRequest("countries must be a list of 1 to 50 ISO country codes")
    return value


def _simulate_inquiries(gateway: "MockGateway", body: dict[str, Any]) -> dict[str, Any]:
    count, product_id = _positive(body, "count", 1, MAX_SIMULATED), _positive(body, "product_id", None)
    inquiries = gateway.simulate_inquiries(
        count=count, product_id=product_id, countries=_countries(body), attachments=_attachments(body)
    )
    return {"inquiries": inquiries}


def _simulate_messages(gateway: "MockGateway", body: dict[str, Any]) -> dict[str, Any]:
    count, inquiry_id = _positive(body, "count", 1, MAX_SIMULATED), _positive(body, "inquiry_id", None)
    messages = gateway.simulate_messages(count=count, inquiry_id=inquiry_id, attachments=_attachments(body))
    return {"messages": messages}


ENDPOINTS = {
    ("GET", "/_mock/health"): lambda gateway, body: {"ok": True},
    ("GET", "/_mock/config"): lambda gateway, body: gateway.config,
    ("POST", "/_mock/config"): lambda gateway, body: gateway.configure(**body),
    ("GET", "/_mock/state"): lambda gateway, body: gateway.state(),
    ("POST", "/_mock/tick"): lambda gateway, body: gateway.tick(all_reviews_due=_flag(body, "all_reviews_due")),
    ("POST", "/_mock/reset"): lambda gateway, body: {"ok": True, "config": gateway.reset()},
    ("POST", "/_mock/tokens/expire"): lambda gateway, body: {"expired": gateway.expire_access_tokens()},
    ("POST", "/_mock/simulate/inquiries"): _simulate_inquiries,
    ("POST", "/_mock/simulate/messages"): _simulate_messages,
}


def handle(gateway: "MockGateway", method: str, path: str, environ: dict) -> tuple[str, Any]:
    endpoint = ENDPOINTS.get((method, path))
    if endpoint is None:
        if any(known_path == path for _, known_path in ENDPOINTS):
            return "405 Method Not Allowed", {"error": f"{method} is not allowed on {path}"}
        return "404 Not Found", {"error": f"no such harness endpoint {path}"}
    try:
        return "200 OK", endpoint(gateway, _json_body(environ))
    except (_BadRequest, ConfigError, UnknownCountry) as error:
        return "400 Bad Request", {"error": str(error)}
    except NothingToAsk as error:
        return "409 Conflict", {"error": str(error)}


def _json_body(environ: dict) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY_BYTES:
        raise _BadRequest(f"the body is larger than {MAX_BODY_BYTES} bytes")
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise _BadRequest("the body is not JSON") from None
    if not isinstance(body, dict):
        raise _BadRequest("the body must be a JSON object")
    return body
