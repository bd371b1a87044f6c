"""A webhook receiver written the way a partner's engineer writes one from docs/partner-api.md: it checks the
signature against the raw body with the endpoint's secret, refuses old timestamps, and answers 2xx fast."""

import hashlib
import hmac
import http.server
import json
import threading
import time


def verify_signature(payload: bytes, header: str, secret: str, tolerance: int = 300) -> bool:
    """True when ``header`` (Dxports-Signature) signs ``payload`` with ``secret`` and is recent."""
    timestamp, signatures = None, []
    for part in header.split(","):
        key, _, value = part.partition("=")
        if key == "t":
            timestamp = value
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not timestamp.isdigit() or not signatures:
        return False
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + payload, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, signature) for signature in signatures)


class Receiver:
    """An HTTP server on a loopback port; ``status`` is what it answers; ``received`` what came, verified with
    ``secret``."""

    def __init__(self):
        self.status = 200
        self.secret = None
        self.received = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.received.append(
                    {
                        "headers": dict(self.headers),
                        "body": json.loads(body),
                        "verified": verify_signature(
                            body, self.headers.get("Dxports-Signature", ""), outer.secret or ""
                        ),
                    }
                )
                self.send_response(outer.status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/dxports"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
