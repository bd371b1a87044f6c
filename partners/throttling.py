"""Request budgets per API key: ``PARTNERS_API_READ_RATE`` reads and ``PARTNERS_API_WRITE_RATE`` writes per window of
``PARTNERS_API_RATE_WINDOW_S`` seconds, counted in the cache so that every web process shares them (Redis when
``REDIS_URL`` is set; without it each process counts alone, which is fine on one machine in development).

A fixed window per key and kind, counted with an atomic increment: two round trips to Redis per request, no lock,
no race between processes (the count is the server's). ``hit`` says whether the request may go on, and what the
rate-limit headers say: the limit, what is left, and the seconds until the window resets (also the Retry-After of a
refused request).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Quota:
    limit: int
    remaining: int
    reset_s: int
    allowed: bool

    def headers(self):
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_s),
        }


def limits():
    return {"read": settings.PARTNERS_API_READ_RATE, "write": settings.PARTNERS_API_WRITE_RATE}


def hit(*, key_id, kind, now=None):
    """Count one request of ``kind`` ("read" or "write") for the key ``key_id``; the ``Quota`` after it."""
    window_s = settings.PARTNERS_API_RATE_WINDOW_S
    limit = limits()[kind]
    now = time.time() if now is None else now
    window = int(now // window_s)
    cache_key = f"partners:rate:{key_id}:{kind}:{window}"
    count = _increment(cache_key, timeout=window_s + 1)
    reset_s = max(1, math.ceil((window + 1) * window_s - now))
    return Quota(limit=limit, remaining=max(0, limit - count), reset_s=reset_s, allowed=count <= limit)


def _increment(cache_key, *, timeout):
    for _attempt in range(3):
        try:
            return cache.incr(cache_key)
        except ValueError:  # the window's first request (or it just expired): start it, unless another did
            if cache.add(cache_key, 1, timeout=timeout):
                return 1
    return cache.incr(cache_key)
