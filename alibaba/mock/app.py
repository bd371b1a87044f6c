"""The WSGI side: reading a request, checking the system parameters, answering in the envelope."""

import hmac
import json
import logging
import time
import urllib.parse
import uuid
from collections.abc import Iterable
from email.message import Message
from email.parser import BytesHeaderParser
from typing import TYPE_CHECKING, Any
from wsgiref.types import StartResponse

from . import downloads, harness
from .calls import APP, ROUTES, SELLER
from .calls.auth import authenticate
from .calls.common import Call
from .calls.inquiries import DOWNLOAD_PATH
from .errors import HANG_KEY, ApiError, Hang, invalid, missing
from .signing import sign

if TYPE_CHECKING:
    from .gateway import MockGateway

logger = logging.getLogger(__name__)

TIMESTAMP_WINDOW_S = 600
MAX_BODY_BYTES = 8 * 1024 * 1024
SYSTEM_PARAMS = ("app_key", "timestamp", "sign_method", "sign")
REST_METHODS = ("GET", "POST")
JSON_HEADERS = [("Content-Type", "application/json; charset=utf-8")]


def application(gateway: "MockGateway", environ: dict, start_response: StartResponse) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "GET")
    if path == "/rest" or path.startswith("/rest/"):
        if method in REST_METHODS:
            status, answer = "200 OK", rest(gateway, path.removeprefix("/rest"), environ)
        else:
            status, answer = "405 Method Not Allowed", {"error": f"{method} is not allowed: calls are GET or POST"}
    elif path.startswith(DOWNLOAD_PATH + "/"):
        return downloads.serve(gateway, environ, start_response)
    elif path.startswith("/_mock/"):
        status, answer = harness.handle(gateway, method, path, environ)
    else:
        status, answer = "404 Not Found", {"error": f"no such path {path}: calls go to /rest/<api_path> or /rest"}
    body = json.dumps(answer, separators=(",", ":")).encode()
    start_response(status, [*JSON_HEADERS, ("Content-Length", str(len(body)))])
    return [body]


def rest(gateway: "MockGateway", path_api: str, environ: dict) -> dict[str, Any]:
    """One protocol call, named by the path (``/rest/<api_path>``) or by the ``method`` parameter (``/rest``, the
    SDK's form). A drawn timeout strikes after the call succeeded (its write is done): over HTTP the answer comes
    ``hang_seconds`` late; in process (``HANG_KEY`` in the environ) ``Hang`` is raised instead."""
    config = gateway.config
    request_id = uuid.uuid4().hex
    hang = False
    api_path = "/rest" if path_api in ("", "/") else path_api
    if config["latency_ms"]:
        gateway.wait(config["latency_ms"] / 1000)
    try:
        params, files = _read_params(environ)
        api_path = _api_path(path_api, params)
        answer, hang = _dispatch(gateway, api_path, params, files, _base_url(environ))
        answer = {"code": "0", "request_id": request_id, **answer}
        outcome = "timeout" if hang else "ok"
    except ApiError as error:
        answer, outcome = error.envelope(request_id), error.code
    except Exception:
        logger.exception("mock gateway: %s failed", api_path)
        failure = ApiError("SYSTEM", "InternalError", "InternalError: the gateway failed unexpectedly, please retry")
        answer, outcome = failure.envelope(request_id), failure.code
    gateway.count_call(api_path, outcome)
    if hang:
        if environ.get(HANG_KEY):
            raise Hang(api_path)
        gateway.wait(config["hang_seconds"])
    return answer


