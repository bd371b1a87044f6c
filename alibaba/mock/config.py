"""The gateway's run-time configuration: every key, its default, and what values it takes."""

from collections.abc import Callable, Mapping
from typing import Any

DEFAULT_PUSH_URL = "http://127.0.0.1:8000/hooks/alibaba/"


class ConfigError(ValueError):
    pass


def _number(
    minimum: float | None = 0.0, *, maximum: float | None = None, optional: bool = False, integer: bool = False
) -> Callable[[str, Any], Any]:
    def check(key: str, value: Any) -> Any:
        if value is None and optional:
            return None
        kinds = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise ConfigError(f"{key} must be {'an integer' if integer else 'a number'}{' or null' * optional}")
        if minimum is not None and value < minimum:
            raise ConfigError(f"{key} must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise ConfigError(f"{key} must be at most {maximum}")
        return value

    return check


def _url(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise ConfigError(f"{key} must be an http(s) URL")
    return value


_SHARE = _number(0.0, maximum=1.0)

# key: (default, check)
SPEC: dict[str, tuple[Any, Callable[[str, Any], Any]]] = {
    "seed": (None, _number(None, optional=True, integer=True)),
    "latency_ms": (0, _number()),
    "isp_error_rate": (0.0, _SHARE),
    "timeout_rate": (0.0, _SHARE),
    "hang_seconds": (30.0, _number()),
    "rate_limit_per_s": (20.0, _number(optional=True)),
    "rate_limit_burst": (40, _number(1, integer=True)),
    "ban_seconds": (10, _number()),
    "daily_quota": (100_000, _number(optional=True, integer=True)),
    "auth_code_ttl_s": (1800, _number()),
    "access_token_ttl_s": (10 * 86400, _number()),
    "refresh_token_ttl_s": (60 * 86400, _number()),
    "review_delay_s": (10.0, _number()),
    "reject_rate": (0.1, _SHARE),
    "company_review_delay_s": (10.0, _number()),
    "company_reject_rate": (0.1, _SHARE),
    "push_url": (DEFAULT_PUSH_URL, _url),
    "push_max_attempts": (8, _number(1, integer=True)),
    "push_backoff_s": (1.0, _number()),
    "push_timeout_s": (5.0, _number(0.001)),
    "clock_offset_s": (0.0, _number(None)),
    "attachment_url_ttl_s": (300, _number(1)),
}
DEFAULTS: dict[str, Any] = {key: default for key, (default, _) in SPEC.items()}


def merged(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``current`` with ``changes`` applied; ``ConfigError`` names the first unknown key or bad value."""
    result = dict(current)
    for key, value in changes.items():
        if key not in SPEC:
            raise ConfigError(f"unknown config key {key!r}")
        result[key] = SPEC[key][1](key, value)
    return result
