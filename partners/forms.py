"""The seller's dashboard form for the access a partner has."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import SELLER_SCOPES


class AccessForm(forms.Form):
    scopes = forms.MultipleChoiceField(
        label=_("What this organisation may do"),
        choices=[(scope.value, scope.label) for scope in SELLER_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
