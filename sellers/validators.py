"""The seller's profile rules, in one place for every entry point (the dashboard, the partner API, the demo data).

One function per field kind takes what a person typed and returns the value as stored, or raises ``ValidationError``
with a code and a message that says what is wrong and what a right value looks like. Every number is read by
``dxports.numbers`` (Bengali digits, spaces and dashes accepted; anything else refused with the field's name).
``FIELD_NORMALIZERS`` says which field is which kind; ``clean_profile`` applies them and the rules between fields to a
change of a seller's profile, and is what ``sellers.services.seller_update_profile`` runs.
"""

import re
import unicodedata
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxports import numbers
from sellers import geo


def normalize_bd_mobile(value):
    """A Bangladesh mobile number as typed (``+880 1712-345678``, ``8801712345678``, ``01712345678``, Bengali digits)
    in E.164: ``+8801712345678``."""
    return numbers.bd_mobile(value, field=_("mobile number"))


def normalize_postcode(value):
    """A Bangladesh postcode: 4 digits."""
    raw = numbers.digits(value, field=_("postcode"), code="postcode")
    if len(raw) != 4:
        raise ValidationError(_("A Bangladesh postcode has 4 digits, for example 9100."), code="postcode")
    return raw


def normalize_bank_account_number(value):
    """A bank account number: 6 to 20 digits."""
    raw = numbers.digits(value, field=_("account number"), code="account_number")
    if not 6 <= len(raw) <= 20:
        raise ValidationError(_("An account number has 6 to 20 digits."), code="account_number")
    return raw


def _exact_digits(value, length, *, name, code):
    raw = numbers.digits(value, field=name, code=f"{code}_not_digits")
    if len(raw) != length:
        raise ValidationError(
            _("The %(name)s has %(length)d digits; this one has %(n)d."),
            code=f"{code}_length",
            params={"name": name, "length": length, "n": len(raw)},
        )
    return raw


def normalize_etin(value):
    """e-TIN: 12 digits."""
    return _exact_digits(value, 12, name=_("e-TIN"), code="etin")


def normalize_bin(value):
    """BIN (VAT business identification number): 13 digits."""
    return _exact_digits(value, 13, name=_("BIN"), code="bin")


def normalize_routing_number(value):
    """A Bangladesh Bank routing number: 9 digits."""
    return _exact_digits(value, 9, name=_("routing number"), code="routing")


def normalize_nid(value, *, today=None):
    """A national ID number of 10 (smart card), 13 or 17 digits; a 17-digit one starts with the birth year."""
    raw = numbers.digits(value, field=_("NID number"), code="nid_not_digits")
    if len(raw) not in (10, 13, 17):
        raise ValidationError(
            _("An NID number has 10, 13 or 17 digits; this one has %(n)d."), code="nid_length", params={"n": len(raw)}
        )
    if len(raw) == 17:
        year = int(raw[:4])
        this_year = (today or timezone.localdate()).year
        if not 1900 <= year <= this_year - 18:
            raise ValidationError(
                _(
                    "A 17-digit NID number starts with the holder's birth year; %(year)s is not the birth year of an "
                    "adult. Check the number on the card."
                ),
                code="nid_birth_year",
                params={"year": raw[:4]},
            )
    return raw


_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/.\- ]{2,39}")


def normalize_trade_licence_number(value):
    raw = numbers.to_ascii(str(value or "")).strip()
    if not _REFERENCE.fullmatch(raw):
        raise ValidationError(
            _(
                "Enter the trade licence number as printed: 3 to 40 letters, digits, '/', '-' or '.', "
                "for example TRAD/DNCC/012345/2024."
            ),
            code="trade_licence_number",
        )
    return raw.upper()


def normalize_erc_number(value):
    raw = numbers.to_ascii(str(value or "")).strip()
    if not _REFERENCE.fullmatch(raw) or not any(c in numbers.ASCII_DIGITS for c in raw):
        raise ValidationError(
            _("Enter the ERC number as printed on the certificate, for example RA-0123456."), code="erc_number"
        )
    return raw.upper()


def normalize_licence_authority(value):
    raw = " ".join(str(value or "").split())
    if len(raw) < 3 or not any(c.isalpha() for c in raw):
        raise ValidationError(
            _("Name the authority that issued the licence, for example Dhaka North City Corporation."),
            code="trade_licence_authority",
        )
    return raw


def validate_district(*, division, district):
    """The district must be one of the division's."""
    if geo.division_of(district) != division:
        raise ValidationError(
            _("%(district)s is not a district of %(division)s division."),
            code="district_not_in_division",
            params={"district": geo.district_name(district), "division": geo.DIVISIONS.get(division, (division,))[0]},
        )


def validate_year_established(value, *, today=None):
    this_year = (today or timezone.localdate()).year
    if not 1900 <= int(value) <= this_year:
        raise ValidationError(
            _("Enter the year the business was established, between 1900 and %(year)d."),
            code="year_established",
            params={"year": this_year},
        )


