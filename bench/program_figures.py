"""How the program figures page's time grows with the program (issue 10: ten times the sellers may cost at most
three times the time), on PostgreSQL.

A program of N sellers is seeded with bulk inserts: each seller's journey over the past year (signed up, submitted,
changes requested, approved or rejected, supplier account, suspended), its sectors, its products (live, in review,
rejected by Alibaba.com, failed to sync, delisted, drafts) with their audit rows, and the outbox jobs and pushes
the sync left; then what the services keep as a journey happens (the sellers' milestones and review decisions) is
worked out from that history by the data migrations that fill it for an existing program. The page (the admin's,
as a program manager opens it: the last twelve weeks, no filter) is then timed through Django's test client,
median of several runs after a warm-up, first at N sellers, then at 10 N.
Beside it, a bare ``COUNT(*)`` of the sellers and of the products at each size, for scale.

Runs on PostgreSQL when DATABASE_URL is set (in a database of its own, ``dxports_bench_figures``, dropped at the
end), else on SQLite in a temporary file. The last line is the JSON result; ``ratio`` = the page's time at 10 N
over its time at N.

    python bench/program_figures.py [--sellers 10000] [--runs 5]
"""

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import SECRETS, postgres  # noqa: E402 - the benches' shared set-up

TARGET = 3.0
BENCH_DB = "dxports_bench_figures"
BATCH = 5000


def configure(tmp):
    """Environment for dxports.settings: bench-only secrets, files and broker under ``tmp``, the bench's database."""
    for name, value in SECRETS.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,testserver")
    os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:9")
    os.environ.setdefault("DXPORTS_SITE_URL", "http://localhost")
    os.environ.setdefault("ALIBABA_GATEWAY_URL", "http://gateway.bench")
    os.environ.setdefault("ALIBABA_APP_KEY", "bench-app-key")
    os.environ.setdefault("ALIBABA_APP_SECRET", "bench-only-app-secret-0123456789")
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"  # the test client speaks http
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


