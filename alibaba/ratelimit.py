"""A rate limiter for gateway calls, shared by every worker that uses one app key.

The algorithm is GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp) with reservations:
``acquire`` books the next free slot atomically and sleeps exactly until it, so waiting callers neither poll nor
stampede, and the calls of all callers together come out at ``rate`` per second after an initial ``burst``.

- ``RedisRateLimiter``: one Lua script per operation, timed by the Redis server's clock (``TIME``), so the clocks of
  the processes do not matter and any number of processes on any number of machines share one budget per app key.
- ``LocalRateLimiter``: the same contract for one process (thread-safe). Without Redis every process has its own
  budget, so N processes may call N times the rate: the embedded default runs one worker process for that reason.

``pause(seconds)`` records a ban (the gateway said ``ApiCallLimit``): every ``acquire`` of every process waits until
it is over, including those already sleeping towards a slot booked before the ban.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import redis

logger = logging.getLogger("dxports.alibaba")


class RateLimitTimeout(Exception):
    """``acquire`` would have to wait longer than its timeout. Raised at once, without sleeping and without taking
    a slot; ``retry_after`` is the wait that was needed (seconds)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limit: next call allowed in {retry_after:.3f} s")
        self.retry_after = retry_after


class RateLimiter(Protocol):
    rate: float
    burst: int

    def acquire(self, timeout: float | None = None) -> float:
        """Block until a call may be made and return the seconds waited. With ``timeout``, raise
        ``RateLimitTimeout`` at once when the wait would exceed it."""

    def pause(self, seconds: float) -> None:
        """Stop every caller for ``seconds`` from now (never shortens a longer pause already in force)."""

    def paused_for(self) -> float:
        """Seconds left in the current pause (0 when none)."""


class _Gcra:
    """The arithmetic shared by both limiters, in microseconds of whatever clock the caller uses."""

    def __init__(self, rate: float, burst: int) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self.rate = float(rate)
        self.burst = int(burst)
        self.interval_us = 1_000_000 / self.rate
        self.tolerance_us = (self.burst - 1) * self.interval_us


class LocalRateLimiter(_Gcra):
    """Thread-safe limiter for one process. ``clock`` (monotonic seconds) and ``sleep`` can be replaced in tests."""

    def __init__(
        self,
        rate: float,
        burst: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(rate, burst)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tat_us: float | None = None
        self._ban_us = 0.0

    def _now_us(self) -> float:
        return self._clock() * 1_000_000

    def _reserve(self, max_wait: float | None) -> tuple[bool, float]:
        with self._lock:
            now = self._now_us()
            tat = now if self._tat_us is None else self._tat_us
            start = max(now, tat - self.tolerance_us, self._ban_us)
            wait = start - now
            if max_wait is not None and wait > max_wait * 1_000_000:
                return False, wait / 1_000_000
            self._tat_us = max(tat, start) + self.interval_us
            return True, wait / 1_000_000

    def acquire(self, timeout: float | None = None) -> float:
        return _acquire(self._reserve, self.paused_for, self._sleep, timeout)

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._ban_us = max(self._ban_us, self._now_us() + seconds * 1_000_000)

    def paused_for(self) -> float:
        with self._lock:
            return max(self._ban_us - self._now_us(), 0.0) / 1_000_000


# KEYS[1]: the limiter's hash (fields tat, ban: server microseconds). ARGV: interval_us, tolerance_us, max_wait_us
# (-1: unlimited). Returns {1 if booked else 0, wait_us}. Numbers are written with %.0f because Lua's tostring
# keeps only 14 significant digits, which would round a microsecond timestamp.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tat', 'ban')
local tat = tonumber(state[1]) or now
local ban = tonumber(state[2]) or 0
local start = math.max(now, tat - tolerance, ban)
local wait = start - now
if max_wait >= 0 and wait > max_wait then
  return {0, math.floor(wait)}
end
local new_tat = math.max(tat, start) + interval
redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', new_tat))
redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(new_tat, ban) - now) / 1000) + 1000)
return {1, math.floor(wait)}
"""

# KEYS[1]: as above. ARGV: pause_us. Returns the microseconds left in the pause now in force.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ban = tonumber(redis.call('HGET', KEYS[1], 'ban')) or 0
local new_ban = now + tonumber(ARGV[1])
if new_ban > ban then
  ban = new_ban
  redis.call('HSET', KEYS[1], 'ban', string.format('%.0f', ban))
end
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat')) or 0
local ttl = redis.call('PTTL', KEYS[1])
local needed = math.ceil((math.max(tat, ban) - now) / 1000) + 1000
if ttl < needed then
  redis.call('PEXPIRE', KEYS[1], needed)
end
return math.floor(ban - now)
"""

