"""Numbers as people type them, read the same way at every entry point (dashboard forms, the admin, bulk-import rows,
the partner API), and shown the way the reader's language writes them.

Reading: the Bengali digits ০–৯ are the digits 0–9; spaces and dashes are how people group long numbers
(``1712-345678``, ``1234 5678 9012``) and are left out. Anything else that is not a digit after that (superscripts
such as ``²``, which ``str.isdigit`` accepts and ``int`` refuses; digits of other scripts; letters) is refused with a
message that names the field: never test with ``isdigit()``. Phone numbers are read by ``phonenumbers`` (Google's
libphonenumber, which knows Bangladesh's numbering plan) and stored in E.164 (``+8801712345678``).

Showing: ``localize_digits`` writes ASCII digits the way the active language does (Bengali digits in ``bn``); it is for
text a person reads, never for the value of a form input (what a form submits must not depend on the language).
"""

import re
from decimal import Decimal

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

ASCII_DIGITS = "0123456789"
BENGALI_DIGITS = "০১২৩৪৫৬৭৮৯"
_TO_ASCII = str.maketrans(BENGALI_DIGITS, ASCII_DIGITS)
_TO_BENGALI = str.maketrans(ASCII_DIGITS, BENGALI_DIGITS)
# Languages that write their own digits, and which.
_NATIVE_DIGITS = {"bn": _TO_BENGALI}

# Any space (no-break and thin ones too) and any dash (hyphen-minus, hyphen, non-breaking hyphen, figure, en and em
# dashes, minus sign).
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]")
# Thousands separators in a quantity or a price: spaces and commas (1,000 or 1,00,000 or 1 000).
_GROUPING = re.compile(r"[\s,]")
_PHONE_PUNCTUATION = re.compile(r"[\s\-\u2010-\u2015\u2212().]")

# Longer than any number a person types: a longer text is refused before it is parsed.
MAX_NUMBER_CHARS = 40


def to_ascii(text: str) -> str:
    """``text`` with its Bengali digits written as ASCII digits; nothing else changes."""
    return str(text).translate(_TO_ASCII)


def localize_digits(value: object, language: str | None = None) -> str:
    """``value`` as text, its ASCII digits written as ``language`` (default: the active one) writes them."""
    table = _NATIVE_DIGITS.get((language or translation.get_language() or "").split("-")[0])
    text = str(value)
    return text.translate(table) if table else text


def _first_not_digit(text: str) -> str | None:
    return next((char for char in text if char not in ASCII_DIGITS), None)


def _refuse_not_digit(field: StrOrPromise, char: str, code: str = "not_digits") -> ValidationError:
    return ValidationError(
        _(
            "The %(field)s has digits only (0–9 or ০–৯, spaces and dashes between them are fine); "
            "“%(char)s” is not one."
        ),
        code=code,
        params={"field": field, "char": char},
    )


def digits(value: object, *, field: StrOrPromise, code: str = "not_digits") -> str:
    """The ASCII digits of an identifier as typed (e-TIN, BIN, NID, routing or account number, postcode, HS code):
    Bengali digits converted, spaces and dashes left out; ``""`` when nothing was typed. Raises ``ValidationError``
    (``code``, naming ``field`` and the character) when anything else is in it."""
    text = _SEPARATORS.sub("", to_ascii("" if value is None else str(value)))
    bad = _first_not_digit(text)
    if bad is not None:
        raise _refuse_not_digit(field, bad, code)
    return text


def whole_number(value: object) -> int | None:
    """A whole number as typed (a quantity, a year, days): Bengali digits converted, thousands separators (spaces,
    commas) left out, a leading minus kept (the caller's bounds refuse it by name); ``None`` when nothing was typed.
    Raises ``ValidationError`` (``invalid``) otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _GROUPING.sub("", to_ascii("" if value is None else str(value)))
    if not text:
        return None
    if len(text) > MAX_NUMBER_CHARS or not re.fullmatch(r"-?[0-9]+", text):
        raise ValidationError(_("Enter a whole number, for example 1000 or ১০০০."), code="invalid")
    return int(text)


def decimal_number(value: object) -> Decimal | None:
    """A decimal number as typed (a price): like ``whole_number``, with a decimal point."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value)
    text = _GROUPING.sub("", to_ascii("" if value is None else str(value)))
    if not text:
        return None
    if len(text) > MAX_NUMBER_CHARS or not re.fullmatch(r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)", text):
        raise ValidationError(_("Enter a number, for example 12.50 or ১২.৫০."), code="invalid")
    return Decimal(text)


def ascii_whole(value: object, *, max_digits: int = 18) -> int | None:
    """A whole number a program wrote (an id, a row index, a cursor): an ``int``, or at most ``max_digits`` ASCII digits
    (ids are 64-bit); else ``None``. ``int()`` would take ``12.9`` as 12 and ``True`` as 1, raise on ``²`` (which
    ``isdigit()`` accepts) and read 5,000 digits that no column holds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if isinstance(value, str) else ""
    if not 0 < len(text) <= max_digits or _first_not_digit(text) is not None:
        return None
    return int(text)


# Phone numbers ---------------------------------------------------------------------------------------------------

PHONE_REGION = "BD"
PHONE_EXAMPLE = "01712345678"


def bd_mobile(value: object, *, field: StrOrPromise) -> str:
    """A Bangladesh mobile number as typed (``+880 1712-345678``, ``8801712345678``, ``01712345678``,
    ``০১৭১২৩৪৫৬৭৮``) in E.164 (``+8801712345678``). Refusals: ``phone_not_digits`` (something that is not a digit,
    a space, a dash, brackets or a leading +), ``phone_length``, ``phone_prefix`` (not a mobile operator's),
    ``phone_country`` (another country's number)."""
    text = _PHONE_PUNCTUATION.sub("", to_ascii("" if value is None else str(value)).strip())
    bad = _first_not_digit(text.removeprefix("+"))
    if bad is not None:
        raise ValidationError(
            _("Enter the %(field)s with digits only, for example %(example)s; “%(char)s” is not a digit."),
            code="phone_not_digits",
            params={"field": field, "char": bad, "example": PHONE_EXAMPLE},
        )
    if len(text) > MAX_NUMBER_CHARS:
        raise ValidationError(
            _("A Bangladesh mobile number has 11 digits (01 and 9 more), for example %(example)s."),
            code="phone_length",
            params={"example": PHONE_EXAMPLE},
        )
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("A Bangladesh mobile number has 11 digits (01 and 9 more), for example %(example)s."),
            code="phone_length",
            params={"example": PHONE_EXAMPLE},
        ) from exc
    if phonenumbers.region_code_for_number(number) != PHONE_REGION and number.country_code != 880:
        raise ValidationError(
            _("Enter a Bangladesh mobile number (+880), for example %(example)s."),
            code="phone_country",
            params={"example": PHONE_EXAMPLE},
        )
    national = phonenumbers.national_significant_number(number)
    if len(national) != 10:
        raise ValidationError(
            _("A Bangladesh mobile number has 11 digits (01 and 9 more), for example %(example)s; this one has %(n)d."),
            code="phone_length",
            params={"example": PHONE_EXAMPLE, "n": len(national) + 1},
        )
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            _("A Bangladesh mobile number starts with 013 to 019, for example %(example)s."),
            code="phone_prefix",
            params={"example": PHONE_EXAMPLE},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """A stored number as people read it: ``+880 1712-345678``; anything unreadable as it is."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