_NAME_NOISE = re.compile(r"[^\w\s]", re.UNICODE)
_NAME_WORDS_IGNORED = frozenset({"m", "s", "ms", "messrs", "mr", "mrs", "md", "mohammad", "the"})
_NAME_SUFFIXES = {"limited": "ltd", "ltd": "ltd", "company": "co", "co": "co", "private": "pvt", "pvt": "pvt"}


def name_key(value):
    """A name reduced for comparison: case, accents, punctuation, honorifics ("M/S", "Md."), "&"/"and" and the
    spelling of "Limited"/"Ltd." do not matter."""
    text = unicodedata.normalize("NFKD", str(value or "")).casefold().replace("&", " and ")
    text = _NAME_NOISE.sub(" ", text)
    words = [_NAME_SUFFIXES.get(word, word) for word in text.split() if word not in _NAME_WORDS_IGNORED]
    return " ".join(words)


def validate_account_name(account_name, *, names):
    """The bank account must be in the name of the business (legal or trade name) or of the owner."""
    key = name_key(account_name)
    if not key or key not in {name_key(name) for name in names if name}:
        shown = ", ".join(f"“{name}”" for name in names if name)
        raise ValidationError(
            _("The account name must match the business or owner name (%(names)s) as written on the account."),
            code="account_name_mismatch",
            params={"names": shown or _("not given yet")},
        )


def validate_erc(*, number, expires_on):
    """An ERC is given whole (its number and its expiry date) or not at all. Returns ``{field: ValidationError}``."""
    if number and not expires_on:
        return {
            "erc_expires_on": ValidationError(
                _("Enter the ERC's expiry date, as printed on the certificate."), code="erc_expiry_missing"
            )
        }
    if expires_on and not number:
        return {
            "erc_number": ValidationError(
                _("Enter the ERC number, or leave both ERC fields empty."), code="erc_number_missing"
            )
        }
    return {}


# Which kind each field is: the value is stored as its normalizer returns it.
FIELD_NORMALIZERS: dict[str, Callable[[Any], str]] = {
    "contact_phone": normalize_bd_mobile,
    "postcode": normalize_postcode,
    "etin": normalize_etin,
    "bin": normalize_bin,
    "owner_nid": normalize_nid,
    "bank_routing_number": normalize_routing_number,
    "bank_account_number": normalize_bank_account_number,
    "trade_licence_number": normalize_trade_licence_number,
    "trade_licence_authority": normalize_licence_authority,
    "erc_number": normalize_erc_number,
}

# The fields of a seller's profile that its people (and partners it allows) change; ``categories`` is a list of
# ``Sector``.
PROFILE_FIELDS = (
    "legal_name",
    "trade_name",
    "business_type",
    "year_established",
    "employees",
    "categories",
    "export_turnover",
    "website",
    "address",
    "postcode",
    "division",
    "district",
    "contact_phone",
    "trade_licence_number",
    "trade_licence_authority",
    "trade_licence_expires_on",
    "etin",
    "bin",
    "erc_number",
    "erc_expires_on",
    "owner_name",
    "owner_nid",
    "bank_name",
    "bank_branch",
    "bank_routing_number",
    "bank_account_number",
    "bank_account_name",
)


def clean_profile(seller, data, *, today=None):
    """``data`` (field → value as typed or parsed, for some of ``PROFILE_FIELDS``) checked and normalized for
    ``seller``: each value by its field's kind and the model field (type, choices, length); then the rules between
    fields on the profile as it would be after the change (the district is in the division, an ERC is whole, the
    account is in the business's or the owner's name). An empty value clears a field (a draft may be incomplete),
    except the legal name. Returns the values to store; raises ``ValidationError({field: [errors]})`` with every
    problem at once."""
    from sellers.models import Seller

    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in data.items():
        if name == "categories":
            cleaned[name] = list(value or [])
            continue
        field = cast(models.Field, Seller._meta.get_field(name))
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if not field.blank:
                errors[name] = [ValidationError(_("This field cannot be empty."), code="required")]
            else:
                cleaned[name] = "" if field.empty_strings_allowed else None
            continue
        try:
            normalizer = FIELD_NORMALIZERS.get(name)
            if normalizer is not None:
                value = normalizer(value)
            value = field.clean(value, seller)
            if name == "year_established":
                validate_year_established(value, today=today)
        except ValidationError as error:
            errors[name] = error.error_list
            continue
        cleaned[name] = value

    def after(name: str) -> Any:
        return cleaned[name] if name in cleaned else getattr(seller, name)

    between: dict[str, ValidationError] = {}
    if {"division", "district"} & cleaned.keys() and after("division") and after("district"):
        try:
            validate_district(division=after("division"), district=after("district"))
        except ValidationError as error:
            between["district"] = error
    if {"erc_number", "erc_expires_on"} & cleaned.keys():
        between.update(validate_erc(number=after("erc_number"), expires_on=after("erc_expires_on")))
    if cleaned.get("bank_account_name"):
        names = [after("legal_name"), after("trade_name"), after("owner_name")]
        try:
            validate_account_name(cleaned["bank_account_name"], names=names)
        except ValidationError as error:
            between["bank_account_name"] = error
    for name, refusal in between.items():
        errors.setdefault(name, refusal.error_list)
    if errors:
        raise ValidationError(errors)
    return cleaned