_PAUSED_FOR = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ban = tonumber(redis.call('HGET', KEYS[1], 'ban')) or 0
return math.max(math.floor(ban - now), 0)
"""


class RedisRateLimiter(_Gcra):
    """Limiter shared through Redis by every process that uses the same ``key``.

    When Redis cannot be reached the limiter logs a warning and falls back to a process-local limiter with the same
    rate for ``REDIS_RETRY_S``, so gateway calls go on (possibly faster than the shared budget, which the gateway's
    ban then corrects) rather than stopping every sync while Redis is down.
    """

    REDIS_RETRY_S = 5.0

    def __init__(
        self,
        client: redis.Redis,
        key: str,
        rate: float,
        burst: int = 1,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(rate, burst)
        self.key = key
        self._redis = client
        self._sleep = sleep
        self._reserve_script = client.register_script(_RESERVE)
        self._pause_script = client.register_script(_PAUSE)
        self._paused_for_script = client.register_script(_PAUSED_FOR)
        self._fallback = LocalRateLimiter(rate, burst, sleep=sleep)
        self._redis_down_until = 0.0

    @classmethod
    def from_url(cls, url: str, key: str, rate: float, burst: int = 1, **kwargs: Any) -> RedisRateLimiter:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        return cls(client, key, rate, burst, **kwargs)

    def _reserve(self, max_wait: float | None) -> tuple[bool, float]:
        max_wait_us = -1 if max_wait is None else int(max_wait * 1_000_000)
        booked, wait_us = self._reserve_script(
            keys=[self.key], args=[f"{self.interval_us:.0f}", f"{self.tolerance_us:.0f}", max_wait_us]
        )
        return bool(booked), int(wait_us) / 1_000_000

    def acquire(self, timeout: float | None = None) -> float:
        import redis

        if time.monotonic() < self._redis_down_until:
            return self._fallback.acquire(timeout)
        try:
            return _acquire(self._reserve, self.paused_for, self._sleep, timeout)
        except redis.RedisError as exc:
            # Not retried at every call: an unreachable host would cost a connect timeout each time.
            self._redis_down_until = time.monotonic() + self.REDIS_RETRY_S
            logger.warning("rate limiter: Redis unavailable (%s), limiting this process only", type(exc).__name__)
            return self._fallback.acquire(timeout)

    def pause(self, seconds: float) -> None:
        import redis

        self._fallback.pause(seconds)
        try:
            self._pause_script(keys=[self.key], args=[int(seconds * 1_000_000)])
        except redis.RedisError as exc:
            logger.warning("rate limiter: Redis unavailable (%s), pause applies to this process only", exc)

    def paused_for(self) -> float:
        import redis

        try:
            return int(self._paused_for_script(keys=[self.key])) / 1_000_000
        except redis.RedisError:
            return self._fallback.paused_for()


def _acquire(
    reserve: Callable[[float | None], tuple[bool, float]],
    paused_for: Callable[[], float],
    sleep: Callable[[float], None],
    timeout: float | None,
) -> float:
    waited = 0.0
    while True:
        booked, wait = reserve(None if timeout is None else max(timeout - waited, 0.0))
        if not booked:
            raise RateLimitTimeout(wait)
        if wait <= 0:
            return waited
        sleep(wait)
        waited += wait
        # A ban that began while we slept voids the slot we booked: book again, after the ban.
        if paused_for() <= 0:
            return waited


_shared: dict[tuple, RateLimiter] = {}
_shared_lock = threading.Lock()


def rate_limiter_from_settings() -> RateLimiter | None:
    """The process's limiter for the configured app key, or ``None`` when ``ALIBABA_RATE_LIMIT_PER_S`` is 0/unset.

    Reads ``ALIBABA_RATE_LIMIT_PER_S``, ``ALIBABA_RATE_LIMIT_BURST`` (default 2), ``ALIBABA_APP_KEY`` and
    ``REDIS_URL`` (shared across processes when set, per process otherwise). Always the same instance for the same
    settings: a local limiter only limits if all clients of the process share it.
    """
    from django.conf import settings

    rate = float(getattr(settings, "ALIBABA_RATE_LIMIT_PER_S", 0) or 0)
    if rate <= 0:
        return None
    burst = int(getattr(settings, "ALIBABA_RATE_LIMIT_BURST", 2) or 1)
    app_key = str(settings.ALIBABA_APP_KEY)
    redis_url = getattr(settings, "REDIS_URL", "") or ""
    config = (redis_url, app_key, rate, burst)
    with _shared_lock:
        limiter = _shared.get(config)
        if limiter is None:
            if redis_url:
                limiter = RedisRateLimiter.from_url(redis_url, f"dxports:alibaba:ratelimit:{app_key}", rate, burst)
            else:
                limiter = LocalRateLimiter(rate, burst)
            _shared[config] = limiter
        return limiter
