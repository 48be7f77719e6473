"""The Slack pages: the profile says who a person is linked as and unlinks them; a team's
lead (or an admin) chooses the team's channel, checked with Slack; team notices go there."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.notices.channels import tell_team
from app.notices.core import Card, Notice
from app.slack.models import SlackLink, SlackTeamChannel
from tests.slack.conftest import TEAM, linked


def test_the_profile_shows_the_link_and_unlinks_it(app, client, auth, make, slack):
    slack.install()
    nina = linked(make, slack, "UNINA")
    other = linked(make, slack, "UOMAR")
    auth.sign_in(nina)

    page = client.get("/profile").get_data(as_text=True)
    assert "Slack: linked as UNINA in Acme" in page
    [mine] = db.session.scalars(sa.select(SlackLink).where(SlackLink.user_id == nina.id)).all()
    [theirs] = db.session.scalars(sa.select(SlackLink).where(SlackLink.user_id == other.id)).all()

    assert client.post(f"/slack/links/{theirs.id}/unlink").status_code == 404
    assert client.post(f"/slack/links/{mine.id}/unlink").status_code == 302
    db.session.expire_all()
    assert [link.user_id for link in db.session.scalars(sa.select(SlackLink))] == [other.id]
    assert "Not linked" in client.get("/profile").get_data(as_text=True)


def test_unlinking_needs_the_forms_csrf_token(app, client, auth, make, slack):
    app.config["WTF_CSRF_ENABLED"] = True
    slack.install()
    nina = linked(make, slack, "UNINA")
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = client.post("/sign-in", data={"email": nina.email, "password": make.PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    link = db.session.scalar(sa.select(SlackLink))
    assert client.post(f"/slack/links/{link.id}/unlink").status_code == 400
    db.session.expire_all()
    assert db.session.scalar(sa.select(SlackLink)) is not None  # kept: the form had no token


def test_a_lead_chooses_the_teams_channel_and_team_notices_are_posted_there(app, client, auth, make, jobs, slack):
    slack.install()
    slack.channel("C0PAY", "payments")
    lead = make.user(name="Lena Lead")
    team = make.team("Payments", lead=lead)
    auth.sign_in(lead)
    assert "Choose Payments's Slack channel" in client.get("/profile").get_data(as_text=True)
    assert client.get(f"/slack/teams/{team.id}/channel").status_code == 200

    unknown = client.post(f"/slack/teams/{team.id}/channel", data={"workspace": TEAM, "channel": "C0NOPE"})
    assert unknown.status_code == 422 and "channel_not_found" in unknown.get_data(as_text=True)
    chosen = client.post(f"/slack/teams/{team.id}/channel", data={"workspace": TEAM, "channel": "C0PAY"})
    assert chosen.status_code == 302
    db.session.expire_all()
    assert db.session.get(SlackTeamChannel, team.id).channel_name == "payments"

    assert tell_team(team, Notice("summary-1", "sessions", Card(title="This week's summary", text="3 learnings"))) == [
        "slack"
    ]
    db.session.commit()
    jobs.run()
    [post] = slack.calls("chat.postMessage")
    assert post["args"]["channel"] == "C0PAY" and post["args"]["text"] == "This week's summary"
    assert slack.problems() == []


def test_only_the_teams_lead_or_an_admin_chooses_its_channel(app, client, auth, make, slack):
    team = make.team("Payments", lead=make.user())
    member, stranger = make.user(team=team), make.user(team=make.team())
    auth.sign_in(member)
    assert client.get(f"/slack/teams/{team.id}/channel").status_code == 403
    auth.sign_out()
    auth.sign_in(stranger)
    assert client.get(f"/slack/teams/{team.id}/channel").status_code == 404
    auth.sign_out()
    auth.sign_in(make.admin())
    assert client.get(f"/slack/teams/{team.id}/channel").status_code == 200
    assert tell_team(team, Notice("n", "sessions", Card(title="x"))) == []  # no channel chosen
