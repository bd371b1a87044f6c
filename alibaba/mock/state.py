"""``GET /_mock/state``: what the gateway holds, for tests and for a person looking at a drifting system."""

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from .clock import iso

if TYPE_CHECKING:
    from .gateway import MockGateway

RECENT_PUSHES = 50


def snapshot(gateway: "MockGateway", calls: Counter) -> dict[str, Any]:
    """Products grouped by ``custom_code`` (those without one under ``""``), the custom codes held by more than one
    product, suppliers, company profiles with their review, inquiries with their threads and the supplier replies
    sent more than once (same content and quotation), calls per api_path and outcome, pushes by status with the
    latest ones, and the fault machinery (bans, quota used)."""
    now = gateway.now()
    with gateway.store.transaction() as conn:
        products = conn.execute(
            "SELECT product_id, supplier_id, custom_code, status, display, reason, version, review_due_at,"
            " gmt_modified FROM products ORDER BY product_id"
        ).fetchall()
        suppliers = conn.execute(
            "SELECT s.supplier_id, s.seller_ref, s.company_name, s.contact_email, s.country,"
            " (SELECT COUNT(*) FROM products p WHERE p.supplier_id = s.supplier_id) AS products"
            " FROM suppliers s ORDER BY s.supplier_id"
        ).fetchall()
        push_counts = dict(conn.execute("SELECT status, COUNT(*) FROM pushes GROUP BY status").fetchall())
        recent_pushes = conn.execute(
            "SELECT event_id, message_type, status, attempts, last_status, last_error, next_attempt_at, created_at"
            " FROM pushes ORDER BY created_at DESC, event_id LIMIT ?",
            (RECENT_PUSHES,),
        ).fetchall()
        inquiries = conn.execute(
            "SELECT inquiry_id, supplier_id, product_id, buyer_name, buyer_country, gmt_create FROM inquiries"
            " ORDER BY inquiry_id"
        ).fetchall()
        messages = conn.execute(
            "SELECT message_id, inquiry_id, sender, content, quotation, gmt_create FROM messages ORDER BY message_id"
        ).fetchall()
        profiles = conn.execute(
            "SELECT supplier_id, status, reason, version, review_due_at, gmt_modified FROM company_profiles"
            " ORDER BY supplier_id"
        ).fetchall()
        attachments = dict(
            conn.execute("SELECT COALESCE(message_id, -inquiry_id), COUNT(*) FROM attachments GROUP BY 1").fetchall()
        )

    by_code: dict[str, list[dict]] = {}
    for row in products:
        by_code.setdefault(row["custom_code"] or "", []).append(
            {
                "product_id": row["product_id"],
                "supplier_id": row["supplier_id"],
                "status": row["status"],
                "display": row["display"],
                "reason": row["reason"],
                "version": row["version"],
                "review_due_at": iso(row["review_due_at"]) if row["review_due_at"] is not None else None,
                "updated_at": iso(row["gmt_modified"]),
            }
        )
    threads = {
        row["inquiry_id"]: {
            "inquiry_id": row["inquiry_id"],
            "supplier_id": row["supplier_id"],
            "product_id": row["product_id"],
            "buyer_name": row["buyer_name"],
            "buyer_country": row["buyer_country"],
            "attachments": attachments.get(-row["inquiry_id"], 0),
            "gmt_create": iso(row["gmt_create"]),
            "messages": [],
        }
        for row in inquiries
    }
    seen_replies: dict[tuple[int, str, str | None], list[int]] = {}
    for row in messages:
        threads[row["inquiry_id"]]["messages"].append(
            {
                "message_id": row["message_id"],
                "sender": row["sender"],
                "content": row["content"],
                "quotation": json.loads(row["quotation"]) if row["quotation"] else None,
                "attachments": attachments.get(row["message_id"], 0),
                "gmt_create": iso(row["gmt_create"]),
            }
        )
        if row["sender"] == "supplier":
            seen_replies.setdefault((row["inquiry_id"], row["content"], row["quotation"]), []).append(row["message_id"])
    per_path: dict[str, dict[str, int]] = {}
    for (api_path, outcome), count in sorted(calls.items()):
        per_path.setdefault(api_path, {})[outcome] = count
    return {
        "now": iso(now),
        "products": by_code,
        "product_count": len(products),
        "duplicates": {
            code: [p["product_id"] for p in held] for code, held in by_code.items() if code and len(held) > 1
        },
        "in_review": sum(1 for row in products if row["status"] == "new"),
        "suppliers": [dict(row) for row in suppliers],
        "calls": per_path,
        "calls_total": sum(calls.values()),
        "pushes": {
            "pending": push_counts.get("pending", 0),
            "delivered": push_counts.get("delivered", 0),
            "failed": push_counts.get("failed", 0),
            "recent": [
                {
                    **dict(row),
                    "next_attempt_at": iso(row["next_attempt_at"]) if row["status"] == "pending" else None,
                    "created_at": iso(row["created_at"]),
                }
                for row in recent_pushes
            ],
        },
        "company_profiles": [
            {
                "supplier_id": row["supplier_id"],
                "status": row["status"],
                "reason": row["reason"],
                "version": row["version"],
                "review_due_at": iso(row["review_due_at"]) if row["review_due_at"] is not None else None,
                "updated_at": iso(row["gmt_modified"]),
            }
            for row in profiles
        ],
        "inquiries": len(inquiries),
        "messages": len(messages),
        "attachments": sum(attachments.values()),
        "threads": list(threads.values()),
        "reply_duplicates": {str(inquiry_id): ids for (inquiry_id, _, _), ids in seen_replies.items() if len(ids) > 1},
        **gateway.faults.snapshot(now),
    }
