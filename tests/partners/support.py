"""The partner API as a partner's engineer calls it: JSON in, JSON out, the key in the Authorization header."""

import json

from django.utils import timezone

from partners import services
from partners.models import SELLER_SCOPES, ApiKey, Scope


class PartnerClient:
    """Django's test client speaking to /api/v1/ with a key. ``partner``, ``key`` (the string) and ``api_key``."""

    def __init__(self, client, issued):
        self.client = client
        self.key = issued.key
        self.api_key = issued.api_key
        self.partner = issued.api_key.partner

    def _headers(self, headers):
        return {"authorization": f"Api-Key {self.key}", **(headers or {})}

    def get(self, path, params=None, headers=None):
        return self.client.get(_url(path), params or {}, headers=self._headers(headers))

    def post(self, path, data=None, headers=None, **kwargs):
        if kwargs.pop("multipart", False):
            return self.client.post(_url(path), data or {}, headers=self._headers(headers))
        body = data if isinstance(data, str | bytes) else json.dumps(data if data is not None else {})
        return self.client.post(_url(path), body, content_type="application/json", headers=self._headers(headers))

    def patch(self, path, data=None, headers=None):
        body = data if isinstance(data, str | bytes) else json.dumps(data if data is not None else {})
        return self.client.patch(_url(path), body, content_type="application/json", headers=self._headers(headers))

    def delete(self, path, headers=None):
        return self.client.delete(_url(path), headers=self._headers(headers))


def _url(path):
    return path if path.startswith("/") else f"/api/v1/{path}"


def issue_key(partner, scopes=None, **kwargs):
    """A key of ``partner`` that was used a moment ago (so that a request does not also record its first use)."""
    issued = services.api_key_create(partner=partner, scopes=scopes or Scope.values, **kwargs)
    ApiKey.objects.filter(pk=issued.api_key.pk).update(last_used_at=timezone.now())
    issued.api_key.refresh_from_db()
    return issued


def grant(partner, seller, scopes=None):
    """``seller`` gives ``partner`` ``scopes`` (every seller scope by default), as its owner would."""
    owner = seller.members.filter(role="owner").first()
    return services.seller_grants_set(
        seller=seller,
        partner=partner,
        scopes=[scope.value for scope in SELLER_SCOPES] if scopes is None else scopes,
        actor=owner.user if owner else None,
    )


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]
