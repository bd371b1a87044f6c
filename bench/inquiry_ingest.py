"""How fast buyers' inquiries come in (issue 8): N pushed inquiries and N follow-up messages through the real receiver
(/hooks/alibaba/ served by gunicorn: signature, envelope, the raw event stored once) and the buyers' handlers (buyer,
product, inquiry, opening, files to fetch, domain event; the follow-ups threaded on their inquiries), against the rate
at which the receiver alone stores the raw events.

- receiver: the signed pushes POSTed one after the other to the server; nothing handles them;
- ingest: the same pushes POSTed again (the raw events emptied first) while a worker process runs each received
  push's handler (``alibaba.pushes.process_push``, what the ``push_process`` task runs), as the workers do beside
  the web server; the ingest ends when the last push is handled.

The headline ratio is the ingest rate / the receiver rate (target ≥ 0.5). Also printed: the handler's queries per
inquiry (constant), and the rate of the new-inquiry e-mails, which their own task queues and sends after each
inquiry's commit (run after the ingest, here). PostgreSQL only: DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/postgres) names the server; the bench works in a database of its own,
``dxports_bench_inquiries``, dropped at the end.

    python bench/inquiry_ingest.py [--inquiries 5000]
"""

import argparse
import hashlib
import hmac
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import SECRETS, postgres  # noqa: E402 - the benches' shared set-up

TARGET = 0.5
BENCH_DB = "dxports_bench_inquiries"
APP_KEY, APP_SECRET = "bench-inquiries-500001", "bench-inquiries-secret-0123456789"
SUPPLIER_ID = 880001
BUYERS = [
    ("Hannah Becker", "Becker Wohnen GmbH", "DE"),
    ("Olivia Martin", "Greenleaf Home Goods Inc.", "US"),
    ("Kenji Sato", "Sato Shoji Co., Ltd.", "JP"),
    ("Ahmed Al Mansouri", "Al Mansouri General Trading LLC", "AE"),
    ("Sophie Clarke", "Clarke & Hale Homewares Ltd", "GB"),
    ("Priya Sharma", "Sharma Overseas Pvt. Ltd.", "IN"),
]


def configure(tmp):
    """Environment for dxports.settings (this process and the server): production settings with bench secrets,
    files under ``tmp``, no broker (nothing reads one here), the bench's own database."""
    os.environ.update(SECRETS)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG would keep every query in memory
    os.environ["DXPORTS_VAR_DIR"] = str(tmp)
    os.environ["DJANGO_MEDIA_ROOT"] = str(tmp / "media")
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["EMAIL_URL"] = "smtp://127.0.0.1:9"  # production wants a real mail server; run() keeps mail in memory
    os.environ["DXPORTS_SITE_URL"] = "http://dxports.bench"
    os.environ["ALIBABA_GATEWAY_URL"] = "http://gateway.bench"
    os.environ["ALIBABA_APP_KEY"] = APP_KEY
    os.environ["ALIBABA_APP_SECRET"] = APP_SECRET
    os.environ["DJANGO_SETTINGS_MODULE"] = "dxports.settings"
    server_url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not server_url.startswith("postgres"):
        sys.exit("bench/inquiry_ingest.py measures PostgreSQL: set DATABASE_URL to a PostgreSQL server")
    postgres(server_url, f"DROP DATABASE IF EXISTS {BENCH_DB}", f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = urlsplit(server_url)._replace(path=f"/{BENCH_DB}").geturl()
    return server_url


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inquiries", type=int, default=5000)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)  # the worker process: handle this many pushes
    args = parser.parse_args()
    if args.worker:
        work(args.worker)
        return
    tmp = Path(tempfile.mkdtemp(prefix="dxports-bench-inquiries-"))
    server_url = configure(tmp)
    try:
        result = run(args.inquiries)
    finally:
        from django.db import connections

        connections.close_all()
        postgres(server_url, f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result))


def seller_with_listing():
    """An active seller with its supplier account and one product (not timed)."""
    from datetime import timedelta

    from django.utils import timezone

    from alibaba.client import Tokens
    from sellers.models import SellerStatus
    from sellers.services import seller_supplier_account_store
    from tests.catalog.factories import complete_product
    from tests.sellers.factories import OwnerFactory

    owner = OwnerFactory(seller__status=SellerStatus.ACTIVE, seller__legal_name="Rupsha Jute Crafts Ltd.")
    now = timezone.now()
    tokens = Tokens(
        access_token="bench-access",
        refresh_token="bench-refresh",
        access_expires_at=now + timedelta(days=10),
        refresh_expires_at=now + timedelta(days=60),
        supplier_id=SUPPLIER_ID,
    )
    seller_supplier_account_store(seller=owner.seller, supplier_id=str(SUPPLIER_ID), tokens=tokens)
    return owner.seller, complete_product(seller=owner.seller, images=1)


