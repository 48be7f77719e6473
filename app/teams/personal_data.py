"""Teams notices, as a section of a person's data: the webhook address of their own notices,
the team addresses they set, and the messages posted to them. Erasing drops their address and
their messages, and the team addresses they set no longer name them."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.people.personal_data import register_personal_data, rows
from app.teams.cards import masked
from app.teams.models import TeamsMessage, TeamsWebhook

COVERS = {"teams_webhooks.user_id", "teams_webhooks.set_by_id", "teams_messages.user_id"}


def export_teams(user_id: int) -> dict[str, list[dict]]:
    own = rows(TeamsWebhook, TeamsWebhook.user_id == user_id)
    # A team's address is the team's password to its chat: the person set it, it is not theirs.
    set_for_teams = [
        {**row, "url": masked(row["url"])}
        for row in rows(TeamsWebhook, TeamsWebhook.set_by_id == user_id, TeamsWebhook.user_id.is_(None))
    ]
    return {
        "teams_webhooks": own + set_for_teams,
        "teams_messages": rows(TeamsMessage, TeamsMessage.user_id == user_id),
    }


def erase_teams(user_id: int, remove_texts: bool) -> None:
    db.session.execute(sa.delete(TeamsMessage).where(TeamsMessage.user_id == user_id))
    db.session.execute(sa.delete(TeamsWebhook).where(TeamsWebhook.user_id == user_id))
    db.session.execute(sa.update(TeamsWebhook).where(TeamsWebhook.set_by_id == user_id).values(set_by_id=None))


def register(app) -> None:
    register_personal_data(app, "teams", covers=COVERS, export=export_teams, erase=erase_teams)
