"""Calling Slack's Web API as the bot of one workspace, at SLACK_API_URL."""

from __future__ import annotations

from flask import current_app
from slack_sdk import WebClient

from app.extensions import db
from app.slack.models import SlackWorkspace

TIMEOUT_SECONDS = 10


class ConfiguredClient(WebClient):
    """A client whose address is always the app's SLACK_API_URL, read at each call (the
    install flow and the request handler keep one client for the app's life)."""

    @property  # type: ignore[override]
    def base_url(self) -> str:
        return current_app.config["SLACK_API_URL"]

    @base_url.setter
    def base_url(self, value: str) -> None:
        return None


def client_for(workspace_id: str) -> WebClient:
    """The Web API as the bot of a workspace (LookupError when it is not installed)."""
    workspace = db.session.get(SlackWorkspace, workspace_id)
    if workspace is None:
        raise LookupError(f"Slack is not installed in workspace {workspace_id}.")
    return WebClient(token=workspace.bot_token, base_url=current_app.config["SLACK_API_URL"], timeout=TIMEOUT_SECONDS)
