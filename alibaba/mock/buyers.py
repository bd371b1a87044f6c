"""Simulated buyers: they ask about live products (approved, on display) and follow up on their inquiries."""

import json
import random
import sqlite3

from . import pushes, store
from .calls.inquiries import INQUIRY_COLUMNS, render
from .clock import iso

BUYERS = (
    ("Hannah Becker", "Becker Wohnen GmbH", "DE"),
    ("James Whitfield", "Whitfield & Sons Trading Ltd", "GB"),
    ("Olivia Martin", "Greenleaf Home Goods Inc.", "US"),
    ("Lucas Dubois", "Maison Dubois SARL", "FR"),
    ("Giulia Rossi", "Rossi Importazioni S.r.l.", "IT"),
    ("Emma de Vries", "De Vries Groothandel B.V.", "NL"),
    ("Sofia Andersson", "Nordic Living AB", "SE"),
    ("Kenji Sato", "Sato Shoji Co., Ltd.", "JP"),
    ("Min-jun Kim", "Hanbit Trading Co.", "KR"),
    ("Ahmed Al Mansouri", "Al Mansouri General Trading LLC", "AE"),
    ("Fatima Al Harbi", "Harbi Retail Group", "SA"),
    ("Liam O'Connor", "Emerald Isle Imports", "IE"),
    ("Isabella Garcia", "Distribuciones Garcia S.L.", "ES"),
    ("Noah Thompson", "Maple Leaf Wholesale Ltd.", "CA"),
    ("Charlotte Wilson", "Southern Cross Trading Pty Ltd", "AU"),
    ("Mateus Oliveira", "Oliveira Comercio Ltda", "BR"),
    ("Aylin Yilmaz", "Yilmaz Dis Ticaret A.S.", "TR"),
    ("Tan Wei Ming", "Lion City Sourcing Pte. Ltd.", "SG"),
)
OPENINGS = (
    "Hello, we are interested in your {subject}.",
    "Good day! We saw your {subject} on Alibaba.com.",
    "Dear supplier, we are looking for a reliable source of {subject}.",
)
ASKS = (
    "Could you quote FOB Chattogram for {quantity} {unit}?",
    "Please send your best price for {quantity} {unit} and the lead time.",
    "What is your price for {quantity} {unit}, and can you share samples?",
)
CLOSINGS = (
    "We also need details about packaging and certifications.",
    "Please let us know your payment terms.",
    "Can you print our logo on the product?",
    "Looking forward to your reply.",
)
FOLLOW_UPS = (
    "Thank you. Can you do a better price if we order twice the quantity?",
    "Could you send photos of the packaging before we confirm?",
    "We would like to order samples first. What is the sample cost?",
    "Is it possible to ship by the end of next month?",
    "Our customer asks for a certificate of origin. Can you provide it?",
)


class NothingToAsk(LookupError):
    """No live product (or no inquiry) to ask about."""


def ask(gateway, rng: random.Random, *, count: int, product_id: int | None) -> list[dict]:
    """``count`` new inquiries, each pushed as ``inquiry.new``."""
    now = gateway.now()
    with gateway.store.transaction() as conn:
        live = _live_products(conn, product_id)
        created = []
        for _ in range(count):
            product = rng.choice(live)
            body = json.loads(product["body"])
            trade = body["sourcing_trade"]
            quantity = rng.randint(1, 10) * trade["min_order_quantity"]
            unit = trade["fob_unit_type"].replace("_", " ")
            name, company, country = rng.choice(BUYERS)
            words = {"subject": body["subject"], "quantity": quantity, "unit": unit}
            content = " ".join(rng.choice(part).format(**words) for part in (OPENINGS, ASKS, CLOSINGS))
            inquiry_id = store.next_id(conn, "inquiries", "inquiry_id")
            conn.execute(
                "INSERT INTO inquiries (inquiry_id, supplier_id, product_id, seq, subject, content, quantity,"
                " quantity_unit, buyer_name, buyer_company, buyer_country, gmt_create, gmt_modified)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    inquiry_id, product["supplier_id"], product["product_id"], store.next_id(conn, "inquiries", "seq"),
                    f"Inquiry about {body['subject']}"[:128], content, quantity, trade["fob_unit_type"], name,
                    company, country, now, now,
                ),
            )  # fmt: skip
            row = conn.execute(
                f"SELECT {INQUIRY_COLUMNS} FROM inquiries i JOIN products p ON p.product_id = i.product_id"
                " WHERE i.inquiry_id = ?",
                (inquiry_id,),
            ).fetchone()
            inquiry = render(row)
            pushes.enqueue(conn, now, pushes.INQUIRY_NEW, inquiry)
            created.append(inquiry)
    return created


def follow_up(gateway, rng: random.Random, *, count: int, inquiry_id: int | None) -> list[dict]:
    """``count`` buyer messages on existing inquiries, each pushed as ``inquiry.message``."""
    now = gateway.now()
    with gateway.store.transaction() as conn:
        if inquiry_id is None:
            inquiries = conn.execute("SELECT inquiry_id, supplier_id, buyer_name FROM inquiries").fetchall()
        else:
            inquiries = conn.execute(
                "SELECT inquiry_id, supplier_id, buyer_name FROM inquiries WHERE inquiry_id = ?", (inquiry_id,)
            ).fetchall()
        if not inquiries:
            raise NothingToAsk(f"no inquiry {inquiry_id}" if inquiry_id else "there is no inquiry to follow up")
        created = []
        for _ in range(count):
            inquiry = rng.choice(inquiries)
            message_id = store.next_id(conn, "messages", "message_id")
            content = rng.choice(FOLLOW_UPS)
            conn.execute(
                "INSERT INTO messages (message_id, inquiry_id, sender, content, gmt_create)"
                " VALUES (?, ?, 'buyer', ?, ?)",
                (message_id, inquiry["inquiry_id"], content, now),
            )
            conn.execute(
                "UPDATE inquiries SET seq = ?, gmt_modified = ? WHERE inquiry_id = ?",
                (store.next_id(conn, "inquiries", "seq"), now, inquiry["inquiry_id"]),
            )
            message = {
                "supplier_id": inquiry["supplier_id"],
                "inquiry_id": inquiry["inquiry_id"],
                "message_id": message_id,
                "sender": "buyer",
                "buyer_name": inquiry["buyer_name"],
                "content": content,
                "gmt_create": iso(now),
            }
            pushes.enqueue(conn, now, pushes.INQUIRY_MESSAGE, message)
            created.append(message)
    return created


def _live_products(conn: sqlite3.Connection, product_id: int | None) -> list[sqlite3.Row]:
    sql = "SELECT product_id, supplier_id, body FROM products WHERE status = 'approved' AND display = 'Y'"
    if product_id is None:
        live = conn.execute(sql).fetchall()
        if not live:
            raise NothingToAsk("there is no live product (approved and on display) to ask about")
        return live
    live = conn.execute(f"{sql} AND product_id = ?", (product_id,)).fetchall()
    if not live:
        raise NothingToAsk(f"product {product_id} is not live (approved and on display)")
    return live
