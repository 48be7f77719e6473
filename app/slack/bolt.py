"""The Bolt app: it verifies each request's signature, runs the install flow and hands
events, commands, shortcuts and interactions to their listeners, all inside the request
(so inside its transaction) before answering Slack."""

from __future__ import annotations

import logging

from flask import Flask, flash, url_for
from slack_bolt import App, BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.errors import SlackApiError

from app.extensions import db
from app.slack import asking, interactions
from app.slack.client import ConfiguredClient
from app.slack.store import RedisStateStore, WorkspaceStore

log = logging.getLogger(__name__)

INSTALL_PATH, REDIRECT_PATH = "/slack/install", "/slack/oauth_redirect"
# What the bot may do: message people (and read what they write to it), look them up by
# their confirmed email, post in the channels teams choose, and take /stuck.
BOT_SCOPES = [
    "chat:write",
    "chat:write.public",
    "im:write",
    "im:history",
    "users:read",
    "users:read.email",
    "channels:read",
    "groups:read",
    "commands",
]


def installed(args: SuccessArgs) -> BoltResponse:
    flash(f"Unstuck is installed in the Slack workspace {args.installation.team_name}.", "success")
    return BoltResponse(status=302, body="", headers={"Location": url_for("people.profile")})


def not_installed(args: FailureArgs) -> BoltResponse:
    return BoltResponse(
        status=args.suggested_status_code,
        body=f"Slack was not installed: {args.reason}. Start again from Unstuck.",
        headers={"Content-Type": "text/plain; charset=utf-8"},
    )


def build_bolt(app: Flask) -> App:
    config = app.config
    settings = OAuthSettings(
        client_id=config["SLACK_CLIENT_ID"],
        client_secret=config["SLACK_CLIENT_SECRET"],
        scopes=BOT_SCOPES,
        installation_store=WorkspaceStore(),
        state_store=RedisStateStore(),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        redirect_uri=config["BASE_URL"].rstrip("/") + REDIRECT_PATH,
        install_page_rendering_enabled=False,
        installation_store_bot_only=True,
        callback_options=CallbackOptions(success=installed, failure=not_installed),
    )
    bolt = App(
        signing_secret=config["SLACK_SIGNING_SECRET"],
        client=ConfiguredClient(),
        oauth_settings=settings,
        process_before_response=True,
        token_verification_enabled=False,
    )
    interactions.register(bolt)
    asking.register(bolt)
    bolt.error(slack_refused)
    return bolt


def slack_refused(error: Exception, body: dict) -> BoltResponse | None:
    """Slack refused a call made while answering it (a modal's trigger had expired, say):
    nothing of the request is kept, and Slack is answered as if it had worked, since
    nothing more can be done. Anything else is an error (500)."""
    if not isinstance(error, SlackApiError):
        return None
    db.session.rollback()
    log.warning("Slack refused a call while answering a %s: %s", body.get("type") or "request", error)
    return BoltResponse(status=200, body="")
