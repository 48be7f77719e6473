"""What a button in a chat message does, registered by the feature that owns it.

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
