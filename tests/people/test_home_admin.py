"""An admin's home page is a set-up checklist that reads the real state (teams, skills,
people invited and joined, mail, sign-in) and lists what is failing now: mail paused because
it bounced, and background jobs that failed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db, utcnow
from app.people.invitations import Invitation
from app.people.models import Role
from app.webhooks.models import WebhookEndpoint
from tests.mail.bounces import bounce


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def panel(client) -> str:
    return home(client).split('id="panel-set-up"')[1].split("</section>")[0]


def line(text: str, starting: str) -> str:
    return text[text.index(starting) - 12 :].split("</li>")[0]


@pytest.fixture
def admin(make, auth):
    person = make.admin(name="Ada Admin")
    auth.sign_in(person)
    return person


def test_a_fresh_install_shows_what_is_left_to_set_up(app, admin, client, jobs):
    text = panel(client)
    assert "✗ Teams: 0" in text and 'href="/admin/teams"' in text
    assert "✗ Skills: 0" in text and 'href="/admin/skills"' in text
    assert "✗ People invited: 0, joined: 0" in text and 'href="/admin/people"' in text
    assert "Mail is written to the development outbox" in text
    assert "Sign-in: passwords and links by email" in text
    assert "Nothing is failing." in text


def test_the_checklist_follows_teams_skills_and_invitations_as_they_are_made(app, admin, make, client, jobs):
    make.team("Platform")
    make.skill("SQL")
    nina, omar = make.user(name="Nina New"), make.user(name="Omar Other")
    db.session.add_all([Invitation(user_id=nina.id, joined_at=utcnow()), Invitation(user_id=omar.id)])
    db.session.commit()

    text = panel(client)
    assert "✓ Teams: 1" in text
    assert "✓ Skills: 1" in text
    assert "✓ People invited: 2, joined: 1" in text


def test_a_mail_server_in_the_settings_is_named(app, admin, client, jobs):
    app.config["MAIL_SERVER"] = "smtp.example.com"
    assert "✓ Mail goes out through smtp.example.com" in panel(client)


def test_paused_mail_and_failed_jobs_are_listed_as_failing(app, admin, make, client, jobs):
    paused = make.user(name="Bounce Bob", email="bob@example.com")
    bounce(paused.email, times=app.config["MAIL_BOUNCE_LIMIT"])
    queues = app.extensions["jobs"]
    queues.queues["default"].enqueue("math.sqrt", -1)  # fails: math domain error
    queues.worker(simple=True).work(burst=True)

    text = panel(client)
    assert "Mail is paused for 1 person: it bounced" in text and 'href="/admin/mail"' in text
    assert "1 background job failed" in text
    assert "Nothing is failing." not in text


def test_webhook_endpoints_that_keep_failing_are_listed_as_failing(app, admin, client, jobs):
    for url, active in (("https://hooks.example.com/a", True), ("https://hooks.example.com/b", False)):
        db.session.add(
            WebhookEndpoint(
                url=url,
                events=["question.asked"],
                secret="whsec_x",
                active=active,
                failing_since=utcnow() - timedelta(hours=3),
            )
        )
    db.session.add(WebhookEndpoint(url="https://hooks.example.com/fine", events=[], secret="whsec_y"))
    db.session.commit()

    text = panel(client)
    assert "1 webhook endpoint fails every try, and a day of failures switches it off" in text
    assert "1 webhook endpoint switched off while failing: its events are not sent" in text
    assert 'href="/admin/webhooks"' in line(text, "1 webhook endpoint fails")
    assert "Nothing is failing." not in text


def test_only_admins_see_the_checklist(make, auth, client, jobs):
    for roles in [(Role.NEW_HIRE,), (Role.MENTOR,), (Role.LEAD,)]:
        person = make.user(roles=roles)
        auth.sign_in(person)
        assert 'id="panel-set-up"' not in home(client)
        auth.sign_out()
