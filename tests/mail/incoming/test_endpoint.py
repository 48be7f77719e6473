"""POST /mail/inbound: raw email from a mail provider, with the shared secret; JSON answers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.factory import create_app
from app.mail.models import IncomingMail, IncomingStatus
from config import TestConfig
from tests.mail import incoming_messages as mails

SECRET = "provider-shared-secret"
BEARER = {"Authorization": f"Bearer {SECRET}"}


@pytest.fixture
def secret(app):
    app.config["INBOUND_MAIL_SECRET"] = SECRET


@pytest.fixture
def raw(mentor, address) -> bytes:
    return mails.gmail_reply(mentor.email, address, message_id="<CAH-http@mail.gmail.com>")


def post(client, body: bytes, headers=BEARER, content_type="message/rfc822", **options):
    return client.post("/mail/inbound", data=body, headers=headers, content_type=content_type, **options)


def kept() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(IncomingMail))


@pytest.mark.parametrize("content_type", ["message/rfc822", "application/octet-stream", "text/plain; charset=utf-8"])
def test_raw_mail_with_the_secret_is_received_then_posted(app, client, secret, raw, replies, jobs, content_type):
    app.config["WTF_CSRF_ENABLED"] = True  # a provider has no CSRF token, and needs none
    response = post(client, raw, content_type=content_type)
    assert response.status_code == 202
    row = db.session.scalar(sa.select(IncomingMail))
    assert response.json == {"status": "received", "id": row.id}
    assert (row.via, row.message_id) == ("http", "<CAH-http@mail.gmail.com>")
    jobs.run()
    db.session.expire_all()
    assert db.session.get(IncomingMail, row.id).status == IncomingStatus.POSTED
    assert len(replies) == 1


def test_the_same_mail_twice_is_a_duplicate(app, client, secret, raw, replies, jobs):
    assert post(client, raw).status_code == 202
    response = post(client, raw)
    assert (response.status_code, response.json) == (200, {"status": "duplicate"})
    assert kept() == 1
    jobs.run()
    assert len(replies) == 1


def test_the_envelope_may_come_as_query_parameters(app, client, secret, raw, address):
    response = post(client, raw, query_string={"mail_from": "grace@example.com", "rcpt_to": ["a@localhost", address]})
    assert response.status_code == 202
    row = db.session.get(IncomingMail, response.json["id"])
    assert (row.mail_from, row.rcpt_to) == ("grace@example.com", ["a@localhost", address])


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-secret"},
        {"Authorization": f"Basic {SECRET}"},
        {"Authorization": "Bearer"},
        {"Authorization": f"Bearer {SECRET}x"},
    ],
)
def test_a_missing_or_wrong_secret_is_refused(app, client, secret, raw, headers):
    response = post(client, raw, headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert "Authorization: Bearer" in response.json["error"]["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert kept() == 0


def test_without_a_secret_configured_the_endpoint_does_not_exist(app, client, raw):
    assert app.config["INBOUND_MAIL_SECRET"] == ""
    response = post(client, raw, headers={"Authorization": "Bearer "})
    assert response.status_code == 404
    assert response.data == client.get("/mail/no-such-page").data
    assert kept() == 0


def test_an_empty_body_is_a_bad_request(app, client, secret):
    response = post(client, b"  \r\n")
    assert response.status_code == 400
    assert response.json["error"] == {
        "code": "bad_request",
        "fields": {},
        "message": "The request body is empty; send the raw email.",
    }


def test_mail_over_the_size_limit_is_too_large(app, client, secret, raw):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = post(client, raw)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"
    assert kept() == 0


def test_a_form_is_not_raw_mail(app, client, secret, raw):
    response = post(client, b"email=" + raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"
    assert kept() == 0


def test_unreadable_bytes_are_kept_and_refused_by_the_job(app, client, secret, jobs, address):
    assert post(client, b"\x00\xff not an email").status_code == 422  # to nobody we know
    response = post(client, b"\x00\xff not an email", query_string={"rcpt_to": address})
    assert response.status_code == 202
    jobs.run()
    row = db.session.get(IncomingMail, response.json["id"])
    db.session.refresh(row)
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "unreadable")


def test_mail_that_cannot_be_kept_is_answered_503_to_send_again(app, backend, redis_url, tmp_path, raw):
    broken_url = (
        f"sqlite:///{tmp_path}/no/such/folder/unstuck.db"
        if backend == "sqlite"
        else "postgresql+psycopg://postgres@127.0.0.1:1/unstuck"
    )
    unreachable = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=broken_url, REDIS_URL=redis_url, INBOUND_MAIL_SECRET=SECRET
    )
    try:
        response = post(unreachable.test_client(), raw)
    finally:
        unreachable.extensions["jobs"].connection.close()
    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"
    assert response.headers["Retry-After"] == "60"
