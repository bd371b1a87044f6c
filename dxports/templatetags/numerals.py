"""``{{ value|digits }}``: a number, a date or a sentence with numbers, written with the active language's digits
(Bengali digits in ``bn``). For what a person reads only: never a form input's value, a URL or an attribute that a
program reads. Loaded in every template (``TEMPLATES`` ``builtins``)."""

from django import template

from dxports import numbers

register = template.Library()


@register.filter(is_safe=True)
def digits(value: object) -> str:
    """``value`` as text with the active language's digits; replacing digits adds no markup, so safe stays safe."""
    if value is None:
        return ""
    return numbers.localize_digits(value)
