"""Unstuck served on loopback with SAML 2.0 on, and a person's browser as requests sees it:
following the redirects to the test provider, filling in its form, and posting its answer
back as the provider's auto-submitting form would."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import lxml.html
import requests
from flask import Flask
from werkzeug.serving import make_server

from app.extensions import db
from app.factory import create_app
from config import TestConfig


@dataclass
class Served:
    """A live Unstuck: its address and its app (whose settings a test may change)."""

    url: str
    app: Flask


@contextmanager
def serve_unstuck(database_url: str, redis_url: str, **settings) -> Iterator[Served]:
    """Serve Unstuck (CSRF on, as in production) on a free loopback port, BASE_URL its address."""
    served = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=database_url, REDIS_URL=redis_url, WTF_CSRF_ENABLED=True, **settings
    )
    server = make_server("127.0.0.1", 0, served, threaded=True)
    served.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(served.config["BASE_URL"], served)
    finally:
        server.shutdown()
        thread.join()
        with served.app_context():
            db.engine.dispose()
        served.extensions["jobs"].connection.close()


def form_fields(page: str) -> tuple[str, dict[str, str]]:
    """The first form of an HTML page: where it posts, and its fields."""
    form = lxml.html.fromstring(page).forms[0]
    return form.action, {name: value for name, value in form.fields.items() if value is not None}


class Browser:
    """A person's browser, as far as SAML needs one: cookies and the forms they post."""

    def __init__(self, served: Served):
        self.served = served
        self.http = requests.Session()

    def provider_answer(self, username: str, next: str | None = None) -> dict[str, str]:
        """Start at Unstuck, sign in at the provider; return the form it would post back."""
        start = self.http.get(f"{self.served.url}/sso/saml/start", params={"next": next} if next else None)
        assert start.status_code == 200, start.text
        action, fields = form_fields(start.text)
        fields["username"] = username
        posted = self.http.post(requests.compat.urljoin(start.url, action), data=fields)
        assert posted.status_code == 200, posted.text
        action, answer = form_fields(posted.text)
        assert action == f"{self.served.url}/sso/saml/acs"
        return answer

    def post_answer(self, answer: dict[str, str]) -> requests.Response:
        """Post the provider's answer to Unstuck's ACS, as the auto-submitting form does."""
        return self.http.post(f"{self.served.url}/sso/saml/acs", data=answer, allow_redirects=False)

    def sign_in(self, username: str, next: str | None = None) -> requests.Response:
        """The whole round: Unstuck's answer to the provider's post (a redirect when signed in)."""
        return self.post_answer(self.provider_answer(username, next))

    def home(self) -> requests.Response:
        return self.http.get(f"{self.served.url}/", allow_redirects=False)