def _dispatch(
    gateway: "MockGateway", api_path: str, params: dict[str, str], files: dict[str, bytes], base_url: str
) -> tuple[dict, bool]:
    route = ROUTES.get(api_path)
    if route is None:
        raise ApiError("ISV", "InvalidApiPath", f"InvalidApiPath: {api_path} is not an API of this gateway")
    handler, auth = route
    for key in SYSTEM_PARAMS:
        if not params.get(key):
            raise missing(key)
    if params["app_key"] != gateway.app_key:
        raise invalid("app_key", f"{params['app_key']} is not a registered app")
    config, now = gateway.config, gateway.now()
    gateway.faults.admit(params["app_key"], now, config)
    if params["sign_method"] != "sha256":
        raise invalid("sign_method", f"must be sha256 (it is {params['sign_method']!r})")
    expected = sign(gateway.app_secret, api_path, params)
    if not hmac.compare_digest(params["sign"].upper().encode(), expected.encode()):
        raise ApiError("ISV", "IncompleteSignature", "IncompleteSignature: the request signature does not match")
    _check_timestamp(params["timestamp"])
    isp_error, hang = gateway.faults.draw(config)
    if isp_error is not None:
        raise isp_error
    token = params.get("access_token", "")
    if auth == SELLER and not token:
        raise missing("access_token", "is required for this call")
    with gateway.store.transaction() as conn:
        supplier_id = authenticate(conn, token, now) if auth != APP and token else None
        return handler(Call(gateway, conn, params, files, supplier_id, now, base_url)), hang


def _api_path(path_api: str, params: dict[str, str]) -> str:
    """The call's api_path: the path after ``/rest``, else the ``method`` parameter. ``method`` is signed like any
    parameter; when both name a call they must agree. ``format`` (the SDK sends ``json``) takes only ``json``;
    ``partner_id``, ``simplify`` and ``debug`` are accepted and change nothing (answers are always flat JSON)."""
    method = params.get("method", "")
    if params.get("format", "json") != "json":
        raise invalid("format", f"must be json (it is {params['format']!r})")
    if path_api in ("", "/"):
        if not method:
            raise missing("method", "is required when the call is sent to /rest (or use /rest/<api_path>)")
        return method
    if method and method != path_api:
        raise invalid("method", f"names {method} but the call was sent to /rest{path_api}")
    return path_api


def _base_url(environ: dict) -> str:
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', 'localhost')}:{environ.get('SERVER_PORT', '80')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"


def _check_timestamp(value: str) -> None:
    """Against the wall clock, not the gateway's business clock: tests move that one to expire tokens and bans
    while the client keeps signing with real time."""
    if not value.isdigit():
        raise ApiError("ISV", "InvalidTimestamp", f"InvalidTimestamp: {value!r} is not epoch milliseconds")
    skew = abs(int(value) / 1000 - time.time())
    if skew > TIMESTAMP_WINDOW_S:
        raise ApiError(
            "ISV", "InvalidTimestamp", f"InvalidTimestamp: off by {skew:.0f} s, more than {TIMESTAMP_WINDOW_S} s"
        )


def _read_body(environ: dict) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise invalid("body", f"is larger than {MAX_BODY_BYTES} bytes")
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _read_params(environ: dict) -> tuple[dict[str, str], dict[str, bytes]]:
    """Query string and body parameters (form-encoded or multipart), and the file parts of a multipart body."""
    params = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    body = _read_body(environ)
    content_type = Message()
    content_type["Content-Type"] = environ.get("CONTENT_TYPE") or "application/x-www-form-urlencoded"
    files: dict[str, bytes] = {}
    if content_type.get_content_type() == "multipart/form-data":
        boundary = content_type.get_param("boundary")
        if not boundary:
            raise invalid("Content-Type", "multipart/form-data needs a boundary")
        fields, files = _multipart(body, str(boundary).encode("latin-1"))
        params.update(fields)
    elif body:
        try:
            params.update(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError):
            raise invalid("body", "is not a form-encoded UTF-8 body") from None
    return params, files


def _multipart(body: bytes, boundary: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for chunk in body.split(b"--" + boundary)[1:-1]:
        head, separator, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise invalid("body", "has a multipart part without headers")
        headers = BytesHeaderParser().parsebytes(head)
        name = headers.get_param("name", header="content-disposition")
        if not name:
            raise invalid("body", "has a multipart part without a name")
        content = content.removesuffix(b"\r\n")
        if headers.get_param("filename", header="content-disposition") is not None:
            files[str(name)] = content
        else:
            try:
                fields[str(name)] = content.decode()
            except UnicodeDecodeError:
                raise invalid(str(name), "is not UTF-8 text") from None
    return fields, files
