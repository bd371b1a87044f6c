"""Glue between django-allauth and django-axes: which login a failed attempt counts against, and from where; and
allauth's e-mails in the recipient's language."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

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
    """allauth's rate limits count by the client's address as django-axes does (DXPORTS_TRUSTED_PROXY_COUNT).

    A person who signs up in a language other than the site's keeps it (``User.language``), so the sign-up
    confirmation and every later e-mail speak it; allauth's e-mails go out in the recipient's language, or in the
    request's when the address belongs to nobody (or to somebody who never chose one)."""

    def get_client_ip(self, request):
        return client_ip(request)

    def save_user(self, request, user, form, commit=True):
        language = translation.get_language()
        if not user.language and language in dict(settings.LANGUAGES) and language != settings.LANGUAGE_CODE:
            user.language = language
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        with translation.override(_recipient_language(email, context)):
            super().send_mail(template_prefix, email, context)


def _recipient_language(email, context):
    user = context.get("user")
    if user is None:
        user = get_user_model().objects.filter(email__iexact=email).only("language").first()
    language = getattr(user, "language", "")
    return language if language in dict(settings.LANGUAGES) else translation.get_language()