class Seeder:
    """Bulk inserts of a deterministic program: sellers ``start`` to ``stop`` (by number), each journey drawn from
    the same seeded generator, so that a run is repeatable."""

    def __init__(self, now):
        from catalog.models import Category

        self.now = now
        self.rng = random.Random(2026)
        self.leaves = list(Category.objects.filter(is_leaf=True))

    def sellers(self, start, stop):
        from django.db import transaction

        from alibaba.models import InboundPush, OutboxJob
        from catalog.models import Product, ProductEvent, ProductStatus
        from sellers import geo
        from sellers.models import ReviewReason, Sector, Seller, SellerEvent, SellerStatus, SupplierAccount

        S, P = SellerStatus, ProductStatus
        rng, now = self.rng, self.now
        districts = [
            (division, geo.district_code(name)) for division, (_label, names) in geo.DIVISIONS.items() for name in names
        ]
        sectors = list(Sector.objects.all())
        for batch_start in range(start, stop, BATCH):
            numbers = range(batch_start, min(batch_start + BATCH, stop))
            sellers, journeys = [], []
            for number in numbers:
                division, district = rng.choice(districts)
                created = now - timedelta(days=rng.uniform(0, 364))
                journey = self._journey(created)
                sellers.append(
                    Seller(
                        legal_name=f"Bench Exporter {number:06d} Ltd.",
                        status=journey["status"],
                        division=division,
                        district=district,
                        created_at=created,
                        submitted_at=journey.get("submitted_at"),
                        decided_at=journey.get("decided_at"),
                    )
                )
                journeys.append(journey)
            with transaction.atomic():
                Seller.objects.bulk_create(sellers, batch_size=BATCH)
                through = Seller.categories.through
                through.objects.bulk_create(
                    [
                        through(seller_id=seller.pk, sector_id=sector.pk)
                        for seller in sellers
                        for sector in rng.sample(sectors, rng.choice((1, 1, 2)))
                    ],
                    batch_size=BATCH,
                )
                events = [
                    SellerEvent(seller=seller, kind="transition", from_status=before, to_status=after, created_at=at)
                    for seller, journey in zip(sellers, journeys, strict=True)
                    for at, before, after in journey["steps"]
                ]
                SellerEvent.objects.bulk_create(events, batch_size=BATCH)
                ReviewReason.objects.bulk_create(
                    [
                        ReviewReason(
                            seller=event.seller,
                            event=event,
                            target=rng.choice(("bin", "etin", "document:nid_back", "bank_account_name")),
                            code=rng.choice(("mismatch", "unreadable", "invalid")),
                            message="Please fix it.",
                            created_at=event.created_at,
                            resolved_at=event.created_at + timedelta(days=1),
                        )
                        for event in events
                        if event.to_status == S.CHANGES_REQUESTED
                    ],
                    batch_size=BATCH,
                )
                accounts = [
                    SupplierAccount(seller=seller, supplier_id=f"B{seller.pk}", created_at=journey["ready_at"])
                    for seller, journey in zip(sellers, journeys, strict=True)
                    if journey.get("ready_at")
                ]
                SupplierAccount.objects.bulk_create(accounts, batch_size=BATCH)
                products, product_events = [], []
                for seller, journey in zip(sellers, journeys, strict=True):
                    if not journey.get("ready_at"):
                        continue
                    for index in range(rng.randint(0, 8)):
                        status = rng.choices(
                            (P.LIVE, P.DRAFT, P.REJECTED, P.SYNC_FAILED, P.UNDER_REVIEW, P.DELISTED),
                            weights=(60, 15, 8, 4, 5, 8),
                        )[0]
                        at = journey["ready_at"] + timedelta(days=rng.uniform(0.5, 30))
                        at = min(at, now - timedelta(hours=1))
                        products.append(
                            Product(
                                seller=seller,
                                sku=f"B-{seller.pk}-{index}",
                                title=f"Bench product {index}",
                                category=rng.choice(self.leaves),
                                status=status,
                                status_reason="Rejected by Alibaba.com: Price is unrealistic."
                                if status == P.REJECTED
                                else "",
                                status_changed_at=at,
                                created_at=at - timedelta(days=1),
                            )
                        )
                Product.objects.bulk_create(products, batch_size=BATCH)
                for product in products:
                    if product.status in (P.LIVE, P.DELISTED):
                        product_events.append(
                            ProductEvent(
                                product=product,
                                kind="transition",
                                from_status=P.UNDER_REVIEW,
                                to_status=P.LIVE,
                                version=1,
                                created_at=product.status_changed_at,
                            )  # fmt: skip
                        )
                    if product.status in (P.REJECTED, P.SYNC_FAILED):
                        product_events.append(
                            ProductEvent(
                                product=product,
                                kind="transition",
                                from_status=P.UNDER_REVIEW,
                                to_status=product.status,
                                version=1,
                                reason=product.status_reason,
                                created_at=product.status_changed_at,
                            )  # fmt: skip
                        )
                ProductEvent.objects.bulk_create(product_events, batch_size=BATCH)
                OutboxJob.objects.bulk_create(
                    [
                        OutboxJob(
                            kind="product.upsert",
                            target=str(product.pk),
                            status=OutboxJob.Status.FAILED
                            if product.status == P.SYNC_FAILED
                            else OutboxJob.Status.DONE,
                            synced_version=1,
                        )
                        for product in products
                        if product.status != P.DRAFT
                    ],
                    batch_size=BATCH,
                )
                InboundPush.objects.bulk_create(
                    [
                        InboundPush(
                            event_id=f"bench-{product.pk}",
                            message_type="product.reviewed",
                            status=InboundPush.Status.PROCESSED,
                            received_at=product.status_changed_at,
                        )  # fmt: skip
                        for product in products
                        if product.status == P.LIVE
                    ],
                    batch_size=BATCH,
                )

    def _journey(self, created):
        """The seller's final status, its stamps and its transitions ``[(at, from, to)]`` up to now."""
        from sellers.models import SellerStatus as S

        rng, now = self.rng, self.now
        journey = {"status": S.DRAFT, "steps": []}

        def step(at, before, after):
            if at >= now:
                return False
            journey["steps"].append((at, before, after))
            journey["status"] = after
            return True

        if rng.random() < 0.2:
            return journey
        submitted = created + timedelta(days=rng.uniform(0.5, 10))
        if not step(submitted, S.DRAFT, S.SUBMITTED):
            return journey
        journey["submitted_at"] = submitted
        decided = submitted + timedelta(days=rng.uniform(0.2, 7))
        if rng.random() < 0.25:
            if not step(decided, S.SUBMITTED, S.CHANGES_REQUESTED):
                return journey
            journey["decided_at"] = decided
            submitted = decided + timedelta(days=rng.uniform(1, 7))
            if not step(submitted, S.CHANGES_REQUESTED, S.SUBMITTED):
                return journey
            journey["submitted_at"] = submitted
            decided = submitted + timedelta(days=rng.uniform(0.2, 7))
        final = S.APPROVED if rng.random() < 0.85 else S.REJECTED
        if not step(decided, S.SUBMITTED, final):
            return journey
        journey["decided_at"] = decided
        if final == S.REJECTED:
            return journey
        ready = decided + timedelta(hours=rng.uniform(0.1, 24))
        if step(ready, S.APPROVED, S.ACTIVE):
            journey["ready_at"] = ready
            if rng.random() < 0.02:
                step(ready + timedelta(days=rng.uniform(10, 60)), S.ACTIVE, S.SUSPENDED)
        return journey


