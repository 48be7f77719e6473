"""Requests signed as Slack signs them: v0, an HMAC-SHA256 of "v0:{timestamp}:{body}" with
the app's signing secret, in X-Slack-Signature, with the time in X-Slack-Request-Timestamp."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode


def signature(secret: str, timestamp: int, body: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(secret: str, body: str, content_type: str, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature(secret, timestamp, body),
    }


def event_body(event: dict, team_id: str, event_id: str) -> str:
    """An Events API callback, as Slack posts it."""
    return json.dumps(
        {
            "token": "unused",
            "team_id": team_id,
            "api_app_id": "A0001",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team_id, "user_id": "UBOT", "is_bot": True}],
        }
    )


def interaction_body(payload: dict) -> str:
    """A click, a shortcut or a modal's submission: a form with the payload as JSON."""
    return urlencode({"payload": json.dumps(payload)})


def command_body(team_id: str, user_id: str, command: str, text: str, trigger_id: str = "T-trigger") -> str:
    return urlencode(
        {
            "token": "unused",
            "team_id": team_id,
            "team_domain": "acme",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": user_id,
            "user_name": "someone",
            "command": command,
            "text": text,
            "api_app_id": "A0001",
            "response_url": "https://hooks.slack.invalid/commands/1",
            "trigger_id": trigger_id,
        }
    )
