"""Linking from Unstuck: a person links their Slack account with one button, by the email
address Slack confirmed for them, and is then reached in Slack; an admin links everyone
not linked yet, with a job that goes in batches and waits when Slack says so."""

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help.jobs import route_question_job
from app.jobs import enqueue
from app.mail.models import OutboundMail
from app.notices.models import NoticeChoice
from app.slack import by_email
from app.slack.models import SlackLink
from tests.help.routing_scenes import ask, mentor
from tests.slack.conftest import TEAM


def links() -> dict[int, str]:
    db.session.expire_all()
    return {link.user_id: link.slack_user_id for link in db.session.scalars(sa.select(SlackLink))}


def flashed(client, response) -> str:
    assert response.status_code == 302 and response.headers["Location"].endswith("/profile/slack")
    return client.get("/profile/slack").get_data(as_text=True)


def test_a_mentor_links_themselves_and_then_gets_a_question_as_a_direct_message(app, client, auth, make, jobs, slack):
    slack.install()
    team = make.team()
    mia = mentor(make, "Mia Mentor", team=team, email="Mia@Example.com")
    slack.user("UMIA", "mia@example.com", name="Mia M.")
    db.session.add(NoticeChoice(user_id=mia.id, topic="questions_blocking", channels=["slack"]))
    db.session.commit()
    auth.sign_in(mia)

    hint = client.get("/profile/notices").get_data(as_text=True)
    assert 'id="slack-setup-link" href="/profile/slack"' in hint
    assert "Link my Slack account" in client.get("/profile").get_data(as_text=True)
    page = flashed(client, client.post("/profile/slack/link"))
    assert "Linked as Mia M. in Acme." in page
    assert links() == {mia.id: "UMIA"}
    assert [c["args"]["email"] for c in slack.calls("users.lookupByEmail")] == ["mia@example.com"]
    assert [c["args"]["user"] for c in slack.calls("users.info")] == ["UMIA"]
    assert "not-ready-slack" not in client.get("/profile/notices").get_data(as_text=True)

    question = ask(make.user(name="Nina New", team=team))
    enqueue(route_question_job, question.id)
    jobs.run()
    [post] = slack.calls("chat.postMessage")
    assert post["args"]["channel"] == "DUMIA" and post["args"]["text"] == "Nina New is stuck"
    assert db.session.scalars(sa.select(OutboundMail).where(OutboundMail.user_id == mia.id)).all() == []
    assert slack.problems() == []


def test_each_reason_not_to_link_is_said(app, client, auth, make, slack):
    nina = make.user(email="nina@example.com")
    auth.sign_in(nina)
    page = flashed(client, client.post("/profile/slack/link"))
    assert "Unstuck is not installed in a Slack workspace yet" in page and slack.calls() == []

    slack.install()
    page = flashed(client, client.post("/profile/slack/link"))
    assert "No Slack workspace where Unstuck is installed has a member with your email address" in page
    assert "nina@example.com" in page

    slack.user("UNINA", "nina@example.com", confirmed=False)
    page = flashed(client, client.post("/profile/slack/link"))
    assert "Acme has a member with your email address, but Slack has not confirmed it" in page

    slack.user("UNINA", "nina@example.com")
    slack.rate_limit("users.lookupByEmail")
    page = flashed(client, client.post("/profile/slack/link"))
    assert "Slack asks Unstuck to wait a moment" in page

    slack.rate_limit()
    slack.world["bot_token"] = "xoxb-another"  # the app's token was revoked
    slack.save()
    page = flashed(client, client.post("/profile/slack/link"))
    assert "Slack refused to look you up in Acme (invalid_auth)" in page

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        app.config["SLACK_API_URL"] = f"http://127.0.0.1:{closed.getsockname()[1]}/api/"
    page = flashed(client, client.post("/profile/slack/link"))
    assert "Slack could not be reached" in page
    assert links() == {}
    assert slack.problems() == []


