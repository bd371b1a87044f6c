"""Whether a product may be listed, and how good its listing is: every problem at once, each with how to fix it.

Two kinds of problem (``Rule.blocking``):
- blocking: the gateway would refuse the product (docs/gateway.md, "Product rules"), or it breaks one of our own
  hard rules (HS code, prices falling with quantity); a product with one cannot be marked ready;
- advice: what buyers reward (a title of a useful length without repeated words, several images, every attribute
  filled, more than one price tier); it lowers the quality score only.

The checks read a ``Listing``, a plain snapshot of a product's fields and rows, so that the same rules serve a
saved product (``listing_problems``), an API payload and an import row. ``listing_of`` reads a product in a constant
number of queries (none when the caller prefetched ``LISTING_PREFETCH``).
"""

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeGuard

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from catalog.models import (
    MAX_PRICE,
    MAX_TIER_QUANTITY,
    MIN_PRICE,
    PAYMENT_METHODS,
    Category,
    CategoryAttribute,
    InputType,
    Port,
    Product,
    ProductImage,
    Unit,
)
from dxports import numbers
from dxports.rules import Problem as BaseProblem
from dxports.rules import Rule, blocking_first, score, unprintable_shown
from dxports.rules import blocking_problems as blocking_problems

TITLE_MAX = 128
TITLE_SWEET_SPOT = (50, 110)  # long enough to name the product and its material, short enough to read in a list
DESCRIPTION_MAX = 50_000
DESCRIPTION_SHORT = 200
KEYWORDS_MAX = 3
KEYWORD_MAX = 128
IMAGES_MIN, IMAGES_MAX, IMAGES_RECOMMENDED = 1, 6, 3
# The main photo: Alibaba.com's listing guidance asks for at least 640 × 640 pixels, square (1:1), and buyers zoom
# into photos of 800 pixels or more on the short side; a main photo more than 10 % off square is cropped in lists.
MAIN_IMAGE_MIN_SIDE = 640
MAIN_IMAGE_GOOD_SIDE = 800
MAIN_IMAGE_SQUARE_TOLERANCE = 0.10
TIERS_MAX = 4  # the gateway's bulk discount prices
QUANTITY_MAX = 99_999_999
LEAD_TIMES_MAX, LEAD_DAYS_MAX = 4, 365
PACKAGING_MAX = 2000
ATTRIBUTE_TEXT_MAX = 128
HS_CODE = re.compile(r"[0-9]{6,10}")
HS_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]")  # how people write HS codes: 6305.10, 6305 10, 6305-10
STUFFING_REPEATS = 3
# Words a good title may repeat without stuffing it.
TITLE_STOPWORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with"})

LISTING_PREFETCH = ("price_tiers", "images", "attribute_values__attribute", "category__attributes")


