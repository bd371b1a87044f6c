"""Placeholders in reply templates, filled from the inquiry, its buyer and the product's trade terms.

``{buyer_name}``, ``{buyer_company}``, ``{buyer_country}``, ``{product}``, ``{quantity}``, ``{moq}`` (the minimum order
with its unit), ``{price}`` (the tier price for the asked quantity, in US dollars) and ``{seller}``. A placeholder
with nothing to fill it (an inquiry about a product we no longer hold has no MOQ) is left as it is, for the seller
to fill by hand; anything else in braces is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from buyers.models import Inquiry
    from catalog.selectors import ProductTerms

PLACEHOLDERS = {
    "buyer_name": _("the buyer's name"),
    "buyer_company": _("the buyer's company"),
    "buyer_country": _("the buyer's country"),
    "product": _("the product's title"),
    "quantity": _("the quantity the buyer asked for"),
    "moq": _("the minimum order quantity"),
    "price": _("the price per unit for that quantity (US$)"),
    "seller": _("your business's name"),
}
_PATTERN = re.compile(r"\{(\w+)\}")


def values_for(*, inquiry: Inquiry, terms: ProductTerms | None, seller_name: str) -> dict[str, str]:
    """The placeholders' values for ``inquiry`` (with its buyer) and ``terms`` (``catalog.selectors.ProductTerms``
    of its product, or ``None``)."""
    buyer = inquiry.buyer
    quantity = f"{inquiry.quantity} {inquiry.quantity_unit.replace('_', ' ')}".strip() if inquiry.quantity else ""
    values = {
        "buyer_name": buyer.name,
        "buyer_company": buyer.company,
        "buyer_country": str(buyer.country.name) if buyer.country else "",
        "product": terms.title if terms else "",
        "quantity": quantity,
        "moq": "",
        "price": "",
        "seller": seller_name,
    }
    if terms is not None:
        if terms.min_order_quantity:
            values["moq"] = f"{terms.min_order_quantity} {terms.unit.replace('_', ' ')}".strip()
        price = terms.price_for(inquiry.quantity)
        if price is not None:
            values["price"] = f"US${price}"
    return values


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each known placeholder that has a value replaced by it."""
    return _PATTERN.sub(lambda match: values.get(match.group(1)) or match.group(0), text)
