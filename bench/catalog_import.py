"""How fast the catalog import is, against a bare bulk insert of the same rows, and whether its memory grows with the
file (issue 4: at least a third of the bare rate; memory flat).

- import: a CSV of N complete rows uploaded and imported through ``catalog.imports`` (whole-file checks, parsing,
  the listing rules on every row, the upsert keyed by SKU, price tiers, attributes, one audit row per product, the
  progress written per batch, the error file);
- bare: ``bulk_create`` of the same products, price tiers and attribute values, already parsed, in the same batches
  and transactions, with no parsing, validation or audit;
- memory: the peak of Python allocations (tracemalloc) while importing N and 2 N rows.

Runs on PostgreSQL when DATABASE_URL is set (in a database of its own, ``dxports_bench_import``, dropped at the
end), else on SQLite in a temporary file. The last line is the JSON result; ``ratio`` = import rate / bare rate.

    python bench/catalog_import.py [--rows 10000]
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import SECRETS, postgres  # noqa: E402 - the benches' shared set-up

TARGET = 1 / 3
MEMORY_GROWTH_LIMIT = 1.25  # the peak importing 2 N rows may exceed the peak importing N rows by this factor at most
BENCH_DB = "dxports_bench_import"


def configure(tmp):
    """Environment for dxports.settings: test-only secrets, files and broker under ``tmp``, the bench's database."""
    for name, value in SECRETS.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:9")
    os.environ.setdefault("DXPORTS_SITE_URL", "http://localhost")
    os.environ.setdefault("ALIBABA_GATEWAY_URL", "http://gateway.bench")
    os.environ.setdefault("ALIBABA_APP_KEY", "bench-app-key")
    os.environ.setdefault("ALIBABA_APP_SECRET", "bench-only-app-secret-0123456789")
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ["DXPORTS_VAR_DIR"] = str(tmp)
    os.environ["DJANGO_MEDIA_ROOT"] = str(tmp / "media")
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["DJANGO_SETTINGS_MODULE"] = "dxports.settings"
    server_url = os.environ.get("DATABASE_URL")
    if server_url:
        postgres(server_url, f"DROP DATABASE IF EXISTS {BENCH_DB}", f"CREATE DATABASE {BENCH_DB}")
        os.environ["DATABASE_URL"] = urlsplit(server_url)._replace(path=f"/{BENCH_DB}").geturl()
        return "postgresql", server_url
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    return "sqlite", None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dxports-bench-import-"))
    database, server_url = configure(tmp)
    try:
        result = run(args.rows, database)
    finally:
        from django.db import connections

        connections.close_all()
        if server_url:
            postgres(server_url, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result))


def run(rows, database):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from catalog import imports, tasks
    from catalog.models import ImportStatus
    from tests.catalog.factories import LeafFactory
    from tests.catalog.import_support import csv_bytes, good_row, table
    from tests.catalog.import_support import upload as uploaded
    from tests.sellers.factories import OwnerFactory

    tasks.catalog_import_run.delay = lambda job_id: None  # the bench runs each job itself
    leaf = LeafFactory()

    def new_owner():
        from sellers.models import SellerStatus

        return OwnerFactory(seller__status=SellerStatus.ACTIVE)

    def content_of(count):
        return csv_bytes(table([good_row(f"JB-{n:06d}", leaf) for n in range(count)]))

    def import_file(content):
        owner = new_owner()
        started = time.perf_counter()
        job = imports.import_job_create(seller=owner.seller, actor=owner.user, uploaded=uploaded(content))
        job = imports.import_run(job_id=job.pk)
        elapsed = time.perf_counter() - started
        assert job.status == ImportStatus.DONE and job.created_count == content.count(b"\n") - 1, job.message
        return elapsed

    content = content_of(rows)
    bare_s = min(bare_insert(leaf, rows, new_owner().seller) for _ in range(2))
    import_s = min(import_file(content) for _ in range(2))
    bare_rate, import_rate = rows / bare_s, rows / import_s
    print(f"{database}: {rows} rows")
    print(f"bare bulk insert: {bare_s:.2f} s, {bare_rate:,.0f} rows/s")
    print(f"import:           {import_s:.2f} s, {import_rate:,.0f} rows/s")

    peaks = {}
    for count in (rows, 2 * rows):
        big = content_of(count)
        tracemalloc.start()
        import_file(big)
        peaks[count] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"peak Python memory importing {count} rows: {peaks[count]:.1f} MB (file {len(big) / 2**20:.1f} MB)")
    growth = peaks[2 * rows] / peaks[rows]
    ratio = import_rate / bare_rate
    print(f"import rate / bare rate = {ratio:.3f} (target ≥ {TARGET:.3f}); memory 2N / N = {growth:.2f}")
    return {
        "bench": "catalog_import",
        "database": database,
        "rows": rows,
        "batch_size": imports.BATCH_SIZE,
        "import_rows_per_s": round(import_rate),
        "bare_rows_per_s": round(bare_rate),
        "peak_mb_n": round(peaks[rows], 1),
        "peak_mb_2n": round(peaks[2 * rows], 1),
        "memory_growth": round(growth, 2),
        "ratio": round(ratio, 3),
        "target": round(TARGET, 3),
        "ok": ratio >= TARGET and growth <= MEMORY_GROWTH_LIMIT,
    }


def bare_insert(leaf, rows, seller):
    """The same rows, already parsed, written with bulk_create in the import's batches; returns the seconds."""
    from django.db import transaction

    from catalog import imports
    from catalog.models import CategoryAttribute, PriceTier, Product, ProductAttributeValue

    attributes = {attribute.attribute_id: attribute for attribute in CategoryAttribute.objects.filter(category=leaf)}
    fields = {
        "title": "Eco-friendly Hessian Jute Shopping Bag with Cotton Handles",
        "title_bn": "পরিবেশবান্ধব পাটের শপিং ব্যাগ",
        "description": "Sturdy shopping bag of natural hessian jute, 38 x 42 x 15 cm, with cotton web handles. " * 3,
        "category": leaf,
        "keywords": ["jute bag", "tote bag", "eco bag"],
        "hs_code": "630510",
        "min_order_quantity": 500,
        "unit": "piece",
        "supply_quantity": 50000,
        "supply_period": "month",
        "lead_times": [{"quantity": 1000, "days": 20}, {"quantity": 10000, "days": 45}],
        "port": "chattogram",
        "payment_terms": ["T/T", "L/C"],
        "packaging": "100 bags per export carton",
        "certifications": ["Fair Trade"],
        "sample_policy": "paid",
    }
    tiers = [(500, Decimal("2.50")), (5000, Decimal("1.90"))]
    values = [
        (attributes[1], 101, ""),
        (attributes[3], 301, ""),
        (attributes[2], None, "Rupsha"),
        (attributes[5], 501, ""),
    ]
    started = time.perf_counter()
    for first in range(0, rows, imports.BATCH_SIZE):
        with transaction.atomic():
            products = [
                Product(seller=seller, sku=f"JB-{n:06d}", **fields)
                for n in range(first, min(first + imports.BATCH_SIZE, rows))
            ]
            Product.objects.bulk_create(products)
            PriceTier.objects.bulk_create(
                [PriceTier(product=product, start_quantity=q, price=p) for product in products for q, p in tiers]
            )
            ProductAttributeValue.objects.bulk_create(
                [
                    ProductAttributeValue(product=product, attribute=a, value_id=i, value_name=n)
                    for product in products
                    for a, i, n in values
                ]
            )
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
