"""Which Slack user is which person, by the email address Slack says they confirmed: linked
the first time they use the app, when they ask from Unstuck, or when an admin links
everyone (app/slack/by_email.py); unlinked from their profile."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from app.errors import NotFound
from app.extensions import db
from app.people.models import Role, Team, User, normalize_email
from app.slack.models import SlackLink, SlackWorkspace

UNKNOWN = (
    "Unstuck does not know you yet: your Slack email address is not one of its people, or Slack has not "
    "confirmed it. Ask your Unstuck admin to add you with the address you use in Slack."
)


def linked_person(workspace_id: str, slack_user_id: str) -> User | None:
    """The active person this Slack user is linked to, if any."""
    return db.session.scalar(
        sa.select(User)
        .join(SlackLink, SlackLink.user_id == User.id)
        .where(
            SlackLink.workspace_id == workspace_id,
            SlackLink.slack_user_id == slack_user_id,
            User.active.is_(True),
        )
    )


def person_for(client: WebClient, workspace_id: str, slack_user_id: str) -> User | None:
    """The person behind a Slack user, linking them now by their confirmed email address
    if they were not yet; None for someone Unstuck does not know (or not by a confirmed address)."""
    person = linked_person(workspace_id, slack_user_id)
    if person is not None:
        return person
    if db.session.get(SlackWorkspace, workspace_id) is None:
        return None
    try:
        return link_confirmed(client, workspace_id, slack_user_id).person
    except SlackApiError:
        return None


@dataclass(frozen=True)
class Checked:
    """What Slack said of a user: the person linked to them now (None: not linked), whether
    Slack confirmed their email address, and the name Slack shows for them."""

    person: User | None
    confirmed: bool
    name: str


def link_confirmed(client: WebClient, workspace_id: str, slack_user_id: str, person_id: int | None = None) -> Checked:
    """The one rule of linking: ask Slack (users.info) who this user is, and link them to the
    active person whose email address is the one Slack confirmed for them (only to
    `person_id`, when given). Raises SlackApiError when Slack refuses."""
    profile = client.users_info(user=slack_user_id).get("user") or {}
    details = profile.get("profile") or {}
    email = details.get("email") or ""
    name = details.get("real_name") or details.get("display_name") or profile.get("name") or slack_user_id
    confirmed = profile.get("is_email_confirmed") is True
    if not email or not confirmed or profile.get("deleted") or profile.get("is_bot"):
        return Checked(None, confirmed, name)
    person = db.session.scalar(sa.select(User).where(User.email == normalize_email(email), User.active.is_(True)))
    if person is None or (person_id is not None and person.id != person_id):
        return Checked(None, confirmed, name)
    # A person is one Slack user per workspace: a new link replaces an older one.
    db.session.execute(
        sa.delete(SlackLink).where(
            SlackLink.workspace_id == workspace_id,
            sa.or_(SlackLink.user_id == person.id, SlackLink.slack_user_id == slack_user_id),
        )
    )
    db.session.add(SlackLink(user_id=person.id, workspace_id=workspace_id, slack_user_id=slack_user_id))
    db.session.flush()
    return Checked(person, confirmed, name)


def links_of(person_id: int) -> list[tuple[SlackLink, SlackWorkspace]]:
    """A person's links, each with its workspace, oldest first."""
    return [
        (link, workspace)
        for link, workspace in db.session.execute(
            sa.select(SlackLink, SlackWorkspace)
            .join(SlackWorkspace, SlackWorkspace.team_id == SlackLink.workspace_id)
            .where(SlackLink.user_id == person_id)
            .order_by(SlackLink.id)
        )
    ]


def unlink(person_id: int, link_id: int) -> None:
    """Forget one of a person's own links (NotFound for anyone else's)."""
    link = db.session.get(SlackLink, link_id)
    if link is None or link.user_id != person_id:
        raise NotFound("There is no such Slack link.")
    db.session.delete(link)
    db.session.flush()


def teams_led(person) -> list:
    """The teams whose Slack channel this person may choose: those they lead (every team, for an admin)."""
    query = sa.select(Team).order_by(Team.name)
    if not person.has_role(Role.ADMIN):
        query = query.where(Team.lead_id == person.id)
    return list(db.session.scalars(query))
