from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from alibaba.mock import DEFAULT_APP_KEY, DEFAULT_APP_SECRET, MockGateway
from alibaba.mock.config import DEFAULT_PUSH_URL
from alibaba.mock.server import THREADS, serve


class Command(BaseCommand):
    help = "Runs the mock Alibaba.com gateway (docs/gateway.md) in the foreground until Ctrl-C or SIGTERM."

    def add_arguments(self, parser):
        default_db = Path(getattr(settings, "VAR_DIR", Path.cwd() / "var")) / "mock_alibaba.sqlite3"
        parser.add_argument("--host", default="127.0.0.1", help="loopback by default: /_mock/* is unauthenticated")
        parser.add_argument(
            "--port", type=int, default=getattr(settings, "DXPORTS_GATEWAY_PORT", 8001), help="0 picks a free port"
        )
        parser.add_argument("--db", default=str(default_db), help='a SQLite file, or ":memory:"')
        parser.add_argument("--threads", type=int, default=THREADS)
        parser.add_argument("--seed", type=int, default=None, help="seed for faults, reviews and simulated buyers")

    def handle(self, *args, host, port, db, threads, seed, **options):
        push_url = getattr(settings, "ALIBABA_PUSH_URL", DEFAULT_PUSH_URL)
        gateway = MockGateway(
            db=db,
            app_key=getattr(settings, "ALIBABA_APP_KEY", DEFAULT_APP_KEY),
            app_secret=getattr(settings, "ALIBABA_APP_SECRET", DEFAULT_APP_SECRET),
            push_url=push_url,
            seed=seed,
        )

        def ready(base_url: str) -> None:
            self.stdout.write(f"Mock Alibaba.com gateway on {base_url} (state in {db}, pushes to {push_url})")
            self.stdout.flush()

        serve(gateway, host=host, port=port, threads=threads, ready=ready)
        self.stdout.write("Mock Alibaba.com gateway stopped.")
