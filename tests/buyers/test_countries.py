"""Buyers' countries in Bengali: django-countries ships no Bengali, so the project carries the CLDR names of every
country it knows (locale/countries), compiled beside the .po like the project's own catalogue."""

import gettext

import pytest
from django.conf import settings
from django.utils import translation
from django_countries import countries
from django_countries.data import COUNTRIES

from tests.test_i18n import parse_po

LC_MESSAGES = settings.BASE_DIR / "locale" / "countries" / "bn" / "LC_MESSAGES"


def test_every_country_has_a_bengali_name_and_the_mo_matches_the_po():
    entries = {entry["msgid"]: entry["msgstr"][None] for entry in parse_po(LC_MESSAGES / "django.po")[1:]}
    with (LC_MESSAGES / "django.mo").open("rb") as mo_file:
        catalog = gettext.GNUTranslations(mo_file)

    with translation.override(None):  # the names as django-countries writes them
        names = {str(name) for name in COUNTRIES.values()}
    assert set(entries) == names
    assert all(entries.values())
    assert [name for name in names if catalog.gettext(name) != entries[name]] == []


@pytest.mark.parametrize(
    "code, bengali", [("DE", "জার্মানি"), ("US", "মার্কিন যুক্তরাষ্ট্র"), ("JP", "জাপান"), ("IN", "ভারত"), ("BD", "বাংলাদেশ")]
)
def test_country_names_are_bengali_in_bengali(code, bengali):
    with translation.override("bn"):
        assert countries.name(code) == bengali
    with translation.override("en"):
        assert countries.name(code) != bengali


@pytest.mark.django_db
def test_the_inbox_speaks_bengali(client, settings, tmp_path):
    from sellers.models import SellerStatus
    from tests.buyers.support import receive
    from tests.sellers.factories import OwnerFactory, UserFactory

    owner = OwnerFactory(seller__status=SellerStatus.ACTIVE, user=UserFactory(language="bn"))
    receive(owner.seller, country="DE")
    client.force_login(owner.user)

    html = client.get("/dashboard/inquiries/").content.decode()

    assert "জিজ্ঞাসা" in html and "জার্মানি" in html and "নতুন" in html
    assert "Germany" not in html