RULES = {
    # The gateway's rules and our hard ones.
    "title_missing": Rule(True, 15, _("The English title is missing."), _("Enter a title in English.")),
    "title_too_long": Rule(
        True,
        15,
        _("The English title has %(length)d characters; Alibaba.com accepts at most 128."),
        _("Shorten the title to 128 characters or fewer."),
    ),
    "title_not_ascii": Rule(
        True,
        15,
        _("The English title contains characters Alibaba.com does not accept: %(chars)s."),
        _("Use English letters, digits and common punctuation on one line; the Bengali title has its own field."),
    ),
    "description_missing": Rule(True, 10, _("The description is missing."), _("Describe the product.")),
    "description_too_long": Rule(
        True,
        10,
        _("The description has %(length)d characters; Alibaba.com accepts at most 50,000."),
        _("Shorten the description."),
    ),
    "category_missing": Rule(True, 15, _("No category is chosen."), _("Choose the category of the product.")),
    "category_not_leaf": Rule(
        True,
        15,
        _("“%(name)s” is a group of categories, not a category."),
        _("Choose one of the categories inside “%(name)s”."),
    ),
    "keywords_too_many": Rule(
        True, 5, _("There are %(count)d keywords; Alibaba.com accepts at most 3."), _("Keep the 3 best keywords.")
    ),
    "keyword_separator": Rule(
        True,
        5,
        _("The keyword “%(keyword)s” contains a comma or semicolon."),
        _("Enter each keyword separately, without commas or semicolons."),
    ),
    "keyword_length": Rule(
        True, 5, _("A keyword is empty or longer than 128 characters."), _("Enter keywords of 1 to 128 characters.")
    ),
    "hs_code_missing": Rule(
        True,
        5,
        _("The HS code is missing."),
        _("Enter the product's HS code (6 to 10 digits) from the customs tariff."),
    ),
    "hs_code_invalid": Rule(
        True, 5, _("“%(value)s” is not an HS code."), _("Enter 6 to 10 digits, without dots or spaces.")
    ),
    "attribute_required_missing": Rule(
        True, 10, _("“%(name)s” is required in this category."), _("Fill in “%(name)s”.")
    ),
    "attribute_not_in_category": Rule(
        True,
        5,
        _("“%(name)s” belongs to another category."),
        _("Remove “%(name)s” and fill in the attributes of the product's category."),
    ),
    "attribute_value_not_allowed": Rule(
        True,
        10,
        _("“%(value)s” is not one of the values of “%(name)s”."),
        _("Choose one of: %(allowed)s."),
    ),
    "attribute_text_invalid": Rule(
        True,
        5,
        _("“%(name)s” must be text of 1 to 128 characters."),
        _("Enter “%(name)s” as text of at most 128 characters."),
    ),
    "attribute_repeated": Rule(
        True,
        5,
        _("“%(name)s” is given more than once."),
        _("Keep one value of “%(name)s” (or different values, where several are allowed)."),
    ),
    "images_missing": Rule(True, 15, _("The product has no image."), _("Upload at least one photo (JPEG or PNG).")),
    "images_too_many": Rule(
        True, 5, _("The product has %(count)d images; Alibaba.com shows at most 6."), _("Remove images to keep 6.")
    ),
    "price_tiers_missing": Rule(
        True, 15, _("The product has no price."), _("Enter the FOB price in US dollars and the quantity it starts at.")
    ),
    "price_tiers_too_many": Rule(
        True, 5, _("There are %(count)d price tiers; Alibaba.com accepts at most 4."), _("Keep at most 4 price tiers.")
    ),
    "price_tier_quantity": Rule(
        True,
        5,
        _("The start quantity %(quantity)s is not between 1 and 99,999."),
        _("Enter a start quantity from 1 to 99,999."),
    ),
    "price_tier_order": Rule(
        True,
        5,
        _("The start quantity %(quantity)s is not larger than the one before it."),
        _("Give each price tier a larger start quantity than the one before."),
    ),
    "price_tier_price": Rule(
        True,
        5,
        _("The price US$%(price)s is not between US$0.01 and US$9,999,999.00 with at most 2 decimals."),
        _("Enter a price from 0.01 to 9,999,999.00 US dollars, in cents at most."),
    ),
    "price_tier_rising": Rule(
        True,
        5,
        _("The price from %(quantity)s units (US$%(price)s) is higher than for fewer units (US$%(before)s)."),
        _("Make prices fall or stay equal as the quantity grows."),
    ),
    "moq_missing": Rule(
        True,
        10,
        _("The minimum order quantity is missing or not between 1 and 99,999,999."),
        _("Enter the smallest quantity you sell in one order."),
    ),
    "unit_missing": Rule(True, 10, _("The unit is missing."), _("Choose the unit the quantities and prices are in.")),
    "supply_missing": Rule(
        True,
        10,
        _("The supply ability is missing."),
        _("Enter how much you can supply (1 to 99,999,999) and per which period."),
    ),
    "port_missing": Rule(True, 10, _("The port of shipment is missing."), _("Choose the port you ship from.")),
    "payment_terms_missing": Rule(
        True, 10, _("No payment terms are chosen."), _("Choose the payment terms you accept, such as T/T or L/C.")
    ),
    "payment_terms_invalid": Rule(
        True,
        5,
        _("“%(value)s” is not a payment term Alibaba.com knows, or is given twice."),
        _("Choose each payment term once, among: %(allowed)s."),
    ),
    "lead_times_missing": Rule(
        True, 10, _("The lead time is missing."), _("Enter how many days you need to ship an order of a quantity.")
    ),
    "lead_times_invalid": Rule(
        True,
        5,
        _("The lead times must be 1 to 4, each a quantity and 1 to 365 days, with quantities growing."),
        _("Correct the lead times: one line per quantity, the smallest quantity first."),
    ),
    "packaging_too_long": Rule(
        True,
        5,
        _("The packaging description has %(length)d characters; Alibaba.com accepts at most 2,000."),
        _("Shorten the packaging description."),
    ),
    # What buyers reward.
    "title_length": Rule(
        False,
        5,
        _("The title has %(length)d characters; titles of 50 to 110 characters are found and read best."),
        _(
            "Name the product, its material and its main feature, for example “Eco-friendly Jute Shopping Bag with "
            "Cotton Handles”."
        ),
    ),
    "title_stuffing": Rule(
        False,
        10,
        _("The title repeats “%(words)s”; repeated words look like keyword stuffing and rank lower."),
        _("Use each word once in the title and put other search words in the keywords."),
    ),
    "keywords_none": Rule(False, 5, _("The product has no keywords."), _("Add up to 3 words buyers would search for.")),
    "description_short": Rule(
        False,
        5,
        _("The description is short (%(length)d characters)."),
        _("Describe size, material, finish, packing and customisation in at least 200 characters."),
    ),
    "images_few": Rule(
        False,
        8,
        _("The product has %(count)d image(s); listings with 3 or more get more inquiries."),
        _("Add photos from other angles, in use and in its packing."),
    ),
    "main_image_small": Rule(
        False,
        20,
        _(
            "The main photo is %(width)d × %(height)d pixels; Alibaba.com asks for at least 640 × 640, and buyers "
            "cannot zoom into a smaller one."
        ),
        _("Upload a main photo of at least 800 pixels on its short side (a phone camera's photo is plenty)."),
    ),
    "main_image_soft": Rule(
        False,
        5,
        _("The main photo is %(width)d × %(height)d pixels; buyers zoom into photos of 800 pixels or more."),
        _("Upload a main photo of at least 800 pixels on its short side."),
    ),
    "main_image_not_square": Rule(
        False,
        5,
        _(
            "The main photo is %(width)d × %(height)d pixels, not square; Alibaba.com shows main photos square "
            "(1:1) and crops the others."
        ),
        _("Crop the main photo square, with the whole product in the middle on a plain light background."),
    ),
    "attribute_optional_missing": Rule(
        False, 3, _("“%(name)s” is not filled in."), _("Fill in “%(name)s”: buyers filter by it.")
    ),
    "price_tiers_single": Rule(
        False,
        5,
        _("The product has one price."),
        _("Add a lower price for larger orders: buyers compare volume prices."),
    ),
}
# A product the gateway would refuse is never scored above this, however good the rest is.
BLOCKED_SCORE_CAP = 50


