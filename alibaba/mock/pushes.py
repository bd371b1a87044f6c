"""Signed pushes to the configured URL: recorded in the caller's transaction, delivered by ``tick`` outside any
transaction, retried with exponential backoff until the receiver answers 200 or the attempts run out."""

import json
import sqlite3
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .signing import push_authorization

if TYPE_CHECKING:
    from .gateway import MockGateway

PRODUCT_REVIEWED = "product.reviewed"
COMPANY_REVIEWED = "company.reviewed"
INQUIRY_NEW = "inquiry.new"
INQUIRY_MESSAGE = "inquiry.message"

# (url, raw body, headers) -> HTTP status; raising counts as a failed attempt.
Sender = Callable[[str, bytes, dict[str, str]], int]


def enqueue(conn: sqlite3.Connection, now: float, message_type: str, data: dict[str, Any]) -> str:
    event_id = uuid.uuid4().hex
    body = {"event_id": event_id, "message_type": message_type, "data": data, "timestamp": int(now * 1000)}
    raw = json.dumps({**body, "site": "icbu_global"}, separators=(",", ":")).encode()
    conn.execute(
        "INSERT INTO pushes (event_id, message_type, body, status, next_attempt_at, created_at)"
        " VALUES (?, ?, ?, 'pending', ?, ?)",
        (event_id, message_type, raw, now, now),
    )
    return event_id


def deliver_due(gateway: "MockGateway", sender: Sender) -> dict[str, int]:
    """One attempt for every pending push that is due; answers how many were delivered and how many failed."""
    config, now = gateway.config, gateway.now()
    with gateway.store.transaction() as conn:
        due = conn.execute(
            "SELECT event_id, body, attempts FROM pushes WHERE status = 'pending' AND next_attempt_at <= ?"
            " ORDER BY created_at, event_id",
            (now,),
        ).fetchall()
    outcome = {"delivered": 0, "failed": 0}
    for event_id, body, attempts in due:
        headers = {
            "Content-Type": "application/json",
            "Authorization": push_authorization(gateway.app_secret, gateway.app_key, body),
        }
        status, error = None, None
        try:
            status = sender(config["push_url"], body, headers)
        except Exception as exc:  # noqa: BLE001 - any failure of the receiver is one failed attempt
            error = f"{type(exc).__name__}: {exc}"
        _record(gateway, event_id, attempts + 1, status, error, config)
        outcome["delivered" if status == 200 else "failed"] += 1
    return outcome


def _record(
    gateway: "MockGateway",
    event_id: str,
    attempts: int,
    status: int | None,
    error: str | None,
    config: dict[str, Any],
) -> None:
    now = gateway.now()
    if status == 200:
        new_status, next_at = "delivered", now
    elif attempts >= config["push_max_attempts"]:
        new_status, next_at = "failed", now
    else:
        new_status, next_at = "pending", now + config["push_backoff_s"] * 2 ** (attempts - 1)
    if status not in (None, 200):
        error = f"HTTP {status}"
    with gateway.store.transaction() as conn:
        conn.execute(
            "UPDATE pushes SET status = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?,"
            " delivered_at = CASE WHEN ? = 'delivered' THEN ? END WHERE event_id = ?",
            (new_status, attempts, next_at, status, error, new_status, now, event_id),
        )


def http_sender(timeout: Callable[[], float]) -> Sender:
    """Delivers over HTTP with the standard library; a non-2xx answer is returned as its status."""

    def send(url: str, body: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout()) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            exc.close()
            return exc.code

    return send
