"""The gateway rate limiter: exact spacing on a fake clock, and real threads and processes sharing one budget.

Real-time tests assert bounds that slowness cannot break: a limiter can only be late, never early, so
"N calls took at least (N - burst) / rate" always holds, and the upper bounds are generous.
"""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from alibaba.ratelimit import LocalRateLimiter, RateLimitTimeout, RedisRateLimiter, rate_limiter_from_settings

REPO = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


class FakeClock:
    """Monotonic seconds that only move when someone sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


def local(clock, rate, burst=1):
    return LocalRateLimiter(rate, burst, clock=clock, sleep=clock.sleep)


# Local limiter on a fake clock ------------------------------------------------------------------------------------


def test_after_the_burst_calls_are_spaced_exactly_one_interval_apart(clock):
    limiter = local(clock, rate=50, burst=3)
    start = clock.now

    stamps = []
    for _ in range(10):
        limiter.acquire()
        stamps.append(round(clock.now - start, 6))

    assert stamps == [0, 0, 0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14]


def test_acquire_returns_the_time_it_waited(clock):
    limiter = local(clock, rate=4)

    assert limiter.acquire() == 0
    assert limiter.acquire() == pytest.approx(0.25)


def test_an_idle_limiter_allows_a_burst_again_but_no_more(clock):
    limiter = local(clock, rate=10, burst=2)
    for _ in range(5):
        limiter.acquire()
    clock.now += 60

    waits = [limiter.acquire() for _ in range(3)]

    assert waits == [0, 0, pytest.approx(0.1)]


def test_a_timeout_raises_at_once_without_taking_a_slot(clock):
    limiter = local(clock, rate=1)
    limiter.acquire()

    with pytest.raises(RateLimitTimeout) as raised:
        limiter.acquire(timeout=0.5)

    assert raised.value.retry_after == pytest.approx(1.0)
    assert clock.sleeps == []
    assert limiter.acquire(timeout=1.0) == pytest.approx(1.0), "the refused call booked nothing"


def test_a_pause_holds_every_caller_until_it_ends(clock):
    limiter = local(clock, rate=100, burst=5)
    limiter.pause(3)

    assert limiter.paused_for() == pytest.approx(3)
    assert limiter.acquire() == pytest.approx(3)
    assert limiter.paused_for() == 0


def test_a_shorter_pause_never_shortens_a_longer_one(clock):
    limiter = local(clock, rate=100)
    limiter.pause(10)
    limiter.pause(1)

    assert limiter.paused_for() == pytest.approx(10)


def test_a_ban_that_starts_while_a_caller_sleeps_towards_its_slot_holds_it_too(clock):
    limiter = local(clock, rate=1)
    limiter.acquire()

    def sleep_while_another_worker_is_banned(seconds):
        clock.sleep(seconds)
        if len(clock.sleeps) == 1:
            limiter.pause(5)  # the gateway banned us while this caller waited for its slot at +1 s

    limiter._sleep = sleep_while_another_worker_is_banned
    start = clock.now

    limiter.acquire()

    assert clock.now - start == pytest.approx(6)


def test_rate_and_burst_are_validated():
    with pytest.raises(ValueError):
        LocalRateLimiter(0)
    with pytest.raises(ValueError):
        LocalRateLimiter(10, burst=0)


# Real threads and processes ---------------------------------------------------------------------------------------


def run_threads(make_limiter, threads, per_thread):
    """Acquire from several threads at once; returns (start, sorted monotonic stamps)."""
    stamps = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def work():
        limiter = make_limiter()
        barrier.wait()
        for _ in range(per_thread):
            limiter.acquire()
            with lock:
                stamps.append(time.monotonic())

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    start = time.monotonic()
    for worker in workers:
        worker.join(timeout=30)
    assert len(stamps) == threads * per_thread
    return start, sorted(stamps)


def assert_under_rate(start, stamps, rate, burst, callers, slack=0.01):
    """The whole run took at least (n - burst) / rate, and no window holds more than burst + rate × width calls,
    plus one per concurrent caller: a stamp is taken when acquire returns, and a caller the OS ran late after its
    slot lands in a later window (each caller can be late with one call at a time)."""
    n = len(stamps)
    assert stamps[-1] - start >= (n - burst) / rate - slack
    for width in (0.1, 0.25, 0.5):
        j = 0
        for i in range(n):
            while j < n and stamps[j] < stamps[i] + width:
                j += 1
            assert j - i <= burst + rate * width + callers, f"{j - i} calls within {width} s"


def assert_rate_used(start, stamps, rate, burst, share=0.6):
    """The budget was used, not wasted (generous: a loaded machine only makes the limiter late)."""
    elapsed = stamps[-1] - start
    assert (len(stamps) - burst) / elapsed >= share * rate


def test_threads_sharing_a_local_limiter_stay_under_the_rate_and_use_it():
    limiter = LocalRateLimiter(rate=200, burst=2)

    start, stamps = run_threads(lambda: limiter, threads=6, per_thread=20)

    assert_under_rate(start, stamps, rate=200, burst=2, callers=6)
    assert_rate_used(start, stamps, rate=200, burst=2)


# Redis ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def redis_key():
    """A key of its own for each test on the Redis at REDIS_URL (default 127.0.0.1:6379), deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_URL} is unreachable ({exc}); the shared limiter needs it")
    key = f"test:dxports:ratelimit:{uuid.uuid4().hex}"
    yield key
    client.delete(key)
    client.close()


def redis_limiter(key, rate, burst=1, **kwargs):
    return RedisRateLimiter.from_url(REDIS_URL, key, rate, burst, **kwargs)