class Problem(BaseProblem):
    """One problem of a listing. ``field`` names the product field (``title``, ``price_tiers[1]``,
    ``attributes.<gateway attribute id>``); ``message`` and ``fix`` are translated when read."""

    rules = RULES


@dataclass(frozen=True)
class AttributeValue:
    attribute: CategoryAttribute
    value_id: int | None
    value_name: str


@dataclass(frozen=True)
class Listing:
    """What the rules read. ``category_attributes`` are the chosen category's; ``tiers`` are
    ``(start_quantity, price)`` in the seller's order; ``images`` the images' content hashes."""

    title: str = ""
    description: str = ""
    category: Category | None = None
    category_attributes: tuple[CategoryAttribute, ...] = ()
    keywords: tuple[str, ...] = ()
    hs_code: str = ""
    min_order_quantity: int | None = None
    unit: str = ""
    supply_quantity: int | None = None
    supply_period: str = ""
    lead_times: tuple[object, ...] = ()  # {"quantity", "days"} each, as given: the rules check them
    port: str = ""
    payment_terms: tuple[str, ...] = ()
    packaging: str = ""
    tiers: tuple[tuple[Any, Any], ...] = ()  # (start_quantity, price) as given: the rules check them
    attribute_values: tuple[AttributeValue, ...] = ()
    images: tuple[str, ...] = ()
    main_image_size: tuple[int, int] | None = None  # (width, height) of the main image, when known


