"""A 10 MB body is refused with 413 and a clear answer (a page for people, JSON for the API
and for mail in), and nothing of it is saved."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db
from app.help.models import Question
from app.mail.models import IncomingMail
from app.people.models import Role, User
from config import Config

TEN_MB = 10 * 1024 * 1024
SECRET = "inbound-secret"
LIMIT_IN_WORDS = "2 MB"


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def asker(app, make, auth, jobs):
    nina = make.user(name="Nina", team=make.team("Payments"), roles=(Role.NEW_HIRE, Role.ADMIN))
    auth.sign_in(nina)
    return nina


def test_the_limit_is_the_documented_two_megabytes(app):
    assert Config.MAX_CONTENT_LENGTH == app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024


@pytest.mark.parametrize("path", ["/help/ask", "/help/embed", "/admin/people/new", "/profile"])
def test_a_huge_form_gets_the_too_large_page_and_saves_nothing(client, asker, path):
    before = count(Question), count(User)
    response = client.post(
        path, data={"goal": "x", "stuck": "y" * TEN_MB, "name": "z" * TEN_MB, "email": "huge@example.com"}
    )
    assert response.status_code == 413 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Too large" in page
    assert f"That upload is too large. Unstuck accepts at most {LIMIT_IN_WORDS} at once." in page
    assert (count(Question), count(User)) == before
    assert db.session.scalar(sa.select(User.name).where(User.id == asker.id)) == "Nina"


def test_a_huge_sign_in_form_is_refused_before_anything_is_read(client, make):
    make.user(email="ada@example.com")
    response = client.post("/sign-in", data={"email": "ada@example.com", "password": "p" * TEN_MB})
    assert response.status_code == 413 and "Too large" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in


def test_a_huge_api_body_gets_a_json_413_and_saves_nothing(client, asker):
    _, secret = ApiToken.issue(asker, "laptop")
    db.session.commit()
    response = client.post(
        "/api/v1/questions", json={"goal": "Big", "stuck": "y" * TEN_MB}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 413 and response.is_json
    assert response.get_json() == {
        "error": {
            "code": "too_large",
            "fields": {},
            "message": f"That upload is too large. Unstuck accepts at most {LIMIT_IN_WORDS} at once.",
        }
    }
    assert count(Question) == 0


def test_a_huge_email_handed_in_gets_a_json_413_and_is_not_kept(app, client):
    app.config["INBOUND_MAIL_SECRET"] = SECRET
    raw = b"From: a@example.com\r\nSubject: big\r\n\r\n" + b"x" * TEN_MB
    response = client.post(
        "/mail/inbound", data=raw, headers={"Authorization": f"Bearer {SECRET}", "Content-Type": "message/rfc822"}
    )
    assert response.status_code == 413 and response.is_json
    error = response.get_json()["error"]
    assert error["code"] == "too_large" and "larger than 2,097,152 bytes" in error["message"]
    assert count(IncomingMail) == 0