def test_redis_limiter_spaces_calls_by_the_server_clock(redis_key):
    limiter = redis_limiter(redis_key, rate=100, burst=3)
    start = time.monotonic()

    waits = [limiter.acquire() for _ in range(13)]

    assert waits[:3] == [0, 0, 0]
    # Ten slots 10 ms apart: never less time in all, and never more sleeping than the schedule (a slow process
    # reaches some slots late and sleeps less).
    assert time.monotonic() - start >= 0.1 - 0.01
    assert 0 < sum(waits) <= 0.1 + 0.001


def test_redis_limiter_timeout_books_nothing(redis_key):
    limiter = redis_limiter(redis_key, rate=0.2)
    limiter.acquire()
    booked = limiter._redis.hget(redis_key, "tat")

    with pytest.raises(RateLimitTimeout) as raised:
        limiter.acquire(timeout=0.1)

    assert 0.1 < raised.value.retry_after <= 5
    assert limiter._redis.hget(redis_key, "tat") == booked


def test_redis_state_expires_when_unused(redis_key):
    limiter = redis_limiter(redis_key, rate=10)
    limiter.acquire()
    limiter.pause(2)

    ttl_ms = limiter._redis.pttl(redis_key)

    assert 2000 < ttl_ms <= 4000


def test_threads_with_their_own_redis_limiters_share_one_budget(redis_key):
    start, stamps = run_threads(lambda: redis_limiter(redis_key, rate=100, burst=2), threads=5, per_thread=12)

    assert_under_rate(start, stamps, rate=100, burst=2, callers=5)
    assert_rate_used(start, stamps, rate=100, burst=2)


def test_a_ban_seen_by_one_worker_pauses_every_worker(redis_key):
    banned_by_gateway = redis_limiter(redis_key, rate=100)
    other_worker = redis_limiter(redis_key, rate=100)
    banned_at = time.monotonic()

    banned_by_gateway.pause(0.4)

    assert 0 < other_worker.paused_for() <= 0.4
    assert 0 < other_worker.acquire() <= 0.4
    assert time.monotonic() - banned_at >= 0.4 - 0.02


def test_a_ban_reaches_a_worker_already_sleeping_towards_its_slot(redis_key):
    sleeping = threading.Event()

    def sleep(seconds):
        sleeping.set()
        time.sleep(seconds)

    worker = redis_limiter(redis_key, rate=4, sleep=sleep)
    banned_by_gateway = redis_limiter(redis_key, rate=4)
    worker.acquire()
    done = {}
    thread = threading.Thread(target=lambda: done.setdefault("waited", worker.acquire()))
    thread.start()
    assert sleeping.wait(timeout=5)
    banned_at = time.monotonic()

    banned_by_gateway.pause(0.6)
    thread.join(timeout=5)

    assert time.monotonic() - banned_at >= 0.6 - 0.02
    assert done["waited"] > 0


CHILD = """
import json, sys, threading, time
from alibaba.ratelimit import RedisRateLimiter

url, key, rate, burst, threads, per_thread = sys.argv[1:]
limiters = [RedisRateLimiter.from_url(url, key, float(rate), int(burst)) for _ in range(int(threads))]
for limiter in limiters:
    limiter.paused_for()  # connected before the start signal
print("ready", flush=True)
sys.stdin.readline()
stamps, lock = [], threading.Lock()

def work(limiter):
    for _ in range(int(per_thread)):
        limiter.acquire()
        with lock:
            stamps.append(time.time())

workers = [threading.Thread(target=work, args=(limiter,)) for limiter in limiters]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print(json.dumps(stamps), flush=True)
"""


@pytest.mark.slow
def test_two_processes_sharing_redis_stay_under_the_rate_together(redis_key):
    rate, burst = 50, 2
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", CHILD, REDIS_URL, redis_key, str(rate), str(burst), "3", "8"]
    children = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
        for _ in range(2)
    ]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "ready"
        start = time.time()
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        results = [json.loads(child.communicate(timeout=30)[0]) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()

    assert all(len(stamps) == 24 for stamps in results)
    stamps = sorted(results[0] + results[1])
    assert_under_rate(start, stamps, rate=rate, burst=burst, callers=6)
    assert_rate_used(start, stamps, rate=rate, burst=burst)


def test_without_redis_the_limiter_falls_back_to_this_process(unused_port, caplog):
    limiter = RedisRateLimiter.from_url(f"redis://127.0.0.1:{unused_port}/0", "k", rate=1000, burst=5)

    assert limiter.acquire() == 0

    assert "Redis unavailable" in caplog.text


# Settings ---------------------------------------------------------------------------------------------------------


def test_the_settings_choose_redis_or_local_and_share_the_instance(settings, monkeypatch):
    from alibaba import ratelimit

    monkeypatch.setattr(ratelimit, "_shared", {})
    settings.ALIBABA_RATE_LIMIT_PER_S = 40
    settings.ALIBABA_RATE_LIMIT_BURST = 3
    settings.ALIBABA_APP_KEY = "777"

    settings.REDIS_URL = ""
    local_limiter = rate_limiter_from_settings()
    assert isinstance(local_limiter, LocalRateLimiter)
    assert (local_limiter.rate, local_limiter.burst) == (40, 3)
    assert rate_limiter_from_settings() is local_limiter

    settings.REDIS_URL = REDIS_URL
    shared = rate_limiter_from_settings()
    assert isinstance(shared, RedisRateLimiter)
    assert shared.key == "dxports:alibaba:ratelimit:777"
    assert rate_limiter_from_settings() is shared