def listing_of(product: Product) -> Listing:
    """The ``Listing`` of a saved product; prefetches what is not prefetched yet (``LISTING_PREFETCH``)."""
    prefetch_related_objects([product], *LISTING_PREFETCH)
    category = product.category
    images = list(product.images.all())  # in order: the first is the main image
    return Listing(
        title=product.title,
        description=product.description,
        category=category,
        category_attributes=tuple(category.attributes.all()) if category else (),
        keywords=tuple(product.keywords or ()),
        hs_code=product.hs_code,
        min_order_quantity=product.min_order_quantity,
        unit=product.unit,
        supply_quantity=product.supply_quantity,
        supply_period=product.supply_period,
        lead_times=tuple(product.lead_times or ()),
        port=product.port,
        payment_terms=tuple(product.payment_terms or ()),
        packaging=product.packaging,
        tiers=tuple((tier.start_quantity, tier.price) for tier in product.price_tiers.all()),
        attribute_values=tuple(
            AttributeValue(value.attribute, value.value_id, value.value_name)
            for value in product.attribute_values.all()
        ),
        images=tuple(image.sha256 for image in images),
        main_image_size=_size_of(images[0]) if images else None,
    )


def _size_of(image: ProductImage) -> tuple[int, int] | None:
    return (image.width, image.height) if image.width and image.height else None


def listing_problems(product: Product) -> list[Problem]:
    """Every problem of ``product``, blocking ones first, each once."""
    return problems_of(listing_of(product))


def problems_of(listing: Listing) -> list[Problem]:
    problems = [
        *_title(listing),
        *_description(listing),
        *_category(listing),
        *_keywords(listing),
        *_hs_code(listing),
        *_attributes(listing),
        *_images(listing),
        *_tiers(listing),
        *_trade(listing),
    ]
    return blocking_first(problems)


def quality_score(problems: Sequence[Problem]) -> int:
    """0 to 100 for a listing's ``problems``: 100 when nothing can be improved; at most ``BLOCKED_SCORE_CAP`` while a
    blocking problem remains."""
    return score(problems, blocked_cap=BLOCKED_SCORE_CAP)


# The checks -----------------------------------------------------------------------------------------------------------


def _title(listing: Listing) -> Iterator[Problem]:
    title = listing.title or ""
    if not title.strip():
        yield Problem("title", "title_missing")
        return
    if len(title) > TITLE_MAX:
        yield Problem("title", "title_too_long", {"length": len(title)})
    shown = unprintable_shown(title)
    if shown:
        yield Problem("title", "title_not_ascii", {"chars": shown})
    if not TITLE_SWEET_SPOT[0] <= len(title) <= TITLE_SWEET_SPOT[1] and len(title) <= TITLE_MAX:
        yield Problem("title", "title_length", {"length": len(title)})
    words = Counter(word for word in re.findall(r"\w+", title.casefold()) if word not in TITLE_STOPWORDS)
    repeated = sorted(word for word, count in words.items() if count >= STUFFING_REPEATS)
    if repeated:
        yield Problem("title", "title_stuffing", {"words": ", ".join(repeated)})


def _description(listing: Listing) -> Iterator[Problem]:
    description = listing.description or ""
    if not description.strip():
        yield Problem("description", "description_missing")
    elif len(description) > DESCRIPTION_MAX:
        yield Problem("description", "description_too_long", {"length": len(description)})
    elif len(description) < DESCRIPTION_SHORT:
        yield Problem("description", "description_short", {"length": len(description)})


def _category(listing: Listing) -> Iterator[Problem]:
    if listing.category is None:
        yield Problem("category", "category_missing")
    elif not listing.category.is_leaf:
        yield Problem("category", "category_not_leaf", {"name": listing.category.display_name})