def bodies(count, product):
    """The signed pushes: ``count`` inquiries (about half with 1-3 files), then a follow-up on each, in order."""
    rng = random.Random(8)
    pushes = []
    attachment_id = 1
    for n in range(count):
        name, company, country = rng.choice(BUYERS)
        files = []
        for _ in range(rng.choice((0, 0, 0, 1, 2, 3))):
            files.append({"attachment_id": attachment_id, "file_name": f"spec_{attachment_id}.pdf",
                          "content_type": "application/pdf", "size": 180_000})  # fmt: skip
            attachment_id += 1
        quantity = rng.randint(1, 10) * 500
        pushes.append(
            _envelope(
                "inquiry.new",
                {
                    "inquiry_id": 10_000 + n,
                    "supplier_id": SUPPLIER_ID,
                    "product_id": product.gateway_product_id or 77_000,
                    "custom_code": str(product.public_id),
                    "subject": f"Inquiry about {product.title}"[:128],
                    "content": f"Hello, we are interested in your {product.title}. Could you quote FOB Chattogram "
                    f"for {quantity} piece? Please let us know your payment terms.",
                    "attachments": files,
                    "quantity": quantity,
                    "quantity_unit": "piece",
                    "buyer_name": name,
                    "buyer_company": company,
                    "buyer_country": country,
                    "gmt_create": "2026-03-01T09:30:00.125Z",
                    "gmt_modified": "2026-03-01T09:30:00.125Z",
                },
            )
        )
    for n in range(count):
        pushes.append(
            _envelope(
                "inquiry.message",
                {
                    "supplier_id": SUPPLIER_ID,
                    "inquiry_id": 10_000 + n,
                    "message_id": 500_000 + n,
                    "sender": "buyer",
                    "buyer_name": BUYERS[n % len(BUYERS)][0],
                    "content": "Thank you. Can you do a better price if we order twice the quantity?",
                    "attachments": [],
                    "gmt_create": "2026-03-01T11:30:00.125Z",
                },
            )
        )
    return pushes


def _envelope(message_type, data):
    raw = json.dumps(
        {
            "event_id": uuid.uuid4().hex,
            "message_type": message_type,
            "data": data,
            "timestamp": 1740821400125,
            "site": "icbu_global",
        }
    ).encode()
    signature = hmac.new(APP_SECRET.encode(), APP_KEY.encode() + raw, hashlib.sha256).hexdigest().upper()
    return raw, signature


def work(count):
    """The worker process: run the handler of each push the server received, oldest first, until ``count`` are
    handled, as a Celery worker runs ``push_process``. The files are fetched, and the e-mails sent, elsewhere."""
    import django

    django.setup()
    from alibaba import pushes, tasks
    from alibaba.models import InboundPush
    from buyers import tasks as buyers_tasks

    tasks.outbox_process.apply_async = lambda *args, **kwargs: None
    buyers_tasks.buyers_notify_inquiry.apply_async = lambda *args, **kwargs: None
    print("ready", flush=True)
    handled = 0
    while handled < count:
        due = list(
            InboundPush.objects.filter(status=InboundPush.Status.RECEIVED)
            .order_by("pk")
            .values_list("pk", flat=True)[:200]
        )
        if not due:
            time.sleep(0.02)  # a worker waits on its broker without spending the server's CPU
            continue
        for push_id in due:
            if pushes.process_push(push_id) is not None:
                handled += 1


