"""When a chat cannot carry a notice for good (the person left the workspace, the app was
removed, the Teams address answers no more), the notice reaches the person by email
instead, drawn from its card: nothing a person was to be told is dropped.

    mail_instead(person_id, key, card, "Slack could not deliver it: user_not_found")

It runs in the chat's job, inside its transaction; the mail is recorded once per notice
key, however many chats give up on the same notice.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboundMail
from app.mail.outgoing import send_mail
from app.notices.core import Card
from app.people.models import User

log = logging.getLogger(__name__)

KIND = "notice_by_email"


def mail_instead(person_id: int, key: str, card: Card, why: str, thread: str | None = None) -> bool:
    """Mail a notice's card to a person a chat could not reach; return whether it was recorded.
    The notice's `thread` ("question-7") threads the mail with the others about the same
    thing, and names what it is about, so that erasing a person's texts finds it too."""
    person = db.session.get(User, person_id)
    if person is None or not person.active or _mailed(key):
        return False
    send_mail(
        key=f"{key}:by-email",
        kind=KIND,
        to=person,
        subject=card.title,
        template="notices/email/card",
        context={"card": card, "why": why},
        thread=thread,
        about=about_of(thread),
    )
    log.info("notice %s to person %s goes by email: %s", key, person_id, why)
    return True


def about_of(thread: str | None) -> tuple[str, int] | None:
    """What a notice's thread is about, as mail names it: "question-7" is ("question", 7),
    "session-week-3" ("sessionweek", 3)."""
    prefix, _, number = (thread or "").rpartition("-")
    if not prefix or not (number.isascii() and number.isdigit()):
        return None
    return prefix.replace("-", ""), int(number)


def _mailed(key: str) -> bool:
    """Whether the notice went by email already, as the person chose."""
    return bool(db.session.scalar(sa.select(sa.exists().where(OutboundMail.key == key))))
