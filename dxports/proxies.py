"""The client's address, as our own proxies report it.

Behind N trusted proxies (``DXPORTS_TRUSTED_PROXY_COUNT``), each appends to X-Forwarded-For the address it received
the request from, so the N-th entry from the right was written by our outermost proxy: that is the client. Whatever
stands left of it came from the client and is not believed. With no trusted proxy (the default), X-Forwarded-For is
ignored and the connection's address counts.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's IP address (a string): what login lockout (django-axes) and allauth's rate limits count by."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.DXPORTS_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote
