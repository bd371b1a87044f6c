"""The platform's asynchronous review of added and updated products, and of company profiles.

The verdict of a product (or profile) version depends only on the seed, the product id (or supplier id) and the
version, so a test sees the same approvals and rejections whatever order and timing the reviews run in.
"""

import random
from typing import TYPE_CHECKING

from . import pushes
from .clock import iso

if TYPE_CHECKING:
    from .gateway import MockGateway

REASONS = (
    "Main image contains a watermark, logo or contact information",
    "Product title does not match the selected category",
    "Description contains contact details or external links",
    "Price is unrealistic for the product",
    "Images are blurry or show several different products",
    "Keywords contain brand names the supplier is not authorized to use",
)


COMPANY_REASONS = (
    "Factory photos show another company's name or logo",
    "A certificate file does not match its certification number or issuer",
    "Company story contains contact details or external links",
    "Year established does not match the business registration",
    "Brand logo belongs to a brand the supplier is not authorized to use",
)


def verdict(
    seed: int | None, subject: int | str, version: int, reject_rate: float, reasons: tuple[str, ...] = REASONS
) -> str | None:
    """``None`` to approve, else the rejection reason. ``subject`` is what is reviewed (a product id)."""
    rng = random.Random(f"{seed}:{subject}:{version}")
    if rng.random() < reject_rate:
        return rng.choice(reasons)
    return None


def run_due(gateway: "MockGateway", *, all_due: bool = False) -> int:
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


def run_due_profiles(gateway: "MockGateway", *, all_due: bool = False) -> int:
    """Reviews every company profile whose review is due (or all in review) and queues their pushes."""
    config, now = gateway.config, gateway.now()
    with gateway.store.transaction() as conn:
        due = conn.execute(
            "SELECT supplier_id, version FROM company_profiles"
            " WHERE review_due_at IS NOT NULL AND review_due_at <= ? ORDER BY review_due_at, supplier_id",
            (float("inf") if all_due else now,),
        ).fetchall()
        for row in due:
            reason = verdict(
                config["seed"],
                f"company-{row['supplier_id']}",
                row["version"],
                config["company_reject_rate"],
                COMPANY_REASONS,
            )
            status = "tbd" if reason else "approved"
            conn.execute(
                "UPDATE company_profiles SET status = ?, reason = ?, review_due_at = NULL, gmt_modified = ?"
                " WHERE supplier_id = ?",
                (status, reason, now, row["supplier_id"]),
            )
            pushes.enqueue(
                conn,
                now,
                pushes.COMPANY_REVIEWED,
                {
                    "supplier_id": row["supplier_id"],
                    "version": row["version"],
                    "status": status,
                    "reason": reason,
                    "gmt_modified": iso(now),
                },
            )
    return len(due)
