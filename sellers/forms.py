"""Forms of the dashboard and of the admin's review: they parse and validate what a person typed (with
``sellers.validators``) and hand clean data to a service; they never save."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sellers import validators
from sellers.models import DocumentKind, ReasonCode, Sector, Seller
from sellers.requirements import TARGETS


class StartForm(forms.Form):
    legal_name = forms.CharField(
        label=_("Legal name of the business, in English, as registered"),
        max_length=200,
        help_text=_("As written on your trade licence, for example “Rupsha Jute Crafts Ltd.”"),
    )


class DateInput(forms.DateInput):
    input_type = "date"


class _StepForm(forms.ModelForm):
    """A step of the profile: a ModelForm over the step's fields that never saves (the service does)."""

    def changed_values(self):
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class BusinessForm(_StepForm):
    categories = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Main sectors"),
        required=False,
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Seller
        fields = [
            "legal_name",
            "trade_name",
            "business_type",
            "year_established",
            "employees",
            "categories",
            "export_turnover",
            "website",
        ]
        help_texts = {"trade_name": _("The name buyers know you by, if it differs from the legal name.")}

    def clean_year_established(self):
        value = self.cleaned_data.get("year_established")
        if value is not None:
            validators.validate_year_established(value)
        return value


class AddressForm(_StepForm):
    class Meta:
        model = Seller
        fields = ["address", "postcode", "division", "district", "contact_phone"]
        help_texts = {"contact_phone": _("A Bangladesh mobile number, for example 01712345678.")}
        widgets = {"contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})}

    def clean_contact_phone(self):
        value = self.cleaned_data.get("contact_phone")
        return validators.normalize_bd_mobile(value) if value else ""

    def clean_postcode(self):
        value = (self.cleaned_data.get("postcode") or "").strip()
        if value and not (value.isdigit() and len(value) == 4):
            raise ValidationError(_("A Bangladesh postcode has 4 digits, for example 9100."), code="postcode")
        return value

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        division, district = cleaned.get("division"), cleaned.get("district")
        if division and district:
            try:
                validators.validate_district(division=division, district=district)
            except ValidationError as error:
                self.add_error("district", error)
        return cleaned


class IdentifiersForm(_StepForm):
    class Meta:
        model = Seller
        fields = [
            "trade_licence_number",
            "trade_licence_authority",
            "trade_licence_expires_on",
            "etin",
            "bin",
            "erc_number",
            "erc_expires_on",
        ]
        widgets = {
            "trade_licence_expires_on": DateInput,
            "erc_expires_on": DateInput,
            "etin": forms.TextInput(attrs={"inputmode": "numeric"}),
            "bin": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {
            "etin": _("12 digits, from your e-TIN certificate."),
            "bin": _("13 digits, from your VAT registration (Mushak-2.3)."),
            "erc_number": _(
                "Not registered yet? Leave it empty: you can start without an ERC, but listing for export needs one."
            ),
        }

    def _normalize(self, name, normalizer):
        value = self.cleaned_data.get(name)
        return normalizer(value) if value else ""

    def clean_trade_licence_number(self):
        return self._normalize("trade_licence_number", validators.normalize_trade_licence_number)

    def clean_trade_licence_authority(self):
        return self._normalize("trade_licence_authority", validators.normalize_licence_authority)

    def clean_etin(self):
        return self._normalize("etin", validators.normalize_etin)

    def clean_bin(self):
        return self._normalize("bin", validators.normalize_bin)

    def clean_erc_number(self):
        return self._normalize("erc_number", validators.normalize_erc_number)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("erc_number") and not cleaned.get("erc_expires_on"):
            self.add_error("erc_expires_on", _("Enter the ERC's expiry date, as printed on the certificate."))
        if cleaned.get("erc_expires_on") and not cleaned.get("erc_number") and "erc_number" not in self.errors:
            self.add_error("erc_number", _("Enter the ERC number, or leave both ERC fields empty."))
        return cleaned


class OwnerBankForm(_StepForm):
    """The NID and the account number are never sent back to the browser: the inputs start empty, and an empty
    input keeps the stored value."""

    SECRET_FIELDS = ("owner_nid", "bank_account_number")

    class Meta:
        model = Seller
        fields = [
            "owner_name",
            "owner_nid",
            "bank_name",
            "bank_branch",
            "bank_routing_number",
            "bank_account_number",
            "bank_account_name",
        ]
        widgets = {
            "owner_nid": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "bank_routing_number": forms.TextInput(attrs={"inputmode": "numeric"}),
            "bank_account_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }
        help_texts = {
            "owner_nid": _("10, 13 or 17 digits, as on the national ID card."),
            "bank_routing_number": _("9 digits; your branch can tell you."),
            "bank_account_name": _("Exactly as the bank writes it: the business's name or the owner's name."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.SECRET_FIELDS:
            stored = getattr(self.instance, name)
            self.initial[name] = ""
            if stored:
                self.fields[name].widget.attrs["placeholder"] = getattr(self.instance, f"{name}_masked")
                self.fields[name].help_text = _("Stored (shown masked). Leave empty to keep it, or type a new one.")

    def clean_owner_nid(self):
        value = self.cleaned_data.get("owner_nid")
        return validators.normalize_nid(value) if value else ""

    def clean_bank_routing_number(self):
        value = self.cleaned_data.get("bank_routing_number")
        return validators.normalize_routing_number(value) if value else ""

    def clean_bank_account_number(self):
        raw = "".join((self.cleaned_data.get("bank_account_number") or "").split()).replace("-", "")
        if raw and not (raw.isdigit() and 6 <= len(raw) <= 20):
            raise ValidationError(_("An account number has 6 to 20 digits."), code="account_number")
        return raw

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        account_name = cleaned.get("bank_account_name")
        if account_name:
            names = [self.instance.legal_name, self.instance.trade_name, cleaned.get("owner_name")]
            try:
                validators.validate_account_name(account_name, names=names)
            except ValidationError as error:
                self.add_error("bank_account_name", error)
        return cleaned

    def changed_values(self):
        values = super().changed_values()
        for name in self.SECRET_FIELDS:
            if not values.get(name):
                values.pop(name, None)  # empty: keep what is stored
        return values


STEPS = {
    "business": (_("Business"), BusinessForm),
    "address": (_("Address and contact"), AddressForm),
    "identifiers": (_("Licences and tax numbers"), IdentifiersForm),
    "owner-bank": (_("Owner and bank account"), OwnerBankForm),
}


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(choices=DocumentKind.choices, widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        allow_empty_file=True,  # the service refuses it with a clearer message
    )


class InviteForm(forms.Form):
    # The column's length: a longer address would pass the form's 320 characters and fail in the database.
    email = forms.EmailField(label=_("E-mail address of the person to invite"), max_length=254)


# The review (the admin's seller page) ----------------------------------------------------------------------------


class Decision(models.TextChoices):
    START_REVIEW = "start_review", _("Start review")
    APPROVE = "approve", _("Approve")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    REJECT = "reject", _("Reject")
    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Reinstate")


# Decisions the seller must be told the reason of: the overall note is required.
NOTE_REQUIRED = frozenset({Decision.REJECT, Decision.SUSPEND, Decision.REINSTATE})


class ReviewDecisionForm(forms.Form):
    """A decision taken on the seller's page: which one (the button pressed), the overall note to the seller, and for
    "Request changes" a problem and a message beside each field or document that must change (``reason_fields``)."""

    decision = forms.ChoiceField(choices=Decision.choices)
    note = forms.CharField(
        label=_("Note to the seller (shown on their dashboard and e-mailed)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, decisions: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["decision"]).choices = [
            (decision, Decision(decision).label) for decision in decisions
        ]
        for target, label in TARGETS.items():
            self.fields[f"{target}-code"] = forms.ChoiceField(
                label=_("Problem with %(item)s") % {"item": label},
                choices=[("", _("No problem")), *ReasonCode.choices],
                required=False,
            )
            self.fields[f"{target}-message"] = forms.CharField(
                label=_("What the seller must change in %(item)s") % {"item": label},
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"placeholder": _("What the seller must change")}),
            )

    def reason_fields(self, target: str) -> tuple[forms.BoundField, forms.BoundField]:
        return self[f"{target}-code"], self[f"{target}-message"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        reasons = []
        for target in TARGETS:
            code, message = cleaned.get(f"{target}-code"), (cleaned.get(f"{target}-message") or "").strip()
            if code and not message:
                self.add_error(f"{target}-message", _("Write what the seller must change."))
            elif message and not code:
                self.add_error(f"{target}-code", _("Choose what the problem is."))
            elif code:
                reasons.append({"target": target, "code": code, "message": message})
        decision = cleaned.get("decision")
        if decision == Decision.REQUEST_CHANGES and not reasons and not self.errors:
            self.add_error(None, _("Give at least one reason beside the field or document that must change."))
        if decision and decision != Decision.REQUEST_CHANGES and reasons:
            self.add_error(
                None, _("Reasons beside fields go only with “Request changes”: clear them, or request changes.")
            )
        if decision in NOTE_REQUIRED and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Give the reason: the seller reads it."))
        cleaned["reasons"] = reasons
        return cleaned
