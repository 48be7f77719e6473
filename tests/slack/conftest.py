"""The stand-in for Slack's Web API (standin.py, its own process) and helpers to send the
app requests signed as Slack signs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.extensions import db
from app.slack.models import SlackWorkspace
from tests.slack.signed import command_body, event_body, interaction_body, signed_headers

STANDIN = Path(__file__).with_name("standin.py")
TEAM = "T0001"
TOKEN = "xoxb-acme-bot"


class Slack:
    """The stand-in: where it listens, what the workspace holds, and the calls it got."""

    def __init__(self, port: int, record: Path, world_file: Path, app, client):
        self.port, self.record, self.world_file, self.app, self.client = port, record, world_file, app, client
        self.world = {
            "team": {"id": TEAM, "name": "Acme"},
            "bot_token": TOKEN,
            "client_id": app.config["SLACK_CLIENT_ID"],
            "client_secret": app.config["SLACK_CLIENT_SECRET"],
            "code": "good-code",
            "users": {},
            "channels": {},
        }
        self.save()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def save(self) -> None:
        self.world_file.write_text(json.dumps(self.world))

    def user(self, slack_id: str, email: str, confirmed: bool = True, name: str = "") -> None:
        self.world["users"][slack_id] = {"email": email, "confirmed": confirmed, "name": name}
        self.save()

    def rate_limit(self, *methods: str) -> None:
        """Slack answers these methods 429 (called too often) until told otherwise."""
        self.world["ratelimited"] = list(methods)
        self.save()

    def refuse(self, method: str, error: str) -> None:
        """Slack refuses this method for good with this error, until told otherwise."""
        self.world.setdefault("refused", {})[method] = error
        self.save()

    def channel(self, channel_id: str, name: str) -> None:
        self.world["channels"][channel_id] = {"name": name}
        self.save()

    def install(self) -> SlackWorkspace:
        """The workspace, as the install flow keeps it (tests/slack/test_install.py goes through it)."""
        workspace = SlackWorkspace(team_id=TEAM, team_name="Acme", bot_token=TOKEN, bot_id="B0001", bot_user_id="UBOT")
        db.session.add(workspace)
        db.session.commit()
        return workspace

    def calls(self, method: str | None = None) -> list[dict]:
        """Every call so far (of this method), oldest first; each checked (see `problems`)."""
        if not self.record.exists():
            return []
        records = [json.loads(line) for line in self.record.read_text().splitlines()]
        return [r for r in records if method is None or r["method"] == method]

    def problems(self) -> list:
        return [(c["method"], c["problems"]) for c in self.calls() if c["problems"]]

    @staticmethod
    def blocks(call: dict) -> list[dict]:
        blocks = call["args"].get("blocks") or []
        return json.loads(blocks) if isinstance(blocks, str) else blocks

    @staticmethod
    def view(call: dict) -> dict:
        view = call["args"]["view"]
        return json.loads(view) if isinstance(view, str) else view

    # -- requests from Slack to the app, signed -------------------------------------------

    def send(self, body: str, content_type: str, timestamp: int | None = None, secret: str | None = None):
        secret = secret or self.app.config["SLACK_SIGNING_SECRET"]
        headers = signed_headers(secret, body, content_type, timestamp)
        return self.client.post("/slack/events", data=body, headers=headers)

    def event(self, event: dict, event_id: str = "Ev0001"):
        return self.send(event_body(event, TEAM, event_id), "application/json")

    def interaction(self, payload: dict):
        payload = {"team": {"id": TEAM, "domain": "acme"}, "api_app_id": "A0001", "token": "unused", **payload}
        return self.send(interaction_body(payload), "application/x-www-form-urlencoded")

    def command(self, user_id: str, command: str, text: str = "", trigger_id: str = "trig-1"):
        body = command_body(TEAM, user_id, command, text, trigger_id)
        return self.send(body, "application/x-www-form-urlencoded")


@pytest.fixture
def slack(app, client, tmp_path):
    """The stand-in for Slack's Web API, which the app calls while the test runs."""
    record, world = tmp_path / "calls.jsonl", tmp_path / "world.json"
    redis = app.extensions["jobs"].connection
    for key in redis.scan_iter("slack:*"):  # signatures and events seen by an earlier test
        redis.delete(key)
    process = subprocess.Popen(
        [sys.executable, str(STANDIN), str(record), str(world)], stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()  # waits for "ready PORT"
        assert line.startswith("ready "), f"the stand-in did not start: {line!r}"
        stand_in = Slack(int(line.split()[1]), record, world, app, client)
        app.config["SLACK_API_URL"] = stand_in.url
        yield stand_in
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def linked(make, slack: Slack, slack_id: str, **fields):
    """A person, known to the stand-in by their email and linked to their Slack user."""
    from app.slack.models import SlackLink

    person = make.user(**fields)
    slack.user(slack_id, person.email)
    db.session.add(SlackLink(user_id=person.id, workspace_id=TEAM, slack_user_id=slack_id))
    db.session.commit()
    return person
