"""The gateway's two signatures: request signing (DESIGN.md §5, Transport) and push authorization."""

import hashlib
import hmac
from collections.abc import Mapping


def sign(secret: str, api_path: str, params: Mapping[str, str]) -> str:
    """HEX_UPPER(HMAC_SHA256(secret, api_path + k1 + v1 + k2 + v2 …)) over the params sorted by key, ``sign``
    excluded. File parts are never in ``params``."""
    text = api_path + "".join(key + params[key] for key in sorted(params) if key != "sign")
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


def push_authorization(secret: str, app_key: str, body: bytes) -> str:
    """The ``Authorization`` header of a push: HEX_UPPER(HMAC_SHA256(secret, app_key + raw body))."""
    return hmac.new(secret.encode(), app_key.encode() + body, hashlib.sha256).hexdigest().upper()


def link_signature(key: bytes, attachment_id: int, expires: int) -> str:
    """The signature of a download link: HEX(HMAC_SHA256(the gateway's own link key, "attachment_id:expires"))."""
    return hmac.new(key, f"{attachment_id}:{expires}".encode(), hashlib.sha256).hexdigest()
