"""An httpx transport that runs the gateway in process, turning its hang (a timeout after the call was done) into
``httpx.ReadTimeout`` at once instead of a sleep."""

from collections.abc import Iterable
from wsgiref.types import StartResponse

import httpx

from .errors import HANG_KEY, Hang
from .gateway import MockGateway


class MockTransport(httpx.WSGITransport):
    def __init__(self, gateway: MockGateway) -> None:
        def app(environ: dict, start_response: StartResponse) -> Iterable[bytes]:
            environ[HANG_KEY] = True
            return gateway(environ, start_response)

        super().__init__(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except Hang:
            raise httpx.ReadTimeout("the mock gateway did the call but its answer is lost", request=request) from None
