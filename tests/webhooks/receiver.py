"""A webhook receiver for the tests, run as its own process on loopback: it verifies each
delivery with the standardwebhooks package, as an endpoint owner would, and records it.

    python receiver.py RECORD_FILE SECRETS_FILE [CERTIFICATE_FILE KEY_FILE]

It prints "ready PORT" once it listens. SECRETS_FILE holds {"name": "whsec_..."}; it is read
at every request, so a test can write an endpoint's secret after starting the receiver. Each
request is appended to RECORD_FILE as one JSON line before the answer goes: its path, the
webhook-id, which secrets verified it, the raw body and the headers. The path says how to
answer: /ok... 200, /fail 500 (with a long body), /slow waits 3 seconds, /redirect 302.
A verification (type webhook.verification) that a secret verifies is answered at once with
its challenge, {"challenge": "..."}, as the README asks, on every path but /deaf... (which
answers it as any other event, 200 without the challenge).
Given a certificate and its key, it speaks https.
"""

import json
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

RECORD, SECRETS = Path(sys.argv[1]), Path(sys.argv[2])
lock = threading.Lock()


def verify(body: bytes, headers: dict[str, str], secret: str) -> bool:
    """Whether the delivery is signed with this secret (and is recent)."""
    try:
        Webhook(secret).verify(body, headers)
        return True
    except WebhookVerificationError:
        return False


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        headers = {k.lower(): v for k, v in self.headers.items()}
        secrets = json.loads(SECRETS.read_text()) if SECRETS.exists() else {}
        record = {
            "path": self.path,
            "id": headers.get("webhook-id"),
            "verified": {name: verify(body, headers, secret) for name, secret in secrets.items()},
            "body": body.decode(),
            "headers": headers,
        }
        with lock, RECORD.open("a") as f:
            f.write(json.dumps(record) + "\n")
        event = json.loads(body or b"{}")
        if event.get("type") == "webhook.verification" and not self.path.startswith("/deaf"):
            if any(record["verified"].values()):
                self._answer(200, json.dumps({"challenge": event["data"]["challenge"]}).encode())
            else:
                self._answer(401, b"not signed with a secret we know")
        elif self.path.startswith("/ok") or self.path.startswith("/deaf"):
            self._answer(200, b"thanks")
        elif self.path == "/fail":
            self._answer(500, b"x" * 10_000)
        elif self.path == "/slow":
            time.sleep(3)
            self._answer(200, b"too late")
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok/redirected")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._answer(404, b"no such path")

    def _answer(self, status: int, body: bytes):
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender gave up waiting: the slow case

    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if len(sys.argv) == 5:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        # The handshake happens in each request's thread, not in the one that accepts.
        server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()