def _keywords(listing: Listing) -> Iterator[Problem]:
    keywords = listing.keywords
    if not keywords:
        yield Problem("keywords", "keywords_none")
        return
    if len(keywords) > KEYWORDS_MAX:
        yield Problem("keywords", "keywords_too_many", {"count": len(keywords)})
    for index, keyword in enumerate(keywords):
        keyword = str(keyword)
        if not keyword.strip() or len(keyword) > KEYWORD_MAX:
            yield Problem(f"keywords[{index}]", "keyword_length")
        elif "," in keyword or ";" in keyword:
            yield Problem(f"keywords[{index}]", "keyword_separator", {"keyword": keyword})


def normalize_hs_code(text: str | None) -> str:
    """An HS code as stored: Bengali digits written as ASCII (``dxports.numbers``), the dots, spaces and dashes people
    write in it left out. Every entry point (the form, the import, the partner API) stores what this returns; what is
    left that is not 6 to 10 ASCII digits (a superscript, a letter) is then ``hs_code_invalid``."""
    return HS_SEPARATORS.sub("", numbers.to_ascii(text or ""))


def hs_code_problems(value: str) -> list[Problem]:
    """The rule problems of an HS code as stored; none for an empty one (a draft may lack it)."""
    return list(_hs_code(Listing(hs_code=value))) if value else []


def _hs_code(listing: Listing) -> Iterator[Problem]:
    if not listing.hs_code:
        yield Problem("hs_code", "hs_code_missing")
    elif not HS_CODE.fullmatch(listing.hs_code):
        yield Problem("hs_code", "hs_code_invalid", {"value": listing.hs_code})


def _attributes(listing: Listing) -> Iterator[Problem]:
    if listing.category is None or not listing.category.is_leaf:
        return  # the category's own problem says what to do first
    given: dict[int, list[int | str]] = {}
    for value in listing.attribute_values:
        attribute = value.attribute
        path = f"attributes.{attribute.attribute_id}"
        params = {"name": attribute.display_name}
        if attribute.category_id != listing.category.pk:
            yield Problem(path, "attribute_not_in_category", params)
            continue
        earlier = given.setdefault(attribute.attribute_id, [])
        key: int | str | None
        if attribute.input_type == InputType.INPUT:
            text = (value.value_name or "").strip()
            if value.value_id is not None or not text or len(text) > ATTRIBUTE_TEXT_MAX:
                yield Problem(path, "attribute_text_invalid", params)
                continue
            key = text
        else:
            names = attribute.value_names
            if value.value_id is not None:
                key = value.value_id if value.value_id in names else None
            else:
                by_name = {name.casefold(): value_id for value_id, name in names.items()}
                key = by_name.get((value.value_name or "").casefold())
            if key is None:
                allowed = ", ".join(attribute.display_value_names.values())
                shown = value.value_name or value.value_id
                yield Problem(path, "attribute_value_not_allowed", {**params, "value": shown, "allowed": allowed})
                continue
        if earlier and (attribute.input_type != InputType.MULTI_SELECT or key in earlier):
            yield Problem(path, "attribute_repeated", params)
            continue
        earlier.append(key)
    for attribute in listing.category_attributes:
        if attribute.attribute_id in given:
            continue
        code = "attribute_required_missing" if attribute.is_required else "attribute_optional_missing"
        yield Problem(f"attributes.{attribute.attribute_id}", code, {"name": attribute.display_name})


def _images(listing: Listing) -> Iterator[Problem]:
    count = len(listing.images)
    if count < IMAGES_MIN:
        yield Problem("images", "images_missing")
    elif count > IMAGES_MAX:
        yield Problem("images", "images_too_many", {"count": count})
    elif count < IMAGES_RECOMMENDED:
        yield Problem("images", "images_few", {"count": count})
    if count and listing.main_image_size:
        width, height = listing.main_image_size
        params = {"width": width, "height": height}
        if min(width, height) < MAIN_IMAGE_MIN_SIDE:
            yield Problem("images[0]", "main_image_small", params)
        elif min(width, height) < MAIN_IMAGE_GOOD_SIDE:
            yield Problem("images[0]", "main_image_soft", params)
        if abs(width - height) > MAIN_IMAGE_SQUARE_TOLERANCE * max(width, height):
            yield Problem("images[0]", "main_image_not_square", params)


