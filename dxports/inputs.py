"""Form fields whose value, shown and submitted, never depends on the page's language (issue 11: in Bengali a saved
expiry date showed as an empty date input, and the next save erased it).

Django renders a date in the active language's first input format (``31/03/2027`` in Bengali); a browser's
``<input type=date>`` only takes ISO (``2027-03-31``), so it showed nothing and submitted nothing. ``DateField`` and
``TimeField`` here render and read ISO only, in every language, never localized. ``WholeNumberField`` and
``DecimalNumberField`` read what a person types through ``dxports.numbers`` (Bengali digits, thousands separators)
in a text input that opens the phone's number keyboard: a ``type=number`` input refuses ``1,000`` or Bengali digits
in the browser and submits nothing in their place. Every form of the project uses these (tests/dxports/test_inputs.py
walks them all).
"""

from typing import Any

from django import forms

from dxports import numbers

ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or ISO_DATE)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or ISO_TIME)


class DateField(forms.DateField):
    """A date as the browser's date input sends it (``YYYY-MM-DD``, Bengali digits read too), whatever the language."""

    widget = DateInput
    input_formats = [ISO_DATE]

    def to_python(self, value: Any) -> Any:
        return super().to_python(numbers.to_ascii(value).strip() if isinstance(value, str) else value)


class TimeField(forms.TimeField):
    """A time of day as the browser's time input sends it (``HH:MM``, seconds allowed)."""

    widget = TimeInput
    input_formats = [ISO_TIME, "%H:%M:%S"]

    def to_python(self, value: Any) -> Any:
        return super().to_python(numbers.to_ascii(value).strip() if isinstance(value, str) else value)


class WholeNumberField(forms.IntegerField):
    """A whole number as typed: ``1000``, ``1,000``, ``১০০০``; min and max checked by the server."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        return numbers.whole_number(value)


class DecimalNumberField(forms.DecimalField):
    """A decimal number as typed: ``2.50``, ``1,250.00``, ``২.৫০``."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        return numbers.decimal_number(value)