def _cpu_s(pid):
    """CPU seconds (user + system) a process and its children (gunicorn's worker) have used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") + sum(_cpu_s(int(c)) for c in children)


def start_server(tmp):
    """gunicorn serving the project on a free loopback port (one sync worker, as small as a web node gets)."""
    import socket

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(tmp / "server.log", "wb")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "dxports.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--log-level", "warning"],
        cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/healthz", timeout=2)
            return server, url
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the server did not start: {(tmp / 'server.log').read_text()}")


def post_all(http, pushes):
    for raw, signature in pushes:
        response = http.post(
            "/hooks/alibaba/", content=raw, headers={"Content-Type": "application/json", "Authorization": signature}
        )
        assert response.status_code == 200, response.content


def run(count):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import httpx
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alibaba import pushes, tasks
    from alibaba.models import InboundPush, OutboxJob
    from buyers import notifications
    from buyers import tasks as buyers_tasks
    from buyers.models import Attachment, Inquiry, Message

    # The e-mails are sent by this process only; a mail server's speed is not ours to measure.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    seller, product = seller_with_listing()
    signed = bodies(count, product)
    tmp = Path(os.environ["DXPORTS_VAR_DIR"])
    server, url = start_server(tmp)
    try:
        with httpx.Client(base_url=url, timeout=30) as http:
            started = time.perf_counter()
            post_all(http, signed)
            receiver_s = time.perf_counter() - started
            assert InboundPush.objects.count() == 2 * count
            InboundPush.objects.all().delete()

            worker = subprocess.Popen(
                [sys.executable, __file__, "--worker", str(2 * count)], cwd=ROOT, env=dict(os.environ),
                stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            assert worker.stdout.readline().strip() == "ready"
            cpu_before = {"server": _cpu_s(server.pid), "worker": _cpu_s(worker.pid), "client": time.process_time()}
            started = time.perf_counter()
            post_all(http, signed)
            worker_cpu = 0.0
            while worker.poll() is None:
                worker_cpu = _cpu_s(worker.pid)
                time.sleep(0.05)
            assert worker.returncode == 0
            ingest_s = time.perf_counter() - started
            cpu = {
                "server": _cpu_s(server.pid) - cpu_before["server"],
                "worker": worker_cpu - cpu_before["worker"],
                "client": time.process_time() - cpu_before["client"],
            }
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert InboundPush.objects.filter(status=InboundPush.Status.PROCESSED).count() == 2 * count
    assert Inquiry.objects.filter(seller=seller).count() == count
    assert Message.objects.filter(inquiry__seller=seller).count() == 2 * count
    files = Attachment.objects.count()
    assert OutboxJob.objects.filter(kind="inquiry.attachments").count() == len(
        set(Attachment.objects.values_list("inquiry_id", flat=True))
    )
    to_notify = list(Inquiry.objects.filter(notified_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    assert len(to_notify) == count

    # The new-inquiry e-mails, queued and sent by their own task after each inquiry's commit.
    started = time.perf_counter()
    for inquiry_id in to_notify:
        notifications.new_inquiry_send(inquiry_id=inquiry_id)
    mail_s = time.perf_counter() - started
    assert len(mail.outbox) == count

    # The handler's queries for two more inquiries (the second as a worker that has seen this supplier before):
    # the same whatever came before.
    tasks.push_process.apply_async = lambda *args, **kwargs: None
    tasks.outbox_process.apply_async = lambda *args, **kwargs: None
    buyers_tasks.buyers_notify_inquiry.apply_async = lambda *args, **kwargs: None
    for n in (1, 2):
        extra, _signature = bodies(1, product)[0]
        data = json.loads(extra)
        data["data"].update(inquiry_id=10_000 + count + n, attachments=[])
        push, _created = pushes.push_receive(envelope=pushes.parse_envelope(data))
        with CaptureQueriesContext(connection) as queries:
            pushes.process_push(push.pk)
    per_inquiry = len(queries)

    events = 2 * count
    receiver_rate, ingest_rate = events / receiver_s, events / ingest_s
    ratio = ingest_rate / receiver_rate
    print(f"postgresql: {count} inquiries ({files} files) and {count} follow-up messages")
    print(f"receiver alone (raw events stored):   {receiver_s:.2f} s, {receiver_rate:,.0f} events/s")
    print(f"receiver + handlers (inquiries in):   {ingest_s:.2f} s, {ingest_rate:,.0f} events/s")
    print(f"queries per ingested inquiry (handler): {per_inquiry}")
    per_event = {name: 1000 * seconds / events for name, seconds in cpu.items()}
    print(
        "CPU per event while ingesting: server {server:.1f} ms, worker {worker:.1f} ms, client {client:.1f} ms".format(
            **per_event
        )
    )
    print(f"new-inquiry e-mails (their own task):  {mail_s:.2f} s, {count / mail_s:,.0f} e-mails/s")
    print(f"ingest rate / receiver rate = {ratio:.3f} (target ≥ {TARGET})")
    return {
        "bench": "inquiry_ingest",
        "database": "postgresql",
        "inquiries": count,
        "messages": count,
        "files": files,
        "receiver_events_per_s": round(receiver_rate),
        "ingest_events_per_s": round(ingest_rate),
        "handler_queries_per_inquiry": per_inquiry,
        "cpu_ms_per_event": {name: round(value, 2) for name, value in per_event.items()},
        "emails_per_s": round(count / mail_s),
        "ratio": round(ratio, 3),
        "target": TARGET,
        "ok": ratio >= TARGET,
    }


if __name__ == "__main__":
    main()
