"""`flask dev` (what `make run` runs), as real processes: a secret key of the checkout's own,
kept where only its owner reads it; no interactive debugger; every page says it is
development; and one checkout runs one `flask dev`, since a second would share the first's
embedded Redis.

The checkout is the test's own, so that its instance folder (key, database, Redis) is too:
a copy of the `app` package (Flask finds the instance folder beside the real path of the
package it runs) and links to the rest of this one's code.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import threading
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.factory import create_app
from app.secret_key import instance_secret_key
from app.tokens import make_token
from config import TestConfig
from tests.conftest import Auth
from tests.faults._processes import die_with_the_tests, wait_until
from tests.smtp import free_port

ROOT = Path(__file__).resolve().parents[1]
LINKED = ["matching", "feedback", "sessions", "migrations", "config.py"]
PUBLIC_KEY = "development-only-secret"  # the key every checkout used to share
BANNER = "Development mode"


class DevServer:
    """A `flask dev` started from a checkout, its output kept in a file."""

    def __init__(self, checkout: Path, port: int, mail_port: int, database: Path, log: Path):
        self.port, self.log = port, log
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("FLASK_", "UNSTUCK_", "MAIL_", "REDIS_", "DATABASE_", "SECRET_", "BASE_URL"))
        }
        env.update(
            FLASK_APP="app.factory",
            PYTHONPATH=str(checkout),
            PYTHONUNBUFFERED="1",
            DATABASE_URL=f"sqlite:///{database}",
            MAIL_RECEIVER_PORT=str(mail_port),
            MAIL_OUTBOX_DIR=str(checkout / "outbox"),
        )
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "dev", "--port", str(port)],
                cwd=checkout,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                process_group=0,
                preexec_fn=die_with_the_tests,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def get(self, path: str, cookie: str | None = None) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.body = response.read().decode(errors="replace")
        conn.close()
        return response

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


@pytest.fixture
def checkout(tmp_path) -> Path:
    folder = tmp_path / "checkout"
    shutil.copytree(ROOT / "app", folder / "app", ignore=shutil.ignore_patterns("__pycache__"))
    for name in LINKED:
        (folder / name).symlink_to(ROOT / name)
    return folder


def demo_admin_id(database: Path) -> int:
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        found = conn.scalar(
            sa.text(
                "SELECT users.id FROM users JOIN user_roles ON user_roles.user_id = users.id "
                "WHERE user_roles.role = 'admin' ORDER BY users.id LIMIT 1"
            )
        )
    engine.dispose()
    return found


def sign_in_link(key: str, user_id: int) -> str:
    """A link to sign in as the person, made with the key (as whoever knows it could)."""
    signer = Flask("signer")
    signer.config["SECRET_KEY"] = key
    with signer.app_context():
        return f"/sign-in/email/{make_token('sign-in', user_id, user_id=user_id, single_use=True)}"


def csrf_and_cookie(server: DevServer) -> tuple[str, str]:
    page = server.get("/sign-in")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.body)[1]
    cookie = page.getheader("Set-Cookie").split(";")[0]
    return token, cookie


def post_form(server: DevServer, path: str, fields: dict, cookie: str) -> http.client.HTTPResponse:
    from urllib.parse import urlencode

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request(
        "POST",
        path,
        body=urlencode(fields),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    response.body = response.read().decode(errors="replace")
    conn.close()
    return response


def test_flask_dev_keeps_a_key_of_its_own_runs_no_debugger_and_one_checkout_runs_one(checkout, tmp_path):
    first = DevServer(checkout, free_port(), free_port(), tmp_path / "dev.db", tmp_path / "first.log")
    try:
        wait_until(
            lambda: "Unstuck is running at" in first.output() or first.process.poll() is not None,
            180,  # beyond flask dev's own START_TIMEOUT, so its message is the one seen
            "the first flask dev to start",
        )
        assert first.process.poll() is None, first.output()
        assert "development mode" in first.output()

        key_file = checkout / "instance" / "secret_key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        key = key_file.read_text().strip()
        assert len(key) >= 32 and key != PUBLIC_KEY

        page = first.get("/sign-in")
        assert page.status == 200 and BANNER in page.body
        # Werkzeug's debugger answers its own requests on any page; without it, the app does.
        debugger = first.get("/sign-in?__debugger__=yes&cmd=resource&f=style.css")
        assert debugger.getheader("Content-Type", "").startswith("text/html") and "Sign in" in debugger.body

        # A link made with the key everyone used to know signs nobody in; one made with this
        # checkout's own key (which only its owner can read) does.
        admin = demo_admin_id(tmp_path / "dev.db")
        token, cookie = csrf_and_cookie(first)
        forged = post_form(first, sign_in_link(PUBLIC_KEY, admin), {"csrf_token": token}, cookie)
        assert forged.status == 400
        genuine = post_form(first, sign_in_link(key, admin), {"csrf_token": token}, cookie)
        assert genuine.status == 302 and urlsplit(genuine.getheader("Location")).path == "/"

        second = DevServer(checkout, free_port(), free_port(), tmp_path / "dev.db", tmp_path / "second.log")
        status = second.process.wait(timeout=60)
        assert status != 0
        assert "Another `flask dev`" in second.output() and f"process {first.process.pid}" in second.output()
        assert first.get("/health").status == 200  # the first goes on, its Redis its own
    finally:
        status = first.stop()
    assert status == 0 and "Unstuck has stopped." in first.output()


def demo_admin_email(database: Path) -> str:
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        found = conn.scalar(sa.text("SELECT email FROM users WHERE id = :id"), {"id": demo_admin_id(database)})
    engine.dispose()
    return found


def sign_in_mail(outbox: Path) -> str | None:
    """The text of the sign-in link's mail in the outbox, once it is there."""
    for path in sorted(outbox.glob("*.eml")) if outbox.exists() else []:
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        if mail["Subject"] == "Your link to sign in to Unstuck":
            return mail.get_body(("plain",)).get_content()
    return None


