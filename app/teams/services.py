"""What people do with Teams: paste, test or remove the webhook address of their own notices, and
(a team's lead, or an admin) of their team's session notices."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app.errors import InvalidInput, NotFound, Refused
from app.extensions import db, utcnow
from app.notices.core import Card, Notice
from app.people.models import Role, Team, User
from app.teams.cards import url_problem
from app.teams.channel import record
from app.teams.models import TeamsWebhook
from app.urls import external_url


def person_webhook(user_id: int) -> TeamsWebhook | None:
    return db.session.scalar(sa.select(TeamsWebhook).where(TeamsWebhook.user_id == user_id))


def team_webhook(team_id: int) -> TeamsWebhook | None:
    return db.session.scalar(sa.select(TeamsWebhook).where(TeamsWebhook.team_id == team_id))


def _checked(url: str | None) -> str:
    url = (url or "").strip()
    problem = url_problem(url, current_app.config["TEAMS_ALLOW_ANY_HOST"])
    if problem:
        raise InvalidInput({"url": problem}, problem)
    return url


def set_person_url(user_id: int, url: str | None) -> TeamsWebhook:
    """Keep the address a person's own Teams notices are posted to (replacing any before)."""
    url = _checked(url)
    webhook = person_webhook(user_id) or TeamsWebhook(user_id=user_id)
    webhook.url, webhook.set_by_id, webhook.set_at = url, user_id, utcnow()
    db.session.add(webhook)
    db.session.flush()
    return webhook


def remove_person_url(user_id: int) -> bool:
    """Forget a person's address; return whether there was one. Their notices go by email again
    wherever Teams was their only choice."""
    return db.session.execute(sa.delete(TeamsWebhook).where(TeamsWebhook.user_id == user_id)).rowcount > 0


def managed_team(team_id: int, person_id: int) -> Team:
    """The team, if the person may set its Teams address: its lead, or an admin."""
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound("There is no such team.")
    person = db.session.get(User, person_id)
    if person is None or not (team.lead_id == person.id or person.has_role(Role.ADMIN)):
        raise Refused("Only the team's lead or an admin can set where the team's Teams notices go.")
    return team


def set_team_url(team_id: int, person_id: int, url: str | None) -> TeamsWebhook:
    """Keep the address a team's session notices (the learnings prompt, the summary) are posted to."""
    managed_team(team_id, person_id)
    url = _checked(url)
    webhook = team_webhook(team_id) or TeamsWebhook(team_id=team_id)
    webhook.url, webhook.set_by_id, webhook.set_at = url, person_id, utcnow()
    db.session.add(webhook)
    db.session.flush()
    return webhook


def remove_team_url(team_id: int, person_id: int) -> bool:
    managed_team(team_id, person_id)
    return db.session.execute(sa.delete(TeamsWebhook).where(TeamsWebhook.team_id == team_id)).rowcount > 0


def send_test_card(user_id: int | None = None, team_id: int | None = None) -> bool:
    """Post a card that says the address works, to a person's or a team's address (after the
    commit); return False if there is no address to post to."""
    webhook = person_webhook(user_id) if user_id is not None else team_webhook(team_id or 0)
    if webhook is None:
        return False
    card = Card(
        title="Unstuck can post here",
        text="The notices chosen for Microsoft Teams will arrive here as cards like this one. "
        "Their buttons open Unstuck.",
        link=external_url("notices.choices"),
        link_label="Choose your notices",
    )
    recipient = f"person:{user_id}" if user_id is not None else f"team:{team_id}"
    key = f"teams-test:{recipient}:{utcnow().isoformat()}"
    record(Notice(key, "answers", card), recipient, user_id=user_id, team_id=team_id)
    return True
