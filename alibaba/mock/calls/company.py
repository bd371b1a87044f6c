"""The supplier's public company profile (program access): certificate files, the profile (replaced whole, all or
nothing, then reviewed like a product), and reading it back with its review status."""

import hashlib
import json
import secrets
from collections.abc import Callable

from ..clock import iso, utc_date
from ..rules import parse_profile
from .common import JPEG, PDF, PNG, Call

MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024
CERTIFICATE_TYPES = (PDF, JPEG, PNG)
FILES_HOST = "https://files.mock-alibaba.invalid"


def certificate_upload(call: Call) -> dict:
    """A certificate file (PDF, JPEG or PNG by content, at most 5 MB) → its URL, this supplier's alone."""
    content, (_, content_type, extension) = call.file(
        "file", max_bytes=MAX_CERTIFICATE_BYTES, kinds=CERTIFICATE_TYPES, what="a PDF, JPEG or PNG file"
    )
    url = f"{FILES_HOST}/certificates/{call.supplier_id}/C{secrets.token_hex(16)}.{extension}"
    call.conn.execute(
        "INSERT INTO certificate_files (url, supplier_id, sha256, size, content_type, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (url, call.supplier_id, hashlib.sha256(content).hexdigest(), len(content), content_type, call.now),
    )
    return {"certificate_url": url}


def profile_update(call: Call) -> dict:
    """Replaces the whole profile (all or nothing) and (re)starts its review: an update while in review restarts it.
    Safe to repeat: the same profile sent again is simply reviewed again."""

    def owns(table: str) -> Callable[[str], bool]:
        def check(url: str) -> bool:
            row = call.conn.execute(f"SELECT supplier_id FROM {table} WHERE url = ?", (url,)).fetchone()
            return row is not None and row["supplier_id"] == call.supplier_id

        return check

    profile = parse_profile(
        call.params.get("profile"),
        today=utc_date(call.now),
        owns_photo=owns("photos"),
        owns_certificate=owns("certificate_files"),
    )
    due = call.now + call.config["company_review_delay_s"]
    call.conn.execute(
        "INSERT INTO company_profiles (supplier_id, body, status, reason, version, review_due_at, gmt_create,"
        " gmt_modified) VALUES (?, ?, 'new', NULL, 1, ?, ?, ?)"
        " ON CONFLICT (supplier_id) DO UPDATE SET body = excluded.body, status = 'new', reason = NULL,"
        " version = version + 1, review_due_at = excluded.review_due_at, gmt_modified = excluded.gmt_modified",
        (call.supplier_id, json.dumps(profile), due, call.now, call.now),
    )
    row = call.conn.execute(
        "SELECT version FROM company_profiles WHERE supplier_id = ?", (call.supplier_id,)
    ).fetchone()
    return {"supplier_id": call.supplier_id, "status": "new", "version": row["version"], "gmt_modified": iso(call.now)}


def profile_get(call: Call) -> dict:
    """The latest profile sent, with its review: ``status`` new (in review), approved or tbd (rejected, ``reason``).
    A supplier that never sent one gets ``profile`` null and ``status`` null."""
    row = call.conn.execute(
        "SELECT body, status, reason, version, gmt_create, gmt_modified FROM company_profiles WHERE supplier_id = ?",
        (call.supplier_id,),
    ).fetchone()
    if row is None:
        return {"supplier_id": call.supplier_id, "profile": None, "status": None, "reason": None, "version": 0,
                "gmt_create": None, "gmt_modified": None}  # fmt: skip
    return {
        "supplier_id": call.supplier_id,
        "profile": json.loads(row["body"]),
        "status": row["status"],
        "reason": row["reason"],
        "version": row["version"],
        "gmt_create": iso(row["gmt_create"]),
        "gmt_modified": iso(row["gmt_modified"]),
    }
