"""Forms of the seller's inquiry dashboard. They only parse what the seller typed; the services decide (and refuse
with an ``ApplicationError`` naming the field)."""

from decimal import Decimal
from typing import cast

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from buyers.models import MAX_REPLY, Incoterm, InquiryStatus
from buyers.selectors import WAITING_FILTERS
from catalog import selectors as catalog_selectors
from dxports import inputs

WAITING_LABELS = {
    "waiting": _("Waiting for your answer"),
    "over_12h": _("Waiting over 12 hours"),
    "over_24h": _("Waiting over 24 hours"),
}


def _blank(choices, label="—"):
    return [("", label), *choices]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(InquiryStatus.choices, _("Any")))
    product = forms.TypedChoiceField(label=_("Product"), required=False, coerce=int, empty_value=None)
    country = forms.ChoiceField(label=_("Country"), required=False)
    waiting = forms.ChoiceField(
        label=_("Waiting"),
        required=False,
        choices=_blank([(key, WAITING_LABELS[key]) for key in WAITING_FILTERS], _("Any")),
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, products=(), country_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["product"]).choices = _blank(
            [(pk, title) for pk, title in products], _("Any")
        )
        cast(forms.ChoiceField, self.fields["country"]).choices = _blank(
            [(code, countries.name(code)) for code in country_codes], _("Any")
        )


class ReplyForm(forms.Form):
    content = forms.CharField(
        label=_("Your answer"), max_length=MAX_REPLY, widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_REPLY})
    )


class QuotationForm(ReplyForm):
    """A quotation: the message and the export terms the gateway keeps beside it (docs/gateway.md)."""

    price = inputs.DecimalNumberField(
        label=_("Price per unit (US$)"), min_value=Decimal("0.01"), max_value=Decimal("9999999"), decimal_places=2
    )
    quantity = inputs.WholeNumberField(label=_("Quantity"), min_value=1, max_value=99_999_999)
    unit = forms.ChoiceField(label=_("Unit"))
    incoterm = forms.ChoiceField(label=_("Incoterm"), choices=Incoterm.choices, initial=Incoterm.FOB)
    port_of_loading = forms.CharField(
        label=_("Port of loading"),
        required=False,
        max_length=128,
        help_text=_("Needed for every term but EXW and FCA, e.g. Chattogram."),
    )
    destination = forms.CharField(
        label=_("Destination"),
        required=False,
        max_length=128,
        help_text=_("The port or place of destination; needed for C and D terms (CFR, CIF, DAP …)."),
    )
    lead_time_days = inputs.WholeNumberField(label=_("Lead time (days)"), min_value=1, max_value=365)
    payment_terms = forms.MultipleChoiceField(label=_("Payment terms"), widget=forms.CheckboxSelectMultiple)
    valid_until = inputs.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Empty: 30 days from today."),
    )
    sample_terms = forms.CharField(
        label=_("Sample terms"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Free samples or not, who pays the courier, how long."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = catalog_selectors.trade_units()
        cast(forms.ChoiceField, self.fields["payment_terms"]).choices = [
            (m, m) for m in catalog_selectors.payment_methods()
        ]
        self.fields["content"].label = _("Message with the quotation")

    def terms(self):
        """The export terms as ``services.quotation_terms`` takes them."""
        data = dict(self.cleaned_data)
        data.pop("content")
        return data


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Mark as"),
        choices=[
            (InquiryStatus.WON, _("Won: the buyer ordered")),
            (InquiryStatus.LOST, _("Lost: the buyer went elsewhere")),
            (InquiryStatus.CLOSED, _("Closed: nothing more to do")),
            (InquiryStatus.SPAM, _("Spam: report it")),
        ],
    )
    reason = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class ReplyTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    body = forms.CharField(
        label=_("Text"), max_length=MAX_REPLY, widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_REPLY})
    )


class WorkingWeekForm(forms.Form):
    day_starts_at = inputs.TimeField(label=_("Working day starts at"))
    day_ends_at = inputs.TimeField(
        label=_("Working day ends at"),
        help_text=_("00:00 means the end of the day."),
    )
    off_days = forms.TypedMultipleChoiceField(
        label=_("Weekly off-days"),
        required=False,
        coerce=int,
        choices=[(number, WEEKDAYS[number]) for number in range(7)],
        widget=forms.CheckboxSelectMultiple,
    )


class HolidayForm(forms.Form):
    date = inputs.DateField(label=_("Date"))
    name = forms.CharField(label=_("Name"), required=False, max_length=100)


class NotificationSettingsForm(forms.Form):
    new_inquiry_email = forms.BooleanField(label=_("E-mail me when a new inquiry arrives"), required=False)
    daily_digest_email = forms.BooleanField(label=_("E-mail me a daily digest"), required=False)
