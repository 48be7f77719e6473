"""Where the Slack app keeps its installations (our database, one row per workspace) and
the one-time states of the install flow (Redis, for ten minutes)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask import current_app
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore

from app.extensions import db
from app.slack.models import SlackWorkspace

STATE_SECONDS = 600


def _redis():
    return current_app.extensions["jobs"].connection


class WorkspaceStore(InstallationStore):
    """Slack's installations as rows of slack_workspaces; the request that finishes the
    install flow commits them."""

    def save(self, installation: Installation) -> None:
        if not installation.team_id or not installation.bot_token:
            raise ValueError("An installation without a workspace or a bot token cannot be kept.")
        workspace = db.session.get(SlackWorkspace, installation.team_id) or SlackWorkspace(team_id=installation.team_id)
        workspace.team_name = installation.team_name or ""
        workspace.enterprise_id = installation.enterprise_id
        workspace.bot_token = installation.bot_token
        workspace.bot_id = installation.bot_id or ""
        workspace.bot_user_id = installation.bot_user_id or ""
        workspace.bot_scopes = ",".join(installation.bot_scopes or [])
        db.session.add(workspace)
        db.session.flush()

    def save_bot(self, bot: Bot) -> None:  # kept by save(): one bot per workspace
        return None

    def find_bot(self, *, enterprise_id, team_id, is_enterprise_install=False) -> Bot | None:
        workspace = db.session.get(SlackWorkspace, team_id) if team_id else None
        if workspace is None:
            return None
        return Bot(
            enterprise_id=workspace.enterprise_id,
            team_id=workspace.team_id,
            team_name=workspace.team_name,
            bot_token=workspace.bot_token,
            bot_id=workspace.bot_id,
            bot_user_id=workspace.bot_user_id,
            bot_scopes=workspace.bot_scopes,
            installed_at=workspace.installed_at.timestamp(),
        )

    def find_installation(self, *, enterprise_id, team_id, user_id=None, is_enterprise_install=False):
        bot = self.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None or user_id is not None:
            return None
        return Installation(
            app_id=None,
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            team_name=bot.team_name,
            bot_token=bot.bot_token,
            bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id,
            bot_scopes=bot.bot_scopes,
            user_id="",
            installed_at=bot.installed_at,
        )

    def delete_installation(self, *, enterprise_id, team_id, user_id=None) -> None:
        db.session.execute(sa.delete(SlackWorkspace).where(SlackWorkspace.team_id == team_id))

    def delete_bot(self, *, enterprise_id, team_id) -> None:
        self.delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class RedisStateStore(OAuthStateStore):
    """The install flow's states: each good once, for ten minutes."""

    def issue(self, *args, **kwargs) -> str:
        state = secrets.token_urlsafe(24)
        _redis().set(f"slack:oauth-state:{state}", "1", ex=STATE_SECONDS)
        return state

    def consume(self, state: str) -> bool:
        return bool(state) and _redis().getdel(f"slack:oauth-state:{state}") is not None


def seen_before(what: str, seconds: int = 360) -> bool:
    """Note something a request carries (its signature, an event id); tell whether it came within `seconds` before."""
    return not _redis().set(f"slack:seen:{what}", "1", nx=True, ex=seconds)
