"""The demo conversation of ``make run``: the active demo seller (``dxports.demo.ACTIVE_SELLER_EMAIL``) gets
inquiries from buyers in Germany, the USA, Japan, the UAE, the UK and India about its live products, arriving through
the real push path, and answers some of them, with no manual step.

``make run`` sets ``DXPORTS_DEMO=1``, which adds beat's demo steps (every few seconds): ``catalog.demo`` lists the
seller's products once its supplier account and the categories exist; then each ``step`` here does the next thing
that is due and returns what it waits for:

1. a live listing of the seller (the mock reviews after its ``review_delay_s``, 10 s, and pushes the verdict);
2. the buyers: ``POST /_mock/simulate/inquiries`` with the six countries, once (the gateway's threads are the record
   of it), pushed by the mock to ``/hooks/alibaba/`` like any inquiry;
3. answers to three of them through ``buyers.services`` (one quotation), from two saved reply templates.

Idempotent and safe to run concurrently (a lock, and every step checks what exists); once done, a step only looks.
"""

from __future__ import annotations

import logging

import httpx
from django.conf import settings
from django.core.cache import cache

from buyers import placeholders, selectors, services
from buyers.models import Inquiry, Sender
from catalog import selectors as catalog_selectors
from dxports.demo import ACTIVE_SELLER_EMAIL
from dxports.mail import site_url
from sellers import selectors as sellers_selectors

logger = logging.getLogger("dxports.buyers.demo")

COUNTRIES = ["DE", "US", "JP", "AE", "GB", "IN"]
ANSWERED = {"DE": "quotation", "US": "reply", "IN": "reply"}
LOCK = "dxports:buyers:demo"
TEMPLATES = (
    (
        "Thank you + price",
        "Dear {buyer_name},\n\nThank you for your inquiry about our {product}. For {quantity} our price is {price} "
        "per unit FOB Chattogram; our minimum order is {moq}. We ship in about 25 days after the deposit.\n\n"
        "Best regards,\n{seller}",
    ),
    (
        "Samples",
        "Dear {buyer_name},\n\nWe are happy to send samples of our {product} from our workshop in Khulna. The samples "
        "are free; the courier is paid by the buyer.\n\nBest regards,\n{seller}",
    ),
)


def seed(out):
    """Part of ``seed_demo``: the conversation itself comes with ``make run`` (see above)."""
    out.write(
        f"  buyers' inquiries to {ACTIVE_SELLER_EMAIL} arrive within two minutes of `make run` "
        f"({site_url('/dashboard/inquiries/')})"
    )


def _harness():
    return httpx.Client(base_url=settings.ALIBABA_GATEWAY_URL, timeout=10.0)


def step(*, harness=None):
    """Do the next due step of the demo; returns what it did or waits for."""
    if not cache.add(LOCK, 1, timeout=120):
        return "another step is running"
    try:
        if harness is not None:
            return _step(harness)
        with _harness() as client:
            return _step(client)
    finally:
        cache.delete(LOCK)


def demo_member():
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email=ACTIVE_SELLER_EMAIL).first()
    return sellers_selectors.membership_for_user(user=user) if user is not None else None


def _step(harness):
    member = demo_member()
    if member is None:
        return "no demo seller"
    seller, owner = member.seller, member.user
    inquiries = list(Inquiry.objects.filter(seller=seller).select_related("buyer", "product"))
    if len(inquiries) >= len(COUNTRIES) and _answered(inquiries) >= len(ANSWERED):
        return "done"
    supplier_id = sellers_selectors.supplier_id_of(seller_id=seller.pk)
    if supplier_id is None or not catalog_selectors.has_live_products(seller=seller):
        return "waiting for a live listing"
    if len(inquiries) < len(COUNTRIES):
        return ask_buyers(harness, supplier_id=supplier_id)
    answer_some(seller=seller, owner=owner, inquiries=inquiries)
    logger.info("demo: the conversation is ready")
    return "done"


def _answered(inquiries):
    return sum(1 for inquiry in inquiries if inquiry.first_response_at is not None)


def ask_buyers(harness, *, supplier_id):
    """Let one buyer from each country ask about the seller's live products, unless they asked already (the
    gateway's threads are the record of it)."""
    state = harness.get("/_mock/state")
    state.raise_for_status()
    if any(str(thread["supplier_id"]) == str(supplier_id) for thread in state.json()["threads"]):
        return "waiting for the buyers' inquiries"
    answer = harness.post("/_mock/simulate/inquiries", json={"count": len(COUNTRIES), "countries": COUNTRIES})
    answer.raise_for_status()
    logger.info("demo: buyers from %s asked about the live products", ", ".join(COUNTRIES))
    return "buyers asked"


def answer_some(*, seller, owner, inquiries):
    """Answer the inquiries from the countries of ``ANSWERED`` that have no answer yet, from the saved templates
    (made once): a quotation to Germany, replies to the USA and India."""
    templates = {t.name: t for t in selectors.reply_templates_for(seller=seller)}
    for name, body in TEMPLATES:
        if name not in templates:
            templates[name] = services.reply_template_save(seller=seller, name=name, body=body)
    product_ids = [inquiry.product_id for inquiry in inquiries if inquiry.product_id is not None]
    terms = catalog_selectors.product_terms(product_ids=product_ids)
    seller_name = seller.trade_name or seller.legal_name
    answered = 0
    for inquiry in inquiries:
        kind = ANSWERED.get(inquiry.buyer.country.code if inquiry.buyer.country else "")
        if kind is None or inquiry.messages.filter(sender=Sender.SELLER).exists():
            continue
        product_terms = terms.get(inquiry.product_id)
        values = placeholders.values_for(inquiry=inquiry, terms=product_terms, seller_name=seller_name)
        quotation = None
        if kind == "quotation" and product_terms is not None:
            quotation = services.quotation_terms(
                price=product_terms.price_for(inquiry.quantity),
                quantity=inquiry.quantity or product_terms.min_order_quantity,
                unit=product_terms.unit,
                incoterm="FOB",
                port_of_loading="Chattogram",
                lead_time_days=25,
                payment_terms=["T/T", "L/C"],
                sample_terms="Free samples; the courier is paid by the buyer.",
            )
        template = templates["Thank you + price" if kind == "quotation" else "Samples"]
        services.inquiry_reply(
            inquiry=inquiry, actor=owner, content=placeholders.fill(template.body, values), quotation=quotation
        )
        answered += 1
    return answered
