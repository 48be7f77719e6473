"""A question's thread: answers and follow-ups, marking it resolved, rating the answer.

Services take ids and plain values, check who may act with the same rule as the pages
(`can_see`), and raise InvalidInput, QuestionNotFound, NotAllowed or NotYet; the request or
job that calls them commits.
"""

from __future__ import annotations

import sqlalchemy as sa

from app import request_keys
from app.errors import Conflict, InvalidInput, NotFound, Refused
from app.extensions import db, utcnow
from app.help import chat_cards, notices, routing, search
from app.help.access import PERSON_ALONE, can_see
from app.help.models import Attempt, AttemptState, Post, Question, QuestionState, Visibility
from app.people.models import User
from app.webhooks import events as webhook_events

POST_MAX_CHARS = 10_000  # room for a log excerpt or a code sample, not a whole file
NOTE_MAX_CHARS = 300  # Question.helpful_note
VIA = ("web", "email", "api", "chat")


class QuestionNotFound(NotFound):
    """There is no such question, or the person may not see it: the two look the same."""


class NotAllowed(Refused):
    """The person sees the question but may not do this to it; the message says why."""


class NotYet(Conflict):
    """This cannot happen in the question's present state; the message says why."""


def visible_question(question_id: int, user_id: int) -> tuple[Question, User]:
    """Return the question and the person, if the person may see it; else QuestionNotFound."""
    question = db.session.get(Question, question_id)
    user = db.session.get(User, user_id, options=PERSON_ALONE)
    if question is None or user is None or not user.active or not can_see(question, user):
        raise QuestionNotFound("There is no such question.")
    return question, user


def answered_by(question: Question, user_id: int) -> bool:
    """Tell whether the person answered on the thread (posted, and is not the asker)."""
    if user_id == question.asker_id:
        return False
    return (
        db.session.scalar(sa.select(sa.exists().where(Post.question_id == question.id, Post.author_id == user_id)))
        or False
    )


def clean_body(body) -> str:
    """Return the text of a post, or raise InvalidInput saying what is wrong with it."""
    text = (body if isinstance(body, str) else "").strip()
    if not text:
        raise InvalidInput({"body": "Please write something before posting."})
    if len(text) > POST_MAX_CHARS:
        raise InvalidInput(
            {"body": f"Please keep a post under {POST_MAX_CHARS:,} characters (this one has {len(text):,})."}
        )
    return text


def post_answer(
    question_id: int,
    author_id: int,
    body: str,
    via: str = "web",
    source_message_id: str | None = None,
    request_key: str | None = None,
) -> Post:
    """Post an answer or a follow-up on the thread; anyone who may see the question may post.

    A reply by anyone but the asker is an answer: the question counts as answered (the
    first reply time is kept once) and routing closes the live attempt. The asker's own
    follow-up leaves the state as it is. The post is kept even when the question had moved
    on to someone else or was resolved meanwhile. A post from an email keeps its
    `source_message_id`, which no other post can have. The same text sent again with the
    same `request_key` (the form's) returns the first post, and tells nobody again.
    """
    if via not in VIA:
        raise InvalidInput({"via": f"Posts come from {', '.join(VIA)}."})
    key = request_keys.request_key(request_key)
    text = clean_body(body)
    question, _ = visible_question(question_id, author_id)
    now = utcnow()
    post, new = request_keys.insert_once(
        Post,
        dict(
            question_id=question.id,
            author_id=author_id,
            body=text,
            via=via,
            created_at=now,
            source_message_id=source_message_id,
            request_key=key,
        ),
        scope=("question_id", "author_id"),
        same=("body",),
    )
    if not new:
        return post  # sent before: answered as then
    is_answer = author_id != question.asker_id
    if is_answer:
        # Conditional updates: two answers at once still record the first reply once, and
        # an answer never reopens a resolved question.
        db.session.execute(
            sa.update(Question)
            .where(Question.id == question.id, Question.first_reply_at.is_(None))
            .values(first_reply_at=now)
        )
        db.session.execute(
            sa.update(Question)
            .where(Question.id == question.id, Question.state == QuestionState.OPEN)
            .values(state=QuestionState.ANSWERED)
        )
    db.session.flush()
    for person in people_to_tell(question, author_id):
        notices.reply(question, post, person)
    if question.state == QuestionState.RESOLVED:
        search.index_question(question.id)  # the knowledge base keeps the whole thread
    db.session.flush()
    if is_answer:
        routing.answer_arrived(question.id, author_id)
        webhook_events.question("question.answered", question, mentor_id=author_id, post_id=post.id)
    db.session.refresh(question)
    return post


