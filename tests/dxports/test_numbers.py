"""One way to read numbers (dxports.numbers), and the guarantee that keeps ``isdigit()`` out of the code (issue 12,
items 4 and 5)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from dxports import numbers


def test_bengali_digits_are_ascii_digits_and_back():
    assert numbers.to_ascii("০১২৩৪৫৬৭৮৯ a-১") == "0123456789 a-1"
    assert numbers.localize_digits("2026-12-01, 9 items", "bn") == "২০২৬-১২-০১, ৯ items"
    assert numbers.localize_digits(42, "en") == "42"
    with translation.override("bn"):
        assert numbers.localize_digits(1500) == "১৫০০"


@pytest.mark.parametrize(
    ("typed", "read"),
    [("১২৩৪ ৫৬৭৮", "12345678"), ("12-34–56\u00a078", "12345678"), ("", ""), (None, ""), (" ০ ", "0")],
)
def test_digits_drop_spaces_and_dashes(typed, read):
    assert numbers.digits(typed, field="e-TIN") == read


@pytest.mark.parametrize("typed", ["¹²³", "١٢٣", "１２３", "१२३", "12a", "1.5", "+12", "1_000"])
def test_digits_refuse_what_is_not_a_digit_naming_the_field_and_the_character(typed):
    with pytest.raises(ValidationError) as refused:
        numbers.digits(typed, field="routing number", code="routing_not_digits")
    assert refused.value.code == "routing_not_digits"
    message = refused.value.messages[0]
    assert "routing number" in message and f"“{next(c for c in typed if c not in '0123456789')}”" in message


def test_whole_and_decimal_numbers_as_people_type_them():
    assert numbers.whole_number("১,০০,০০০") == 100000
    assert numbers.whole_number("12 500") == 12500
    assert numbers.whole_number("") is None and numbers.whole_number(7) == 7
    assert numbers.decimal_number("১,২৩৪.৫০") == Decimal("1234.50")
    assert numbers.decimal_number(".5") == Decimal("0.5")
    assert numbers.whole_number("-5") == -5  # a number: the field's minimum says what is wrong with it
    for bad in ("¹²", "--5", "1e9", "9" * 5000, "1.2.3", "twelve", "5-"):
        with pytest.raises(ValidationError):
            numbers.whole_number(bad)
        with pytest.raises(ValidationError):
            numbers.decimal_number(bad)
    with pytest.raises(ValidationError):
        numbers.whole_number(True)


def test_ascii_whole_reads_only_what_a_program_writes():
    assert numbers.ascii_whole("123") == 123 and numbers.ascii_whole(5) == 5
    for odd in ("²³", "১২", "12.9", True, "", None, "9" * 19, "-1", "1\x00"):
        assert numbers.ascii_whole(odd) is None


@pytest.mark.parametrize(
    "typed", ["+880 1712-345678", "8801712345678", "01712345678", "০১৭১২৩৪৫৬৭৮", "+88 01712 345678", "1712345678"]
)
def test_a_bangladesh_mobile_typed_any_way_is_e164(typed):
    assert numbers.bd_mobile(typed, field="mobile number") == "+8801712345678"


def test_a_stored_number_is_shown_as_people_read_it():
    assert numbers.phone_display("+8801712345678") == "+880 1712-345678"
    assert numbers.phone_display("") == ""


def test_no_code_trusts_isdigit():
    """``"²".isdigit()`` is true and ``int("²")`` raises: code reads numbers through dxports.numbers, or checks
    ``isascii()`` on the same line. The mock gateway stands apart and keeps its own parsing."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for app in ("dxports", "alibaba", "sellers", "brand", "catalog", "buyers", "partners"):
        for path in (root / app).rglob("*.py"):
            if "mock" in path.relative_to(root).parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"[\w)\]]\.isdigit\(\)", line) and "isascii()" not in line:
                    offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
