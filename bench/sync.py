"""Sync throughput (issue 4): N listings published at once through the real path — ``catalog.services.product_publish``
(one outbox row each, a Celery message after commit), Celery workers (threads pool) on Redis, PostgreSQL, the mock
gateway over HTTP on a loopback port with ``latency_ms`` per call and a token bucket of ``rate`` calls/s, and our
shared Redis rate limiter at the same rate — until the gateway has accepted every listing (``product/add`` answered,
counted in the gateway's state).

The ideal time is what the rate limit allows: every listing needs one photobank upload per image and one add, so
ideal = N × (images + 1) / rate. The headline ratio is elapsed / ideal (target ≤ 1.1), with no ``ApiCallLimit``
provoked and no listing held twice.

    python bench/sync.py [--listings 1000] [--images 1] [--sellers 10] [--workers 2] [--threads 12]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dxports_bench: the database is created
and dropped by the script) and Redis (CELERY_BROKER_URL, default redis://127.0.0.1:6379/3, flushed; REDIS_URL,
default redis://127.0.0.1:6379/4). The bench uses an app key of its own, so its limiter is nobody else's.
"""

import argparse
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import SECRETS, drop_database, recreate_database  # noqa: E402 - the benches' shared set-up

DATABASE_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/dxports_bench"
BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/3"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/4"
APP_KEY, APP_SECRET = "bench-sync-500001", "bench-sync-secret-0123456789"
LATENCY_MS = 100
RATE = 50.0
TARGET = 1.1


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listings", type=int, default=1000)
    parser.add_argument("--images", type=int, default=1)
    parser.add_argument("--sellers", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--threads", type=int, default=12, help="threads per worker")
    parser.add_argument("--publishers", type=int, default=8, help="threads calling product_publish")
    parser.add_argument("--timeout", type=float, default=600)
    return parser.parse_args()


def environment(media_root, gateway_url):
    """The environment of this process and of the workers: production settings (DEBUG off) with bench secrets."""
    return {
        "DJANGO_SETTINGS_MODULE": "dxports.settings",
        "DJANGO_DEBUG": "0",
        **SECRETS,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "EMAIL_URL": "smtp://127.0.0.1:9",
        "DXPORTS_SITE_URL": "http://127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_MEDIA_ROOT": str(media_root),
        "ALIBABA_GATEWAY_URL": gateway_url,
        "ALIBABA_APP_KEY": APP_KEY,
        "ALIBABA_APP_SECRET": APP_SECRET,
        "ALIBABA_RATE_LIMIT_PER_S": str(RATE),
        "ALIBABA_PUSH_URL": "http://127.0.0.1:9/hooks/alibaba/",
    }


def image_content(n):
    return b"\xff\xd8\xff\xe0" + f"bench image {n}".encode() + b"\0" * 2048


def make_catalog(args, gateway):
    """Sellers with supplier accounts on the gateway, and their complete draft listings (not timed)."""
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from alibaba.client import AlibabaClient
    from catalog.categories import categories_sync
    from catalog.models import Category, CategoryAttribute, PriceTier, Product, ProductAttributeValue, ProductImage
    from sellers.models import Seller, SellerStatus
    from sellers.services import seller_supplier_account_store

    with AlibabaClient.from_settings(rate_limiter=None) as client:
        categories_sync(client=client)
        leaf = Category.objects.get(category_id=1202)
        attributes = {a.attribute_id: a for a in CategoryAttribute.objects.filter(category=leaf)}
        sellers = []
        for n in range(args.sellers):
            seller = Seller.objects.create(legal_name=f"Bench Jute Works {n} Ltd.", status=SellerStatus.ACTIVE)
            account = client.supplier_create(
                seller_ref=str(seller.public_id), company_name=seller.legal_name, contact_email=f"owner{n}@bench.test"
            )
            seller_supplier_account_store(
                seller=seller, supplier_id=account.supplier_id, tokens=client.token_create(account.code)
            )
            sellers.append(seller)

    fields = {
        "title_bn": "পাটের ব্যাগ",
        "description": "Sturdy shopping bag of natural hessian jute with cotton handles. " * 5,
        "category": leaf,
        "keywords": ["jute bag", "tote bag", "eco bag"],
        "hs_code": "630510",
        "min_order_quantity": 500,
        "unit": "piece",
        "supply_quantity": 50_000,
        "supply_period": "month",
        "lead_times": [{"quantity": 1000, "days": 20}],
        "port": "chattogram",
        "payment_terms": ["T/T", "L/C"],
        "packaging": "100 bags per carton",
    }
    products = Product.objects.bulk_create(
        [
            Product(
                seller=sellers[n % len(sellers)],
                status="ready",  # checked and ready: publishing is one step
                sku=f"BENCH-{n:05d}",
                title=f"Eco-friendly Hessian Jute Shopping Bag with Cotton Handles, Model {n:05d}",
                **fields,
            )
            for n in range(args.listings)
        ]
    )
    tiers, values, images = [], [], []
    value_of = {aid: attributes[aid].values[0]["value_id"] for aid in (1, 3)}
    for product in products:
        tiers += [
            PriceTier(product=product, start_quantity=500, price=Decimal("2.50")),
            PriceTier(product=product, start_quantity=5000, price=Decimal("1.90")),
        ]
        values += [
            ProductAttributeValue(product=product, attribute=attributes[aid], value_id=value_id)
            for aid, value_id in value_of.items()
        ]
        values.append(ProductAttributeValue(product=product, attribute=attributes[2], value_name="Rupsha"))
        for i in range(args.images):
            content = image_content(f"{product.pk}-{i}")
            image = ProductImage(
                product=product,
                sha256=hashlib.sha256(content).hexdigest(),
                position=i,
                content_type="image/jpeg",
                size_bytes=len(content),
            )
            image.file.save(f"{i}.jpg", ContentFile(content), save=False)
            images.append(image)
    PriceTier.objects.bulk_create(tiers)
    ProductAttributeValue.objects.bulk_create(values)
    ProductImage.objects.bulk_create(images)
    return products


def start_workers(args, env, tmp):
    celery = Path(sys.executable).parent / "celery"
    processes = []
    for n in range(args.workers):
        command = [
            str(celery), "-A", "dxports", "worker", "--pool", "threads", "--concurrency", str(args.threads),
            "--loglevel", "WARNING", "--hostname", f"bench{n}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat",
        ]  # fmt: skip
        if n == 0:  # the beat relay, as in production
            command += ["--beat", "--schedule", str(Path(tmp) / "beat")]
        log = open(Path(tmp) / f"worker{n}.log", "wb")  # noqa: SIM115 - closed with the process
        processes.append(
            (
                subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True),
                log,
            )
        )  # fmt: skip
    return processes


