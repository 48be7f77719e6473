"""Where notices go: the channels registered at start-up, and telling a person or a team.

A channel is any object with these (email's is app/notices/email.py; Slack and Teams register
theirs at start-up):

    name: str                        # "slack"
    title: str                       # "Slack", as the choices page says it
    reaches(person) -> bool          # installed and linked for this person now
    holds(person_id, thread) -> bool # the thread already lives there for this person
    send(person, notice) -> None     # record it in the transaction, deliver after the commit
    send_team(team, notice) -> bool  # post to the team's channel, if it has one there
    revise(key, card) -> None        # messages already sent for key now show this card

and, for the choices page, optionally `how_to_link` (what a person does to be reached
there) and `link_endpoint` (the page where they do it).

Sending is once-only per notice key and person, on every channel; a channel that cannot
send a notice (it has no card it can draw, say) leaves it to the others.
"""

from __future__ import annotations

import logging
from typing import Protocol

import sqlalchemy as sa
from flask import Flask, current_app

from app.extensions import db
from app.notices.core import EMAIL, Card, Notice, channels_for
from app.notices.models import NoticeChoice

log = logging.getLogger(__name__)


class Channel(Protocol):
    name: str
    title: str

    def reaches(self, person) -> bool: ...

    def holds(self, person_id: int, thread: str) -> bool: ...

    def send(self, person, notice: Notice) -> None: ...

    def send_team(self, team, notice: Notice) -> bool: ...

    def revise(self, key: str, card: Card) -> None: ...


def register_channel(app: Flask, channel: Channel) -> None:
    app.extensions.setdefault("notice_channels", {})[channel.name] = channel


def registered() -> dict[str, Channel]:
    """The channels by name, email first."""
    return current_app.extensions.get("notice_channels", {})


def chosen(person_id: int, topic: str) -> list[str] | None:
    """What a person chose for a topic, or None if they never chose."""
    return db.session.scalar(
        sa.select(NoticeChoice.channels).where(NoticeChoice.user_id == person_id, NoticeChoice.topic == topic)
    )


def chosen_by(person_ids: list[int], topic: str) -> dict[int, list[str]]:
    """What each of many people chose for a topic, in one query; those who never chose
    are left out (their notices go by email)."""
    rows = db.session.execute(
        sa.select(NoticeChoice.user_id, NoticeChoice.channels).where(
            NoticeChoice.user_id.in_(person_ids), NoticeChoice.topic == topic
        )
    )
    return {user_id: channels for user_id, channels in rows}


NOT_READ = object()


def where(person, notice: Notice, choice=NOT_READ) -> list[str]:
    """The names of the channels that will carry a notice to a person; `choice` is what
    they chose for its topic, when the caller read it already (chosen_by). Only the chats
    they chose are asked whether they reach them."""
    channels = registered()
    if choice is NOT_READ:
        choice = chosen(person.id, notice.topic)
    wanted = [name for name in choice or () if name != EMAIL and name in channels]
    reachable = [EMAIL] + [name for name in wanted if channels[name].reaches(person)]
    holding = [
        name
        for name, channel in channels.items()
        if notice.thread and name != EMAIL and channel.holds(person.id, notice.thread)
    ]
    return channels_for(choice, reachable, holding)


def tell(person, notice: Notice) -> list[str]:
    """Tell a person something where they chose to hear it; return the channels' names.

    Call it inside the transaction where the thing happened: each channel records what it
    sends and delivers after the commit, so a rollback tells nobody."""
    return send_on(person, notice, where(person, notice))


def send_on(person, notice: Notice, names: list[str]) -> list[str]:
    """Send a notice on the named channels (as `where` chose them); return those that took
    it: email takes only a notice that has a mail."""
    channels = registered()
    taken = [name for name in names if name != EMAIL or notice.mail is not None]
    for name in taken:
        channels[name].send(person, notice)
    if not taken:
        log.info("notice %s reached no channel of person %s", notice.key, person.id)
    return taken


def tell_team(team, notice: Notice) -> list[str]:
    """Post a notice to the team's chat channels (Slack, Teams), where its lead set one up;
    return the channels' names. Email to each member stays the feature's own loop."""
    return [name for name, channel in registered().items() if name != EMAIL and channel.send_team(team, notice)]


def revise(key: str, card: Card) -> None:
    """Make chat messages already sent for a notice show this card instead (a question
    taken, answered or moved on), so that they never offer what no longer applies."""
    for channel in registered().values():
        channel.revise(key, card)
