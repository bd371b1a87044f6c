"""Simulated buyers: they ask about live products (approved, on display) and follow up on their inquiries, now and
then with files attached (spec sheets as PDF, reference photos as JPEG, artwork as PNG; ``files``)."""

import json
import random
import re
import sqlite3
from typing import TYPE_CHECKING

from . import files, pushes, store
from .calls.inquiries import INQUIRY_COLUMNS, attachment, render
from .clock import iso, utc_date

if TYPE_CHECKING:
    from .gateway import MockGateway

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
    ("Jonas Weber", "Weber Handelshaus GmbH", "DE"),
    ("Michael Brooks", "Brooks Supply Co.", "US"),
    ("Yuki Tanaka", "Tanaka Bussan K.K.", "JP"),
    ("Omar Haddad", "Haddad Gulf Trading FZE", "AE"),
    ("Sophie Clarke", "Clarke & Hale Homewares Ltd", "GB"),
    ("Priya Sharma", "Sharma Overseas Pvt. Ltd.", "IN"),
    ("Rajesh Mehta", "Mehta Impex Private Limited", "IN"),
    ("Ananya Iyer", "Coromandel Home Textiles LLP", "IN"),
    ("Vikram Singh Rathore", "Rajputana Handicraft Exports", "IN"),
    ("Farhan Qureshi", "Qureshi Leather Traders (Kanpur)", "IN"),
)
BUYERS_BY_COUNTRY: dict[str, list[tuple[str, str, str]]] = {}
for _buyer in BUYERS:
    BUYERS_BY_COUNTRY.setdefault(_buyer[2], []).append(_buyer)
