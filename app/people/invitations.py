"""Inviting people to Unstuck: a mail with a link to set their password (or to sign in with
single sign-on, where that is on), and a record of who was invited, by whom, when, how
often, and when they joined.

    invited = invite(user_id, invited_by_id)  # sends (again): the link before stops working
    mark_joined(user_id)                      # at their first sign-in, or password set

The link is signed, works once, for INVITATION_DAYS, and only while it is the latest one
sent: the invitation keeps the nonce of its latest link, so sending again retires the link
before. Whoever adds people calls `invite` (the admin form, the CSV import, the API, the
directory sync); the demo's people keep their fixed password and get none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.errors import InvalidInput
from app.extensions import UTCDateTime, db, utcnow
from app.mail.outgoing import send_mail
from app.people.models import User
from app.tokens import LinkToken, TokenInvalid, TokenUsed, make_token, read_token
from app.urls import external_url
from app.webhooks import events as webhook_events

PURPOSE = "invitation"


class Invitation(db.Model):
    """A person's invitation to join: one per person, sent again as often as needed."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # Who sent it last (None: the directory sync, or an admin since removed).
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    first_sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    times_sent: Mapped[int] = mapped_column(default=0)
    # The nonce of the latest link sent: only that link works.
    link_nonce: Mapped[str | None] = mapped_column(sa.String(64))
    # Their first sign-in, or their password set through the link.
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


@dataclass(frozen=True)
class Invited:
    """What `invite` did: the invitation, and the link it mailed (None: they had joined, so
    nothing was sent)."""

    invitation: Invitation
    link: str | None


def cannot_invite(user: User) -> str | None:
    """Why this person cannot be invited, or None."""
    if user.erased_at is not None:
        return "This person's data was erased; they cannot be invited."
    if not user.active:
        return f"{user.name} is deactivated; reactivate them before inviting them."
    return None


def invite(user_id: int, invited_by_id: int | None) -> Invited:
    """Mail a person their invitation, or send it again with a new link (the one before stops
    working), in the caller's transaction (the mail goes after the commit). Someone who has
    joined already gets nothing: calling it again is safe.

    Raises InvalidInput on `invite` for a deactivated or erased person, LookupError when
    there is no such person.
    """
    user = db.session.get(User, user_id)
    if user is None:
        raise LookupError("There is no such person.")
    if reason := cannot_invite(user):
        raise InvalidInput({"invite": reason}, reason)
    invitation = invitation_of(user_id)
    if invitation is None:
        invitation = Invitation(user_id=user_id, first_sent_at=utcnow())
        db.session.add(invitation)
        db.session.flush()
    elif invitation.joined_at is not None:
        return Invited(invitation, None)
    token = make_token(PURPOSE, invitation.id, user_id=user_id, single_use=True)
    invitation.link_nonce = read_invitation_link(token).nonce
    invitation.invited_by_id = invited_by_id
    invitation.sent_at = utcnow()
    invitation.times_sent += 1
    link = external_url("auth.join", token=token)
    inviter = db.session.get(User, invited_by_id) if invited_by_id is not None else None
    send_mail(
        f"invitation:{hashlib.sha256(token.encode()).hexdigest()[:32]}",
        "invitation",
        user,
        "You are invited to Unstuck",
        "auth/email/invitation",
        {"link": link, "days": current_app.config["INVITATION_DAYS"], "inviter": inviter.name if inviter else None},
        about=user,
    )
    db.session.flush()
    return Invited(invitation, link)


def invitation_of(user_id: int) -> Invitation | None:
    """The person's invitation, if they were ever invited."""
    return db.session.scalar(sa.select(Invitation).where(Invitation.user_id == user_id))


def invitations_of(user_ids: Iterable[int]) -> dict[int, Invitation]:
    """The invitations of these people, by person id (for a list of people)."""
    ids = list(user_ids)
    if not ids:
        return {}
    query = sa.select(Invitation).where(Invitation.user_id.in_(ids)).options(orm.selectinload(Invitation.invited_by))
    return {i.user_id: i for i in db.session.scalars(query)}


def mark_joined(user_id: int) -> None:
    """Record that an invited person joined (signed in, or set their password), once; their
    link stops working."""
    invitation = invitation_of(user_id)
    if invitation is not None and invitation.joined_at is None:
        invitation.joined_at = utcnow()
        invitation.link_nonce = None
        webhook_events.person("person.joined", user_id, invitation.user.team_id)


def read_invitation_link(token: str) -> LinkToken:
    """What an invitation link's token says, if it is genuine and in its days.

    Raises TokenExpired for a link past INVITATION_DAYS, TokenInvalid for anything else.
    """
    days = current_app.config["INVITATION_DAYS"]
    link = read_token(token, PURPOSE, max_age_seconds=days * 86400)
    if link.nonce is None or not isinstance(link.object_id, int) or not isinstance(link.user_id, int):
        raise TokenInvalid("This link is not valid.")
    return link


def invitation_for_link(link: LinkToken) -> Invitation:
    """The invitation a link opens, if the link is its latest and its person may still join.

    Raises TokenUsed for a link sent again since, or once the person has joined;
    TokenInvalid for a deactivated person or a link that names no invitation.
    """
    invitation = db.session.get(Invitation, link.object_id)
    if invitation is None or invitation.user_id != link.user_id or not invitation.user.active:
        raise TokenInvalid("This link is not valid.")
    if invitation.joined_at is not None or invitation.link_nonce != link.nonce:
        raise TokenUsed("This link was already used.")
    return invitation
