"""Installing the app in a workspace (admins only, through Slack's OAuth v2 with a state
checked), and Slack's requests: signed, recent and never the same twice."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from app.extensions import db
from app.slack.models import SlackWorkspace
from tests.slack.conftest import TEAM, TOKEN
from tests.slack.signed import event_body


def _start(client) -> str:
    started = client.get("/slack/install")
    assert started.status_code == 302
    target = urlsplit(started.headers["Location"])
    assert (target.netloc, target.path) == ("slack.com", "/oauth/v2/authorize")
    query = parse_qs(target.query)
    assert query["client_id"] == ["1111.2222"]
    assert "users:read.email" in query["scope"][0].split(",")
    assert query["redirect_uri"] == ["http://localhost/slack/oauth_redirect"]
    return query["state"][0]


def test_an_admin_installs_the_app_and_the_workspace_is_kept(app, client, auth, make, slack):
    auth.sign_in(make.admin())
    state = _start(client)
    back = client.get(f"/slack/oauth_redirect?code=good-code&state={state}")
    assert back.status_code == 302 and back.headers["Location"].endswith("/profile")
    workspace = db.session.get(SlackWorkspace, TEAM)
    assert (workspace.team_name, workspace.bot_token, workspace.bot_user_id) == ("Acme", TOKEN, "UBOT")
    assert [c["method"] for c in slack.calls()] == ["oauth.v2.access", "auth.test"]
    assert slack.problems() == []
    assert "installed in the Slack workspace Acme" in client.get("/profile").get_data(as_text=True)


def test_a_state_is_good_once_and_a_made_up_one_is_refused(app, client, auth, make, slack):
    auth.sign_in(make.admin())
    assert client.get("/slack/oauth_redirect?code=good-code&state=made-up").status_code == 400
    state = _start(client)
    assert client.get(f"/slack/oauth_redirect?code=good-code&state={state}").status_code == 302
    client.set_cookie("slack-app-oauth-state", state)  # the browser's cookie, kept: the state is still spent
    assert client.get(f"/slack/oauth_redirect?code=good-code&state={state}").status_code == 401
    assert [c["method"] for c in slack.calls()] == ["oauth.v2.access", "auth.test"]


def test_a_code_slack_refuses_keeps_nothing(app, client, auth, make, slack):
    auth.sign_in(make.admin())
    state = _start(client)
    assert client.get(f"/slack/oauth_redirect?code=bad-code&state={state}").status_code >= 400
    assert db.session.scalars(sa.select(SlackWorkspace)).all() == []


def test_only_admins_install(app, client, auth, make, slack):
    assert client.get("/slack/install").status_code == 302  # to sign in
    auth.sign_in(make.user(team=make.team()))
    assert client.get("/slack/install").status_code == 403
    assert client.get("/slack/oauth_redirect?code=good-code&state=x").status_code == 403
    assert slack.calls() == []


def _message_event(ts: str = "1700000001.000100") -> dict:
    return {"type": "message", "channel": "D1", "user": "U1", "text": "hello", "ts": ts, "channel_type": "im"}


def test_requests_not_signed_by_slack_are_refused(app, client, slack):
    slack.install()
    body = event_body(_message_event(), TEAM, "Ev1")
    unsigned = client.post("/slack/events", data=body, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    assert slack.send(body, "application/json", secret="not-the-secret").status_code == 401
    assert slack.send(body, "application/json", timestamp=int(time.time()) - 6 * 60).status_code == 401
    assert slack.calls() == []


def test_the_same_signed_request_twice_is_refused(app, client, slack):
    app.config["WTF_CSRF_ENABLED"] = True  # Slack's requests carry its signature, never a CSRF token
    slack.install()
    body = json.dumps({"type": "url_verification", "challenge": "abc", "token": "unused"})
    headers_time = int(time.time())
    first = slack.send(body, "application/json", timestamp=headers_time)
    assert first.status_code == 200 and first.get_json() == {"challenge": "abc"}
    again = slack.send(body, "application/json", timestamp=headers_time)
    assert again.status_code == 401
    assert slack.send(body, "application/json", timestamp=headers_time + 1).status_code == 200
