"""A stand-in for a Teams Workflows webhook, run as its own process on loopback: it checks each
message against the format Workflows' "Post to a channel when a webhook request is received"
takes, and records it.

    python receiver.py RECORD_FILE

It prints "ready PORT" once it listens. Each request is appended to RECORD_FILE as one JSON
line before the answer goes: its path, the problems found with its format (none, for a good
message), the raw body and the headers. The path says how to answer a good message: /ok...
202 (as Workflows does), /fail 500, /redirect 302. A message in the wrong format gets 400.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RECORD = Path(sys.argv[1])
CARD = "application/vnd.microsoft.card.adaptive"
MAX_BYTES = 28 * 1024  # Teams' limit for a message
lock = threading.Lock()


def problems(body: bytes, headers: dict[str, str]) -> list[str]:
    """What is wrong with a message, by the documented format (empty: nothing)."""
    found = []
    if headers.get("content-type", "").split(";")[0].strip() != "application/json":
        found.append(f"content-type is {headers.get('content-type')!r}")
    if len(body) > MAX_BYTES:
        found.append(f"{len(body)} bytes, over {MAX_BYTES}")
    try:
        message = json.loads(body)
    except ValueError:
        return [*found, "the body is not JSON"]
    if not isinstance(message, dict) or message.get("type") != "message":
        return [*found, 'the message\'s type is not "message"']
    attachments = message.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        return [*found, "attachments is not a list of one"]
    [attachment] = attachments
    if attachment.get("contentType") != CARD:
        found.append(f"contentType is {attachment.get('contentType')!r}")
    if "contentUrl" not in attachment or attachment["contentUrl"] is not None:
        found.append("contentUrl is not null")
    content = attachment.get("content")
    if not isinstance(content, dict) or content.get("type") != "AdaptiveCard":
        found.append("content is no AdaptiveCard")
    elif not isinstance(content.get("version"), str) or not isinstance(content.get("body"), list):
        found.append("the card has no version or no body")
    return found


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        headers = {k.lower(): v for k, v in self.headers.items()}
        found = problems(body, headers)
        record = {"path": self.path, "problems": found, "body": body.decode(), "headers": headers}
        with lock, RECORD.open("a") as f:
            f.write(json.dumps(record) + "\n")
        if found:
            self._answer(400, json.dumps({"error": found}).encode())
        elif self.path.startswith("/ok"):
            self._answer(202, b"")
        elif self.path == "/fail":
            self._answer(500, b"The flow failed.")
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok/redirected")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._answer(404, b"no such flow")

    def _answer(self, status: int, body: bytes):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"ready {server.server_address[1]}", flush=True)
    server.serve_forever()
