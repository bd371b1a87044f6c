"""The rules of the gateway's structured parameters: a product (add, update), a quotation (inquiry reply) and a
company profile (``profile_rules``).

Fields are checked in the order of the protocol's field list and the first broken rule is answered, naming the
field by its path (``subject``, ``sourcing_trade.fob_min_price``, ``attributes[2].value_id``). Answers hold the
normalized value: prices as strings with two decimals, quantities as integers, attribute values with both their id
and name.
"""

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from .catalog_seed import Attribute, Catalog, Category
from .errors import invalid, missing

UNITS = (
    "piece", "pair", "set", "dozen", "kilogram", "metric_ton", "meter", "square_meter", "bag", "carton", "box", "roll",
)  # fmt: skip
SUPPLY_PERIODS = ("day", "week", "month", "quarter", "year")
PAYMENT_METHODS = ("T/T", "L/C", "D/P", "D/A", "Western Union", "MoneyGram", "PayPal")
MIN_PRICE, MAX_PRICE = Decimal("0.01"), Decimal("9999999.00")
MAX_QUANTITY = 99_999_999

PRODUCT_FIELDS = (
    "subject", "category_id", "keywords", "attributes", "main_image", "sourcing_trade", "bulk_discount_prices",
    "description", "custom_code",
)  # fmt: skip
TRADE_FIELDS = (
    "fob_currency", "fob_min_price", "fob_max_price", "fob_unit_type", "min_order_quantity", "supply_quantity",
    "supply_period_type", "delivery_port", "payment_methods", "deliver_periods", "packaging_desc",
)  # fmt: skip
QUOTATION_FIELDS = (
    "currency", "price", "quantity", "unit", "incoterm", "port_of_loading", "destination", "lead_time_days",
    "payment_terms", "valid_until", "valid_days", "sample_terms",
)  # fmt: skip
INCOTERMS = ("EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP")
# The seller hands the goods to a carrier it did not choose (EXW at its door, FCA at a named place): no port of
# loading is the seller's to name. Under every other term the seller moves the goods to or through a port.
WITHOUT_PORT_OF_LOADING = ("EXW", "FCA")
# C and D terms name the place of destination the seller pays carriage (and, for D terms, delivers) to.
WITH_DESTINATION = ("CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP")
MAX_VALIDITY_DAYS = 180
DEFAULT_VALIDITY_DAYS = 30
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_product(raw: str | None, *, catalog: Catalog, owns_photo: Callable[[str], bool]) -> dict[str, Any]:
    """The normalized product of the ``product`` parameter, or the ``ApiError`` of its first broken rule."""
    product = _json_object(raw, "product")
    _known_keys(product, PRODUCT_FIELDS, "")
    subject = _subject(_required(product, "subject", "subject"))
    category = _category(_required(product, "category_id", "category_id"), catalog)
    return {
        "subject": subject,
        "category_id": category.category_id,
        "keywords": _keywords(product.get("keywords")),
        "attributes": _attributes(_required(product, "attributes", "attributes"), category),
        "main_image": {"images": _images(_required(product, "main_image", "main_image"), owns_photo)},
        "sourcing_trade": _sourcing_trade(_required(product, "sourcing_trade", "sourcing_trade")),
        "bulk_discount_prices": _bulk_discount_prices(product.get("bulk_discount_prices")),
        "description": _string(_required(product, "description", "description"), "description", 50_000),
        "custom_code": _optional_string(product.get("custom_code"), "custom_code", 64),
    }


