"""The mock Alibaba.com gateway as one object: a WSGI application with its state, faults and background work."""

import logging
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse

from . import app, buyers, pushes, reviews, state
from .calls.auth import expire_access_tokens
from .config import DEFAULTS, merged
from .faults import Faults
from .store import Store

DEFAULT_APP_KEY = "500001"
DEFAULT_APP_SECRET = "dxports-dev-secret"
TICK_INTERVAL_S = 0.25

logger = logging.getLogger(__name__)


class MockGateway:
    """The gateway (DESIGN.md §5) and its test harness. The object is the WSGI application.

    ``db`` is a SQLite file or ``":memory:"``; ``config`` keys are those of ``config.SPEC``. ``push_sender``
    replaces HTTP delivery of pushes (``pushes.Sender``), for tests that capture them in process. Reviews and pushes
    happen in ``tick()``: called by the background thread of ``start()`` when served, or by a test when it wants.
    """

    def __init__(
        self,
        *,
        db: str | Path = ":memory:",
        app_key: str = DEFAULT_APP_KEY,
        app_secret: str = DEFAULT_APP_SECRET,
        push_sender: pushes.Sender | None = None,
        **config: Any,
    ) -> None:
        self.app_key = app_key
        self.app_secret = app_secret
        self._initial_config = merged(DEFAULTS, config)
        self._config = self._initial_config
        self._config_lock = threading.Lock()
        self.store = Store(db)
        self.link_key = secrets.token_bytes(32)  # signs download links; a restarted gateway voids the old ones
        self.faults = Faults(self._config["seed"])
        self._buyers_rng = random.Random(self._config["seed"])
        self._sender = push_sender or pushes.http_sender(lambda: self._config["push_timeout_s"])
        self._calls: Counter[tuple[str, str]] = Counter()
        self._calls_lock = threading.Lock()
        self._tick_lock = threading.Lock()
        self._closing = threading.Event()
        self._background: threading.Thread | None = None

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        return app.application(self, environ, start_response)

    @property
    def config(self) -> dict[str, Any]:
        return dict(self._config)

    def configure(self, **changes: Any) -> dict[str, Any]:
        """Merges ``changes`` into the config and answers the whole config. ``expire_access_tokens=True`` is an
        action, not a setting. A new ``seed`` restarts the seeded draws."""
        expire = changes.pop("expire_access_tokens", False)
        with self._config_lock:
            self._config = merged(self._config, changes)
            if "seed" in changes:
                self.faults.reset(self._config["seed"])
                self._buyers_rng = random.Random(self._config["seed"])
        if expire:
            self.expire_access_tokens()
        return self.config

    def now(self) -> float:
        """The gateway's business clock: wall time plus ``clock_offset_s``."""
        return time.time() + self._config["clock_offset_s"]

    def wait(self, seconds: float) -> None:
        """Sleeps, but wakes when the gateway closes, so a hanging answer never holds up a shutdown."""
        self._closing.wait(seconds)

    def count_call(self, api_path: str, outcome: str) -> None:
        with self._calls_lock:
            self._calls[api_path, outcome] += 1

    def tick(self, *, all_reviews_due: bool = False) -> dict[str, int]:
        """Runs what is due now: reviews of products, then of company profiles (all of those in review with
        ``all_reviews_due``), then push attempts."""
        with self._tick_lock:
            reviewed = reviews.run_due(self, all_due=all_reviews_due)
            profiles_reviewed = reviews.run_due_profiles(self, all_due=all_reviews_due)
            delivery = pushes.deliver_due(self, self._sender)
        return {
            "reviewed": reviewed,
            "profiles_reviewed": profiles_reviewed,
            "pushes_delivered": delivery["delivered"],
            "pushes_failed": delivery["failed"],
        }

    def expire_access_tokens(self) -> int:
        with self.store.transaction() as conn:
            return expire_access_tokens(conn, self.now())

    def simulate_inquiries(
        self,
        *,
        count: int = 1,
        product_id: int | None = None,
        countries: list[str] | None = None,
        attachments: int | None = None,
    ) -> list[dict]:
        """See ``buyers.ask``."""
        return buyers.ask(
            self, self._buyers_rng, count=count, product_id=product_id, countries=countries, attachments=attachments
        )

    def simulate_messages(
        self, *, count: int = 1, inquiry_id: int | None = None, attachments: int | None = None
    ) -> list[dict]:
        """See ``buyers.follow_up``."""
        return buyers.follow_up(self, self._buyers_rng, count=count, inquiry_id=inquiry_id, attachments=attachments)

    def reset(self) -> dict[str, Any]:
        """Forgets everything and goes back to the config the gateway was made with; answers that config."""
        with self._tick_lock:
            self.store.reset()
            with self._config_lock:
                self._config = self._initial_config
                self.faults.reset(self._config["seed"])
                self._buyers_rng = random.Random(self._config["seed"])
            with self._calls_lock:
                self._calls.clear()
        return self.config

    def state(self) -> dict[str, Any]:
        """What the gateway holds: see ``state.snapshot``."""
        with self._calls_lock:
            calls = Counter(self._calls)
        return state.snapshot(self, calls)

    def start(self) -> None:
        """Runs ``tick()`` in a background thread until ``close()``."""
        if self._background is None:
            self._background = threading.Thread(target=self._run, name="mock-alibaba-ticker", daemon=True)
            self._background.start()

    def _run(self) -> None:
        while not self._closing.wait(TICK_INTERVAL_S):
            try:
                self.tick()
            except Exception:  # the ticker must outlive one bad tick; the next one retries
                logger.exception("mock gateway: background tick failed")

    def interrupt(self) -> None:
        """Wakes every hanging or slowed answer and stops the background thread: the first step of a shutdown."""
        self._closing.set()

    def close(self) -> None:
        self.interrupt()
        if self._background is not None:
            self._background.join(timeout=10)
        self.store.close()
