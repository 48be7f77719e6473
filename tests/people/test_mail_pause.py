"""A person whose mail is paused because it bounced sees it on their profile and home page,
and gets their emails back with one button; admins see who is paused. Bounces arrive through
the real incoming path, and mail goes to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.models import MailBounce
from app.mail.outgoing import MailStatus
from tests.mail.bounces import bounce, bounce_record, mail_row, mail_to

ZONE = "America/Los_Angeles"
HOSTILE = "<script>alert(1)</script> Mailbox full"


@pytest.fixture
def person(make, auth):
    user = make.mentor(name="Grace Hopper", email="grace@example.com", timezone=ZONE)
    auth.sign_in(user)
    return user


def pause(app, email: str, diagnosis: str | None = None) -> None:
    bounce(email, times=app.config["MAIL_BOUNCE_LIMIT"], diagnosis=diagnosis)


def page(client, path: str = "/profile") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_profile_says_mail_is_paused_why_and_until_when_in_the_persons_time_zone(app, client, person):
    pause(app, person.email, diagnosis=HOSTILE)
    # The last bounce at 02:30 UTC yesterday: the pause ends on the evening before, in California.
    bounced_at = (utcnow() - timedelta(days=1)).replace(hour=2, minute=30, second=0, microsecond=0)
    db.session.execute(sa.update(MailBounce).values(last_bounced_at=bounced_at))
    db.session.commit()
    until = (bounced_at + timedelta(days=app.config["MAIL_BOUNCE_PAUSE_DAYS"])).astimezone(ZoneInfo(ZONE))

    text = page(client)
    assert "Unstuck has stopped emailing you" in text
    assert f"Emails to <strong>grace@example.com</strong> bounced {app.config['MAIL_BOUNCE_LIMIT']} times" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Mailbox full" in text
    assert "<script>" not in text
    assert f"until {until:%d %b %Y, %H:%M}:" in text
    assert 'action="/profile/email-again"' in text and "Email me again" in text

    home = page(client, "/")
    assert f"Unstuck has stopped emailing you until {until:%d %b %Y, %H:%M}" in home
    assert 'href="/profile#mail-paused"' in home


def test_a_long_reason_is_shortened(app, client, person):
    pause(app, person.email, diagnosis="Mailbox full. " + "x" * 400 + " THE-END")
    text = page(client)
    assert "Mailbox full. xxx" in text and "THE-END" not in text


def test_email_me_again_clears_only_ones_own_record_and_the_next_mail_is_sent(app, client, person, make, jobs, smtp):
    other = make.mentor(email="other@example.com")
    for someone in (person, other):
        pause(app, someone.email)

    response = client.post("/profile/email-again")
    assert response.status_code == 302 and response.headers["Location"] == "/profile"
    text = page(client)
    assert "Unstuck emails you at grace@example.com again." in text
    assert "Unstuck has stopped emailing you" not in text
    assert "Unstuck has stopped emailing you" not in page(client, "/")
    assert bounce_record(person.email) is None
    assert bounce_record(other.email).count == app.config["MAIL_BOUNCE_LIMIT"]

    bounced = len(smtp.received)  # the emails that bounced before
    mails = [mail_to(someone, f"after:{someone.id}") for someone in (person, other)]
    db.session.commit()
    jobs.run()
    assert [e.rcpt_tos for e in smtp.received[bounced:]] == [[person.email]]
    assert [mail_row(m.id).status for m in mails] == [MailStatus.SENT, MailStatus.SUPPRESSED]


def test_someone_with_no_bounces_sees_no_notice_and_the_button_does_no_harm(app, client, person, make):
    other = make.mentor(email="other@example.com")
    pause(app, other.email)
    bounce(person.email)  # once: under the limit, nothing paused
    assert "stopped emailing you" not in page(client)
    assert "stopped emailing you" not in page(client, "/")
    assert "Email me again" not in page(client)

    for _ in range(2):
        response = client.post("/profile/email-again", follow_redirects=True)
        assert response.status_code == 200
        assert "Unstuck already emails you at grace@example.com." in response.get_data(as_text=True)
    assert bounce_record(other.email).count == app.config["MAIL_BOUNCE_LIMIT"]


def test_signed_out_the_button_asks_to_sign_in_and_clears_nothing(app, client, make):
    grace = make.mentor(email="grace@example.com")
    pause(app, grace.email)
    response = client.post("/profile/email-again")
    assert response.status_code == 401
    assert "Please sign in" in response.get_data(as_text=True)
    response = client.get("/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert bounce_record(grace.email) is not None


def test_email_me_again_needs_the_csrf_token(app, client, person):
    pause(app, person.email)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/profile/email-again")
        assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
        assert bounce_record(person.email) is not None
        token = page(client).split('name="csrf_token" value="')[1].split('"')[0]
        assert client.post("/profile/email-again", data={"csrf_token": token}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert bounce_record(person.email) is None


def test_admins_see_whose_mail_is_paused(app, client, auth, make):
    paused = make.mentor(name="Paused Person")
    make.mentor(name="Fine Person")
    pause(app, paused.email)
    auth.sign_in(make.admin(name="Ada Admin"))
    text = page(client, "/admin/people")
    rows = {name: text.split(name)[1].split("</tr>")[0] for name in ("Paused Person", "Fine Person")}
    assert "mail paused" in rows["Paused Person"]
    assert "mail paused" not in rows["Fine Person"]
