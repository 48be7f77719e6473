"""Receiving email: replies to reply addresses become actions of the feature that owns them.

A feature registers a handler for the purpose of its reply addresses:

    register_reply_handler(app, "question", post_reply)

    def post_reply(reply: Reply) -> None:
        ...  # act for reply.user_id on reply.object_id with reply.text, and commit;
        ...  # raise ReplyRefused("why, in words for the sender") when it cannot

The kernel never imports a feature: it finds the handler by the purpose of the address.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app


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


class ReplyRefused(Exception):
    """A feature cannot act on a reply; the message says why, in words for the sender."""


def register_reply_handler(app: Flask, purpose: str, handler: Callable[[Reply], None]) -> None:
    app.extensions.setdefault("mail_reply_handlers", {})[purpose] = handler


def reply_handler(purpose: str) -> Callable[[Reply], None] | None:
    return current_app.extensions.get("mail_reply_handlers", {}).get(purpose)
