"""The README's Slack app manifest is the app Unstuck serves: its scopes, command, shortcut
and addresses are those the code asks for and answers at."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from app.slack.asking import COMMAND, SHORTCUT
from app.slack.bolt import BOT_SCOPES, REDIRECT_PATH

README = Path(__file__).parents[2] / "README.md"
BASE = "https://unstuck.example.com"


def manifest() -> dict:
    text = README.read_text()
    section = text[text.index("### Slack") : text.index("### Webhooks")]
    return yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))


def test_the_manifest_asks_for_what_the_app_uses_and_points_at_its_routes(app):
    found = manifest()
    assert sorted(found["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert found["oauth_config"]["redirect_urls"] == [BASE + REDIRECT_PATH]
    [command] = found["features"]["slash_commands"]
    assert (command["command"], command["url"]) == (COMMAND, f"{BASE}/slack/events")
    [shortcut] = found["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", SHORTCUT)
    settings = found["settings"]
    assert settings["interactivity"] == {"is_enabled": True, "request_url": f"{BASE}/slack/events"}
    assert settings["event_subscriptions"]["request_url"] == f"{BASE}/slack/events"
    assert "message.im" in settings["event_subscriptions"]["bot_events"]
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert {"/slack/events", REDIRECT_PATH, "/slack/install"} <= rules
