"""Buyers' inquiries: the pull path (a cursor over changes), one inquiry with its whole thread, the supplier's reply
or quotation, and time-limited download links for the files buyers attach."""

import json
import math
import sqlite3
import urllib.parse
from typing import Any

from .. import store
from ..clock import iso, utc_date
from ..errors import forbidden, invalid
from ..rules import parse_quotation
from ..signing import link_signature
from .common import Call

INQUIRY_COLUMNS = (
    "i.inquiry_id, i.supplier_id, i.product_id, p.custom_code, i.seq, i.subject, i.content, i.quantity,"
    " i.quantity_unit, i.buyer_name, i.buyer_company, i.buyer_country, i.gmt_create, i.gmt_modified"
)
ATTACHMENT_COLUMNS = "attachment_id, inquiry_id, message_id, supplier_id, file_name, content_type, size, recipe"
DOWNLOAD_PATH = "/files/inquiry-attachments"


def inquiry_list(call: Call) -> dict:
    """Inquiries that are new or have a new buyer message since ``cursor`` (empty: from the start), oldest change
    first. Pass ``next_cursor`` back to continue; it stays valid, so an empty page means "nothing new yet"."""
    cursor = call.integer("cursor", default=0)
    page_size = call.integer("page_size", minimum=1, maximum=50, default=20)
    rows = call.conn.execute(
        f"SELECT {INQUIRY_COLUMNS} FROM inquiries i JOIN products p ON p.product_id = i.product_id"
        " WHERE i.supplier_id = ? AND i.seq > ? ORDER BY i.seq LIMIT ?",
        (call.supplier_id, cursor, page_size + 1),
    ).fetchall()
    page = rows[:page_size]
    return {
        "inquiries": threads(call.conn, page),
        "next_cursor": str(page[-1]["seq"] if page else cursor),
        "has_more": len(rows) > page_size,
    }


def inquiry_get(call: Call) -> dict:
    """One inquiry of this supplier with its whole thread: the buyer's opening (``content``, ``attachments``) and
    every later message both ways, oldest first."""
    inquiry_id = call.integer("inquiry_id", minimum=1)
    row = call.conn.execute(
        f"SELECT {INQUIRY_COLUMNS} FROM inquiries i JOIN products p ON p.product_id = i.product_id"
        " WHERE i.inquiry_id = ?",
        (inquiry_id,),
    ).fetchone()
    if row is None:
        raise invalid("inquiry_id", f"{inquiry_id} does not exist")
    if row["supplier_id"] != call.supplier_id:
        raise forbidden(f"inquiry {inquiry_id} was sent to another supplier")
    [inquiry] = threads(call.conn, [row])
    return {"inquiry": inquiry}


def inquiry_reply(call: Call) -> dict:
    """Not idempotent: a repeated reply is a second message."""
    inquiry_id = call.integer("inquiry_id", minimum=1)
    row = call.conn.execute("SELECT supplier_id FROM inquiries WHERE inquiry_id = ?", (inquiry_id,)).fetchone()
    if row is None:
        raise invalid("inquiry_id", f"{inquiry_id} does not exist")
    if row["supplier_id"] != call.supplier_id:
        raise forbidden(f"inquiry {inquiry_id} was sent to another supplier")
    content = call.text("content", max_length=8000)
    quotation = parse_quotation(call.params.get("quotation"), today=utc_date(call.now))
    message_id = store.next_id(call.conn, "messages", "message_id")
    call.conn.execute(
        "INSERT INTO messages (message_id, inquiry_id, sender, content, quotation, gmt_create)"
        " VALUES (?, ?, 'supplier', ?, ?, ?)",
        (message_id, inquiry_id, content, json.dumps(quotation) if quotation else None, call.now),
    )
    call.conn.execute("UPDATE inquiries SET gmt_modified = ? WHERE inquiry_id = ?", (call.now, inquiry_id))
    return {"inquiry_id": inquiry_id, "message_id": message_id, "gmt_create": iso(call.now)}


def attachment_get(call: Call) -> dict:
    """A download link for a file a buyer attached, good for ``attachment_url_ttl_s`` seconds. Only the supplier the
    inquiry was sent to gets one; the link itself is a bearer credential until it expires."""
    attachment_id = call.integer("attachment_id", minimum=1)
    row = call.conn.execute(
        f"SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE attachment_id = ?", (attachment_id,)
    ).fetchone()
    if row is None:
        raise invalid("attachment_id", f"{attachment_id} does not exist")
    if row["supplier_id"] != call.supplier_id:
        raise forbidden(f"attachment {attachment_id} belongs to an inquiry sent to another supplier")
    ttl = call.config["attachment_url_ttl_s"]
    expires = math.ceil(call.now + ttl)
    query = urllib.parse.urlencode(
        {"expires": expires, "signature": link_signature(call.gateway.link_key, attachment_id, expires)}
    )
    name = urllib.parse.quote(row["file_name"])
    return {
        "attachment": {**attachment(row), "inquiry_id": row["inquiry_id"], "message_id": row["message_id"]},
        "download_url": f"{call.base_url}{DOWNLOAD_PATH}/{attachment_id}/{name}?{query}",
        "expires_in": int(ttl),
        "expires_at": iso(expires),
    }


def attachment(row: sqlite3.Row | dict[str, Any]) -> dict:
    return {
        "attachment_id": row["attachment_id"],
        "file_name": row["file_name"],
        "content_type": row["content_type"],
        "size": row["size"],
    }


def render(row: sqlite3.Row, attachments: list[dict]) -> dict:
    """An inquiry as list, get and the ``inquiry.new`` push show it (without ``messages``)."""
    return {
        "inquiry_id": row["inquiry_id"],
        "supplier_id": row["supplier_id"],
        "product_id": row["product_id"],
        "custom_code": row["custom_code"],
        "subject": row["subject"],
        "content": row["content"],
        "attachments": attachments,
        "quantity": row["quantity"],
        "quantity_unit": row["quantity_unit"],
        "buyer_name": row["buyer_name"],
        "buyer_company": row["buyer_company"],
        "buyer_country": row["buyer_country"],
        "gmt_create": iso(row["gmt_create"]),
        "gmt_modified": iso(row["gmt_modified"]),
    }


def render_message(row: sqlite3.Row, attachments: list[dict]) -> dict:
    return {
        "message_id": row["message_id"],
        "sender": row["sender"],
        "content": row["content"],
        "quotation": json.loads(row["quotation"]) if row["quotation"] else None,
        "attachments": attachments,
        "gmt_create": iso(row["gmt_create"]),
    }


def threads(conn: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict]:
    """The inquiries of ``rows`` with their attachments and ``messages`` (in two queries whatever their number)."""
    ids = [row["inquiry_id"] for row in rows]
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    files: dict[tuple[int, int | None], list[dict]] = {}
    for row in conn.execute(
        f"SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE inquiry_id IN ({marks}) ORDER BY attachment_id", ids
    ):
        files.setdefault((row["inquiry_id"], row["message_id"]), []).append(attachment(row))
    messages: dict[int, list[dict]] = {}
    for row in conn.execute(
        "SELECT message_id, inquiry_id, sender, content, quotation, gmt_create FROM messages"
        f" WHERE inquiry_id IN ({marks}) ORDER BY message_id",
        ids,
    ):
        message = render_message(row, files.get((row["inquiry_id"], row["message_id"]), []))
        messages.setdefault(row["inquiry_id"], []).append(message)
    return [
        {
            **render(row, files.get((row["inquiry_id"], None), [])),
            "messages": messages.get(row["inquiry_id"], []),
        }
        for row in rows
    ]
