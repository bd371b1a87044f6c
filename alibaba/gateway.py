"""The process's client for the configured gateway, and the gateway's time format: one of each for every domain.

A client is thread-safe and costs about 20 ms of CPU to create (its TLS context), more than the rest of a job's own
work; a shared one also keeps its connections alive. Domains call ``shared_client()``; tests that switch the
gateway (``AlibabaClient.from_settings`` patched, settings changed) get a client of their own, since the key of the
shared one includes the factory and the settings.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from alibaba.client import AlibabaClient

_clients: dict[tuple, AlibabaClient] = {}
_clients_lock = threading.Lock()


def shared_client() -> AlibabaClient:
    """The process's client for the configured gateway (``AlibabaClient.from_settings``)."""
    factory = AlibabaClient.from_settings
    key = (
        getattr(factory, "__func__", factory),
        settings.ALIBABA_GATEWAY_URL,
        settings.ALIBABA_APP_KEY,
        settings.ALIBABA_APP_SECRET,
    )
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            client = _clients[key] = factory()
        return client


def close_shared_clients() -> None:
    with _clients_lock:
        for client in _clients.values():
            client.close()
        _clients.clear()


def parse_time(value: Any) -> datetime | None:
    """A time as the gateway writes it, as an aware datetime: ISO 8601 (``2025-03-01T09:30:00.125Z``; a naive one is
    UTC) or epoch seconds or milliseconds. ``None`` for anything else, so an odd value from outside never raises."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isascii() and value.isdigit()):
            number = float(value)
            return datetime.fromtimestamp(number / 1000 if number > 1e11 else number, tz=UTC)
        if not isinstance(value, str):
            return None
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
