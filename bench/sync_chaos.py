"""The listing sync under production faults (issue 12, "Under faults"): N listings published at once through the real
path — ``catalog.services.product_publish``, Celery worker processes (threads pool) on Redis with a beat process of
their own, PostgreSQL, the mock gateway over HTTP on a loopback port, and its review pushes delivered over HTTP to
/hooks/alibaba/ of our web app — while the system fails the way production does:

- 30 % of calls answered with an ISP error, 10 % of answers lost after the write (the client's read timeout);
- the gateway's token bucket at ``rate`` calls/s, our shared limiter at the same rate, and twice another client of
  our app key bursting through it, so the gateway bans the key;
- a worker SIGKILLed in the middle of its calls, and later the other one (each replaced by a new process);
- the broker's queue emptied.

Every listing must settle: live in our database, held exactly once by the gateway under the id we recorded, its
outbox job done, no push waiting. The figures: listings, calls by outcome, duplicates, lost (not on the gateway),
unsettled, false alarms (a job, a push or a product marked failed), time to settle and the slowest listing with its
attempts. The headline ratio is time to settle ÷ 300 s (target ≤ 1); ``ok`` is false on any duplicate, loss,
unsettled listing or false alarm.

    python bench/sync_chaos.py [--listings 300] [--rate 20] [--workers 2] [--threads 16] [--timeout 900]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dxports_bench_chaos: the database is
created and dropped by the script) and Redis (CELERY_BROKER_URL, default redis://127.0.0.1:6379/3, flushed;
REDIS_URL, default redis://127.0.0.1:6379/4). The bench uses an app key of its own, so its limiter is nobody else's.
"""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dxports_bench_chaos")
from sync import DATABASE_URL, environment, make_catalog  # noqa: E402 - bench/sync.py's setup

from bench.common import drop_database, recreate_database  # noqa: E402 - the benches' shared set-up

APP_KEY, APP_SECRET = "bench-chaos-500001", "bench-chaos-secret-0123456789"
LATENCY_MS = 100
ISP_ERROR_RATE = 0.3
TIMEOUT_RATE = 0.1
REVIEW_DELAY_S = 5.0
BAN_SECONDS = 10
TARGET_S = 300.0
OTHER_CLIENTS_CALL = "/alibaba/icbu/category/get"  # what the bursting client calls; the sync never does
SETTLED_POLL_S = 0.5


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=300)
    parser.add_argument("--images", type=int, default=1)
    parser.add_argument("--sellers", type=int, default=10)
    parser.add_argument("--rate", type=float, default=20.0, help="the gateway's limit and ours, calls/s")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--threads", type=int, default=16, help="threads per worker")
    parser.add_argument("--publishers", type=int, default=8, help="threads calling product_publish")
    parser.add_argument("--timeout", type=float, default=900)
    return parser.parse_args()


def serve_gateway(ready, push_url):
    """The mock gateway in a process of its own, as the outside system it stands for."""
    from alibaba.mock import MockGateway
    from alibaba.mock.server import serve

    gateway = MockGateway(
        app_key=APP_KEY,
        app_secret=APP_SECRET,
        seed=12,
        latency_ms=0,
        rate_limit_per_s=None,
        review_delay_s=REVIEW_DELAY_S,
        reject_rate=0.0,
        push_url=push_url,
        ban_seconds=BAN_SECONDS,
        # Lost answers come a little later than the client waits (ALIBABA_TIMEOUT_READ, 10 s).
        hang_seconds=12.0,
    )
    # Enough threads that the hanging answers do not hold up the others.
    serve(gateway, port=0, threads=96, ready=ready.put)


class Web:
    """Our web app on a loopback port in this process (waitress), for the gateway's pushes to /hooks/alibaba/."""

    def __init__(self):
        from django.core.wsgi import get_wsgi_application
        from waitress.server import create_server

        self.server = create_server(get_wsgi_application(), host="127.0.0.1", port=0, threads=8, ident="dxports-web")
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, name="bench-web", daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.close()


