"""The process's client for the configured gateway, the gateway's time format (``parse_time``, defined with the
client that parses its answers) and its units (``Unit``): one of each for every domain.

A client is thread-safe and costs about 20 ms of CPU to create (its TLS context), more than the rest of a job's own
work; a shared one also keeps its connections alive. Domains call ``shared_client()``; tests that switch the
gateway (``AlibabaClient.from_settings`` patched, settings changed) get a client of their own, since the key of the
shared one includes the factory and the settings.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alibaba.client import AlibabaClient, parse_time

__all__ = ["Unit", "close_shared_clients", "parse_time", "shared_client"]


class Unit(models.TextChoices):
    """The gateway's units: its products' ``fob_unit_type`` values, which a company profile's production capacity
    uses too."""

    PIECE = "piece", _("Piece")
    PAIR = "pair", _("Pair")
    SET = "set", _("Set")
    DOZEN = "dozen", _("Dozen")
    KILOGRAM = "kilogram", _("Kilogram")
    METRIC_TON = "metric_ton", _("Metric ton")
    METER = "meter", _("Meter")
    SQUARE_METER = "square_meter", _("Square meter")
    BAG = "bag", _("Bag")
    CARTON = "carton", _("Carton")
    BOX = "box", _("Box")
    ROLL = "roll", _("Roll")


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
