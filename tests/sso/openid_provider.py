"""A real OpenID provider for the tests, and Unstuck served on loopback to sign in with it.

The provider is oidc-provider (npm; tests/sso/provider/server.mjs), run by Node.js on a free
loopback port, once per test process. It knows two clients: Unstuck (`CLIENT_ID`, its
callback on the port reserved for `sso_server`) and another application of the same company
(`OTHER_CLIENT_ID`), whose tokens must not sign anyone in to Unstuck. Its accounts: ada and
ben (verified emails, a team and groups) and cy (an email it did not verify). Without Node.js
the tests that need it skip and say why; `make test` installs its packages.

    def test_x(openid_provider, sso_server):
        url = sso_server(SSO_CREATE_PEOPLE=True)     # Unstuck with those settings
        openid_provider.sign_in_as("ada")            # the provider's pages are skipped
        browser = requests.Session()
        browser.get(url + "/sso/oidc/start")         # through the provider and back, signed in
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import selectors
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from app.factory import create_app
from config import TestConfig

PROVIDER_DIR = Path(__file__).parent / "provider"
CLIENT_ID, CLIENT_SECRET = "unstuck", "unstuck-test-secret"
OTHER_CLIENT_ID, OTHER_CLIENT_SECRET = "wiki", "wiki-test-secret"
OTHER_REDIRECT_URI = "http://127.0.0.1:9/callback"  # nothing listens: tests read the redirect
START_SECONDS = 15


def listening_port() -> int:
    """A free loopback port below Linux's ephemeral range (32768 up), so that no outgoing
    connection takes it while a server stops and starts on it again during the session."""
    for _ in range(200):
        port = random.SystemRandom().randrange(20000, 32000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port between 20000 and 32000")


class OpenIDProvider:
    """The provider's process: started, stopped, restarted with new keys, paused; and its
    test controls (tests/sso/provider/server.mjs)."""

    def __init__(self, node: str, callback_port: int):
        self.node = node
        self.port = listening_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.callback_url = f"http://127.0.0.1:{callback_port}/sso/oidc/callback"
        self.process: subprocess.Popen | None = None
        self.paused = False

    def settings(self) -> str:
        clients = [
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [self.callback_url]},
            {"client_id": OTHER_CLIENT_ID, "client_secret": OTHER_CLIENT_SECRET, "redirect_uris": [OTHER_REDIRECT_URI]},
        ]
        return json.dumps({"port": self.port, "clients": clients})

    def start(self) -> None:
        """Start the provider (with a new signing key) and wait until it says it listens."""
        self.process = subprocess.Popen(
            [self.node, "server.mjs", self.settings()],
            cwd=PROVIDER_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=START_SECONDS):
                self.stop()
                pytest.fail(f"The OpenID provider did not start within {START_SECONDS} s.")
        line = self.process.stdout.readline()
        if not line:
            _, errors = self.process.communicate()
            pytest.fail(f"The OpenID provider did not start:\n{errors}")
        assert json.loads(line)["issuer"] == self.issuer
        discovery = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5)
        assert discovery.json()["issuer"] == self.issuer

    def stop(self) -> None:
        """Stop the provider: from now on nothing answers on its port."""
        if self.process is None:
            return
        self.resume()
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()
        self.process = None

    def rotate_keys(self) -> None:
        """Start the provider again on its port: it signs with a new key, under a new kid."""
        self.stop()
        self.start()

    def pause(self) -> None:
        """Stop the process without closing its port: connections are taken, never answered."""
        os.kill(self.process.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self) -> None:
        if self.paused and self.process is not None:
            os.kill(self.process.pid, signal.SIGCONT)
        self.paused = False

    def control(self, name: str, **body) -> None:
        requests.post(f"{self.issuer}/test/{name}", json=body, timeout=5).raise_for_status()

    def sign_in_as(self, account: str | None) -> None:
        """Have `account` sign in (and consent) at once; None shows the provider's real pages."""
        self.control("sign-in-as", account=account)

    def answer_with_id_token(self, id_token: str) -> None:
        """Make the next token answer carry this ID token instead of the provider's own."""
        self.control("next-id-token", id_token=id_token)

    def key_ids(self) -> list[str]:
        return [key["kid"] for key in requests.get(f"{self.issuer}/jwks", timeout=5).json()["keys"]]


@pytest.fixture(scope="session")
def sso_port() -> int:
    """The loopback port Unstuck listens on in these tests: the provider knows its callback."""
    return listening_port()


@pytest.fixture(scope="session")
def provider_process(sso_port):
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (Debian's nodejs and npm packages); OpenID provider tests skipped.")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(
            "The OpenID provider's packages are missing: run `make test`, or npm ci --prefix tests/sso/provider."
        )
    provider = OpenIDProvider(node, sso_port)
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def openid_provider(provider_process):
    """The provider, running and answering, with its test controls reset, for one test."""
    provider_process.resume()
    if provider_process.process is None or provider_process.process.poll() is not None:
        provider_process.start()
    provider_process.control("reset")
    yield provider_process
    provider_process.resume()


@pytest.fixture
def sso_server(app, backend, prepared_databases, redis_url, openid_provider, sso_port):
    """Return a starter of Unstuck (CSRF on, single sign-on with the test provider) on the
    reserved port, with settings overridden; it is stopped after the test."""
    running = []

    def serve(**settings) -> str:
        url = f"http://127.0.0.1:{sso_port}"
        served = create_app(
            TestConfig,
            SQLALCHEMY_DATABASE_URI=prepared_databases(backend),
            REDIS_URL=redis_url,
            WTF_CSRF_ENABLED=True,
            BASE_URL=url,
            OIDC_ISSUER=openid_provider.issuer,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
            OIDC_SCOPES="openid email profile groups",
            OIDC_TEAM_CLAIM="team",
            GROUP_ROLES="Unstuck mentors=mentor, Unstuck leads=lead",
            SSO_NAME="Example Login",
            **settings,
        )
        server = make_server("127.0.0.1", sso_port, served, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((served, server, thread))
        return url

    yield serve
    for served, server, thread in running:
        server.shutdown()
        server.server_close()
        thread.join()
        with served.app_context():
            from app.extensions import db

            db.engine.dispose()
        served.extensions["jobs"].connection.close()


def until_callback(browser: requests.Session, url: str) -> str:
    """Follow the redirects from `url` through the provider; return the callback URL it
    sends the browser back to, without opening it."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        response = browser.get(url, allow_redirects=False, timeout=10)
        assert response.is_redirect, f"{url} answered {response.status_code}: {response.text[:500]}"
        url = requests.compat.urljoin(url, response.headers["Location"])
        if "/sso/oidc/callback" in url or "/callback?" in url:
            return url
    raise AssertionError("the provider never sent the browser back")


def signed_in_name(browser: requests.Session, url: str) -> str | None:
    """The name the page header shows this browser signed in as, or None when signed out."""
    response = browser.get(url + "/", allow_redirects=False, timeout=10)
    if response.status_code == 302:
        return None
    found = re.search(r'<span class="who">([^<]*)</span>', response.text)
    assert found, response.text[:500]
    return html.unescape(found.group(1))
