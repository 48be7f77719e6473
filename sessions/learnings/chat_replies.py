"""Replies written in the chat thread of a week's learnings prompt: what someone writes
there is added to the week as their learnings, as a reply to the prompt's email is (the
same reading of the text, the same checks: a week closed, skipped or gone, or someone no
longer invited, is refused with nothing saved; the same chat message handed over twice
adds its learnings once)."""

from __future__ import annotations

from flask import Flask

from app.errors import Refused, ServiceError
from app.extensions import db
from app.mail.incoming.handlers import Reply
from app.notices.actions import register_thread_reply
from sessions.learnings.prompt import LEARNINGS_PURPOSE, save_reply

# The prompt's notices live in the thread "session-week-<week id>".
THREAD_PREFIX = "session-week"
ID_MAX = 2**31 - 1  # the largest id a row can have: a larger number names nothing


def add_from_chat(person, week_id: int, text: str, source_key: str) -> None:
    """Add the learnings a person wrote in the prompt's chat thread as theirs."""
    if person is None or not getattr(person, "active", False):
        raise Refused("Your Unstuck account is not active, so your learnings were not added.")
    if week_id > ID_MAX:
        raise Refused("That session no longer exists, so your learnings were not added.")
    try:
        save_reply(Reply(LEARNINGS_PURPOSE, week_id, person.id, text, message_id=source_key), via="chat")
    except ServiceError:
        db.session.rollback()
        raise


def register(app: Flask) -> None:
    """Take the replies written in the chat threads of the learnings prompts."""
    register_thread_reply(app, THREAD_PREFIX, add_from_chat)
