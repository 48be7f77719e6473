"""The reply addresses of a digest: each question's own, and the digest's.

Each question in a digest carries its own reply address (replying to it answers the
question). The digest carries one of its own too (purpose "digest", the email's id), since
people reply to the digest itself: a reply to a digest that told of one question is posted
on that question; a reply to one that told of several cannot say which it answers, so the
mentor is told "which question?", with each question's own reply address (a link that opens
a reply with their words in it) and thread, and their words. Nothing they wrote is lost.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.database import dialect_insert
from app.extensions import db, utcnow
from app.help import replies, thread  # modules: routing, which they import, imports this one
from app.help.models import Question
from app.help.notices import REPLY_PURPOSE
from app.mail.addresses import format_address, new_key, reply_key
from app.mail.incoming.handlers import Reply, ReplyRefused
from app.mail.models import OutboundMail, ReplyAddress
from app.urls import external_url

DIGEST_PURPOSE = "digest"
SUBJECT_GOAL_CHARS = 60
# A mailto: link carries the words to send again when they are this short; longer ones
# would make a link some mail programs cut.
MAILTO_BODY_CHARS = 1500


class DigestQuestion(db.Model):
    """A question a digest told its mentor of, in the order the digest showed it."""

    __tablename__ = "digest_questions"

    mail_id: Mapped[int] = mapped_column(sa.ForeignKey("outbound_mail.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int]


def subject_for(question: Question) -> str:
    """The subject of a reply about the question: "Re: " and the start of its goal."""
    text = " ".join(question.goal.split())
    short = text if len(text) <= SUBJECT_GOAL_CHARS else text[: SUBJECT_GOAL_CHARS - 1].rstrip() + "…"
    return f"Re: {short}"


def mailto(address: str, subject: str, body: str = "") -> str:
    """A mailto: link that opens a reply to the address, with the subject (and the words)."""
    link = f"mailto:{address}?subject={quote(subject, safe='')}"
    if body and len(body) <= MAILTO_BODY_CHARS:
        link += f"&body={quote(body, safe='')}"
    return link


def question_reply_addresses(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The reply address of each (question, mentor) pair, made where missing: two queries
    and one insert for the whole batch, rather than two or three per pair."""
    wanted = set(pairs)
    keys: dict[tuple[int, int], str] = {}
    revoked = []
    for object_id, user_id, key, revoked_at in db.session.execute(
        sa.select(ReplyAddress.object_id, ReplyAddress.user_id, ReplyAddress.key, ReplyAddress.revoked_at).where(
            ReplyAddress.purpose == REPLY_PURPOSE,
            ReplyAddress.user_id.in_(sorted({u for _, u in wanted})),
            ReplyAddress.object_id.in_(sorted({q for q, _ in wanted})),
        )
    ):
        if (object_id, user_id) in wanted:
            if revoked_at is None:
                keys[object_id, user_id] = key
            else:
                revoked.append((object_id, user_id))
    for object_id, user_id in revoked:  # rare: the kernel gives the pair a new key
        keys[object_id, user_id] = reply_key(REPLY_PURPOSE, object_id, user_id)
    missing = sorted(wanted - set(keys))
    if missing:
        made = {pair: new_key() for pair in missing}
        db.session.execute(
            dialect_insert(ReplyAddress.__table__).on_conflict_do_nothing(),
            [
                dict(key=key, purpose=REPLY_PURPOSE, object_id=object_id, user_id=user_id, created_at=utcnow())
                for (object_id, user_id), key in made.items()
            ],
        )
        kept = set(db.session.scalars(sa.select(ReplyAddress.key).where(ReplyAddress.key.in_(list(made.values())))))
        for pair, key in made.items():
            # A pair another transaction made meanwhile keeps its own key.
            keys[pair] = key if key in kept else reply_key(REPLY_PURPOSE, *pair)
    return {pair: format_address(key) for pair, key in keys.items()}


def new_digest_address() -> tuple[str, str]:
    """A new key for a digest's own reply address, and the address, to record the digest
    with as its Reply-To (keep_digests then keeps the key for it)."""
    key = new_key()
    return key, format_address(key)


def keep_digests(digests: list[tuple[int, int, str, list[int]]]) -> None:
    """Keep, for each newly recorded digest given as (email id, mentor id, its reply key,
    its questions' ids), its own reply address and which questions it told of, in the
    caller's transaction (before its email is sent): two multi-row inserts.

    A digest recorded before (the same key, a job run twice) is left out by the caller: it
    has its address already.
    """
    if not digests:
        return
    now = utcnow()
    db.session.execute(
        sa.insert(ReplyAddress.__table__),
        [
            dict(key=key, purpose=DIGEST_PURPOSE, object_id=mail_id, user_id=user_id, created_at=now)
            for mail_id, user_id, key, _ in digests
        ],
    )
    db.session.execute(
        dialect_insert(DigestQuestion.__table__).on_conflict_do_nothing(),
        [
            dict(mail_id=mail_id, question_id=question_id, position=position)
            for mail_id, _, _, ids in digests
            for position, question_id in enumerate(ids)
        ],
    )


def answer_digest_reply(reply: Reply) -> None:
    """Handle a reply to a digest itself: post it on the question when the digest told of
    one, and commit; else raise ReplyRefused asking which question, with each one's links.

    Questions the mentor may no longer see are left out of the answer.
    """
    mail = db.session.get(OutboundMail, reply.object_id)
    questions = [] if mail is None or mail.user_id != reply.user_id else _visible(reply)
    if len(questions) == 1:
        replies.post_reply(dataclasses.replace(reply, purpose=REPLY_PURPOSE, object_id=questions[0].id))
        return
    if not questions:
        raise ReplyRefused(
            "Your reply went to a digest whose questions you can no longer answer, so nothing was posted.",
            links=(("Open Unstuck", external_url("people.home")),),
        )
    raise ReplyRefused(
        f"Your reply went to the digest itself, which told you of {len(questions)} questions, so "
        "it could not be posted: which one does it answer? Send it to that question's own "
        "address (each link below opens a reply with your words in it), or answer on its thread.",
        links=tuple(link for question in questions for link in _links(question, reply)),
        subject="Which question does your reply answer?",
    )


def _visible(reply: Reply) -> list[Question]:
    """The digest's questions that its mentor may still see, in the digest's order."""
    questions = db.session.scalars(
        sa.select(Question)
        .join(DigestQuestion, DigestQuestion.question_id == Question.id)
        .where(DigestQuestion.mail_id == reply.object_id)
        .order_by(DigestQuestion.position)
    ).all()
    visible = []
    for question in questions:
        try:
            thread.visible_question(question.id, reply.user_id)
        except thread.QuestionNotFound:
            continue
        visible.append(question)
    return visible


def _links(question: Question, reply: Reply) -> list[tuple[str, str]]:
    """Where to answer the question: its own reply address, if it has a live one, and its thread."""
    key = db.session.scalar(
        sa.select(ReplyAddress.key).where(
            ReplyAddress.purpose == REPLY_PURPOSE,
            ReplyAddress.object_id == question.id,
            ReplyAddress.user_id == reply.user_id,
            ReplyAddress.revoked_at.is_(None),
        )
    )
    links = []
    if key is not None:
        links.append(
            (f"“{question.goal}”: answer by email", mailto(format_address(key), subject_for(question), reply.text))
        )
    links.append((f"“{question.goal}”: answer in Unstuck", external_url("help.thread", question_id=question.id)))
    return links