def test_linking_needs_signing_in_and_the_forms_csrf_token(app, client, auth, make, slack):
    slack.install()
    nina = make.user(email="nina@example.com")
    slack.user("UNINA", nina.email)
    assert client.post("/profile/slack/link").status_code == 401
    assert client.get("/profile/slack").status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = client.post("/sign-in", data={"email": nina.email, "password": make.PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    assert client.post("/profile/slack/link").status_code == 400
    assert links() == {} and slack.calls() == []


def test_an_admin_links_everyone_once_skipping_unconfirmed_and_inactive_people(
    app, client, auth, make, jobs, slack, monkeypatch
):
    monkeypatch.setattr(by_email, "BATCH", 3)  # seven people to look up: three batches
    slack.install()
    admin = make.admin(email="ada@example.com")
    people = [make.user(email=f"p{n}@example.com") for n in range(6)]
    for n, person in enumerate(people):
        slack.user(f"UP{n}", person.email)
    slack.user("UP1", people[1].email, confirmed=False)
    people[2].active = False
    db.session.add(SlackLink(user_id=people[3].id, workspace_id=TEAM, slack_user_id="UP3"))
    db.session.commit()
    auth.sign_in(admin)

    assert 'href="/admin/slack"' in client.get("/profile").get_data(as_text=True)  # the admin menu
    page = client.get("/admin/slack").get_data(as_text=True)
    assert "1 of 6 active people are linked" in page and "Link people by email" in page
    assert client.post("/admin/slack/link-people").status_code == 302
    jobs.run()

    assert links() == {people[0].id: "UP0", people[3].id: "UP3", people[4].id: "UP4", people[5].id: "UP5"}
    looked_up = [c["args"]["email"] for c in slack.calls("users.lookupByEmail")]
    assert sorted(looked_up) == sorted(["ada@example.com"] + [p.email for p in people if p not in people[2:4]])
    assert "4 of 6 active people are linked" in client.get("/admin/slack").get_data(as_text=True)

    before = len(slack.calls())
    client.post("/admin/slack/link-people")
    jobs.run()
    assert links() == {people[0].id: "UP0", people[3].id: "UP3", people[4].id: "UP4", people[5].id: "UP5"}
    again = [c["args"]["email"] for c in slack.calls("users.lookupByEmail")[len(looked_up) :]]
    assert sorted(again) == ["ada@example.com", people[1].email]  # only those still not linked
    assert all(c["method"] in ("users.lookupByEmail", "users.info") for c in slack.calls()[before:])
    assert slack.problems() == []


def test_when_slack_says_wait_the_batch_is_done_again_by_the_jobs_retry(app, client, auth, make, jobs, slack):
    slack.install()
    admin = make.admin(email="ada@example.com")
    nina = make.user(email="nina@example.com")
    slack.user("UADA", admin.email)
    slack.user("UNINA", nina.email)
    slack.rate_limit("users.lookupByEmail")
    auth.sign_in(admin)
    jobs.run()  # the jobs of people joining
    client.post("/admin/slack/link-people")

    assert jobs.run() == 0  # the job waits for its retry
    assert links() == {}
    queue = app.extensions["jobs"].queues["default"]
    [retry] = queue.scheduled_job_registry.get_job_ids()
    assert queue.scheduled_job_registry.get_scheduled_time(retry) is not None
    assert len(slack.calls("users.lookupByEmail")) == 1  # no asking again in a loop

    slack.rate_limit()
    queue.scheduled_job_registry.requeue(retry)  # the retry, due now rather than in a minute
    assert jobs.run() == 1
    assert links() == {admin.id: "UADA", nina.id: "UNINA"}


@pytest.mark.parametrize("path, method", [("/admin/slack", "get"), ("/admin/slack/link-people", "post")])
def test_only_an_admin_links_everyone(app, client, auth, make, jobs, slack, path, method):
    slack.install()
    auth.sign_in(make.mentor())
    assert getattr(client, method)(path).status_code == 403
    assert jobs.count() == 0


def test_the_stand_in_answers_a_lookup_as_slack_does(app, make, slack):
    from slack_sdk.errors import SlackApiError

    from app.slack.client import client_for

    slack.install()
    slack.user("UNINA", "Nina@example.com")
    client = client_for(TEAM)
    assert client.users_lookupByEmail(email="nina@example.com")["user"]["id"] == "UNINA"
    with pytest.raises(SlackApiError) as unknown:
        client.users_lookupByEmail(email="omar@example.com")
    with pytest.raises(SlackApiError) as empty:
        client.users_lookupByEmail(email="")
    assert (unknown.value.response["error"], empty.value.response["error"]) == ("users_not_found", "invalid_arguments")
    assert slack.problems() == [("users.lookupByEmail", ["missing email"])]


def test_pressing_link_again_and_again_is_limited_before_slack_is_asked_too_often(app, client, auth, make, slack):
    from app.security import reset_rate_limits
    from config import Config

    app.config["RATELIMIT_SLACK_LINK"] = Config.RATELIMIT_SLACK_LINK  # the shipped limit: 5 per 15 minutes
    reset_rate_limits(app)
    try:
        slack.install()
        nina = make.user(email="nina@example.com")
        auth.sign_in(nina)
        for _ in range(5):
            assert client.post("/profile/slack/link").status_code == 302
        refused = client.post("/profile/slack/link")
        assert refused.status_code == 429
        assert "You asked Slack for your account several times just now" in refused.get_data(as_text=True)
        assert len(slack.calls("users.lookupByEmail")) == 5

        auth.sign_out()
        auth.sign_in(make.user(email="omar@example.com"))  # another person is counted apart
        assert client.post("/profile/slack/link").status_code == 302
    finally:
        reset_rate_limits(app)