def _tiers(listing: Listing) -> Iterator[Problem]:
    tiers = listing.tiers
    if not tiers:
        yield Problem("price_tiers", "price_tiers_missing")
        return
    if len(tiers) > TIERS_MAX:
        yield Problem("price_tiers", "price_tiers_too_many", {"count": len(tiers)})
    previous = None
    for index, (quantity, price) in enumerate(tiers):
        path = f"price_tiers[{index}]"
        quantity_ok = isinstance(quantity, int) and 1 <= quantity <= MAX_TIER_QUANTITY
        if not quantity_ok:
            yield Problem(f"{path}.start_quantity", "price_tier_quantity", {"quantity": quantity})
        price_ok = is_price(price)
        if not price_ok:
            yield Problem(f"{path}.price", "price_tier_price", {"price": price})
        if quantity_ok and price_ok:
            if previous is not None:
                if quantity <= previous[0]:
                    yield Problem(f"{path}.start_quantity", "price_tier_order", {"quantity": quantity})
                elif Decimal(price) > Decimal(previous[1]):
                    params = {"quantity": quantity, "price": price, "before": previous[1]}
                    yield Problem(f"{path}.price", "price_tier_rising", params)
            previous = (quantity, price)
    if len(tiers) == 1:
        yield Problem("price_tiers", "price_tiers_single")


def in_cents(amount: Decimal) -> bool:
    """Finite, with two decimal places at most (2.5 and 2.50, not 2.505)."""
    exponent = amount.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -2  # not an int for NaN and infinities


def is_price(value: object) -> TypeGuard[Decimal | int | str]:
    """A price the gateway accepts: US$0.01 to US$9,999,999.00, in cents at most."""
    if not isinstance(value, Decimal | int | str) or isinstance(value, bool):
        return False
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return False
    return in_cents(amount) and MIN_PRICE <= amount <= MAX_PRICE


def _quantity(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= QUANTITY_MAX


def _trade(listing: Listing) -> Iterator[Problem]:
    if not _quantity(listing.min_order_quantity):
        yield Problem("min_order_quantity", "moq_missing")
    if listing.unit not in Unit.values:
        yield Problem("unit", "unit_missing")
    if not _quantity(listing.supply_quantity) or not listing.supply_period:
        yield Problem("supply_quantity", "supply_missing")
    if listing.port not in Port.values:
        yield Problem("port", "port_missing")
    yield from _payment_terms(listing.payment_terms)
    yield from _lead_times(listing.lead_times)
    if len(listing.packaging or "") > PACKAGING_MAX:
        yield Problem("packaging", "packaging_too_long", {"length": len(listing.packaging)})


def _payment_terms(terms: tuple[str, ...]) -> Iterator[Problem]:
    if not terms:
        yield Problem("payment_terms", "payment_terms_missing")
        return
    for index, term in enumerate(terms):
        if term not in PAYMENT_METHODS or term in terms[:index]:
            params = {"value": term, "allowed": ", ".join(PAYMENT_METHODS)}
            yield Problem(f"payment_terms[{index}]", "payment_terms_invalid", params)


def _lead_times(lead_times: tuple[object, ...]) -> Iterator[Problem]:
    if not lead_times:
        yield Problem("lead_times", "lead_times_missing")
        return
    previous = 0
    valid = len(lead_times) <= LEAD_TIMES_MAX
    for item in lead_times:
        quantity = item.get("quantity") if isinstance(item, Mapping) else None
        days = item.get("days") if isinstance(item, Mapping) else None
        if not (_quantity(quantity) and isinstance(days, int) and 1 <= days <= LEAD_DAYS_MAX and quantity > previous):
            valid = False
            break
        previous = quantity
    if not valid:
        yield Problem("lead_times", "lead_times_invalid")
