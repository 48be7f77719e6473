"""What a button in a chat message does, and where a reply written in a chat thread goes,
each registered by the feature that owns it.

    register_action(app, "question.take", take_from_chat)

A handler gets the person acting (already known to Unstuck: a chat channel links its
users to people first), the button's value and any text the chat asked for, calls the
same service as the page or the one-click link, and returns what to show: a short line
for the person, and the card their message shows from now on (None: unchanged). It raises
the kernel's errors (app.errors) for what cannot be done, which the chat shows as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

from app.errors import NotFound
from app.notices.core import Card


@dataclass(frozen=True)
class Done:
    message: str
    card: Card | None = None


Handler = Callable[..., Done]  # handler(person, value: str, text: str | None) -> Done


def register_action(app: Flask, name: str, handler: Handler) -> None:
    app.extensions.setdefault("notice_actions", {})[name] = handler


def run_action(name: str, person, value: str, text: str | None = None) -> Done:
    """Do what a button means for a person; raise NotFound for an action nobody registered."""
    handler = current_app.extensions.get("notice_actions", {}).get(name)
    if handler is None:
        raise NotFound("That button does nothing any more.")
    return handler(person, value, text)


# -- replies written in a chat thread ------------------------------------------------------

ThreadReply = Callable[..., None]  # handler(person, object_id: int, text: str, source_key: str) -> None


def register_thread_reply(app: Flask, prefix: str, handler: ThreadReply) -> None:
    """Let a feature take what people write in the chat thread of its notices: a notice's
    thread "question-12" has the prefix "question" and the object id 12."""
    app.extensions.setdefault("notice_thread_replies", {})[prefix] = handler


def run_thread_reply(thread: str, person, text: str, source_key: str) -> bool:
    """Hand a reply written in a chat thread to the feature that owns the thread; return
    False when no feature takes replies there. `source_key` names the chat message, so the
    same message handed over twice is taken once. Raises the kernel's errors as actions do."""
    prefix, _, number = thread.rpartition("-")
    handler = current_app.extensions.get("notice_thread_replies", {}).get(prefix)
    if handler is None or not (number.isascii() and number.isdigit()):
        return False
    handler(person, int(number), text, source_key)
    return True
