"""Answering by email: a reply to a question's reply address becomes the sender's post.

Incoming mail checks that the sender is the person the address was made for and trims the
reply to their own words; here the words are posted on the thread, as if written in the
web app, or refused with a reason the sender can act on.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.errors import InvalidInput
from app.extensions import db
from app.help import thread
from app.help.models import Post
from app.mail.incoming.handlers import Reply, ReplyRefused
from app.urls import external_url


def post_reply(reply: Reply, via: str = "email") -> None:
    """Post the reply's text on the question's thread as the sender's post (`via` the
    email it came in, or the chat thread it was written in).

    The same email handed over twice (a worker that died after posting) posts once.
    A reply to a resolved question is posted too, as on the web: it stays resolved, and
    the asker (or who answered, for the asker's own follow-up) is told. Raises ReplyRefused,
    having written nothing, when the sender may no longer see the question, or when the
    text cannot be posted.
    """
    source = reply.source_key
    if source is not None and _posted(source):
        return
    try:
        question, _ = thread.visible_question(reply.object_id, reply.user_id)
    except thread.QuestionNotFound:
        raise ReplyRefused(
            "You can no longer see this question in Unstuck, so your reply cannot be posted on it.",
            links=(("Open Unstuck", external_url("people.home")),),
        ) from None
    try:
        thread.post_answer(question.id, reply.user_id, reply.text, via=via, source_message_id=source)
    except InvalidInput as exc:
        raise ReplyRefused(" ".join(exc.fields.values())) from None
    except IntegrityError:
        # The same email, handed over twice at once: the other run posted it.
        db.session.rollback()
        if source is None or not _posted(source):
            raise


def _posted(source: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Post.source_message_id == source))) or False