def stop_workers(processes):
    for process, _ in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process, log in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def wait_for_workers(tmp, count, deadline):
    """Until every worker answers a ping (so the clock does not count their start-up)."""
    from dxports.celery import app

    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0) or []
        if len(replies) >= count:
            return
    raise SystemExit(f"the workers did not start; see the logs in {tmp}")


def serve_gateway(ready):
    """The mock gateway in a process of its own, as the outside system it stands for (sharing this process's GIL
    with the publishing threads would slow its answers down)."""
    from alibaba.mock import MockGateway
    from alibaba.mock.server import serve

    gateway = MockGateway(
        app_key=APP_KEY,
        app_secret=APP_SECRET,
        seed=1,
        latency_ms=0,
        rate_limit_per_s=None,
        review_delay_s=86400,  # no reviews during the run: only the adds are measured
        reject_rate=0.0,
    )
    serve(gateway, port=0, threads=32, ready=ready.put)


class Gateway:
    """The harness of the gateway process (docs/gateway.md, "The /_mock/ harness")."""

    def __init__(self, url):
        import httpx

        self.url = url
        self.http = httpx.Client(base_url=url, timeout=30)

    def configure(self, **changes):
        response = self.http.post("/_mock/config", json=changes)
        response.raise_for_status()

    def state(self):
        response = self.http.get("/_mock/state")
        response.raise_for_status()
        return response.json()


