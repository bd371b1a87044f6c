"""Demo listings of the active demo seller (Rupsha Jute Crafts, ``dxports.demo.ACTIVE_SELLER_EMAIL``): four jute
products, created and published through the catalog services as the seller would, so that the demo's buyers have
live products to ask about (``buyers.demo`` takes over from there).

The categories come from the gateway, and the listings can only be sent once the seller's supplier account exists
(the worker creates it from the approval's outbox job). ``step`` (beat's ``catalog_demo_step`` while ``make run``
sets DXPORTS_DEMO) waits for the account, copies the category tree when there is none yet (beat's own copy comes
minutes later), creates the listings the seller lacks (by SKU) and publishes those not on their way yet; the mock
reviews them after its ``review_delay_s`` (10 s) and its ``product.reviewed`` push makes them live. Idempotent;
``seed_demo`` does the same on a later start, when the categories and the account are there already.
"""

import io
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from catalog import services
from catalog.images import product_image_add
from catalog.models import Category, CategoryAttribute, Product, ProductStatus

# (sku, title, title in Bengali, leaf category, material, tiers, minimum order, colour of the photo)
DEMO_PRODUCTS = (
    ("RJ-BAG-38", "Eco-friendly Hessian Jute Shopping Bag with Cotton Handles", "পাটের শপিং ব্যাগ", 1202,
     "Hessian Jute", ((500, "2.40"), (5000, "1.85")), 500, (176, 140, 90)),
    ("RJ-WINE-02", "Jute Wine Bottle Gift Bag, Double Bottle, Natural", "পাটের ওয়াইন বোতল ব্যাগ", 1203,
     "Hessian Jute", ((1000, "0.95"), (10000, "0.72")), 1000, (150, 120, 80)),
    ("RJ-RUG-120", "Hand-braided Jute Round Rug, 120 cm", "হাতে বোনা পাটের গোল মাদুর", 1301,
     "Braided Jute", ((50, "18.50"), (500, "15.90")), 50, (190, 160, 110)),
    ("RJ-SACK-50", "Food-grade Hessian Jute Sack, 50 kg", "পাটের বস্তা, ৫০ কেজি", 1201,
     "Hessian Jute", ((2000, "0.88"), (20000, "0.69")), 2000, (160, 130, 95)),
)  # fmt: skip
# States from which the demo publishes (again): everything else is on its way, live, or waits for a person.
PUBLISHABLE = (ProductStatus.DRAFT, ProductStatus.READY)
COMMON = {
    "description": (
        "Made by hand in Khulna from golden Bangladeshi jute: strong, biodegradable and plastic-free. Custom sizes, "
        "prints and labels on request; export packing in cartons or bales."
    ),
    "keywords": ["jute", "eco-friendly", "handmade"],
    "hs_code": "630510",
    "unit": "piece",
    "supply_quantity": 50_000,
    "supply_period": "month",
    "lead_times": [{"quantity": 1000, "days": 25}],
    "port": "chattogram",
    "payment_terms": ["T/T", "L/C"],
    "packaging": "Export cartons or bales, as the buyer prefers",
    "sample_policy": "paid",
}


def seed(out):
    """Part of ``seed_demo``: the listings, when the categories and the supplier account are there already (a later
    start of ``make run``); on a first start ``step`` makes them once they are. Prints nothing."""
    member = _demo_member()
    if member is not None and Category.objects.filter(is_leaf=True).exists() and _may_list(member.seller):
        ensure_listings(seller=member.seller, actor=member.user)


def step():
    """The catalog's part of the demo: what it did or waits for."""
    from alibaba.gateway import shared_client

    member = _demo_member()
    if member is None:
        return "no demo seller"
    if not _may_list(member.seller):
        return "waiting for the supplier account"
    if not ensure_categories(client=shared_client()):
        return "waiting for the categories"
    statuses = ensure_listings(seller=member.seller, actor=member.user)
    return "listed" if set(statuses.values()) == {ProductStatus.LIVE} else "listing"


def _demo_member():
    from django.contrib.auth import get_user_model

    from dxports.demo import ACTIVE_SELLER_EMAIL
    from sellers.selectors import membership_for_user

    user = get_user_model().objects.filter(email=ACTIVE_SELLER_EMAIL).first()
    return membership_for_user(user=user) if user is not None else None


def _may_list(seller):
    # Without its supplier account a listing's sync would fail for good: wait for the worker to create it.
    from sellers.selectors import supplier_id_of

    return seller.may_sell and supplier_id_of(seller_id=seller.pk) is not None


def photo(colour, label):
    """A plain product photo (800 × 800 JPEG) of one colour with a darker band, distinct per product."""
    image = Image.new("RGB", (800, 800), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((120, 200, 680, 640), fill=tuple(max(0, c - 60) for c in colour))
    draw.text((140, 660), label, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def ensure_categories(*, client):
    """Copy the gateway's category tree now when there is none yet; whether there are leaves afterwards."""
    from catalog.categories import categories_sync

    if not Category.objects.filter(is_leaf=True).exists():
        categories_sync(client=client)
    return Category.objects.filter(is_leaf=True).exists()


def ensure_listings(*, seller, actor):
    """Create the demo products ``seller`` lacks (by SKU) and publish those not on their way yet. Returns the
    statuses of the demo products by SKU. Needs the categories (``ensure_categories``)."""
    existing = {product.sku: product for product in Product.objects.filter(seller=seller)}
    for sku, title, title_bn, category_id, material, tiers, moq, colour in DEMO_PRODUCTS:
        product = existing.get(sku)
        if product is None:
            product = _create(seller, actor, sku, title, title_bn, category_id, material, tiers, moq, colour)
            if product is None:
                continue
        if product.status in PUBLISHABLE:
            product = services.product_publish(product=product, actor=actor)
        existing[sku] = product
    return {sku: product.status for sku, product in existing.items() if sku in {p[0] for p in DEMO_PRODUCTS}}


def _create(seller, actor, sku, title, title_bn, category_id, material, tiers, moq, colour):
    category = Category.objects.filter(category_id=category_id, is_leaf=True).first()
    if category is None:
        return None
    attributes = {a.attribute_id: a for a in CategoryAttribute.objects.filter(category=category)}

    def value_id(attribute_id, name):
        attribute = attributes.get(attribute_id)
        return next((v["value_id"] for v in (attribute.values if attribute else ()) if v["name"] == name), None)

    product = services.product_create(
        seller=seller,
        actor=actor,
        sku=sku,
        title=title,
        title_bn=title_bn,
        category=category,
        min_order_quantity=moq,
        price_tiers=[(start, Decimal(price)) for start, price in tiers],
        attributes=[
            {"attribute_id": 1, "value_id": value_id(1, "Bangladesh")},
            {"attribute_id": 3, "value_id": value_id(3, material)},
            {"attribute_id": 2, "value_name": "Rupsha"},
        ],
        **COMMON,
    )
    product_image_add(product=product, actor=actor, uploaded=ContentFile(photo(colour, sku), name=f"{sku}.jpg"))
    return product
