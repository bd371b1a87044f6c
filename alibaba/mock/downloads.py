"""Downloads of the files buyers attach, through the links ``/dexports/inquiry/attachment/get`` hands out.

A link is served like a file host serves a pre-signed URL, outside ``/rest``: no app key, no access token and no
rate limit; its own signature and expiry (on the gateway's business clock) decide. Latency, the drawn ISP error
(HTTP 503) and the drawn timeout (the answer comes ``hang_seconds`` late) apply as to calls. Outcomes are counted
in ``/_mock/state`` ``calls`` under ``/files/inquiry-attachments``.
"""

import hmac
import json
import urllib.parse
from typing import TYPE_CHECKING
from wsgiref.types import StartResponse

from . import files
from .calls.inquiries import DOWNLOAD_PATH
from .errors import HANG_KEY, Hang
from .signing import link_signature

if TYPE_CHECKING:
    from .gateway import MockGateway

CHUNK_BYTES = 64 * 1024


# What the download path answers: status, headers, body chunks, and the outcome counted for the call.
Answer = tuple[str, list[tuple[str, str]], list[bytes], str]


def serve(gateway: "MockGateway", environ: dict, start_response: StartResponse) -> list[bytes]:
    config = gateway.config
    if config["latency_ms"]:
        gateway.wait(config["latency_ms"] / 1000)
    if environ.get("REQUEST_METHOD", "GET") != "GET":
        return _error(start_response, "405 Method Not Allowed", "MethodNotAllowed", "a download link takes GET")
    isp_error, hang = gateway.faults.draw(config)
    if isp_error is not None:
        gateway.count_call(DOWNLOAD_PATH, "ServiceUnavailable")
        return _error(start_response, "503 Service Unavailable", "ServiceUnavailable", "please retry later")
    status, headers, body, outcome = _answer(gateway, environ)
    gateway.count_call(DOWNLOAD_PATH, "timeout" if hang and outcome == "ok" else outcome)
    if hang:
        if environ.get(HANG_KEY):
            raise Hang(DOWNLOAD_PATH)
        gateway.wait(config["hang_seconds"])
    start_response(status, headers)
    return body


def _answer(gateway: "MockGateway", environ: dict) -> Answer:
    path = environ.get("PATH_INFO", "").removeprefix(DOWNLOAD_PATH + "/")
    attachment_id, _, _ = path.partition("/")
    query = dict(urllib.parse.parse_qsl(environ.get("QUERY_STRING", "")))
    expires, signature = query.get("expires", ""), query.get("signature", "")
    if not attachment_id.isdigit() or not expires.isdigit():
        return _failure("404 Not Found", "NotFound", "no such file")
    expected = link_signature(gateway.link_key, int(attachment_id), int(expires))
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        return _failure("403 Forbidden", "SignatureDoesNotMatch", "the link is not one the gateway handed out")
    if gateway.now() > int(expires):
        return _failure("403 Forbidden", "LinkExpired", "the link has expired: ask for a new one")
    with gateway.store.transaction() as conn:
        row = conn.execute(
            "SELECT file_name, content_type, recipe FROM attachments WHERE attachment_id = ?", (int(attachment_id),)
        ).fetchone()
    if row is None:
        return _failure("404 Not Found", "NotFound", "no such file")
    content = files.render(json.loads(row["recipe"]))
    disposition = f"attachment; filename*=UTF-8''{urllib.parse.quote(row['file_name'])}"
    headers = [
        ("Content-Type", row["content_type"]),
        ("Content-Length", str(len(content))),
        ("Content-Disposition", disposition),
        ("Cache-Control", "private, no-store"),
    ]
    chunks = [content[start : start + CHUNK_BYTES] for start in range(0, len(content), CHUNK_BYTES)]
    return "200 OK", headers, chunks, "ok"


def _failure(status: str, code: str, message: str) -> Answer:
    body = json.dumps({"code": code, "message": f"{code}: {message}"}).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    return status, headers, [body], code


def _error(start_response: StartResponse, status: str, code: str, message: str) -> list[bytes]:
    status, headers, body, _ = _failure(status, code, message)
    start_response(status, headers)
    return body
