"""Forms of the company profile's dashboard. They only parse what the seller typed; the services decide (and refuse
with an ``ApplicationError`` naming the field or row), and ``brand.rules`` says what is still missing to send.

The profile form is one page in sections that works on a phone with JavaScript off: the export markets and trade
shows are rows of a fixed number of lines (the saved ones and a few empty ones); a line left empty is dropped, and
emptying a saved line removes it.
"""

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from brand.models import CertificationType, Unit
from brand.rules import MARKETS_MAX, TRADE_SHOWS_MAX
from brand.services import MarketInput, TradeShowInput
from dxports import inputs

EMPTY_LINES = 3


COUNTRY_LIST_ID = "countries"


class CountryField(forms.CharField):
    """A country typed by its name (in the page's language or in English) or its ISO code, offered by the page's one
    ``<datalist id="countries">`` (``countries`` in the template's context); cleaned to the ISO code. A select of 250
    countries on every line of the markets and trade shows weighed 110 KB; one shared list weighs 10 KB."""

    widget = forms.TextInput(attrs={"list": COUNTRY_LIST_ID, "autocomplete": "off"})

    def prepare_value(self, value: Any) -> Any:
        return countries.name(value) or value if value else value

    def to_python(self, value: Any) -> str:
        typed = " ".join(str(super().to_python(value)).split())
        if not typed:
            return ""
        if typed.upper() in countries:
            return typed.upper()
        code = countries.by_name(typed, language=get_language() or "en") or countries.by_name(typed)
        if not code:
            raise forms.ValidationError(_("Choose a country from the list, for example Germany."), code="country")
        return code


class ProfileForm(forms.Form):
    company_story = forms.CharField(
        label=_("Company story (in English, as buyers read it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "lang": "en"}),
        help_text=_(
            "Who you are, what you make and from what, since when, for which buyers; 300 to 1,500 characters read "
            "best. Buyers read it in English on Alibaba.com."
        ),
    )
    year_established = inputs.WholeNumberField(label=_("Year established"), required=False)
    employees = inputs.WholeNumberField(
        label=_("Number of employees"),
        required=False,
        min_value=1,
        help_text=_("Everyone who works for the business. Buyers see the range (for example 51–100 people)."),
    )
    capacity_quantity = inputs.WholeNumberField(label=_("Production capacity per month"), required=False, min_value=0)
    capacity_unit = forms.ChoiceField(label=_("Unit"), required=False, choices=[("", "—"), *Unit.choices])

    @staticmethod
    def initial_for(profile: Any) -> dict[str, Any]:
        if profile is None:
            return {}
        return {name: getattr(profile, name) for name in ProfileForm.base_fields}


class MarketForm(forms.Form):
    country = CountryField(label=_("Country"), required=False)
    share = inputs.WholeNumberField(label=_("Share of exports (%)"), required=False, min_value=1, max_value=100)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("country") and data.get("share") is None:
            self.add_error("share", _("Enter the percent of your exports that goes to this country."))
        elif data.get("share") is not None and not data.get("country") and "country" not in self.errors:
            self.add_error("country", _("Choose the country."))
        return data


class TradeShowForm(forms.Form):
    name = forms.CharField(label=_("Trade show"), required=False, max_length=200)
    year = inputs.WholeNumberField(label=_("Year"), required=False)
    country = CountryField(label=_("Country"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (data.get("year") is not None or data.get("country")) and not (data.get("name") or "").strip():
            self.add_error("name", _("Enter the name of the trade show."))
        elif (data.get("name") or "").strip() and data.get("year") is None:
            self.add_error("year", _("Enter the year you attended."))
        return data


MarketFormSet = formset_factory(MarketForm, extra=0, max_num=MARKETS_MAX, absolute_max=MARKETS_MAX)
TradeShowFormSet = formset_factory(TradeShowForm, extra=0, max_num=TRADE_SHOWS_MAX, absolute_max=TRADE_SHOWS_MAX)


def market_formset(data: Any = None, *, profile: Any = None) -> Any:
    """The export markets' lines: the saved ones and ``EMPTY_LINES`` empty ones, at most ``MARKETS_MAX``."""
    initial = [{"country": m.country.code, "share": m.share} for m in profile.markets.all()] if profile else []
    initial += [{}] * max(0, min(EMPTY_LINES, MARKETS_MAX - len(initial)))
    return MarketFormSet(data, initial=initial, prefix="markets")


def trade_show_formset(data: Any = None, *, profile: Any = None) -> Any:
    """The trade shows' lines: the saved ones and ``EMPTY_LINES`` empty ones, at most ``TRADE_SHOWS_MAX``."""
    initial = (
        [{"name": t.name, "year": t.year, "country": t.country.code} for t in profile.trade_shows.all()]
        if profile
        else []
    )
    initial += [{}] * max(0, min(EMPTY_LINES, TRADE_SHOWS_MAX - len(initial)))
    return TradeShowFormSet(data, initial=initial, prefix="shows")


def filled_lines(formset: Any) -> list[forms.Form]:
    """The lines of a valid formset that are not left empty, in order: the services' rows (a refusal about row
    ``markets[1]`` is about the second of these)."""
    return [form for form in formset.forms if any(value not in (None, "") for value in form.cleaned_data.values())]


def markets_from(formset: Any) -> list[MarketInput]:
    lines = filled_lines(formset)
    return [MarketInput(country=f.cleaned_data["country"], share=f.cleaned_data["share"]) for f in lines]


def trade_shows_from(formset: Any) -> list[TradeShowInput]:
    return [
        TradeShowInput(name=f.cleaned_data["name"], year=f.cleaned_data["year"], country=f.cleaned_data["country"])
        for f in filled_lines(formset)
    ]


class PhotoUploadForm(forms.Form):
    # An empty file reaches the service, whose refusal names it ("Choose a photo" would say nothing was sent).
    photo = forms.FileField(
        label=_("Add a photo (JPEG or PNG, a phone camera's photo is fine)"),
        allow_empty_file=True,
        error_messages={"required": _("Choose a photo to upload."), "invalid": _("Choose a photo to upload.")},
    )


class PhotoMoveForm(forms.Form):
    position = inputs.WholeNumberField(min_value=0, max_value=100)


class CertificateForm(forms.Form):
    type = forms.ChoiceField(label=_("Certification"), choices=[("", "—"), *CertificationType.choices])
    issuer = forms.CharField(
        label=_("Issued by"), max_length=200, help_text=_("The certification body, for example TÜV SÜD or SGS.")
    )
    number = forms.CharField(label=_("Certificate number"), max_length=100)
    valid_from = inputs.DateField(label=_("Valid from"))
    valid_until = inputs.DateField(label=_("Valid until"))
    file = forms.FileField(
        label=_("The certificate (PDF, JPEG or PNG, at most 5 MB)"),
        allow_empty_file=True,
        help_text=_("A clear scan or photo of the whole certificate."),
    )
