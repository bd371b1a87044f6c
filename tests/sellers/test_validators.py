"""Every validator with good and bad values; each refusal says what is wrong."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from sellers import validators

TODAY = datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("01712345678", "+8801712345678"),
        ("+8801912345678", "+8801912345678"),
        ("8801312345678", "+8801312345678"),
        ("017 1234-5678", "+8801712345678"),
        ("+880 1712-345678", "+8801712345678"),
        ("০১৭১২৩৪৫৬৭৮", "+8801712345678"),
        ("017১১২৩৪৫৬৭", "+8801711234567"),
        ("+৮৮০ ১৭১২–৩৪৫৬৭৮", "+8801712345678"),
        ("(017) 1234.5678", "+8801712345678"),
    ],
)
def test_a_bangladesh_mobile_number_is_stored_with_880(typed, stored):
    assert validators.normalize_bd_mobile(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("01212345678", "phone_prefix"),  # 012 is not a mobile operator
        ("0171234567", "phone_length"),
        ("017123456789", "phone_length"),
        ("0171234567a", "phone_not_digits"),
        ("+441712345678", "phone_country"),
        ("০১৭১২৩৪৫৬৭৮¹", "phone_not_digits"),
    ],
)
def test_a_wrong_mobile_number_is_refused_with_what_is_wrong(typed, code):
    with pytest.raises(ValidationError) as error:
        validators.normalize_bd_mobile(typed)
    assert error.value.code == code
    assert "01712345678" in str(error.value.messages[0]) or "digits" in str(error.value.messages[0])


def test_etin_has_12_digits():
    assert validators.normalize_etin("1234 5678 9012") == "123456789012"
    for bad, code in [
        ("12345678901", "etin_length"),
        ("1234567890123", "etin_length"),
        ("12345678901X", "etin_not_digits"),
    ]:
        with pytest.raises(ValidationError) as error:
            validators.normalize_etin(bad)
        assert error.value.code == code
    with pytest.raises(ValidationError, match="12 digits; this one has 11"):
        validators.normalize_etin("12345678901")


def test_bin_has_13_digits():
    assert validators.normalize_bin("001234567-8901") == "0012345678901"
    with pytest.raises(ValidationError, match="13 digits; this one has 12"):
        validators.normalize_bin("001234567890")
    with pytest.raises(ValidationError):
        validators.normalize_bin("00123456789O1")


def test_routing_number_has_9_digits():
    assert validators.normalize_routing_number("200470431") == "200470431"
    with pytest.raises(ValidationError, match="9 digits"):
        validators.normalize_routing_number("20047043")
    with pytest.raises(ValidationError):
        validators.normalize_routing_number("2004704311")


@pytest.mark.parametrize("nid", ["1234567890", "1234567890123", "19871234567890123"])
def test_nid_of_10_13_or_17_digits_is_accepted(nid):
    assert validators.normalize_nid(nid, today=TODAY) == nid


@pytest.mark.parametrize(
    ("nid", "code"),
    [
        ("123456789", "nid_length"),
        ("12345678901", "nid_length"),
        ("123456789012345", "nid_length"),
        ("12345678901234567", "nid_birth_year"),  # 1234 is not a birth year
        ("20151234567890123", "nid_birth_year"),  # a child
        ("18871234567890123", "nid_birth_year"),
        ("12345abcde", "nid_not_digits"),
    ],
)
def test_a_wrong_nid_is_refused(nid, code):
    with pytest.raises(ValidationError) as error:
        validators.normalize_nid(nid, today=TODAY)
    assert error.value.code == code


def test_trade_licence_number_and_authority():
    assert validators.normalize_trade_licence_number(" trad/dncc/012345/2024 ") == "TRAD/DNCC/012345/2024"
    for bad in ["", "ab", "TRAD#12", "x" * 41]:
        with pytest.raises(ValidationError):
            validators.normalize_trade_licence_number(bad)
    assert validators.normalize_licence_authority("Dhaka  North City Corporation") == "Dhaka North City Corporation"
    for bad in ["", "12", "123456"]:
        with pytest.raises(ValidationError):
            validators.normalize_licence_authority(bad)


def test_erc_number():
    assert validators.normalize_erc_number("ra-0123456") == "RA-0123456"
    for bad in ["", "RA", "NO-ERC-YET"]:
        with pytest.raises(ValidationError):
            validators.normalize_erc_number(bad)


def test_district_must_be_in_its_division():
    validators.validate_district(division="khulna", district="khulna")
    validators.validate_district(division="mymensingh", district="jamalpur")
    validators.validate_district(division="chattogram", district="coxs-bazar")
    with pytest.raises(ValidationError, match="Jamalpur is not a district of Dhaka"):
        validators.validate_district(division="dhaka", district="jamalpur")
    with pytest.raises(ValidationError):
        validators.validate_district(division="dhaka", district="atlantis")


def test_there_are_64_districts_in_8_divisions():
    from sellers import geo

    assert len(geo.DIVISIONS) == 8
    assert len(geo.DISTRICTS) == 64


def test_year_established():
    validators.validate_year_established(1990, today=TODAY)
    for bad in [1899, 2027]:
        with pytest.raises(ValidationError):
            validators.validate_year_established(bad, today=TODAY)


@pytest.mark.parametrize(
    "account_name",
    [
        "Rupsha Jute Crafts Ltd",
        "RUPSHA JUTE CRAFTS LIMITED",
        "M/S Rupsha Jute Crafts Ltd.",
        "Md. Abdul Karim",
        "Rupsha Jute",
        "Rupsha Jute Crafts Limited",
    ],
)
def test_account_name_matching_business_or_owner_is_accepted(account_name):
    validators.validate_account_name(account_name, names=["Rupsha Jute Crafts Ltd.", "Rupsha Jute", "Abdul Karim"])


def test_and_and_ampersand_are_the_same_in_names():
    validators.validate_account_name(
        "Gazipur Ceramics and Tableware Limited", names=["Gazipur Ceramics & Tableware Ltd."]
    )


@pytest.mark.parametrize("account_name", ["Karim Traders", "Rupsha", "Abdul Rahim", ""])
def test_account_name_of_someone_else_is_refused(account_name):
    with pytest.raises(ValidationError) as error:
        validators.validate_account_name(account_name, names=["Rupsha Jute Crafts Ltd.", "", "Abdul Karim"])
    assert error.value.code == "account_name_mismatch"
    assert "Rupsha Jute Crafts Ltd." in error.value.messages[0]


@pytest.mark.parametrize(
    ("normalize", "typed", "stored"),
    [
        (validators.normalize_etin, "১২৩৪ ৫৬৭৮ ৯০১২", "123456789012"),
        (validators.normalize_bin, "০০১২৩৪৫৬৭-৮৯০১", "0012345678901"),
        (validators.normalize_routing_number, "২০০-৪৭০-৪৩১", "200470431"),
        (validators.normalize_postcode, "৯১ ০০", "9100"),
        (validators.normalize_bank_account_number, "১২৩৪ ৫৬৭৮ ৯০", "1234567890"),
        (validators.normalize_nid, "১৯৮৭ ১২৩৪ ৫৬৭৮ ৯০১২৩", "19871234567890123"),
        (validators.normalize_trade_licence_number, "trad/dncc/০১২৩৪৫/২০২৪", "TRAD/DNCC/012345/2024"),
    ],
)
def test_bengali_digits_spaces_and_dashes_are_stored_as_ascii_digits(normalize, typed, stored):
    assert normalize(typed) == stored


@pytest.mark.parametrize(
    ("normalize", "typed", "code", "named"),
    [
        (validators.normalize_nid, "¹²³⁴⁵⁶⁷⁸⁹¹²³⁴⁵⁶⁷⁸", "nid_not_digits", "NID number"),  # 17 superscripts
        (validators.normalize_etin, "١٢٣٤٥٦٧٨٩٠١٢", "etin_not_digits", "e-TIN"),  # Arabic-Indic digits
        (validators.normalize_bin, "001234567890²", "bin_not_digits", "BIN"),
        (validators.normalize_routing_number, "２００４７０４３１", "routing_not_digits", "routing number"),
        (validators.normalize_postcode, "९१००", "postcode", "postcode"),  # Devanagari
        (validators.normalize_bank_account_number, "12345678x", "account_number", "account number"),
    ],
)
def test_anything_else_that_is_not_a_digit_is_refused_naming_the_field(normalize, typed, code, named):
    with pytest.raises(ValidationError) as error:
        normalize(typed)
    assert error.value.code == code
    assert named in error.value.messages[0] and "digits only" in error.value.messages[0]