class Processes:
    """The worker and beat processes, each in a session of its own so that a kill takes its whole group."""

    def __init__(self, args, env, tmp):
        self.args, self.env, self.tmp = args, env, Path(tmp)
        self.running = {}
        self.logs = []

    def start(self, name, *command):
        celery = Path(sys.executable).parent / "celery"
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [str(celery), "-A", "dxports", *command, "--loglevel", "WARNING"],
            cwd=ROOT,
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running[name] = process
        self.logs.append(log)
        return process

    def worker(self, name):
        return self.start(
            name, "worker", "--pool", "threads", "--concurrency", str(self.args.threads), "--hostname",
            f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
        )  # fmt: skip

    def beat(self):
        return self.start("beat", "beat", "--schedule", str(self.tmp / "beat-schedule"))

    def kill(self, name):
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self):
        for process in self.running.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for log in self.logs:
            log.close()


def wait_for_workers(count, deadline, tmp):
    from dxports.celery import app

    while time.monotonic() < deadline:
        if len(app.control.ping(timeout=1.0) or []) >= count:
            return
    raise SystemExit(f"the workers did not start; see the logs in {tmp}")


def held_by(pid):
    """How many outbox jobs the worker process ``pid`` holds right now (calls under way)."""
    from alibaba.models import OutboxJob

    return OutboxJob.objects.filter(status="running", lease_owner__contains=f":{pid}:").count()


def kill_mid_call(processes, name, replacement, deadline):
    """SIGKILL worker ``name`` once it holds a job (so calls are under way), and start ``replacement``."""
    pid = processes.running[name].pid
    while time.monotonic() < deadline and held_by(pid) == 0:
        time.sleep(0.05)
    holding = held_by(pid)
    processes.kill(name)
    processes.worker(replacement)
    return f"SIGKILL {name} (pid {pid}) holding {holding} job(s); {replacement} started"


def empty_queue():
    from dxports.celery import app

    with app.connection_for_write() as conn:
        purged = conn.default_channel.queue_purge(app.conf.task_default_queue)
    return f"broker queue emptied ({purged} message(s) lost)"


def burst(gateway_url):
    """Another client of our app key, not behind our limiter, spends the gateway's bucket: the key is banned."""
    import httpx

    from alibaba.client import AlibabaClient
    from alibaba.errors import GatewayError, RateLimited

    outcomes = Counter()

    def call(client):
        try:
            client.category_get(0)
            outcomes["ok"] += 1
        except RateLimited:
            outcomes["ApiCallLimit"] += 1
        except (GatewayError, httpx.HTTPError):
            outcomes["other"] += 1

    with AlibabaClient(gateway_url, APP_KEY, APP_SECRET, read_timeout=2.0) as client, ThreadPoolExecutor(32) as pool:
        list(pool.map(call, [client] * 160))
    return f"another client of our key bursts: {dict(outcomes)}"


def main():
    import multiprocessing

    args = parse_args()
    tmp = tempfile.mkdtemp(prefix="dxports-bench-chaos-")
    media_root = Path(tmp) / "media"
    env = environment(media_root, "http://127.0.0.1:9")  # the gateway's address, once it listens
    env.update(
        ALIBABA_APP_KEY=APP_KEY,
        ALIBABA_APP_SECRET=APP_SECRET,
        ALIBABA_RATE_LIMIT_PER_S=str(args.rate),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
    )
    os.environ.update(env)
    admin, db_name = recreate_database(DATABASE_URL)

    import redis

    redis.Redis.from_url(env["CELERY_BROKER_URL"]).flushdb()
    redis.Redis.from_url(env["REDIS_URL"]).delete(f"dxports:alibaba:ratelimit:{APP_KEY}")

    import django

    django.setup()
    import logging

    from django.core.management import call_command

    # This process's own log (the bursting client, the web app) would drown the figures; the workers log to files.
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: nothing is collected for a bench
    call_command("migrate", verbosity=0)

    web = Web()
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    gateway_process = context.Process(target=serve_gateway, args=(ready, f"{web.url}/hooks/alibaba/"), daemon=True)
    gateway_process.start()
    gateway_url = ready.get(timeout=60)
    env["ALIBABA_GATEWAY_URL"] = gateway_url
    os.environ["ALIBABA_GATEWAY_URL"] = gateway_url
    from django.conf import settings

    settings.ALIBABA_GATEWAY_URL = gateway_url
    from sync import Gateway

    gateway = Gateway(gateway_url)
    processes = Processes(args, env, tmp)
    try:
        web.start()
        products = make_catalog(args, gateway)
        print(f"{len(products)} listings of {args.sellers} sellers, {args.images} image(s) each; setup calls made")
        for n in range(args.workers):
            processes.worker(f"w{n}")
        processes.beat()
        wait_for_workers(args.workers, time.monotonic() + 90, tmp)
        gateway.configure(
            latency_ms=LATENCY_MS,
            rate_limit_per_s=args.rate,
            isp_error_rate=ISP_ERROR_RATE,
            timeout_rate=TIMEOUT_RATE,
        )
        calls_before = gateway.state()["calls"]
        time.sleep(2.0)  # the gateway's bucket fills after the setup calls
        result = run(args, gateway, gateway_url, products, processes, calls_before)
    finally:
        processes.stop_all()
        web.stop()
        gateway_process.terminate()
        gateway_process.join(timeout=20)
        from django.db import connections

        connections.close_all()
        drop_database(admin, db_name)
    print(json.dumps(result))


