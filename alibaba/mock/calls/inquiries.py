"""Buyers' inquiries: the pull path (a cursor over changes) and the supplier's reply or quotation."""

import json
import sqlite3

from .. import store
from ..clock import iso
from ..errors import forbidden, invalid
from ..rules import parse_quotation
from .common import Call

INQUIRY_COLUMNS = (
    "i.inquiry_id, i.supplier_id, i.product_id, p.custom_code, i.seq, i.subject, i.content, i.quantity,"
    " i.quantity_unit, i.buyer_name, i.buyer_company, i.buyer_country, i.gmt_create, i.gmt_modified"
)


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
    messages = _messages(call.conn, [row["inquiry_id"] for row in page])
    return {
        "inquiries": [{**render(row), "messages": messages.get(row["inquiry_id"], [])} for row in page],
        "next_cursor": str(page[-1]["seq"] if page else cursor),
        "has_more": len(rows) > page_size,
    }


def inquiry_reply(call: Call) -> dict:
    """Not idempotent: a repeated reply is a second message."""
    inquiry_id = call.integer("inquiry_id", minimum=1)
    row = call.conn.execute("SELECT supplier_id FROM inquiries WHERE inquiry_id = ?", (inquiry_id,)).fetchone()
    if row is None:
        raise invalid("inquiry_id", f"{inquiry_id} does not exist")
    if row["supplier_id"] != call.supplier_id:
        raise forbidden(f"inquiry {inquiry_id} was sent to another supplier")
    content = call.text("content", max_length=8000)
    quotation = parse_quotation(call.params.get("quotation"))
    message_id = store.next_id(call.conn, "messages", "message_id")
    call.conn.execute(
        "INSERT INTO messages (message_id, inquiry_id, sender, content, quotation, gmt_create)"
        " VALUES (?, ?, 'supplier', ?, ?, ?)",
        (message_id, inquiry_id, content, json.dumps(quotation) if quotation else None, call.now),
    )
    call.conn.execute("UPDATE inquiries SET gmt_modified = ? WHERE inquiry_id = ?", (call.now, inquiry_id))
    return {"inquiry_id": inquiry_id, "message_id": message_id, "gmt_create": iso(call.now)}


def render(row: sqlite3.Row) -> dict:
    return {
        "inquiry_id": row["inquiry_id"],
        "supplier_id": row["supplier_id"],
        "product_id": row["product_id"],
        "custom_code": row["custom_code"],
        "subject": row["subject"],
        "content": row["content"],
        "quantity": row["quantity"],
        "quantity_unit": row["quantity_unit"],
        "buyer_name": row["buyer_name"],
        "buyer_company": row["buyer_company"],
        "buyer_country": row["buyer_country"],
        "gmt_create": iso(row["gmt_create"]),
        "gmt_modified": iso(row["gmt_modified"]),
    }


def _messages(conn: sqlite3.Connection, inquiry_ids: list[int]) -> dict[int, list[dict]]:
    if not inquiry_ids:
        return {}
    rows = conn.execute(
        "SELECT message_id, inquiry_id, sender, content, quotation, gmt_create FROM messages"
        f" WHERE inquiry_id IN ({','.join('?' * len(inquiry_ids))}) ORDER BY message_id",
        inquiry_ids,
    ).fetchall()
    result: dict[int, list[dict]] = {}
    for row in rows:
        result.setdefault(row["inquiry_id"], []).append(
            {
                "message_id": row["message_id"],
                "sender": row["sender"],
                "content": row["content"],
                "quotation": json.loads(row["quotation"]) if row["quotation"] else None,
                "gmt_create": iso(row["gmt_create"]),
            }
        )
    return result
