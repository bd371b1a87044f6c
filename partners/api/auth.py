"""Authentication by API key (``Authorization: Api-Key <key>``) and the scope each operation needs.

Checking a key is one indexed read (by its ``key_id``, with the partner and its service user) and one HMAC-SHA256,
so it never dominates a request. The principal is the partner's service user (``request.user``, the actor of
every write) and the key (``request.auth``, with its partner and scopes).
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, permissions

from partners import selectors, services
from partners.api.errors import NotAuthenticated

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _sep, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != KEYWORD.lower() or not key:
            raise NotAuthenticated(
                _("Send your API key as “Authorization: Api-Key <key>”."), code="invalid_authorization_header"
            )
        match = services.KEY_PATTERN.fullmatch(key)
        if match is None:
            raise NotAuthenticated(_("This is not a dxports API key."), code="invalid_api_key")
        mode, key_id, _secret = match.groups()
        api_key = selectors.api_key_for(key_id=key_id)
        if api_key is None or not hmac.compare_digest(api_key.key_hash, services.key_hash(key)):
            raise NotAuthenticated(_("This API key is not valid."), code="invalid_api_key")
        if mode != settings.PARTNERS_KEY_MODE:
            raise NotAuthenticated(
                _("This is a %(mode)s key; this server accepts %(server)s keys.")
                % {"mode": mode, "server": settings.PARTNERS_KEY_MODE},
                code="api_key_wrong_mode",
            )
        now = timezone.now()
        if api_key.revoked_at is not None:
            raise NotAuthenticated(_("This API key was revoked."), code="api_key_revoked")
        if api_key.expires_at is not None and api_key.expires_at <= now:
            message = (
                _("This API key was replaced by a newer one and stopped working.")
                if api_key.replaced_by_id
                else _("This API key expired.")
            )
            raise NotAuthenticated(message, code="api_key_expired")
        if not api_key.partner.is_active:
            raise NotAuthenticated(_("This partner's access is suspended."), code="partner_inactive")
        services.api_key_touch(api_key=api_key, now=now)
        return api_key.partner.service_user, api_key

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="dxports"'


class HasScope(permissions.BasePermission):
    """The key holds the scope the view names for the method (``view.scopes[method]``); a view without one for the
    method needs only a valid key."""

    def has_permission(self, request, view):
        if request.auth is None:
            return False
        scope = getattr(view, "scopes", {}).get(request.method)
        if scope is None or scope in request.auth.scopes:
            return True
        self.message = _("This API key lacks the scope %(scope)s.") % {"scope": scope}
        self.code = "insufficient_scope"
        return False