def run(args, gateway, gateway_url, products, processes, calls_before):
    from django.db import connection

    from catalog.services import product_publish

    def publish(chunk):
        try:
            for product in chunk:
                product_publish(product=product, actor=None)
        finally:
            connection.close()

    started_wall = time.time()
    started = time.monotonic()
    events = []

    def at(seconds, what, action):
        def fire():
            wait = started + seconds - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                events.append((time.monotonic() - started, action()))
            finally:
                connection.close()

        thread = threading.Thread(target=fire, name=f"fault-{what}", daemon=True)
        thread.start()
        return thread

    deadline = started + args.timeout
    faults = [
        at(8, "kill", lambda: kill_mid_call(processes, "w0", "w0b", deadline)),
        at(15, "queue", empty_queue),
        at(20, "ban", lambda: burst(gateway_url)),
        at(40, "kill", lambda: kill_mid_call(processes, "w1", "w1b", deadline)),
        at(55, "ban", lambda: burst(gateway_url)),
    ]
    chunks = [products[i :: args.publishers] for i in range(args.publishers)]
    with ThreadPoolExecutor(args.publishers) as pool:
        list(pool.map(publish, chunks))
    print(f"published {len(products)} listings in {time.monotonic() - started:.1f} s (the outbox rows are written)")

    settled_at = None
    while time.monotonic() < deadline:
        if is_settled(products):
            settled_at = time.monotonic() - started
            break
        time.sleep(SETTLED_POLL_S)
    for thread in faults:
        thread.join(timeout=max(deadline - time.monotonic(), 1))
    for offset, description in sorted(events):
        print(f"  t={offset:6.1f} s  {description}")
    return report(args, gateway, products, calls_before, started_wall, settled_at)


def is_settled(products):
    from alibaba.models import InboundPush, OutboxJob
    from catalog.models import Product

    ids = [p.pk for p in products]
    return (
        Product.objects.filter(pk__in=ids, status="live").count() == len(ids)
        and not OutboxJob.objects.filter(status__in=["pending", "running"]).exists()
        and not InboundPush.objects.filter(status="received").exists()
    )


