"""Partner API product list (issue 9): ``GET /api/v1/products/?limit=50`` — a page of 50 products with their price
tiers, images, attributes, category and sync state, behind the whole partner API (key check, scopes, the key's
request budget on Redis, DRF, cursor pagination) — against a bare Django view in the same gunicorn processes that
returns the same JSON content from the fewest plain ``values()`` queries with no framework. Both are measured side
by side in one run (rounds alternate between them, so the machine's load falls on both alike); the headline ratio is
API requests/s ÷ bare requests/s (target ≥ 0.6). ``GET /api/v1/me/`` (the key check and the framework with no
query of its own) is measured too, so that the cost of checking the key can be read off.

    python bench/api_products.py [--sellers 5] [--products 200] [--seconds 4] [--rounds 3] [--workers 2]
                                 [--clients 4]

Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dxports_bench_api: created and dropped by
the script) and Redis for the request budgets (REDIS_URL, default redis://127.0.0.1:6379/6).
"""

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import SECRETS, drop_database, recreate_database  # noqa: E402 - the benches' shared set-up

DATABASE_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/dxports_bench_api"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/6"
PAGE = 50
TARGET = 0.6
BARE_PATH = "/bench/bare/products/"


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sellers", type=int, default=5)
    parser.add_argument("--products", type=int, default=200, help="per seller")
    parser.add_argument("--seconds", type=float, default=4.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--clients", type=int, default=4, help="client threads keeping the server busy")
    parser.add_argument("--port", type=int, default=0)
    return parser.parse_args()


def environment(var_dir):
    """Production settings (DEBUG off) with bench secrets and files under ``var_dir``, for this process and
    gunicorn's."""
    (var_dir / "static").mkdir(parents=True, exist_ok=True)
    return {
        "DXPORTS_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "dxports.settings",
        "DJANGO_DEBUG": "0",
        **SECRETS,
        "PARTNERS_API_READ_RATE": "100000000",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "EMAIL_URL": "smtp://127.0.0.1:9",
        "DXPORTS_SITE_URL": "http://127.0.0.1",
        "ALIBABA_GATEWAY_URL": "http://127.0.0.1:9",
        "ALIBABA_APP_KEY": "bench-api-500001",
        "ALIBABA_APP_SECRET": "bench-api-secret-0123456789",
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": "memory://",
        "REDIS_URL": REDIS_URL,
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def make_catalog(args):
    """A partner with a key, sellers that gave it access, and their products (not timed). Returns the key."""
    import hashlib
    from decimal import Decimal

    from catalog.models import Category, CategoryAttribute, PriceTier, Product, ProductAttributeValue, ProductImage
    from partners import services
    from partners.models import SELLER_SCOPES, SellerGrant
    from sellers.models import Seller, SellerStatus

    partner = services.partner_create(name="Bench Chamber", contact_email="bench@example.com")
    key = services.api_key_create(partner=partner, scopes=["catalog:read"]).key
    leaf = Category.objects.create(category_id=1202, name="Jute Bags", level=1, is_leaf=True)
    attributes = [
        CategoryAttribute.objects.create(
            category=leaf,
            attribute_id=attribute_id,
            name=f"Attribute {attribute_id}",
            input_type="single_select",
            values=[{"value_id": attribute_id * 100 + 1, "name": "A"}],
        )
        for attribute_id in (1, 2, 3, 4)
    ]
    for n in range(args.sellers):
        seller = Seller.objects.create(legal_name=f"Bench Jute Works {n} Ltd.", status=SellerStatus.ACTIVE)
        SellerGrant.objects.bulk_create(
            [SellerGrant(partner=partner, seller=seller, scope=scope, origin="granted") for scope in SELLER_SCOPES]
        )
        products = Product.objects.bulk_create(
            [
                Product(
                    seller=seller,
                    sku=f"B{n}-{i:05d}",
                    title=f"Eco-friendly Hessian Jute Shopping Bag {n}-{i} with Cotton Handles",
                    description="Sturdy shopping bag of natural hessian jute. " * 5,
                    category=leaf,
                    keywords=["jute bag", "tote bag", "eco bag"],
                    hs_code="630510",
                    min_order_quantity=500,
                    unit="piece",
                    supply_quantity=50000,
                    supply_period="month",
                    lead_times=[{"quantity": 1000, "days": 20}, {"quantity": 10000, "days": 45}],
                    port="chattogram",
                    payment_terms=["T/T", "L/C"],
                    packaging="100 bags per export carton",
                    certifications=["Fair Trade"],
                    sample_policy="paid",
                    status=["draft", "live", "under_review"][i % 3],
                    gateway_product_id=(n * 100_000 + i) if i % 3 else None,
                    synced_version=1 if i % 3 else None,
                )
                for i in range(args.products)
            ]
        )
        PriceTier.objects.bulk_create(
            [
                PriceTier(product=product, start_quantity=quantity, price=Decimal(price))
                for product in products
                for quantity, price in ((500, "2.50"), (5000, "1.90"), (20000, "1.60"))
            ]
        )
        ProductImage.objects.bulk_create(
            [
                ProductImage(
                    product=product,
                    file=f"products/{product.public_id}/{position}.jpg",
                    sha256=hashlib.sha256(f"{product.pk}-{position}".encode()).hexdigest(),
                    position=position,
                    width=1200,
                    height=900,
                    size_bytes=250_000,
                    photobank_url=f"https://sc04.alicdn.com/kf/H{product.pk}{position}.jpg" if position else "",
                )
                for product in products
                for position in range(3)
            ]
        )
        ProductAttributeValue.objects.bulk_create(
            [
                ProductAttributeValue(product=product, attribute=attribute, value_id=attribute.attribute_id * 100 + 1)
                for product in products
                for attribute in attributes
            ]
        )
    return key


# The bare view, served by the same gunicorn processes -----------------------------------------------------------------


def bare_products(request):
    """The same JSON content as the API's first page, from plain ``values()`` queries: no key, no framework."""
    from django.http import JsonResponse

    from catalog.models import PRODUCT_TERMS_FIELDS, PriceTier, Product, ProductAttributeValue, ProductImage
    from catalog.selectors import PRODUCT_ROW_FIELDS, sync_state_of
    from partners.models import SellerGrant

    sellers = SellerGrant.objects.filter(scope="catalog:read").values("seller_id")
    rows = list(
        Product.objects.filter(seller_id__in=sellers).order_by("-created_at", "-id").values(*PRODUCT_ROW_FIELDS)[:PAGE]
    )
    ids = [row["id"] for row in rows]
    tiers, images, values = {}, {}, {}
    for product_id, quantity, price in (
        PriceTier.objects.filter(product_id__in=ids)
        .order_by("product_id", "start_quantity")
        .values_list("product_id", "start_quantity", "price")
    ):
        tiers.setdefault(product_id, []).append({"start_quantity": quantity, "price": f"{price:.2f}"})
    for image in (
        ProductImage.objects.filter(product_id__in=ids)
        .order_by("product_id", "position", "id")
        .values("product_id", "sha256", "position", "content_type", "width", "height", "size_bytes", "photobank_url")
    ):
        product_id = image.pop("product_id")
        image["photobank_url"] = image["photobank_url"] or None
        images.setdefault(product_id, []).append(image)
    for product_id, attribute_id, value_id, value_name in (
        ProductAttributeValue.objects.filter(product_id__in=ids)
        .order_by("product_id", "attribute_id", "id")
        .values_list("product_id", "attribute__attribute_id", "value_id", "value_name")
    ):
        values.setdefault(product_id, []).append(
            {"attribute_id": attribute_id, "value_id": value_id, "value_name": value_name}
        )
    data = []
    for row in rows:
        state = sync_state_of(
            status=row["status"],
            gateway_product_id=row["gateway_product_id"],
            version=row["version"],
            synced_version=row["synced_version"],
        )
        data.append(
            {
                "id": str(row["public_id"]),
                "object": "product",
                "seller": str(row["seller__public_id"]),
                **{
                    name: row[name]
                    for name in (
                        "sku",
                        "status",
                        "status_reason",
                        "title",
                        "title_bn",
                        "description",
                    )
                },
                "category": {"id": row["category__category_id"], "name": row["category__name"]}
                if row["category__category_id"] is not None
                else None,
                **{name: row[name] for name in PRODUCT_TERMS_FIELDS},
                "price_tiers": tiers.get(row["id"], []),
                "attributes": values.get(row["id"], []),
                "images": images.get(row["id"], []),
                "version": row["version"],
                "sync": {
                    "state": state,
                    "gateway_product_id": row["gateway_product_id"],
                    "synced_version": row["synced_version"],
                },
                "created_at": row["created_at"].isoformat().replace("+00:00", "Z"),
                "updated_at": row["updated_at"].isoformat().replace("+00:00", "Z"),
            }
        )
    return JsonResponse({"object": "list", "data": data})


def _application():
    """gunicorn's entry point: the project, plus the bare view at ``BARE_PATH``."""
    from django.core.wsgi import get_wsgi_application
    from django.urls import clear_url_caches, path

    wsgi = get_wsgi_application()
    from dxports import urls

    urls.urlpatterns.insert(0, path(BARE_PATH.lstrip("/"), bare_products))
    clear_url_caches()
    return wsgi


# Measuring ------------------------------------------------------------------------------------------------------------


def measure(url, headers, *, seconds, clients):
    """Requests per second that ``clients`` threads get from ``url`` for ``seconds``."""
    import httpx

    stop = time.monotonic() + seconds
    counts, errors = [0] * clients, []

    def run(index):
        with httpx.Client(headers=headers, timeout=30) as client:
            while time.monotonic() < stop:
                response = client.get(url)
                if response.status_code != 200:
                    errors.append(response.status_code)
                    return
                counts[index] += 1

    threads = [threading.Thread(target=run, args=(index,)) for index in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{url} answered {errors[:3]}")
    return sum(counts) / (time.monotonic() - started)


def serve(args, env, port):
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
        "bench.api_products:application",
    ]
    return subprocess.Popen(command, env={**os.environ, **env}, cwd=ROOT, start_new_session=True)


def wait_until_up(url, deadline):
    import httpx

    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(url, timeout=1)
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not start")


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    args = parse_args()
    admin, name = recreate_database(DATABASE_URL)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = environment(Path(tmp))
            os.environ.update(env)
            import django

            django.setup()
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            key = make_catalog(args)
            from django.db import connections

            connections.close_all()
            result = run(args, env, key)
    finally:
        drop_database(admin, name)
    print(json.dumps(result))


def run(args, env, key):
    import httpx

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(args, env, port)
    try:
        wait_until_up(base + BARE_PATH, time.monotonic() + 60)
        headers = {"Authorization": f"Api-Key {key}"}
        api_url, bare_url, me_url = f"{base}/api/v1/products/?limit={PAGE}", base + BARE_PATH, f"{base}/api/v1/me/"
        api_page = httpx.get(api_url, headers=headers).json()
        bare_page = httpx.get(bare_url).json()
        same = api_page["data"] == bare_page["data"] and len(api_page["data"]) == PAGE
        print(f"{args.sellers * args.products} products; both answer the same {len(api_page['data'])} products: {same}")
        for url in (api_url, bare_url, me_url):  # warm up every worker
            measure(url, headers, seconds=1, clients=args.clients)
        api, bare, me = [], [], []
        for round_ in range(args.rounds):
            bare.append(measure(bare_url, {}, seconds=args.seconds, clients=args.clients))
            api.append(measure(api_url, headers, seconds=args.seconds, clients=args.clients))
            me.append(measure(me_url, headers, seconds=args.seconds / 2, clients=args.clients))
            print(f"round {round_ + 1}: bare {bare[-1]:.1f}/s, API {api[-1]:.1f}/s, /me {me[-1]:.1f}/s")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    api_rps, bare_rps, me_rps = statistics.median(api), statistics.median(bare), statistics.median(me)
    ratio = api_rps / bare_rps
    # The time a page costs beyond the bare view's, and the part of a request spent on the key and the framework.
    key_and_framework_ms = 1000 / me_rps * args.workers
    print(
        f"page of {PAGE}: API {api_rps:.1f} req/s, bare view {bare_rps:.1f} req/s, ratio {ratio:.3f} "
        f"(target ≥ {TARGET}); key check + framework alone (/me): {me_rps:.1f} req/s"
    )
    return {
        "bench": "api_products",
        "page_size": PAGE,
        "products": args.sellers * args.products,
        "workers": args.workers,
        "clients": args.clients,
        "same_content": same,
        "api_rps": round(api_rps, 1),
        "bare_rps": round(bare_rps, 1),
        "me_rps": round(me_rps, 1),
        "key_and_framework_ms": round(key_and_framework_ms, 2),
        "ratio": round(ratio, 3),
        "target": TARGET,
        "ok": same and ratio >= TARGET,
    }


if __name__ == "__main__":
    main()
else:
    application = _application()
