"""The development mailbox: the mail Unstuck writes in development, kept as files and shown
to admins safely, and nowhere else."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, DictLoader

from app.extensions import db
from app.mail.outgoing import deliver, send_mail
from tests.conftest import Auth
from tests.development import development_app
from tests.mail.outgoing.test_outbox import TEMPLATES, answer_mail
from tests.smtp import SMTPServer


@pytest.fixture
def dev_app(app, jobs, tmp_path):
    """The app as in development, on the test's database, with its own outbox."""
    dev = development_app(app, tmp_path / "dev-outbox")
    dev.jinja_env.loader = ChoiceLoader([DictLoader(TEMPLATES), dev.jinja_env.loader])
    with dev.app_context():
        yield dev
        db.session.remove()
        db.engine.dispose()
    dev.extensions["jobs"].connection.close()


def kept(dev_app) -> list[str]:
    """The names of the .eml files in the development outbox, oldest first."""
    return sorted(p.name for p in Path(dev_app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))


def test_the_mailbox_lists_the_outbox_and_shows_a_message_safely(dev_app, make):
    user = make.mentor()
    first = answer_mail(user, key="answer:1")
    db.session.commit()
    deliver(first.id)
    second = send_mail(
        "answer:2", "answer", user, "A second <i>one</i>", "test/answer", {"title": "<script>alert(1)</script>"}
    )
    db.session.commit()
    deliver(second.id)
    client = dev_app.test_client()
    Auth(client).sign_in(make.admin())

    page = client.get("/dev/mailbox").get_data(as_text=True)
    names = kept(dev_app)
    assert len(names) == 2
    assert page.index(names[1]) < page.index(names[0])  # newest first
    assert "A second &lt;i&gt;one&lt;/i&gt;" in page

    response = client.get(f"/dev/mailbox/{names[1]}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>" not in page
    assert 'sandbox=""' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # in the text part, shown as text
    assert second.message_id.replace("<", "&lt;").replace(">", "&gt;") in page


@pytest.mark.parametrize("name", ["nothing.eml", "..%2F..%2Fconfig.py", "20260101T000000000000Z-x.eml"])
def test_the_mailbox_shows_only_files_in_the_outbox(dev_app, make, name):
    client = dev_app.test_client()
    Auth(client).sign_in(make.admin())
    assert client.get(f"/dev/mailbox/{name}").status_code == 404


def test_the_mailbox_is_for_signed_in_people(dev_app):
    response = dev_app.test_client().get("/dev/mailbox")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/dev/mailbox")


def test_the_mailbox_is_for_admins_only_since_its_mails_carry_other_peoples_links(dev_app, make):
    mentor = make.mentor()
    mail = answer_mail(mentor, key="answer:1")
    db.session.commit()
    deliver(mail.id)
    [name] = kept(dev_app)
    client = dev_app.test_client()
    Auth(client).sign_in(make.user())
    assert client.get("/dev/mailbox").status_code == 403
    assert client.get(f"/dev/mailbox/{name}").status_code == 403


def test_there_is_no_mailbox_outside_development(client, auth, make):
    auth.sign_in(make.mentor())
    assert client.get("/dev/mailbox").status_code == 404


def test_development_keeps_a_copy_of_mail_sent_over_smtp(dev_app, make):
    server = SMTPServer()
    server.start(dev_app)
    try:
        mail = answer_mail(make.mentor())
        db.session.commit()
        assert deliver(mail.id) is True
    finally:
        server.stop()
    assert len(server.received) == 1
    assert len(kept(dev_app)) == 1


def test_admins_reach_the_mailbox_from_the_navigation_and_read_a_whole_mail(dev_app, make):
    mail = send_mail("answer:1", "answer", make.mentor(), "Long", "test/answer", {"title": "<b>x</b>" + "y" * 300})
    db.session.commit()
    deliver(mail.id)
    [name] = kept(dev_app)
    client = dev_app.test_client()
    Auth(client).sign_in(make.admin())
    assert '<a href="/dev/mailbox">Mailbox</a>' in client.get("/profile").text

    page = client.get(f"/dev/mailbox/{name}").text
    assert f'href="/dev/mailbox/{name}/html"' in page and "Open the HTML in full" in page
    assert "overflow-wrap:anywhere" in page and "resize:vertical" in page
    full = client.get(f"/dev/mailbox/{name}/html")
    assert full.status_code == 200 and "y" * 300 in full.text
    policy = full.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "script-src 'none'" in policy
    assert client.get("/dev/mailbox/nothing.eml/html").status_code == 404


def test_people_who_are_not_admins_see_no_mailbox_link(dev_app, make):
    client = dev_app.test_client()
    Auth(client).sign_in(make.mentor())
    assert "/dev/mailbox" not in client.get("/profile").text