def test_links_in_mail_under_flask_dev_lead_to_the_port_it_serves(checkout, tmp_path):
    port = free_port()
    server = DevServer(checkout, port, free_port(), tmp_path / "dev.db", tmp_path / "dev.log")
    try:
        wait_until(
            lambda: "Unstuck is running at" in server.output() or server.process.poll() is not None,
            180,  # beyond flask dev's own START_TIMEOUT, so its message is the one seen
            "flask dev to start",
        )
        assert server.process.poll() is None, server.output()
        page = server.get("/sign-in/email")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.body)[1]
        cookie = page.getheader("Set-Cookie").split(";")[0]
        sent = post_form(
            server, "/sign-in/email", {"csrf_token": token, "email": demo_admin_email(tmp_path / "dev.db")}, cookie
        )
        assert sent.status == 200, sent.body
        text = wait_until(lambda: sign_in_mail(checkout / "outbox"), 60, "the worker to send the sign-in link")
        links = re.findall(r"http://127\.0\.0\.1:(\d+)/sign-in/email/", text)
        assert links and set(links) == {str(port)}, text
    finally:
        server.stop()


def test_the_instance_key_is_made_once_for_everyone_who_starts_at_the_same_time(tmp_path):
    keys, errors = [], []

    def start():
        try:
            keys.append(instance_secret_key(tmp_path / "instance"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(keys)) == 1
    assert instance_secret_key(tmp_path / "instance") == keys[0]  # and kept
    assert sorted(p.name for p in (tmp_path / "instance").iterdir()) == ["secret_key"]
    (tmp_path / "instance" / "secret_key").write_text("short\n")
    with pytest.raises(RuntimeError, match="does not hold a secret key"):
        instance_secret_key(tmp_path / "instance")


@pytest.fixture
def dev_app(app, jobs):
    """The app as `flask dev` builds it (but with the test's key), on the test's database."""
    dev = create_app(
        TestConfig,
        ENV_NAME="development",
        REDIS_URL=app.config["REDIS_URL"],
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
    )
    yield dev
    with dev.app_context():
        db.engine.dispose()
    dev.extensions["jobs"].connection.close()


def test_every_page_of_a_development_app_says_so_and_no_other_app_does(dev_app, client, make):
    admin, mentor = make.admin(), make.mentor()
    browser = dev_app.test_client()
    assert BANNER in browser.get("/sign-in").get_data(as_text=True)
    Auth(browser).sign_in(mentor)
    home = browser.get("/").get_data(as_text=True)
    assert BANNER in home and "/dev/mailbox" not in home
    Auth(browser).sign_out()
    Auth(browser).sign_in(admin)
    assert "/dev/mailbox" in browser.get("/profile").get_data(as_text=True)  # admins read the mail there
    assert BANNER not in client.get("/sign-in").get_data(as_text=True)