def _kept_as_it_happens():
    """What the services keep as a journey happens (the sellers' milestones, the review decisions) for the seeded
    journeys, which bulk inserts wrote without the services: worked out from the seeded history by the data
    migrations that fill them for a program that existed before they were kept."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    with connection.schema_editor() as editor:
        for migration in (
            "sellers.migrations.0008_figures_milestones_backfill",
            "catalog.migrations.0012_first_listing_live_milestones",
            "buyers.migrations.0004_first_inquiry_and_reply_milestones",
        ):
            import_module(migration).backfill(apps, editor)


def _timed(call, runs):
    call()  # warm-up: caches, the plan cache, the templates
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(client, runs):
    from django.db import connection

    def page():
        response = client.get("/admin/dxports/programfigures/")
        assert response.status_code == 200, response.status_code

    def bare():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sellers_seller")
            cursor.execute("SELECT COUNT(*) FROM catalog_product")

    return _timed(page, runs), _timed(bare, runs)


def _analyze(database):
    from django.db import connection

    if database == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run(sellers, runs, database):
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from catalog.models import Product
    from dxports.roles import PROGRAM_MANAGERS
    from sellers.models import Seller, SupplierAccount
    from tests.catalog.factories import CategoryFactory, LeafFactory
    from tests.sellers.factories import StaffFactory

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)  # production's static files, as gunicorn serves
    for model, name in ((Seller, "created_at"), (Product, "created_at"), (SupplierAccount, "created_at")):
        model._meta.get_field(name).auto_now_add = False  # the seeded rows keep the times of their journeys
    for top in range(8):
        parent = CategoryFactory(name=f"Group {top}", level=1, is_leaf=False)
        for sub in range(3):
            middle = CategoryFactory(name=f"Group {top}.{sub}", level=2, is_leaf=False, parent=parent)
            for leaf in range(3):
                LeafFactory(name=f"Leaf {top}.{sub}.{leaf}", level=3, parent=middle)
    client = Client()
    client.force_login(StaffFactory(groups=[PROGRAM_MANAGERS]))
    seeder = Seeder(timezone.now())
    figures = {}
    done = 0
    for size in (sellers, sellers * 10):
        started = time.perf_counter()
        seeder.sellers(done, size)
        _kept_as_it_happens()
        _analyze(database)
        seeded = time.perf_counter() - started
        done = size
        page, bare = measure(client, runs)
        figures[size] = {
            "page_ms": round(page * 1000, 1),
            "bare_counts_ms": round(bare * 1000, 2),
            "products": Product.objects.count(),
            "seed_s": round(seeded, 1),
        }
        print(
            f"{size} sellers, {figures[size]['products']} products: page {figures[size]['page_ms']} ms "
            f"(bare counts {figures[size]['bare_counts_ms']} ms), seeded in {figures[size]['seed_s']} s"
        )
    small, large = figures[sellers]["page_ms"], figures[sellers * 10]["page_ms"]
    ratio = round(large / small, 2)
    return {
        "bench": "program_figures",
        "database": database,
        "sellers": [sellers, sellers * 10],
        "page_ms": [small, large],
        "bare_counts_ms": [figures[sellers]["bare_counts_ms"], figures[sellers * 10]["bare_counts_ms"]],
        "products": [figures[sellers]["products"], figures[sellers * 10]["products"]],
        "ratio": ratio,
        "target": TARGET,
        "ok": ratio <= TARGET,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sellers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="dxports-bench-figures-"))
    database, server_url = configure(tmp)
    try:
        result = run(args.sellers, args.runs, database)
    finally:
        from django.db import connections

        connections.close_all()
        if server_url:
            postgres(server_url, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
