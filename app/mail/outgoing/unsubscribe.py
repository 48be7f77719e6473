"""Unsubscribing from one kind of email ("topic") with one click, from a header or a footer.

A feature names its topics once, with what unsubscribing stops and what it does not:

    register_topic(app, "digest", "question digests",
                   "You will still get an email at once when a question is blocking someone.")

An email sent with `send_mail(..., unsubscribe="digest")` then carries `List-Unsubscribe`
and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), and its footer links to
the same page. The link is signed for the person and the topic; it does not expire soon,
since an old digest's link must still work, and using it twice does no harm.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app

from app.database import insert_unless_exists
from app.extensions import db, utcnow
from app.mail.models import MailOptOut
from app.tokens import LinkToken, make_token, read_token
from app.urls import external_url

LINK_MAX_AGE = 400 * 86400  # a year of old emails, and then some


@dataclass(frozen=True)
class Topic:
    name: str
    title: str  # "question digests"
    still_sent: str  # what unsubscribing does not stop, said on the page


def register_topic(app: Flask, name: str, title: str, still_sent: str) -> None:
    app.extensions.setdefault("mail_topics", {})[name] = Topic(name, title, still_sent)


def topic(name: str) -> Topic:
    """Return a registered topic; raise KeyError for an unknown one."""
    return current_app.extensions.get("mail_topics", {})[name]


def unsubscribe_token(user_id: int, topic_name: str) -> str:
    topic(topic_name)  # refuse an unknown topic now rather than in the mail
    return make_token(f"unsubscribe-{topic_name}", user_id, user_id=user_id)


def read_unsubscribe_token(token: str, topic_name: str) -> LinkToken:
    """Return what an unsubscribe token says (its person is `user_id`); raise TokenError if
    it is not one, and KeyError for an unknown topic."""
    topic(topic_name)
    return read_token(token, f"unsubscribe-{topic_name}", LINK_MAX_AGE)


def unsubscribe_url(user_id: int, topic_name: str) -> str:
    return external_url("mail.unsubscribe", topic_name=topic_name, token=unsubscribe_token(user_id, topic_name))


def unsubscribe_headers(url: str) -> dict[str, str]:
    """The RFC 2369 and RFC 8058 headers for an email that has an unsubscribe link."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def opt_out(user_id: int, topic_name: str) -> bool:
    """Unsubscribe a person from a topic in the current transaction; return whether it is new."""
    topic(topic_name)
    values = dict(user_id=user_id, topic=topic_name, created_at=utcnow())
    return insert_unless_exists(MailOptOut.__table__, values, ["user_id", "topic"]) is not None


def opt_in(user_id: int, topic_name: str) -> None:
    """Subscribe a person to a topic again, in the current transaction."""
    db.session.execute(sa.delete(MailOptOut).where(MailOptOut.user_id == user_id, MailOptOut.topic == topic_name))


def opted_out(user_id: int, topic_name: str) -> bool:
    return (
        db.session.scalar(sa.select(MailOptOut.id).where(MailOptOut.user_id == user_id, MailOptOut.topic == topic_name))
        is not None
    )


def opted_out_of(topic_name: str, user_ids: list[int]) -> set[int]:
    """Of these people, the ones who unsubscribed from a topic (one query, for batches)."""
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(MailOptOut.user_id).where(MailOptOut.topic == topic_name, MailOptOut.user_id.in_(user_ids))
        )
    )
