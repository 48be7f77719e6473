"""Slack, as a section of a person's data: which Slack users they are linked as, and the
messages posted to them in Slack. Erasing drops both (the messages stay in Slack, where
the person can delete them)."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.people.personal_data import register_personal_data, rows
from app.slack.models import SlackLink, SlackMessage

COVERS = {"slack_links.user_id", "slack_messages.user_id"}


def export_slack(user_id: int) -> dict[str, list[dict]]:
    return {
        "slack_links": rows(SlackLink, SlackLink.user_id == user_id),
        "slack_messages": rows(SlackMessage, SlackMessage.user_id == user_id),
    }


def erase_slack(user_id: int, remove_texts: bool) -> None:
    db.session.execute(sa.delete(SlackMessage).where(SlackMessage.user_id == user_id))
    db.session.execute(sa.delete(SlackLink).where(SlackLink.user_id == user_id))


def register(app) -> None:
    register_personal_data(app, "slack", covers=COVERS, export=export_slack, erase=erase_slack)
