"""The platform's asynchronous review of added and updated products.

The verdict of a product version depends only on the seed, the product id and the version, so a test sees the same
approvals and rejections whatever order and timing the reviews run in.
"""

import random

from . import pushes
from .clock import iso

REASONS = (
    "Main image contains a watermark, logo or contact information",
    "Product title does not match the selected category",
    "Description contains contact details or external links",
    "Price is unrealistic for the product",
    "Images are blurry or show several different products",
    "Keywords contain brand names the supplier is not authorized to use",
)


def verdict(seed: int | None, product_id: int, version: int, reject_rate: float) -> str | None:
    """``None`` to approve, else the rejection reason."""
    rng = random.Random(f"{seed}:{product_id}:{version}")
    if rng.random() < reject_rate:
        return rng.choice(REASONS)
    return None


def run_due(gateway, *, all_due: bool = False) -> int:
    """Reviews every product whose review is due (or all products in review) and queues their pushes."""
    config, now = gateway.config, gateway.now()
    with gateway.store.transaction() as conn:
        due = conn.execute(
            "SELECT product_id, supplier_id, custom_code, version, display_held FROM products"
            " WHERE review_due_at IS NOT NULL AND review_due_at <= ? ORDER BY review_due_at, product_id",
            (float("inf") if all_due else now,),
        ).fetchall()
        for row in due:
            reason = verdict(config["seed"], row["product_id"], row["version"], config["reject_rate"])
            status = "tbd" if reason else "approved"
            display = "Y" if status == "approved" and not row["display_held"] else "N"
            conn.execute(
                "UPDATE products SET status = ?, display = ?, reason = ?, review_due_at = NULL, gmt_modified = ?"
                " WHERE product_id = ?",
                (status, display, reason, now, row["product_id"]),
            )
            pushes.enqueue(
                conn,
                now,
                pushes.PRODUCT_REVIEWED,
                {
                    "supplier_id": row["supplier_id"],
                    "product_id": row["product_id"],
                    "custom_code": row["custom_code"],
                    "status": status,
                    "display": display,
                    "reason": reason,
                    "gmt_modified": iso(now),
                },
            )
    return len(due)
