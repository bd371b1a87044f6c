"""Numbers and dates as the reader's language writes them (issue 11): English dates read "1 Dec 2026, 00:25";
Bengali pages write Bengali digits and Bengali month names; the values of form inputs stay ASCII and ISO."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from dxports import numbers
from sellers.models import Seller, SellerStatus
from sellers.services import seller_update_profile
from tests.catalog.factories import ProductFactory
from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db


DHAKA = zoneinfo.ZoneInfo("Asia/Dhaka")
ASCII_DIGIT = re.compile(r"[0-9]")


@pytest.fixture
def owner():
    owner = OwnerFactory(seller__legal_name="Rupsha Jute Crafts Ltd.").user
    seller = owner.seller_membership.seller
    with time_machine.travel(datetime.datetime(2026, 12, 1, 0, 25, tzinfo=DHAKA), tick=False):
        seller_update_profile(seller=seller, actor=owner, data={"trade_name": "Rupsha"})
    Seller.objects.filter(pk=seller.pk).update(status=SellerStatus.ACTIVE)  # a history of the draft, then products
    return owner


def _in(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_digits_filter_writes_the_active_languages_digits_and_keeps_markup_safe():
    template = Template("{{ n|digits }} {{ safe|digits }} {{ missing|digits }}")
    context = Context({"n": 2026, "safe": mark_safe("<b>12</b>"), "missing": None})
    with translation.override("bn"):
        assert template.render(context) == "২০২৬ <b>১২</b> "
    with translation.override("en"):
        assert template.render(context) == "2026 <b>12</b> "
    assert isinstance(numbers.localize_digits(SafeString("1")), str)


def test_dates_in_english_read_day_month_year_and_24_hours(owner_client, seller):
    page = _in(owner_client, "en").get("/dashboard/history/").content.decode()
    assert "1 Dec 2026, 00:25" in page
    assert "12/01/2026" not in page and "a.m." not in page


def test_dates_in_bengali_have_bengali_digits_and_month_names(owner_client, seller):
    page = _in(owner_client, "bn").get("/dashboard/history/").content.decode()
    assert "১ ডিসেম্বর ২০২৬, ০০:২৫" in page
    assert 'datetime="2026-12-01T00:25:00+06:00"' in page  # what a program reads stays ISO


def test_counts_badges_and_scores_are_written_with_bengali_digits_in_bengali(owner_client, seller):
    for _ in range(12):
        ProductFactory(seller=seller)
    page = _in(owner_client, "bn").get("/dashboard/products/").content.decode()
    (count,) = re.findall(r'<p class="count">(.*?)</p>', page, re.S)
    assert "১২" in count and not ASCII_DIGIT.search(count)
    scores = re.findall(r'<span class="score">(.*?)</span>', page)
    assert scores and all(score.endswith("/১০০") and not ASCII_DIGIT.search(score) for score in scores)

    english = _in(owner_client, "en").get("/dashboard/products/").content.decode()
    assert re.search(r'<p class="count">\s*12 products', english)


def test_form_values_stay_ascii_and_iso_in_bengali(owner_client, seller):
    product = ProductFactory(seller=seller, min_order_quantity=1500, supply_quantity=20000)
    page = _in(owner_client, "bn").get(f"/dashboard/products/{product.public_id}/edit/").content.decode()
    assert 'name="min_order_quantity" value="1500"' in page
    assert 'name="supply_quantity" value="20000"' in page
