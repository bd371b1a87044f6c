"""How much of the gateway's rate the shared limiter uses: several processes × threads acquire from one Redis
limiter for a few seconds; the headline ratio is calls per second achieved / the configured rate (goal ≥ 0.95, and
never above the rate plus the burst). Needs Redis at REDIS_URL (default 127.0.0.1:6379).

    python bench/gateway_ratelimit.py [--rate 50] [--burst 2] [--processes 3] [--threads 4] [--seconds 4]
"""

import argparse
import json
import multiprocessing
import os
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alibaba.ratelimit import RedisRateLimiter

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def worker(key: str, rate: float, burst: int, threads: int, start_at: float, stop_at: float, out) -> None:
    stamps: list[float] = []
    lock = threading.Lock()

    def run() -> None:
        limiter = RedisRateLimiter.from_url(REDIS_URL, key, rate, burst)
        limiter.paused_for()  # connected before the start
        time.sleep(max(start_at - time.time(), 0))
        while True:
            limiter.acquire()
            now = time.time()
            if now >= stop_at:
                return
            with lock:
                stamps.append(now)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put(stamps)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--burst", type=int, default=2)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=4)
    args = parser.parse_args()

    key = f"bench:dxports:ratelimit:{uuid.uuid4().hex}"
    start_at = time.time() + 1.5  # every process connected before the clock starts
    stop_at = start_at + args.seconds
    out = multiprocessing.Queue()
    processes = [
        multiprocessing.Process(target=worker, args=(key, args.rate, args.burst, args.threads, start_at, stop_at, out))
        for _ in range(args.processes)
    ]
    for process in processes:
        process.start()
    stamps = sorted(stamp for _ in processes for stamp in out.get(timeout=60))
    for process in processes:
        process.join()
    RedisRateLimiter.from_url(REDIS_URL, key, args.rate)._redis.delete(key)

    achieved = (len(stamps) - args.burst) / args.seconds
    busiest_second = (
        max(sum(1 for other in stamps[i:] if other < stamp + 1.0) for i, stamp in enumerate(stamps)) if stamps else 0
    )
    ratio = achieved / args.rate
    print(f"{len(stamps)} calls in {args.seconds} s from {args.processes} processes × {args.threads} threads")
    print(f"achieved {achieved:.2f}/s of {args.rate:.0f}/s; busiest 1 s window {busiest_second} calls")
    result = {
        "bench": "gateway_ratelimit",
        "rate": args.rate,
        "burst": args.burst,
        "processes": args.processes,
        "threads": args.threads,
        "calls": len(stamps),
        "achieved_per_s": round(achieved, 2),
        "busiest_second": busiest_second,
        "ratio": round(ratio, 4),
        "target": 0.95,
        "ok": ratio >= 0.95 and busiest_second <= args.rate + args.burst,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