def parse_quotation(raw: str | None, *, today: date) -> dict[str, Any] | None:
    """The normalized quotation of the ``quotation`` parameter (``None`` when absent), or the ``ApiError`` of its
    first broken rule. ``today`` is the gateway's UTC date: the offer must hold at least until then."""
    if raw is None or raw == "":
        return None
    quotation = _json_object(raw, "quotation")
    _known_keys(quotation, QUOTATION_FIELDS, "quotation.")
    field = _reader(quotation, "quotation")

    if field("currency") != "USD":
        raise invalid("quotation.currency", "must be USD")
    price = _price(field("price"), "quotation.price")
    quantity = _integer(field("quantity"), "quotation.quantity", 1)
    unit = _choice(field("unit"), "quotation.unit", UNITS)
    incoterm = _choice(field("incoterm"), "quotation.incoterm", INCOTERMS)
    port = quotation.get("port_of_loading")
    if port is None and incoterm not in WITHOUT_PORT_OF_LOADING:
        raise missing("quotation.port_of_loading", f"is required with {incoterm} (every term but EXW and FCA)")
    destination = quotation.get("destination")
    if destination is None and incoterm in WITH_DESTINATION:
        raise missing("quotation.destination", f"is required with {incoterm}: the named place or port of destination")
    return {
        "price": price,
        "currency": "USD",
        "quantity": quantity,
        "unit": unit,
        "incoterm": incoterm,
        "port_of_loading": _optional_string(port, "quotation.port_of_loading", 128),
        "destination": _optional_string(destination, "quotation.destination", 128),
        "lead_time_days": _integer(field("lead_time_days"), "quotation.lead_time_days", 1, 365),
        "payment_terms": _payment_methods(field("payment_terms"), "quotation.payment_terms"),
        "valid_until": _valid_until(quotation, today).isoformat(),
        "sample_terms": _optional_string(quotation.get("sample_terms"), "quotation.sample_terms", 1000) or "",
    }


def _valid_until(quotation: dict[str, Any], today: date) -> date:
    """``valid_until`` (a date), or ``valid_days`` from today (the older form), never both; 30 days by default."""
    until, days = quotation.get("valid_until"), quotation.get("valid_days")
    if until is not None and days is not None:
        raise invalid("quotation.valid_days", "cannot be sent with valid_until: send valid_until only")
    if days is not None:
        return today + timedelta(days=_integer(days, "quotation.valid_days", 1, MAX_VALIDITY_DAYS))
    if until is None:
        return today + timedelta(days=DEFAULT_VALIDITY_DAYS)
    moment = _date(until, "quotation.valid_until")
    if not today <= moment <= today + timedelta(days=MAX_VALIDITY_DAYS):
        raise invalid(
            "quotation.valid_until",
            f"must be from today ({today.isoformat()}, UTC) to {MAX_VALIDITY_DAYS} days ahead (it is {until})",
        )
    return moment


def _date(value: Any, path: str) -> date:
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise invalid(path, f"must be a date YYYY-MM-DD (it is {value!r})")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(path, f"is not a calendar date ({value})") from None


def _json_object(raw: str | None, field: str) -> dict[str, Any]:
    if raw is None or raw == "":
        raise missing(field)
    try:
        value = json.loads(raw)
    except ValueError:
        raise invalid(field, "is not valid JSON") from None
    if not isinstance(value, dict):
        raise invalid(field, "must be a JSON object")
    return value


def _known_keys(value: dict[str, Any], known: tuple[str, ...], prefix: str) -> None:
    for key in value:
        if key not in known:
            raise invalid(f"{prefix}{key}", f"is not a known field (known: {', '.join(known)})")


def _required(value: dict[str, Any], key: str, path: str) -> Any:
    if value.get(key) is None:
        raise missing(path)
    return value[key]


def _reader(value: dict[str, Any], path: str) -> Callable[[str], Any]:
    """``read(key)``: ``value[key]``, or ``MissingParameter`` naming ``<path>.<key>``."""
    return lambda key: _required(value, key, f"{path}.{key}")


