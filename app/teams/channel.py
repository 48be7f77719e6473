"""Microsoft Teams as a channel of notices: a card posted to the Teams chat or channel whose
Workflows webhook address a person (or a team's lead, for the team) pasted into Unstuck."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit
from app.notices.core import Card, Notice, card_to_json
from app.teams.cards import encoded, message
from app.teams.models import MessageStatus, TeamsMessage, TeamsWebhook
from app.teams.sender import send_message

TEAMS = "teams"


class TeamsChannel:
    name = TEAMS
    title = "Microsoft Teams"
    how_to_link = "paste your Teams webhook address"
    link_endpoint = "teams.person"

    def reaches(self, person) -> bool:
        """Whether the person pasted a webhook address to get their notices at."""
        return bool(db.session.scalar(sa.select(sa.exists().where(TeamsWebhook.user_id == person.id))))

    def holds(self, person_id: int, thread: str) -> bool:
        return False  # a webhook posts each card on its own: there is no thread to go on in

    def send(self, person, notice: Notice) -> None:
        record(notice, f"person:{person.id}", user_id=person.id)

    def send_team(self, team, notice: Notice) -> bool:
        """Post to the team's chat if its lead (or an admin) gave it a webhook address."""
        if not db.session.scalar(sa.select(sa.exists().where(TeamsWebhook.team_id == team.id))):
            return False
        record(notice, f"team:{team.id}", team_id=team.id)
        return True

    def revise(self, key: str, card: Card) -> None:
        """Nothing: a card posted through an incoming webhook cannot be changed afterwards (the
        webhook answers with no message id to update), so it stays as it was sent, and its
        buttons open Unstuck, which shows what holds now."""
        return None


def record(notice: Notice, recipient: str, user_id: int | None = None, team_id: int | None = None) -> None:
    """Keep the message in the caller's transaction, once per notice and recipient, and post
    it after the commit."""
    key = notice.key[:120]
    known = sa.select(TeamsMessage.id).where(TeamsMessage.notice_key == key, TeamsMessage.recipient == recipient)
    if db.session.scalar(known) is not None:
        return
    row = TeamsMessage(
        notice_key=key,
        recipient=recipient,
        user_id=user_id,
        team_id=team_id,
        payload=encoded(message(notice.card)).decode(),
        card=card_to_json(notice.card),
        thread=notice.thread,
        status=MessageStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    enqueue_after_commit(send_message, row.id)
