"""Forms of the dashboard and of the admin's review: they parse and validate what a person typed (with
``sellers.validators``) and hand clean data to a service; they never save."""

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dxports import inputs, numbers
from sellers import validators
from sellers.models import DocumentKind, ReasonCode, Sector, Seller
from sellers.requirements import TARGETS


class StartForm(forms.Form):
    legal_name = forms.CharField(
        label=_("Legal name of the business, in English, as registered"),
        max_length=200,
        help_text=_("As written on your trade licence, for example “Rupsha Jute Crafts Ltd.”"),
    )


class _StepForm(forms.ModelForm):
    """A step of the profile: a ModelForm over the step's fields that parses what was typed and never saves. The
    profile's rules are the service's (``sellers.validators.clean_profile``, run by ``seller_update_profile``), so
    that the dashboard and the partner API refuse a value the same way; the view shows its refusals on the fields.
    A field with a normalizer takes what a person types at any length: the length is checked once normalized."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in validators.FIELD_NORMALIZERS and isinstance(field, forms.CharField):
                field.max_length = None
                field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
                field.widget.attrs.pop("maxlength", None)

    def _post_clean(self):
        # The model's own checks run in the service, on the normalized values.
        pass

    def changed_values(self):
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}

    def add_refusal(self, error):
        """Show a ``ProfileInvalid`` from the service on the fields it names."""
        for name, messages in error.messages_by_field().items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


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
        field_classes = {"year_established": inputs.WholeNumberField, "employees": inputs.WholeNumberField}
        help_texts = {"trade_name": _("The name buyers know you by, if it differs from the legal name.")}


class AddressForm(_StepForm):
    """The mobile number is shown as people read it (``+880 1712-345678``), with what was stored said beside it."""

    class Meta:
        model = Seller
        fields = ["address", "postcode", "division", "district", "contact_phone"]
        help_texts = {
            "contact_phone": _(
                "A Bangladesh mobile number, typed any way: 01712345678, +880 1712-345678 or ০১৭১২৩৪৫৬৭৮."
            )
        }
        widgets = {
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "postcode": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.contact_phone
        if stored:
            self.initial["contact_phone"] = numbers.phone_display(stored)
            self.fields["contact_phone"].help_text = _("Saved as %(phone)s.") % {"phone": numbers.phone_display(stored)}


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
        field_classes = {"trade_licence_expires_on": inputs.DateField, "erc_expires_on": inputs.DateField}
        widgets = {
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