def _string(value: Any, path: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise invalid(path, "must be a string")
    if not value.strip():
        raise invalid(path, "must not be empty")
    if len(value) > max_length:
        raise invalid(path, f"must be at most {max_length} characters (it has {len(value)})")
    return value


def _optional_string(value: Any, path: str, max_length: int) -> str | None:
    return None if value is None else _string(value, path, max_length)


def _integer(value: Any, path: str, minimum: int, maximum: int = MAX_QUANTITY) -> int:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(path, "must be an integer")
    if not minimum <= value <= maximum:
        raise invalid(path, f"must be between {minimum} and {maximum} (it is {value})")
    return value


def _price(value: Any, path: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise invalid(path, "must be a decimal number")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise invalid(path, "must be a decimal number") from None
    exponent = amount.as_tuple().exponent  # an int for a finite amount
    if not amount.is_finite() or (isinstance(exponent, int) and exponent < -2):
        raise invalid(path, "must be a decimal number with at most 2 decimal places")
    if not MIN_PRICE <= amount <= MAX_PRICE:
        raise invalid(path, f"must be between {MIN_PRICE} and {MAX_PRICE} (it is {value})")
    return f"{amount:.2f}"


def _list(value: Any, path: str, minimum: int, maximum: int) -> list[Any]:
    if not isinstance(value, list):
        raise invalid(path, "must be a JSON array")
    if not minimum <= len(value) <= maximum:
        raise invalid(path, f"must have {minimum} to {maximum} items (it has {len(value)})")
    return value


def _choice(value: Any, path: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise invalid(path, f"must be one of {', '.join(choices)} (it is {value!r})")
    return value


def _subject(value: Any) -> str:
    subject = _string(value, "subject", 128)
    for position, char in enumerate(subject):
        if not " " <= char <= "~":
            raise invalid("subject", f"must be ASCII only (printable, one line): {char!r} at {position} is not")
    return subject


def _category(value: Any, catalog: Catalog) -> Category:
    category_id = _integer(value, "category_id", 1, 10**12)
    category = catalog.categories.get(category_id)
    if category is None:
        raise invalid("category_id", f"{category_id} is not a category")
    if not category.leaf:
        raise invalid("category_id", f"{category_id} ({category.name}) is not a leaf category")
    return category


def _keywords(value: Any) -> list[str]:
    if value is None:
        return []
    keywords = _list(value, "keywords", 0, 3)
    for index, keyword in enumerate(keywords):
        path = f"keywords[{index}]"
        _string(keyword, path, 128)
        if "," in keyword or ";" in keyword:
            raise invalid(path, "must not contain ',' or ';' (send up to 3 separate keywords)")
    return keywords


def _attributes(value: Any, category: Category) -> list[dict[str, Any]]:
    known = {attribute.attribute_id: attribute for attribute in category.attributes}
    seen: dict[int, list[str]] = {}
    result = []
    for index, item in enumerate(_list(value, "attributes", 0, 100)):
        path = f"attributes[{index}]"
        if not isinstance(item, dict):
            raise invalid(path, "must be an object {attribute_id, value_id | value_name}")
        _known_keys(item, ("attribute_id", "value_id", "value_name"), f"{path}.")
        attribute_id = _integer(_required(item, "attribute_id", f"{path}.attribute_id"), f"{path}.attribute_id", 1)
        attribute = known.get(attribute_id)
        if attribute is None:
            why = f"{attribute_id} is not an attribute of category {category.category_id}"
            raise invalid(f"{path}.attribute_id", why)
        value_id, value_name = _attribute_value(item, attribute, path)
        earlier = seen.setdefault(attribute_id, [])
        if earlier and attribute.input_type != "multi_select":
            raise invalid(f"{path}.attribute_id", f"{attribute_id} ({attribute.name}) takes one value, given twice")
        if value_name in earlier:
            raise invalid(path, f"repeats the value {value_name!r} of {attribute.name}")
        earlier.append(value_name)
        result.append({"attribute_id": attribute_id, "attribute_name": attribute.name, "value_id": value_id,
                       "value_name": value_name})  # fmt: skip
    for attribute in category.attributes:
        if attribute.required and attribute.attribute_id not in seen:
            raise missing(
                "attributes",
                f"must include the required attribute {attribute.name} (attribute_id {attribute.attribute_id})"
                f" of category {category.category_id}",
            )
    return result


def _attribute_value(item: dict[str, Any], attribute: Attribute, path: str) -> tuple[int | None, str]:
    value_id, value_name = item.get("value_id"), item.get("value_name")
    if attribute.input_type == "input":
        if value_id is not None:
            raise invalid(f"{path}.value_id", f"is not accepted: {attribute.name} is free text, send value_name")
        if value_name is None:
            raise missing(f"{path}.value_name", f"is required: {attribute.name} is free text")
        return None, _string(value_name, f"{path}.value_name", 128)
    allowed = ", ".join(f"{name} ({vid})" for vid, name in attribute.values)
    if value_id is not None:
        value_id = _integer(value_id, f"{path}.value_id", 1, 10**12)
        if value_id not in attribute.by_id:
            raise invalid(f"{path}.value_id", f"{value_id} is not a value of {attribute.name}; allowed: {allowed}")
        name = attribute.by_id[value_id]
        if value_name is not None and str(value_name).casefold() != name.casefold():
            raise invalid(f"{path}.value_name", f"{value_name!r} does not match value_id {value_id} ({name})")
        return value_id, name
    if value_name is None:
        raise missing(f"{path}.value_id", "or value_name is required")
    match = attribute.by_name.get(str(value_name).casefold())
    if match is None:
        raise invalid(f"{path}.value_name", f"{value_name!r} is not a value of {attribute.name}; allowed: {allowed}")
    return match


def _images(value: Any, owns_photo: Callable[[str], bool]) -> list[str]:
    if not isinstance(value, dict):
        raise invalid("main_image", 'must be an object {"images": [photobank URLs]}')
    _known_keys(value, ("images",), "main_image.")
    images = _list(_required(value, "images", "main_image.images"), "main_image.images", 1, 6)
    for index, url in enumerate(images):
        path = f"main_image.images[{index}]"
        if not isinstance(url, str) or not owns_photo(url):
            raise invalid(path, "is not a photobank URL of this supplier (upload with /alibaba/icbu/photobank/upload)")
        if url in images[:index]:
            raise invalid(path, f"repeats main_image.images[{images.index(url)}]")
    return images


def _sourcing_trade(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid("sourcing_trade", "must be an object")
    _known_keys(value, TRADE_FIELDS, "sourcing_trade.")
    field = _reader(value, "sourcing_trade")

    if field("fob_currency") != "USD":
        raise invalid("sourcing_trade.fob_currency", "must be USD")
    low = _price(field("fob_min_price"), "sourcing_trade.fob_min_price")
    high = _price(field("fob_max_price"), "sourcing_trade.fob_max_price")
    if Decimal(high) < Decimal(low):
        raise invalid("sourcing_trade.fob_max_price", f"must not be below fob_min_price ({high} < {low})")
    packaging = value.get("packaging_desc")
    return {
        "fob_currency": "USD",
        "fob_min_price": low,
        "fob_max_price": high,
        "fob_unit_type": _choice(field("fob_unit_type"), "sourcing_trade.fob_unit_type", UNITS),
        "min_order_quantity": _integer(field("min_order_quantity"), "sourcing_trade.min_order_quantity", 1),
        "supply_quantity": _integer(field("supply_quantity"), "sourcing_trade.supply_quantity", 1),
        "supply_period_type": _choice(field("supply_period_type"), "sourcing_trade.supply_period_type", SUPPLY_PERIODS),
        "delivery_port": _string(field("delivery_port"), "sourcing_trade.delivery_port", 128),
        "payment_methods": _payment_methods(field("payment_methods"), "sourcing_trade.payment_methods"),
        "deliver_periods": _deliver_periods(field("deliver_periods")),
        "packaging_desc": "" if packaging is None else _string(packaging, "sourcing_trade.packaging_desc", 2000),
    }


def _payment_methods(value: Any, path: str) -> list[str]:
    methods = _list(value, path, 1, len(PAYMENT_METHODS))
    for index, method in enumerate(methods):
        item = f"{path}[{index}]"
        _choice(method, item, PAYMENT_METHODS)
        if method in methods[:index]:
            raise invalid(item, f"repeats {method}")
    return methods


def _deliver_periods(value: Any) -> list[dict[str, int]]:
    result: list[dict[str, int]] = []
    for index, period in enumerate(_list(value, "sourcing_trade.deliver_periods", 1, 4)):
        path = f"sourcing_trade.deliver_periods[{index}]"
        if not isinstance(period, dict):
            raise invalid(path, "must be an object {quantity, days}")
        _known_keys(period, ("quantity", "days"), f"{path}.")
        quantity = _integer(_required(period, "quantity", f"{path}.quantity"), f"{path}.quantity", 1)
        days = _integer(_required(period, "days", f"{path}.days"), f"{path}.days", 1, 365)
        if result and quantity <= result[-1]["quantity"]:
            raise invalid(f"{path}.quantity", "must be greater than the quantity before it")
        result.append({"quantity": quantity, "days": days})
    return result


def _bulk_discount_prices(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    result: list[dict[str, Any]] = []
    for index, tier in enumerate(_list(value, "bulk_discount_prices", 0, 4)):
        path = f"bulk_discount_prices[{index}]"
        if not isinstance(tier, dict):
            raise invalid(path, "must be an object {start_quantity, price}")
        _known_keys(tier, ("start_quantity", "price"), f"{path}.")
        start_path = f"{path}.start_quantity"
        start = _integer(_required(tier, "start_quantity", start_path), start_path, 1, 99_999)
        if result and start <= result[-1]["start_quantity"]:
            raise invalid(f"{path}.start_quantity", "must be greater than the start_quantity before it (ascending)")
        price = _price(_required(tier, "price", f"{path}.price"), f"{path}.price")
        result.append({"start_quantity": start, "price": price})
    return result


# The company profile ---------------------------------------------------------------------------------------------

PROFILE_FIELDS = (
    "company_story", "year_established", "employees", "production_capacity", "main_markets", "factory_photos",
    "brand_logo", "trade_shows", "certifications",
)  # fmt: skip
# Alibaba.com's ranges for the number of employees.
EMPLOYEE_RANGES = (
    "fewer_than_5", "5-10", "11-50", "51-100", "101-200", "201-300", "301-500", "501-1000", "above_1000",
)  # fmt: skip
CERTIFICATION_TYPES = (
    "BSCI", "SMETA", "SA8000", "WRAP", "OEKO-TEX", "GOTS", "OCS", "GRS", "Fairtrade", "FSC", "LWG", "ISO 9001",
    "ISO 14001", "ISO 45001", "ISO 22000", "FSSC 22000", "HACCP", "BRCGS", "BAP", "ASC", "Halal", "Kosher", "CE",
)  # fmt: skip
_ISO_3166_ALPHA_2 = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
    JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
    MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
    RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
    TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"""
COUNTRIES = frozenset(_ISO_3166_ALPHA_2.split())
HOME_COUNTRY = "BD"
FIRST_YEAR = 1800


def parse_profile(
    raw: str | None, *, today: date, owns_photo: Callable[[str], bool], owns_certificate: Callable[[str], bool]
) -> dict[str, Any]:
    """The normalized company profile of the ``profile`` parameter, or the ``ApiError`` of its first broken rule.
    ``today`` is the gateway's UTC date (years and certificate dates are checked against it)."""
    profile = _json_object(raw, "profile")
    _known_keys(profile, PROFILE_FIELDS, "")
    factory_photos = _optional_list(profile.get("factory_photos"), "factory_photos", 10)
    for index, url in enumerate(factory_photos):
        _photo(url, f"factory_photos[{index}]", owns_photo)
        if url in factory_photos[:index]:
            raise invalid(f"factory_photos[{index}]", f"repeats factory_photos[{factory_photos.index(url)}]")
    logo = profile.get("brand_logo")
    return {
        "company_story": _story(_required(profile, "company_story", "company_story")),
        "year_established": _integer(
            _required(profile, "year_established", "year_established"), "year_established", FIRST_YEAR, today.year
        ),
        "employees": _choice(_required(profile, "employees", "employees"), "employees", EMPLOYEE_RANGES),
        "production_capacity": _capacity(_required(profile, "production_capacity", "production_capacity")),
        "main_markets": _markets(_required(profile, "main_markets", "main_markets")),
        "factory_photos": factory_photos,
        "brand_logo": None if logo is None else _photo(logo, "brand_logo", owns_photo),
        "trade_shows": _trade_shows(profile.get("trade_shows"), today),
        "certifications": _certifications(profile.get("certifications"), today, owns_certificate),
    }


def _story(value: Any) -> str:
    """English prose: printable ASCII and line breaks (``\\r\\n`` kept as ``\\n``), 50-5000 characters."""
    story = _string(value, "company_story", 5000).replace("\r\n", "\n")
    if len(story.strip()) < 50:
        raise invalid("company_story", f"must have at least 50 characters (it has {len(story.strip())})")
    for position, char in enumerate(story):
        if char != "\n" and not " " <= char <= "~":
            raise invalid("company_story", f"must be English in ASCII (and line breaks): {char!r} at {position} is not")
    return story


def _optional_list(value: Any, path: str, maximum: int) -> list[Any]:
    return [] if value is None else _list(value, path, 0, maximum)


def _photo(value: Any, path: str, owns_photo: Callable[[str], bool]) -> str:
    if not isinstance(value, str) or not owns_photo(value):
        raise invalid(path, "is not a photobank URL of this supplier (upload with /alibaba/icbu/photobank/upload)")
    return value


def _object(value: Any, path: str, known: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(path, f"must be an object {{{', '.join(known)}}}")
    _known_keys(value, known, f"{path}.")
    return value


def _capacity(value: Any) -> dict[str, Any]:
    capacity = _object(value, "production_capacity", ("quantity", "unit"))
    quantity = _required(capacity, "quantity", "production_capacity.quantity")
    return {
        "quantity": _integer(quantity, "production_capacity.quantity", 1),
        "unit": _choice(_required(capacity, "unit", "production_capacity.unit"), "production_capacity.unit", UNITS),
        "period": "month",
    }


def _country(value: Any, path: str) -> str:
    if not isinstance(value, str) or value not in COUNTRIES:
        raise invalid(path, f"must be an ISO 3166-1 alpha-2 country code in capitals (it is {value!r})")
    return value


def _markets(value: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for index, item in enumerate(_list(value, "main_markets", 1, 10)):
        path = f"main_markets[{index}]"
        market = _object(item, path, ("country", "share"))
        country = _country(_required(market, "country", f"{path}.country"), f"{path}.country")
        if country == HOME_COUNTRY:
            raise invalid(f"{path}.country", "must be an export market: BD is the home market")
        if any(earlier["country"] == country for earlier in result):
            raise invalid(f"{path}.country", f"repeats {country}")
        share = _integer(_required(market, "share", f"{path}.share"), f"{path}.share", 1, 100)
        result.append({"country": country, "share": share})
    total = sum(market["share"] for market in result)
    if total > 100:
        raise invalid("main_markets", f"shares must add up to at most 100 (they add up to {total})")
    return result


def _trade_shows(value: Any, today: date) -> list[dict[str, Any]]:
    result = []
    for index, item in enumerate(_optional_list(value, "trade_shows", 20)):
        path = f"trade_shows[{index}]"
        show = _object(item, path, ("name", "year", "country"))
        country = show.get("country")
        result.append(
            {
                "name": _string(_required(show, "name", f"{path}.name"), f"{path}.name", 128),
                "year": _integer(_required(show, "year", f"{path}.year"), f"{path}.year", 1950, today.year),
                "country": None if country is None else _country(country, f"{path}.country"),
            }
        )
    return result


def _certifications(value: Any, today: date, owns_certificate: Callable[[str], bool]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    fields = ("type", "issuer", "number", "valid_from", "valid_until", "file")
    for index, item in enumerate(_optional_list(value, "certifications", 20)):
        path = f"certifications[{index}]"
        certificate = _object(item, path, fields)
        field = _reader(certificate, path)

        kind = _choice(field("type"), f"{path}.type", CERTIFICATION_TYPES)
        issuer = _string(field("issuer"), f"{path}.issuer", 128)
        number = _string(field("number"), f"{path}.number", 64)
        if any((earlier["type"], earlier["number"]) == (kind, number) for earlier in result):
            raise invalid(f"{path}.number", f"repeats {kind} certificate {number}")
        valid_from = _date(field("valid_from"), f"{path}.valid_from")
        if valid_from > today:
            raise invalid(f"{path}.valid_from", f"must not be after today ({today.isoformat()}, UTC)")
        valid_until = _date(field("valid_until"), f"{path}.valid_until")
        if valid_until <= valid_from:
            raise invalid(f"{path}.valid_until", f"must be after valid_from ({valid_from.isoformat()})")
        if valid_until < today:
            raise invalid(f"{path}.valid_until", f"is past: the certificate expired on {valid_until.isoformat()}")
        url = field("file")
        if not isinstance(url, str) or not owns_certificate(url):
            raise invalid(
                f"{path}.file",
                "is not a certificate file of this supplier (upload with /dexports/company/certificate/upload)",
            )
        result.append(
            {"type": kind, "issuer": issuer, "number": number, "valid_from": valid_from.isoformat(),
             "valid_until": valid_until.isoformat(), "file": url}
        )  # fmt: skip
    return result
