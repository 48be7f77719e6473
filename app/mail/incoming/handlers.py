"""The features behind reply addresses: each purpose's handler, and the reply it is given.

    register_reply_handler(app, "question", post_reply)        # replies to question mail
    register_reply_handler(app, "session-rsvp", rsvp, calendar=True)

A handler takes a Reply and acts on it, or raises ReplyRefused saying why, in words for the
sender, with the links they need to do it another way; app.mail.incoming.intake decides which mail
reaches a handler at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

from app.errors import Refused
from app.mail.incoming.parse.message import raw_digest

MESSAGE_ID_CHARS = 250  # IncomingMail.message_id


@dataclass(frozen=True)
class Reply:
    """What a person wrote in reply, trimmed to their own words, for a feature to act on."""

    purpose: str
    object_id: int
    user_id: int
    text: str
    subject: str = ""
    message_id: str = ""
    attachments: tuple[str, ...] = field(default_factory=tuple)  # file names, not kept
    calendar: bytes | None = None  # the first text/calendar part (or .ics file), as sent

    @property
    def source_key(self) -> str | None:
        """The reply's Message-ID as a feature keeps it to act on the email once (at most
        MESSAGE_ID_CHARS; a digest of a longer one); None when it has none."""
        message_id = (self.message_id or "").strip()
        if not message_id:
            return None
        return message_id if len(message_id) <= MESSAGE_ID_CHARS else raw_digest(message_id)


class ReplyRefused(Refused):
    """A feature cannot act on a reply; the message says why, in words for the sender.

    `links` are (label, URL) pairs the sender needs to do it another way (a question's own
    reply address as a mailto: link, its thread); `subject` replaces the answer's usual one.
    """

    def __init__(self, message: str, links: tuple[tuple[str, str], ...] = (), subject: str | None = None):
        super().__init__(message)
        self.links = tuple(links)
        self.subject = subject


def register_reply_handler(app: Flask, purpose: str, handler: Callable[[Reply], None], calendar: bool = False) -> None:
    """Hand replies to addresses of this purpose to `handler`; `calendar=True` when the
    addresses are where people's calendars send their answers to invitations."""
    app.extensions.setdefault("mail_reply_handlers", {})[purpose] = handler
    calendar_purposes = app.extensions.setdefault("mail_calendar_purposes", set())
    if calendar:
        calendar_purposes.add(purpose)
    else:
        calendar_purposes.discard(purpose)


def reply_handler(purpose: str) -> Callable[[Reply], None] | None:
    return current_app.extensions.get("mail_reply_handlers", {}).get(purpose)


def takes_calendar_answers(purpose: str) -> bool:
    """Whether the feature behind this purpose reads answers sent by people's calendars."""
    return purpose in current_app.extensions.get("mail_calendar_purposes", set())
