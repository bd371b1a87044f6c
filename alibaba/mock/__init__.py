"""The mock Alibaba.com gateway (DESIGN.md §5, docs/gateway.md): an outside system, so it imports nothing of the
project. ``MockGateway`` is the WSGI application; ``server.serve_in_thread`` puts it on a loopback port and
``transport.MockTransport`` runs it inside an httpx client."""

from .gateway import DEFAULT_APP_KEY, DEFAULT_APP_SECRET, MockGateway
from .server import serve_in_thread
from .signing import push_authorization, sign

__all__ = ["DEFAULT_APP_KEY", "DEFAULT_APP_SECRET", "MockGateway", "push_authorization", "serve_in_thread", "sign"]