def people_to_tell(question: Question, author_id: int) -> list[User]:
    """Who hears of a new post: the asker of a reply; of the asker's follow-up, the people
    who replied and the mentor being asked now, as long as they may still read the question
    (a lead who replied as lead and has since moved on no longer hears of it)."""
    if author_id != question.asker_id:
        return [question.asker]
    ids = {p.author_id for p in question.posts if p.author_id not in (None, question.asker_id)}
    ids |= {a.mentor_id for a in question.attempts if a.state == AttemptState.WAITING}
    people = db.session.scalars(sa.select(User).where(User.id.in_(ids), User.active.is_(True)))
    return [person for person in people if can_see(question, person)]


def resolve(question_id: int, user_id: int, visibility: str | None = None) -> Question:
    """Mark the question resolved, by its asker or someone who answered on the thread.

    Only the asker chooses how it is published (named, anonymous or private); without a
    choice it keeps the one made when asking. Routing stops: live attempts close. Resolving
    again keeps the first resolved time and may change the asker's choice.
    """
    question, _ = visible_question(question_id, user_id)
    is_asker = user_id == question.asker_id
    if not (is_asker or answered_by(question, user_id)):
        raise NotAllowed("Only the person who asked, or someone who answered, can mark it resolved.")
    if visibility is not None:
        if not is_asker:
            raise NotAllowed("Only the person who asked chooses how their question is published.")
        if visibility not in {v.value for v in Visibility}:
            raise InvalidInput({"visibility": "Choose named, anonymous or private."})
        question.visibility = Visibility(visibility)
    now = utcnow()
    if question.resolved_at is None:  # the first time only: resolving again changes nothing to send
        webhook_events.question("question.resolved", question, resolved_by_id=user_id)
    question.state = QuestionState.RESOLVED
    question.resolved_at = question.resolved_at or now
    closed = db.session.scalars(
        sa.update(Attempt)
        .where(Attempt.question_id == question.id, Attempt.state == AttemptState.WAITING)
        .values(state=AttemptState.CLOSED, closed_at=now)
        .returning(Attempt.id)
    ).all()
    db.session.flush()
    search.index_question(question.id)  # in the same transaction: resolved means findable
    db.session.flush()
    # Chat messages stop offering what no longer applies: the mentor's ask, the asker's buttons.
    for attempt_id in closed:
        chat_cards.revise_attempt(db.session.get(Attempt, attempt_id, populate_existing=True), chat_cards.RESOLVED)
    chat_cards.revise_answers(question)
    return question


def rate_answer(question_id: int, user_id: int, helpful: bool, note: str = "") -> Question:
    """Record whether the answer helped, by the asker only; a second rating replaces the first."""
    question, _ = visible_question(question_id, user_id)
    if user_id != question.asker_id:
        raise NotAllowed("Only the person who asked can say whether the answer helped.")
    if question.first_reply_at is None:
        raise NotYet("There is no answer to rate yet.")
    if not isinstance(helpful, bool):
        raise InvalidInput({"helpful": "Say yes or no."})
    note = (note or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise InvalidInput(
            {"note": f"Please keep the note under {NOTE_MAX_CHARS} characters (this one has {len(note)})."}
        )
    question.helpful = helpful
    question.helpful_note = note
    db.session.flush()
    chat_cards.revise_answers(question)
    return question