MAX_ATTACHMENTS = 3
REQUIREMENTS = (
    "Material and finish exactly as in the photo below",
    "Size tolerance +/- 1 cm; colour to match Pantone reference",
    "Our logo printed on one side (artwork attached), max. 2 colours",
    "Packing: individually poly-bagged, 50 pcs per export carton",
    "Carton marking: our item number, quantity, gross/net weight, Made in Bangladesh",
    "Certificates required: test report (REACH / CPSIA as applicable)",
    "Pre-shipment inspection by our agent before loading",
    "Labels and hangtags supplied by us or printed to our design",
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


class UnknownCountry(ValueError):
    """No simulated buyer comes from a country that was asked for."""


def ask(
    gateway: "MockGateway",
    rng: random.Random,
    *,
    count: int,
    product_id: int | None,
    countries: list[str] | None = None,
    attachments: int | None = None,
) -> list[dict]:
    """``count`` new inquiries, each pushed as ``inquiry.new``. With ``countries`` (ISO codes) the buyers come from
    them in turn (``count`` 6 over six countries: one each). ``attachments`` (0-3) fixes how many files each
    inquiry carries; by default the seeded draw decides (about half carry 1-3)."""
    for country in countries or ():
        if country not in BUYERS_BY_COUNTRY:
            raise UnknownCountry(
                f"no simulated buyer from {country!r}; there are buyers from {', '.join(sorted(BUYERS_BY_COUNTRY))}"
            )
    now = gateway.now()
    with gateway.store.transaction() as conn:
        live = _live_products(conn, product_id)
        created = []
        for index in range(count):
            product = rng.choice(live)
            body = json.loads(product["body"])
            trade = body["sourcing_trade"]
            quantity = rng.randint(1, 10) * trade["min_order_quantity"]
            unit = trade["fob_unit_type"].replace("_", " ")
            buyers = BUYERS_BY_COUNTRY[countries[index % len(countries)]] if countries else BUYERS
            name, company, country = rng.choice(buyers)
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
            number = rng.choice((0, 0, 0, 1, 2, 3)) if attachments is None else attachments
            kinds = (["spec_sheet"] if number and rng.random() < 0.7 else []) + [
                rng.choice(("photo", "photo", "artwork")) for _ in range(number)
            ]
            sheet = [
                "Specification sheet",
                f"Buyer: {company} ({country})",
                f"Product: {body['subject']}",
                f"Target quantity: {quantity} {unit}",
                *rng.sample(REQUIREMENTS, 3),
                f"Date: {utc_date(now).isoformat()}",
            ]
            context = {"company": company, "country": country, "sheet": sheet}
            attached = _attach(conn, rng, now, product["supplier_id"], inquiry_id, None, kinds[:number], context)
            row = conn.execute(
                f"SELECT {INQUIRY_COLUMNS} FROM inquiries i JOIN products p ON p.product_id = i.product_id"
                " WHERE i.inquiry_id = ?",
                (inquiry_id,),
            ).fetchone()
            inquiry = render(row, attached)
            pushes.enqueue(conn, now, pushes.INQUIRY_NEW, inquiry)
            created.append(inquiry)
    return created


def follow_up(
    gateway: "MockGateway", rng: random.Random, *, count: int, inquiry_id: int | None, attachments: int | None = None
) -> list[dict]:
    """``count`` buyer messages on existing inquiries, each pushed as ``inquiry.message``. ``attachments`` (0-3)
    fixes how many photos each carries; by default the seeded draw decides (about a third carry 1-2)."""
    now = gateway.now()
    with gateway.store.transaction() as conn:
        sql = "SELECT inquiry_id, supplier_id, buyer_name, buyer_company, buyer_country FROM inquiries"
        if inquiry_id is None:
            inquiries = conn.execute(sql).fetchall()
        else:
            inquiries = conn.execute(f"{sql} WHERE inquiry_id = ?", (inquiry_id,)).fetchall()
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
            number = rng.choice((0, 0, 0, 0, 1, 2)) if attachments is None else attachments
            context = {"company": inquiry["buyer_company"], "country": inquiry["buyer_country"], "sheet": []}
            kinds = [rng.choice(("photo", "photo", "artwork")) for _ in range(number)]
            message = {
                "supplier_id": inquiry["supplier_id"],
                "inquiry_id": inquiry["inquiry_id"],
                "message_id": message_id,
                "sender": "buyer",
                "buyer_name": inquiry["buyer_name"],
                "content": content,
                "attachments": _attach(
                    conn, rng, now, inquiry["supplier_id"], inquiry["inquiry_id"], message_id, kinds, context
                ),
                "gmt_create": iso(now),
            }
            pushes.enqueue(conn, now, pushes.INQUIRY_MESSAGE, message)
            created.append(message)
    return created


def _attach(
    conn: sqlite3.Connection,
    rng: random.Random,
    now: float,
    supplier_id: int,
    inquiry_id: int,
    message_id: int | None,
    kinds: list[str],
    context: dict,
) -> list[dict]:
    """Files of ``kinds`` (spec_sheet, photo, artwork) attached to the inquiry's opening (``message_id`` None) or a
    message. The recipe is stored, and the file made once to learn its size."""
    attached = []
    for number, kind in enumerate(kinds, start=1):
        seed = f"{rng.getrandbits(64):016x}"
        company = re.sub(r"[^A-Za-z0-9]+", "_", context["company"]).strip("_")
        if kind == "spec_sheet":
            recipe = files.spec_sheet_recipe(rng, seed, context["sheet"])
            name = "仕様書_見積依頼.pdf" if context["country"] == "JP" else f"{company}_spec_sheet.pdf"
        elif kind == "photo":
            recipe = files.photo_recipe(rng, seed)
            name = rng.choice((f"reference_photo_{number}.jpg", f"IMG_{rng.randint(1000, 9999)}.JPG",
                               "sample_from_current_supplier.jpg"))  # fmt: skip
        else:
            recipe = files.image_recipe(rng, seed)
            name = rng.choice(("logo_artwork.png", "carton_marking.png", "hangtag_design.png"))
        content_type = {"jpeg": files.JPEG, "png": files.PNG, "pdf": files.PDF}[recipe["kind"]]
        size = len(files.render(recipe))
        attachment_id = store.next_id(conn, "attachments", "attachment_id")
        conn.execute(
            "INSERT INTO attachments (attachment_id, inquiry_id, message_id, supplier_id, file_name, content_type,"
            " size, recipe, gmt_create) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (attachment_id, inquiry_id, message_id, supplier_id, name, content_type, size, json.dumps(recipe), now),
        )
        row = {"attachment_id": attachment_id, "file_name": name, "content_type": content_type, "size": size}
        attached.append(attachment(row))
    return attached


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
