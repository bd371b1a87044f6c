"""Products: add and update enter review; get, list and display switching. There is no delete."""

import json
import sqlite3

from .. import store
from ..catalog_seed import CATALOG
from ..clock import iso, parse_instant
from ..errors import forbidden, invalid
from ..rules import parse_product
from .common import Call

SUMMARY_COLUMNS = "product_id, custom_code, category_id, subject, status, display, reason, gmt_create, gmt_modified"


def product_add(call: Call) -> dict:
    """Not idempotent, as on the platform: a repeated add makes a second product with the same ``custom_code``."""
    product = _parse(call)
    product_id = store.next_id(call.conn, "products", "product_id")
    call.conn.execute(
        "INSERT INTO products (product_id, supplier_id, custom_code, category_id, subject, body, status, display,"
        " version, review_due_at, gmt_create, gmt_modified) VALUES (?, ?, ?, ?, ?, ?, 'new', 'N', 1, ?, ?, ?)",
        (
            product_id, call.supplier_id, product["custom_code"], product["category_id"], product["subject"],
            json.dumps(product), _review_due_at(call), call.now, call.now,
        ),
    )  # fmt: skip
    return {"product_id": product_id, "status": "new", "display": "N", "gmt_modified": iso(call.now)}


def product_update(call: Call) -> dict:
    """Replaces the whole product; it goes back to review (``new``, display ``N``)."""
    product_id = _own_product(call, call.integer("product_id", minimum=1))["product_id"]
    product = _parse(call)
    call.conn.execute(
        "UPDATE products SET custom_code = ?, category_id = ?, subject = ?, body = ?, status = 'new', display = 'N',"
        " reason = NULL, version = version + 1, review_due_at = ?, gmt_modified = ? WHERE product_id = ?",
        (product["custom_code"], product["category_id"], product["subject"], json.dumps(product),
         _review_due_at(call), call.now, product_id),
    )  # fmt: skip
    return {"product_id": product_id, "status": "new", "display": "N", "gmt_modified": iso(call.now)}


def product_get(call: Call) -> dict:
    row = _own_product(call, call.integer("product_id", minimum=1))
    return {"product": {**json.loads(row["body"]), **_summary(row)}}


def product_list(call: Call) -> dict:
    """Ordered by ``product_id``, so pages stay stable while products change."""
    page = call.integer("current_page", minimum=1, default=1)
    page_size = call.integer("page_size", minimum=1, maximum=50, default=20)
    where = ["supplier_id = ?"]
    args: list[int | float | str | None] = [call.supplier_id]
    modified_from = call.text("gmt_modified_from", max_length=64, required=False)
    if modified_from is not None:
        since = parse_instant(modified_from)
        if since is None:
            raise invalid("gmt_modified_from", "must be epoch milliseconds or an ISO 8601 time with a timezone")
        where.append("gmt_modified >= ?")
        args.append(since)
    custom_code = call.text("custom_code", max_length=64, required=False)
    if custom_code is not None:
        where.append("custom_code = ?")
        args.append(custom_code)
    condition = " AND ".join(where)
    (total,) = call.conn.execute(f"SELECT COUNT(*) FROM products WHERE {condition}", args).fetchone()
    rows = call.conn.execute(
        f"SELECT {SUMMARY_COLUMNS} FROM products WHERE {condition} ORDER BY product_id LIMIT ? OFFSET ?",
        [*args, page_size, (page - 1) * page_size],
    ).fetchall()
    return {
        "total_item": total,
        "current_page": page,
        "page_size": page_size,
        "products": [_summary(row) for row in rows],
    }


def display_update(call: Call) -> dict:
    """``off`` always works and is remembered through review; ``on`` needs a product that is not rejected (one in
    review goes on display when approved). All or nothing."""
    new_display = call.text("new_display", max_length=3)
    if new_display not in ("on", "off"):
        raise invalid("new_display", f"must be on or off (it is {new_display!r})")
    ids = _id_list(call.text("product_id_list", max_length=2000))
    rows = [_own_product(call, product_id) for product_id in ids]
    for row in rows:
        if new_display == "on" and row["status"] == "tbd":
            raise invalid("product_id_list", f"product {row['product_id']} was rejected (status tbd): update it first")
    for row in rows:
        if new_display == "off":
            display, held = "N", 1
        else:
            display, held = ("Y" if row["status"] == "approved" else "N"), 0
        call.conn.execute(
            "UPDATE products SET display = ?, display_held = ?, gmt_modified = ? WHERE product_id = ?",
            (display, held, call.now, row["product_id"]),
        )
    changed = call.conn.execute(
        f"SELECT product_id, status, display FROM products WHERE product_id IN ({','.join('?' * len(ids))})"
        " ORDER BY product_id",
        ids,
    ).fetchall()
    return {"products": [dict(row) for row in changed]}


def _parse(call: Call) -> dict:
    def owns_photo(url: str) -> bool:
        row = call.conn.execute("SELECT supplier_id FROM photos WHERE url = ?", (url,)).fetchone()
        return row is not None and row["supplier_id"] == call.supplier_id

    return parse_product(call.params.get("product"), catalog=CATALOG, owns_photo=owns_photo)


def _review_due_at(call: Call) -> float:
    return call.now + call.config["review_delay_s"]


def _own_product(call: Call, product_id: int) -> sqlite3.Row:
    sql = f"SELECT supplier_id, body, {SUMMARY_COLUMNS} FROM products WHERE product_id = ?"
    row = call.conn.execute(sql, (product_id,)).fetchone()
    if row is None:
        raise invalid("product_id", f"{product_id} does not exist")
    if row["supplier_id"] != call.supplier_id:
        raise forbidden(f"product {product_id} belongs to another supplier")
    return row


def _id_list(text: str) -> list[int]:
    try:
        ids = json.loads(text)
    except ValueError:
        raise invalid("product_id_list", "is not valid JSON (a JSON array of product ids)") from None
    if not isinstance(ids, list) or not 1 <= len(ids) <= 50:
        raise invalid("product_id_list", "must be a JSON array of 1 to 50 product ids")
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise invalid("product_id_list", "must hold product ids (integers)")
    return list(dict.fromkeys(ids))


def _summary(row: sqlite3.Row) -> dict:
    return {
        "product_id": row["product_id"],
        "custom_code": row["custom_code"],
        "subject": row["subject"],
        "category_id": row["category_id"],
        "status": row["status"],
        "display": row["display"],
        "reason": row["reason"],
        "gmt_create": iso(row["gmt_create"]),
        "gmt_modified": iso(row["gmt_modified"]),
    }
