"""A real webhook receiver on loopback (receiver.py, its own process) and helpers to add
endpoints that point at it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
import trustme

from app.extensions import db, utcnow
from app.webhooks import services
from app.webhooks.models import WebhookEndpoint
from app.webhooks.verification import send_verification
from tests.smtp import free_port

RECEIVER = Path(__file__).with_name("receiver.py")
# A host name the tests' own resolver answers for (`dns`), with whatever addresses a test says.
HOOKS_NAME = "hooks.example.test"


class Receiver:
    """The receiver process: where it listens, what it got, and the secrets it checks with."""

    def __init__(self, port: int, record: Path, secrets: Path):
        self.port, self.record, self.secrets = port, record, secrets

    scheme = "http"

    def url(self, path: str = "/ok") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def check_with(self, **secrets: str) -> None:
        """Verify what comes next with these secrets, by name."""
        self.secrets.write_text(json.dumps(secrets))

    def received(self, path: str | None = None, verifications: bool = False) -> list[dict]:
        """Every event it got so far (on this path), oldest first, its body parsed; the
        verifications too when asked."""
        if not self.record.exists():
            return []
        records = [json.loads(line) for line in self.record.read_text().splitlines()]
        for r in records:
            r["json"] = json.loads(r["body"])
        return [
            r
            for r in records
            if (path is None or r["path"] == path)
            and (verifications or r["json"].get("type") != "webhook.verification")
        ]

    def verifications(self) -> list[dict]:
        """The verifications it got so far, oldest first."""
        return [r for r in self.received(verifications=True) if r["json"]["type"] == "webhook.verification"]


@contextmanager
def running_receiver(folder: Path, *tls: str):
    """Run receiver.py on a free loopback port (https with a certificate and key given)."""
    record, secrets = folder / "received.jsonl", folder / "secrets.json"
    process = subprocess.Popen(
        [sys.executable, str(RECEIVER), str(record), str(secrets), *tls], stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()  # waits for "ready PORT"
        assert line.startswith("ready "), f"the receiver did not start: {line!r}"
        receiver = Receiver(int(line.split()[1]), record, secrets)
        receiver.scheme = "https" if tls else "http"
        yield receiver
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture
def receiver_process(tmp_path):
    """The receiver, on plain http."""
    with running_receiver(tmp_path) as receiver:
        yield receiver


@pytest.fixture
def https_receiver(tmp_path):
    """The receiver on https, with a certificate for 127.0.0.1 and for the name HOOKS_NAME from
    a CA of the test's own; yields it and the CA's certificate file."""
    ca = trustme.CA()
    certificate = ca.issue_cert("127.0.0.1", HOOKS_NAME)
    chain, key, ca_file = tmp_path / "chain.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    certificate.private_key_pem.write_to_path(str(key))
    for i, blob in enumerate(certificate.cert_chain_pems):
        blob.write_to_path(str(chain), append=i > 0)
    ca.cert_pem.write_to_path(str(ca_file))
    with running_receiver(tmp_path, str(chain), str(key)) as receiver:
        yield receiver, ca_file


def drop_queued(app, function) -> None:
    """Take the queued jobs that would call `function` off the queues."""
    name = f"{function.__module__}.{function.__name__}"
    for queue in app.extensions["jobs"].queues.values():
        for job in queue.get_jobs():
            if job.func_name == name:
                queue.remove(job)


@pytest.fixture
def hooks(app, receiver_process, make):
    """The receiver, and `hooks.endpoint(path, events)`: an endpoint at that path, committed,
    whose secret the receiver checks with (as "main"), and verified (unless `verified=False`:
    then its verification is queued, to be sent by the test's jobs)."""

    class Hooks:
        receiver = receiver_process

        def endpoint(self, path: str = "/ok", events=("question.asked",), url: str | None = None, verified=True):
            endpoint, secret = services.add_endpoint(url or receiver_process.url(path), list(events))
            db.session.commit()
            receiver_process.check_with(main=secret)
            if verified:
                # As its queued job would, now: the receiver answers with the challenge.
                drop_queued(app, send_verification)
                if send_verification(endpoint.id) != "verified":
                    db.session.execute(
                        sa.update(WebhookEndpoint)
                        .where(WebhookEndpoint.id == endpoint.id)
                        .values(verified_at=utcnow(), challenge=None)
                    )  # an address where nothing listens: taken as verified before it broke
                    db.session.commit()
            endpoint = db.session.get(WebhookEndpoint, endpoint.id)
            return endpoint, secret

        @staticmethod
        def closed_port_url() -> str:
            return f"http://127.0.0.1:{free_port()}/ok"

    return Hooks()


class Resolver:
    """Answers for HOOKS_NAME as a name server a test controls: each look-up takes the next
    answer of `answers` (the last one repeats), and is counted."""

    def __init__(self):
        self.answers: list[list[str]] = []
        self.lookups = 0

    def answer(self, *answers: list[str]) -> None:
        self.answers, self.lookups = list(answers), 0

    def next_answer(self) -> list[str]:
        self.lookups += 1
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


@pytest.fixture
def dns(monkeypatch):
    """The system's look-up of host names, answering HOOKS_NAME as the test says (every
    other name as before): the sender and any library under it go through it."""
    resolver = Resolver()
    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host != HOOKS_NAME:
            return real(host, port, family, type, proto, flags)
        answers = []
        for address in resolver.next_answer():
            v6 = ":" in address
            sockaddr = (address, int(port or 0), 0, 0) if v6 else (address, int(port or 0))
            answers.append((socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_STREAM, 6, "", sockaddr))
        return answers

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return resolver
