"""Supplier accounts (the program's special access) and OAuth-style tokens."""

import re
import secrets
import sqlite3

from .. import store
from ..errors import ApiError, invalid
from .common import Call

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def authenticate(conn: sqlite3.Connection, token: str, now: float) -> int:
    """The supplier of a live access token, else ``IllegalAccessToken``."""
    row = conn.execute(
        "SELECT supplier_id, expires_at FROM tokens WHERE token = ? AND kind = 'access'", (token,)
    ).fetchone()
    if row is None:
        raise ApiError("ISV", "IllegalAccessToken", "IllegalAccessToken: the access token is invalid")
    if row["expires_at"] <= now:
        raise ApiError("ISV", "IllegalAccessToken", "IllegalAccessToken: the access token has expired, refresh it")
    return row["supplier_id"]


def supplier_create(call: Call) -> dict:
    """Idempotent by ``seller_ref``: a repeated create answers the same ``supplier_id`` (and a fresh code).

    The authorization code is answered as ``auth_code``: ``code`` is the envelope's own field."""
    seller_ref = call.text("seller_ref", max_length=64)
    company_name = call.text("company_name", max_length=128)
    contact_email = call.text("contact_email", max_length=254)
    if not EMAIL.match(contact_email):
        raise invalid("contact_email", f"is not an e-mail address ({contact_email!r})")
    country = call.text("country", max_length=2, required=False, default="BD")
    if country != "BD":
        raise invalid("country", f"must be BD: the program onboards Bangladeshi suppliers (it is {country!r})")
    row = call.conn.execute("SELECT supplier_id FROM suppliers WHERE seller_ref = ?", (seller_ref,)).fetchone()
    if row is None:
        supplier_id = store.next_id(call.conn, "suppliers", "supplier_id")
        call.conn.execute(
            "INSERT INTO suppliers (supplier_id, seller_ref, company_name, contact_email, country, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (supplier_id, seller_ref, company_name, contact_email, country, call.now),
        )
    else:
        supplier_id = row["supplier_id"]
    code = secrets.token_urlsafe(18)
    ttl = call.config["auth_code_ttl_s"]
    call.conn.execute(
        "INSERT INTO auth_codes (code, supplier_id, expires_at) VALUES (?, ?, ?)", (code, supplier_id, call.now + ttl)
    )
    return {"supplier_id": supplier_id, "auth_code": code, "auth_code_expires_in": int(ttl)}


def token_create(call: Call) -> dict:
    """A code is good once, until it expires."""
    code = call.text("code", max_length=128)
    row = call.conn.execute(
        "SELECT supplier_id FROM auth_codes WHERE code = ? AND used = 0 AND expires_at > ?", (code, call.now)
    ).fetchone()
    if row is None:
        raise invalid("code", "is unknown, already used or expired: create the supplier again for a new code")
    call.conn.execute("UPDATE auth_codes SET used = 1 WHERE code = ?", (code,))
    refresh_token = _issue(call, "refresh", row["supplier_id"], call.config["refresh_token_ttl_s"])
    return _token_answer(call, row["supplier_id"], refresh_token, call.now + call.config["refresh_token_ttl_s"])


def token_refresh(call: Call) -> dict:
    """A new access token; the refresh token stays the same and earlier access tokens stay good until they expire,
    so workers refreshing at the same time do not invalidate each other."""
    refresh_token = call.text("refresh_token", max_length=128)
    row = call.conn.execute(
        "SELECT supplier_id, expires_at FROM tokens WHERE token = ? AND kind = 'refresh'", (refresh_token,)
    ).fetchone()
    if row is None or row["expires_at"] <= call.now:
        raise invalid("refresh_token", "is invalid or expired: the supplier must be authorized again")
    return _token_answer(call, row["supplier_id"], refresh_token, row["expires_at"])


def _token_answer(call: Call, supplier_id: int, refresh_token: str, refresh_expires_at: float) -> dict:
    ttl = call.config["access_token_ttl_s"]
    account = call.conn.execute("SELECT contact_email FROM suppliers WHERE supplier_id = ?", (supplier_id,)).fetchone()
    return {
        "access_token": _issue(call, "access", supplier_id, ttl),
        "expires_in": int(ttl),
        "refresh_token": refresh_token,
        "refresh_expires_in": int(refresh_expires_at - call.now),
        "supplier_id": supplier_id,
        "account": account["contact_email"],
    }


def _issue(call: Call, kind: str, supplier_id: int, ttl: float) -> str:
    token = secrets.token_urlsafe(24)
    call.conn.execute(
        "INSERT INTO tokens (token, kind, supplier_id, expires_at) VALUES (?, ?, ?, ?)",
        (token, kind, supplier_id, call.now + ttl),
    )
    return token


def expire_access_tokens(conn: sqlite3.Connection, now: float) -> int:
    return conn.execute(
        "UPDATE tokens SET expires_at = ? WHERE kind = 'access' AND expires_at > ?", (now, now)
    ).rowcount
