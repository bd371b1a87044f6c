"""The behaviour a client must survive: a token bucket with bans and a daily quota per app key, and seeded draws
for ISP errors and timeouts. Thread-safe; the clock is passed in (the gateway's, which tests can move)."""

import math
import random
import threading
from dataclasses import dataclass
from typing import Any

from .clock import seconds_to_utc_midnight
from .errors import ApiError

ISP_CODES = (
    ("ServiceUnavailable", "ServiceUnavailable: the service is temporarily unavailable, please retry later"),
    ("isp.remote-service-error", "isp.remote-service-error: a remote service failed, please retry later"),
)


@dataclass
class _Bucket:
    tokens: float
    updated_at: float
    banned_until: float = 0.0


class Faults:
    def __init__(self, seed: int | None) -> None:
        self._lock = threading.Lock()
        self.reset(seed)

    def reset(self, seed: int | None) -> None:
        with self._lock:
            self._rng = random.Random(seed)
            self._buckets: dict[str, _Bucket] = {}
            self._quota_day: dict[str, tuple[int, int]] = {}

    def admit(self, app_key: str, now: float, config: dict[str, Any]) -> None:
        """Counts one call of ``app_key`` or refuses it with ``ApiCallLimit`` / ``DailyQuotaExceeded``."""
        with self._lock:
            self._take_token(app_key, now, config)
            self._count_for_quota(app_key, now, config["daily_quota"])

    def _take_token(self, app_key: str, now: float, config: dict[str, Any]) -> None:
        rate, burst = config["rate_limit_per_s"], config["rate_limit_burst"]
        if rate is None:
            return
        bucket = self._buckets.setdefault(app_key, _Bucket(tokens=burst, updated_at=now))
        if now < bucket.banned_until:
            raise _call_limit(bucket.banned_until - now)
        bucket.tokens = min(burst, bucket.tokens + max(now - bucket.updated_at, 0.0) * rate)
        bucket.updated_at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return
        bucket.banned_until = now + config["ban_seconds"]
        raise _call_limit(config["ban_seconds"])

    def _count_for_quota(self, app_key: str, now: float, quota: int | None) -> None:
        if quota is None:
            return
        day = int(now // 86400)
        seen_day, used = self._quota_day.get(app_key, (day, 0))
        if seen_day != day:
            used = 0
        if used >= quota:
            retry_after = math.ceil(seconds_to_utc_midnight(now))
            raise ApiError(
                "ISV",
                "DailyQuotaExceeded",
                f"DailyQuotaExceeded: the app's daily quota of {quota} calls is used up; it resets at 00:00 UTC",
                retry_after=retry_after,
            )
        self._quota_day[app_key] = (day, used + 1)

    def draw(self, config: dict[str, Any]) -> tuple[ApiError | None, bool]:
        """(the ISP error to answer instead of the call, or None; whether to hang after the call). Two draws per
        call whatever the rates, so a seed gives the same sequence when only the rates change."""
        with self._lock:
            isp_roll, hang_roll = self._rng.random(), self._rng.random()
        error = None
        rate = config["isp_error_rate"]
        if isp_roll < rate:
            code, message = ISP_CODES[0] if isp_roll < rate / 2 else ISP_CODES[1]
            error = ApiError("ISP", code, message)
        return error, hang_roll < config["timeout_rate"]

    def snapshot(self, now: float) -> dict[str, Any]:
        with self._lock:
            return {
                "bans": {
                    key: round(bucket.banned_until - now, 3)
                    for key, bucket in self._buckets.items()
                    if bucket.banned_until > now
                },
                "quota_used": {key: used for key, (_, used) in self._quota_day.items()},
            }


def _call_limit(seconds: float) -> ApiError:
    whole = max(math.ceil(seconds), 1)
    return ApiError(
        "ISV",
        "ApiCallLimit",
        f"ApiCallLimit: the app's call frequency exceeds the limit, this ban will last {whole} seconds",
        ban_seconds=whole,
    )
