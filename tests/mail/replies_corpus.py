"""The reply fixtures in tests/mail/replies/: raw messages as mail clients send them, each with
the text we must post.

    load_replies() -> list[Reply]   each: (name, text_body, html_body, expected)
"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import NamedTuple

from app.mail.incoming.parse.flowed import unflow

REPLIES_DIR = Path(__file__).parent / "replies"


class Reply(NamedTuple):
    name: str
    text_body: str | None
    html_body: str | None
    expected: str


def load_replies(folder: Path = REPLIES_DIR) -> list[Reply]:
    """Return every fixture pair, sorted by name: the message's text and HTML bodies, and the
    expected text (its file's final newline is not part of it)."""
    replies = []
    for eml in sorted(folder.glob("*.eml")):
        name = eml.name.removesuffix(".eml")
        message = message_from_bytes(eml.read_bytes(), policy=policy.default)
        expected = (folder / f"{name}.expected.txt").read_text(encoding="utf-8").removesuffix("\n")
        replies.append(Reply(name, text_body(message), html_body(message), expected))
    return replies


def text_body(message: EmailMessage) -> str | None:
    """Return the text/plain body, with format=flowed lines joined as the client meant them."""
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return None
    text = part.get_content()
    if part.get_param("format", "").lower() == "flowed":
        text = unflow(text, delsp=part.get_param("delsp", "").lower() == "yes")
    return text


def html_body(message: EmailMessage) -> str | None:
    """Return the text/html body, if the message has one."""
    part = message.get_body(preferencelist=("html",))
    return None if part is None else part.get_content()
