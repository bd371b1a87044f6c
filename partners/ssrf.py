"""Where a webhook may be sent: public https URLs only, checked when an endpoint is registered and again before every
delivery (a name may resolve elsewhere later), and the delivery connects to the address that was checked, so a name
that changes its answer between the check and the connection (DNS rebinding) reaches nothing internal.

Refused: other schemes than https, user names in the URL, and names or addresses that are loopback, private,
link-local (cloud metadata at 169.254.169.254), shared (100.64/10), multicast, reserved or unspecified, in IPv4 or
IPv6 (IPv4-mapped IPv6 included). With ``PARTNERS_WEBHOOKS_ALLOW_LOOPBACK`` (development only, refused without DEBUG)
http and loopback addresses are allowed, for a receiver on the developer's machine; private networks never are.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from partners.errors import UnsafeUrl

MAX_URL_LENGTH = 2000


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (``address``, ``port``) and what to say (``url``, ``host_header``)."""

    url: str
    scheme: str
    host: str
    port: int
    address: str
    path: str  # path and query, as sent

    @property
    def host_header(self):
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"

    @property
    def connect_url(self):
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.scheme}://{host}:{self.port}{self.path}"


def resolve(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (the system resolver). ``OSError`` when it does not resolve."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _refusal(url: str, message: str) -> UnsafeUrl:
    return UnsafeUrl(message, extra={"field": "url", "code": "url_not_allowed", "url": url[:200]})


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return settings.PARTNERS_WEBHOOKS_ALLOW_LOOPBACK
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_private)


def check(url: str) -> Target:
    """The ``Target`` of ``url`` when it may receive webhooks; ``UnsafeUrl`` (field ``url``) otherwise, saying why."""
    url = str(url or "").strip()
    if not url or len(url) > MAX_URL_LENGTH or any(ord(c) < 33 for c in url):
        raise _refusal(url, _("Enter the URL of your webhook receiver, at most 2000 characters, without spaces."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise _refusal(url, _("This URL cannot be read: %(error)s.") % {"error": error}) from error
    allowed_schemes = ("https", "http") if settings.PARTNERS_WEBHOOKS_ALLOW_LOOPBACK else ("https",)
    if parts.scheme not in allowed_schemes:
        raise _refusal(url, _("Webhook URLs must use https."))
    if parts.username is not None or parts.password is not None:
        raise _refusal(url, _("A webhook URL cannot hold a user name or password."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise _refusal(url, _("The URL has no host name."))
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as error:
        raise _refusal(url, _("The host name %(host)s cannot be resolved.") % {"host": host}) from error
    refused = [address for address in addresses if not address_allowed(address)]
    if refused or not addresses:
        raise _refusal(
            url,
            _(
                "%(host)s resolves to %(address)s, which is not a public internet address: webhooks are only sent "
                "to public servers."
            )
            % {"host": host, "address": (refused or ["nothing"])[0]},
        )
    if parts.scheme == "http" and not all(ipaddress.ip_address(a.split("%", 1)[0]).is_loopback for a in addresses):
        raise _refusal(url, _("Webhook URLs must use https (plain http only reaches this machine in development)."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(url=url, scheme=parts.scheme, host=host, port=port, address=addresses[0], path=path)
