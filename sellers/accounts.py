"""Glue between django-allauth and django-axes: which login a failed attempt counts against, and from where."""

from allauth.account.adapter import DefaultAccountAdapter

from dxports.proxies import client_ip

AXES_USERNAME_MAX_LENGTH = 255  # axes' AccessAttempt.username


def axes_username(request, credentials=None):
    """allauth authenticates with ``email=…``; the login form posts it as ``login``. Lower-cased, so that
    ``Owner@x`` and ``owner@x`` share one failure count; cut to the 255 characters axes stores, so that an
    over-long login is counted instead of failing to be recorded."""
    value = (credentials or {}).get("email") or (credentials or {}).get("username")
    if not value and request is not None:
        value = request.POST.get("login", "")
    return (value or "").strip().lower()[:AXES_USERNAME_MAX_LENGTH]


class AccountAdapter(DefaultAccountAdapter):
    """allauth's rate limits count by the client's address as django-axes does (DXPORTS_TRUSTED_PROXY_COUNT)."""

    def get_client_ip(self, request):
        return client_ip(request)