def report(args, gateway, products, calls_before, started_wall, settled_at):
    from django.db.models import Count, Max

    from alibaba.models import InboundPush, OutboxAttempt, OutboxJob
    from catalog.models import Product, ProductEvent

    state = gateway.state()
    calls = {
        path: {outcome: n - calls_before.get(path, {}).get(outcome, 0) for outcome, n in outcomes.items()}
        for path, outcomes in state["calls"].items()
        if path != OTHER_CLIENTS_CALL
    }
    calls = {path: {k: v for k, v in outcomes.items() if v} for path, outcomes in calls.items()}
    calls = {path: outcomes for path, outcomes in calls.items() if outcomes}
    by_outcome = Counter()
    for outcomes in calls.values():
        by_outcome.update(outcomes)
    made = sum(by_outcome.values())

    ours = {str(p.public_id): p for p in Product.objects.filter(pk__in=[p.pk for p in products])}
    duplicates = sum(len(held) - 1 for code, held in state["products"].items() if code in ours and len(held) > 1)
    lost = sum(not state["products"].get(code) for code in ours)
    unsettled = 0
    for code, product in ours.items():
        held = state["products"].get(code, [])
        in_step = (
            [item["product_id"] for item in held] == [product.gateway_product_id]
            and product.status == "live"
            and (held[0]["status"], held[0]["display"]) == ("approved", "Y")
            and product.synced_version == product.version
        )
        unsettled += not in_step
    false_alarms = {
        "jobs_failed": OutboxJob.objects.filter(status="failed").count(),
        "pushes_failed": InboundPush.objects.filter(status="failed").count(),
        "products_sync_failed": Product.objects.filter(status="sync_failed").count(),
    }
    live_at = dict(
        ProductEvent.objects.filter(to_status="live")
        .values("product_id")
        .annotate(at=Max("created_at"))
        .values_list("product_id", "at")
    )
    slowest_id, slowest_at = max(live_at.items(), key=lambda item: item[1]) if live_at else (None, None)
    attempts = dict(
        OutboxAttempt.objects.filter(job__kind="product.upsert")
        .values("job__target")
        .annotate(n=Count("id"))
        .values_list("job__target", "n")
    )
    outcomes = Counter(OutboxAttempt.objects.values_list("outcome", flat=True))
    pushes = Counter(InboundPush.objects.values_list("status", flat=True))
    settled_s = settled_at if settled_at is not None else args.timeout
    slowest_s = slowest_at.timestamp() - started_wall if slowest_at else None
    needed = len(products) * (args.images + 1)
    ratio = settled_s / TARGET_S

    print(f"calls of the sync {made} (at least {needed} without faults); by outcome: {dict(by_outcome)}")
    for path, outcomes_of_path in sorted(calls.items()):
        print(f"  {path}: {outcomes_of_path}")
    print(f"outbox attempts by outcome: {dict(outcomes)}; most attempts of one listing: {max(attempts.values())}")
    print(f"pushes by status: {dict(pushes)}")
    print(
        f"duplicates {duplicates}; lost (not on the gateway) {lost}; not live and in step {unsettled}; "
        f"false alarms {false_alarms}"
    )
    if slowest_id is not None:
        print(
            f"slowest listing: product {slowest_id}, live {slowest_s:.1f} s after the first publish, "
            f"{attempts.get(str(slowest_id), 0)} attempt(s):"
        )
        log = OutboxAttempt.objects.filter(job__kind="product.upsert", job__target=str(slowest_id))
        for attempt in log.order_by("started_at", "id"):
            started = attempt.started_at.timestamp() - started_wall
            code = f" {attempt.error_code}" if attempt.error_code else ""
            print(f"  t={started:6.1f} s  {attempt.outcome}{code} ({attempt.duration_ms} ms)")
    settled = "did not settle" if settled_at is None else f"settled in {settled_s:.1f} s"
    print(
        f"{len(products)} listings {settled}; calls at {args.rate:.0f}/s need {made / args.rate:.1f} s "
        f"(ideal without faults {needed / args.rate:.1f} s); ratio {ratio:.3f} (target ≤ 1)"
    )
    return {
        "bench": "sync_chaos",
        "listings": len(products),
        "workers": args.workers,
        "threads": args.threads,
        "rate_per_s": args.rate,
        "isp_error_rate": ISP_ERROR_RATE,
        "timeout_rate": TIMEOUT_RATE,
        "calls_made": made,
        "calls_by_outcome": dict(by_outcome),
        "duplicates": duplicates,
        "lost": lost,
        "unsettled": unsettled,
        "false_alarms": sum(false_alarms.values()),
        "max_attempts": max(attempts.values()) if attempts else 0,
        "settled_s": round(settled_s, 1),
        "slowest_listing_s": round(slowest_s, 1) if slowest_s is not None else None,
        "ratio": round(ratio, 4),
        "target": 1.0,
        "ok": settled_at is not None
        and duplicates == 0
        and lost == 0
        and unsettled == 0
        and not any(false_alarms.values())
        and ratio <= 1.0,
    }


if __name__ == "__main__":
    main()
