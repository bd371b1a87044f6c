"""Glue between django-allauth and django-axes: which login a failed attempt counts against."""


def axes_username(request, credentials=None):
    """allauth authenticates with ``email=…``; the login form posts it as ``login``. Lower-cased, so that
    ``Owner@x`` and ``owner@x`` share one failure count."""
    value = (credentials or {}).get("email") or (credentials or {}).get("username")
    if not value and request is not None:
        value = request.POST.get("login", "")
    return (value or "").strip().lower()