def main():
    import multiprocessing

    args = parse_args()
    tmp = tempfile.mkdtemp(prefix="dxports-bench-sync-")
    media_root = Path(tmp) / "media"

    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    gateway_process = context.Process(target=serve_gateway, args=(ready,), daemon=True)
    gateway_process.start()
    gateway_url = ready.get(timeout=60)
    gateway = Gateway(gateway_url)
    env = environment(media_root, gateway_url)
    os.environ.update(env)
    admin, db_name = recreate_database(DATABASE_URL)

    import redis

    redis.Redis.from_url(BROKER_URL).flushdb()
    redis.Redis.from_url(REDIS_URL).delete(f"dxports:alibaba:ratelimit:{APP_KEY}")

    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.getLogger("dxports").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    processes = []
    try:
        products = make_catalog(args, gateway)
        print(f"{len(products)} listings of {args.sellers} sellers, {args.images} image(s) each; setup calls made")
        processes = start_workers(args, env, tmp)
        wait_for_workers(tmp, args.workers, time.monotonic() + 60)
        gateway.configure(latency_ms=LATENCY_MS, rate_limit_per_s=RATE)
        calls_before = gateway.state()["calls_total"]
        time.sleep(1.0)  # the gateway's bucket fills after the setup calls

        result = run(args, gateway, products, calls_before)
    finally:
        stop_workers(processes)
        gateway_process.terminate()
        gateway_process.join(timeout=20)
        from django.db import connections

        connections.close_all()
        drop_database(admin, db_name)
    print(json.dumps(result))


def run(args, gateway, products, calls_before):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from catalog.models import Product
    from catalog.services import product_publish

    def publish(chunk):
        try:
            for product in chunk:
                product_publish(product=product, actor=None)
        finally:
            connection.close()

    wall_start = time.time()
    started = time.monotonic()
    chunks = [products[i :: args.publishers] for i in range(args.publishers)]
    with ThreadPoolExecutor(args.publishers) as pool:
        list(pool.map(publish, chunks))
    published_in = time.monotonic() - started
    print(f"published {len(products)} listings in {published_in:.1f} s (the outbox rows are written)")

    deadline = started + args.timeout
    add_path = "/alibaba/icbu/product/add"
    while time.monotonic() < deadline:
        state = gateway.state()
        if state["product_count"] >= len(products):
            break
        time.sleep(0.25)
    state = gateway.state()
    added = sorted(
        datetime.fromisoformat(item["updated_at"].replace("Z", "+00:00")).timestamp()
        for held in state["products"].values()
        for item in held
    )
    elapsed = (added[-1] if added else time.time()) - wall_start
    if added:
        per_second = [0] * (int(added[-1] - wall_start) + 1)
        for stamp in added:
            per_second[int(stamp - wall_start)] += 1
        print(f"first add {added[0] - wall_start:.2f} s after the first publish; adds per second: {per_second}")

    calls = state["calls"]
    needed = len(products) * (args.images + 1)
    ideal = needed / RATE
    made = state["calls_total"] - calls_before
    bans = sum(outcomes.get("ApiCallLimit", 0) for outcomes in calls.values())
    adds = calls.get(add_path, {})
    accepted = state["product_count"]
    twice = len(state["duplicates"])
    under_review = Product.objects.filter(status="under_review").count()
    ratio = elapsed / ideal
    print(f"calls needed {needed} (= {len(products)} × ({args.images} upload + 1 add)); made {made}: {calls}")
    print(
        f"accepted {accepted}/{len(products)} in {elapsed:.2f} s; ideal at {RATE:.0f}/s {ideal:.2f} s; "
        f"ratio {ratio:.3f} (target ≤ {TARGET}); ApiCallLimit {bans}; held twice {twice}; "
        f"under review in our database {under_review}"
    )
    return {
        "bench": "sync",
        "listings": len(products),
        "images_per_listing": args.images,
        "workers": args.workers,
        "threads": args.threads,
        "latency_ms": LATENCY_MS,
        "rate_per_s": RATE,
        "calls_needed": needed,
        "calls_made": made,
        "adds_ok": adds.get("ok", 0),
        "accepted": accepted,
        "duplicates": twice,
        "api_call_limit": bans,
        "under_review": under_review,
        "published_s": round(published_in, 2),
        "elapsed_s": round(elapsed, 2),
        "ideal_s": round(ideal, 2),
        "ratio": round(ratio, 4),
        "target": TARGET,
        "ok": accepted == len(products) and twice == 0 and bans == 0 and ratio <= TARGET,
    }


if __name__ == "__main__":
    main()
