"""What a form submits never depends on the page's language (issue 11): date and time inputs carry ISO values,
numbers are read as people type them, in every form of the project."""

import contextlib
import datetime
import importlib
import inspect
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.utils import translation

from dxports import inputs
from sellers.models import Seller
from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db


APPS = ("dxports", "alibaba", "sellers", "brand", "catalog", "buyers", "partners")


def _project_forms():
    """Every form class the project defines, with an instance where it can be made without arguments (so that
    fields added in ``__init__`` are seen too)."""
    root = Path(settings.BASE_DIR)
    found = {}
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts or "mock" in path.parts:
                continue
            module_name = ".".join(path.relative_to(root).with_suffix("").parts)
            source = path.read_text()
            if "forms." not in source and "inputs." not in source:
                continue
            module = importlib.import_module(module_name)
            for name, cls in vars(module).items():
                if not (inspect.isclass(cls) and issubclass(cls, forms.BaseForm) and cls.__module__ == module_name):
                    continue
                if path.name == "admin.py" and issubclass(cls, forms.ModelForm):
                    # The admin renders a model form's dates with its own widgets, which read back what they show
                    # in each language.
                    continue
                found[f"{module_name}.{name}"] = cls
    return found


FORMS = _project_forms()


def _fields(cls):
    fields = dict(cls.base_fields)
    # A form that needs arguments, or a base: its declared fields are checked.
    with contextlib.suppress(TypeError, ValueError):
        fields.update(cls().fields)
    return fields


def test_the_walk_finds_the_forms_with_dates_and_numbers():
    assert {"sellers.forms.IdentifiersForm", "brand.forms.CertificateForm", "catalog.forms.ProductForm"} <= set(FORMS)
    assert {"buyers.forms.QuotationForm", "buyers.forms.WorkingWeekForm", "dxports.admin.FiguresForm"} <= set(FORMS)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_date_time_and_number_field_is_one_that_keeps_its_value_in_every_language(name):
    for field_name, field in _fields(FORMS[name]).items():
        where = f"{name}.{field_name}"
        if isinstance(field, forms.DateTimeField | forms.SplitDateTimeField):
            pytest.fail(f"{where}: no shared ISO widget for a date and time yet")
        if isinstance(field, forms.DateField):
            assert isinstance(field, inputs.DateField) and isinstance(field.widget, inputs.DateInput), where
        if isinstance(field, forms.TimeField):
            assert isinstance(field, inputs.TimeField) and isinstance(field.widget, inputs.TimeInput), where
        if isinstance(field, forms.DecimalField):
            assert isinstance(field, inputs.DecimalNumberField), where
        elif isinstance(field, forms.IntegerField):
            assert isinstance(field, inputs.WholeNumberField), where
        assert not field.localize and not field.widget.is_localized, where


@pytest.mark.parametrize("language", ["en", "bn"])
def test_shared_fields_render_and_read_back_the_same_value_in_each_language(language):
    class Form(forms.Form):
        day = inputs.DateField()
        time = inputs.TimeField()
        count = inputs.WholeNumberField()
        price = inputs.DecimalNumberField(decimal_places=2)

    initial = {
        "day": datetime.date(2027, 3, 31),
        "time": datetime.time(9, 30),
        "count": 12500,
        "price": Decimal("1234.50"),
    }
    with translation.override(language):
        html = str(Form(initial=initial))
        values = {name: unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', html)}
        assert values == {"day": "2027-03-31", "time": "09:30", "count": "12500", "price": "1234.50"}
        assert 'type="date"' in html and 'type="time"' in html and 'type="number"' not in html
        form = Form(values)
        assert form.is_valid(), form.errors
        assert form.cleaned_data == initial


def test_numbers_are_read_as_people_type_them():
    class Form(forms.Form):
        day = inputs.DateField()
        count = inputs.WholeNumberField()
        price = inputs.DecimalNumberField(decimal_places=2)

    form = Form({"day": "২০২৭-০৩-৩১", "count": "১২,৫০০", "price": "১,২৩৪.৫০"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": datetime.date(2027, 3, 31), "count": 12500, "price": Decimal("1234.50")}
    refused = Form({"day": "31/03/2027", "count": "¹²", "price": "1.2.3"})
    assert set(refused.errors) == {"day", "count", "price"}


@pytest.fixture
def owner(db):
    return OwnerFactory(seller__legal_name="Rupsha Jute Crafts Ltd.").user


def _inputs(page, field):
    """The values a browser would submit from the page's form that holds ``field`` (text, date and hidden inputs;
    selects' selected options)."""
    forms_ = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', page, re.S)
    (form,) = [form for form in forms_ if f'name="{field}"' in form]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name and (kind is None or kind.group(1) not in ("checkbox", "radio", "submit", "file")):
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        data[name] = unescape(chosen.group(1)) if chosen else ""
    return data


@pytest.mark.parametrize("language", ["en", "bn"])
def test_saving_the_identifiers_step_in_each_language_keeps_the_saved_expiry_dates(owner_client, seller, language):
    Seller.objects.filter(pk=seller.pk).update(
        trade_licence_number="TRAD/DNCC/012345/2024",
        trade_licence_authority="Dhaka North City Corporation",
        trade_licence_expires_on=datetime.date(2027, 6, 30),
        erc_number="RA-0123456",
        erc_expires_on=datetime.date(2027, 3, 31),
    )
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = owner_client.get("/dashboard/profile/identifiers/")
    assert page["Content-Language"] == language
    data = _inputs(page.content.decode(), "trade_licence_expires_on")
    assert (data["trade_licence_expires_on"], data["erc_expires_on"]) == ("2027-06-30", "2027-03-31")

    response = owner_client.post("/dashboard/profile/identifiers/", data)

    assert response.status_code == 302, response.context["form"].errors
    seller.refresh_from_db()
    assert seller.trade_licence_expires_on == datetime.date(2027, 6, 30)
    assert seller.erc_expires_on == datetime.date(2027, 3, 31)
