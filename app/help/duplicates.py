"""Questions asked again. Before a question is saved: the asker's own open or recent question
with nearly the same words is named to them ("You asked this at 10:12: see it / ask anyway").
When it is saved: a question repeating one already answered keeps that one, so the mentor
who answered it sees it marked as a repeat with a link to their answer (in the ask mail and
among their questions), never as new.

The rule (what counts as the same question) is the pure app.help.repeats; this module reads
the candidates and answers with plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import url_for

from app.errors import Conflict
from app.extensions import db, utcnow
from app.help.models import Post, Question, QuestionState
from app.help.repeats import RECENT, Earlier, asked_again, most_alike
from app.people.models import User
from app.times import CLOCK, in_zone, local_day
from app.urls import external_url

OWN_LOOKED_AT = 50  # the asker's latest questions checked for one asked again
ANSWERED_LOOKED_AT = 300  # the team's latest answered questions checked for a repeat


class AskedBefore(Conflict):
    """The asker already asked this (open, or recently); nothing was saved."""

    def __init__(self, question: Question, asker: User):
        self.question = question
        self.asked_at = shown_time(question.created_at, asker.timezone)
        super().__init__(f"You asked this at {self.asked_at}: see it, or ask anyway.")


def shown_time(moment: datetime, timezone: str | None) -> str:
    """ "10:12" today in the person's zone, "5 Dec, 10:12" another day."""
    same_day = local_day(moment, timezone) == local_day(utcnow(), timezone)
    return in_zone(moment, timezone, CLOCK if same_day else "dd MMM, HH:mm")


def _earlier(query) -> list[Earlier]:
    resolved = QuestionState.RESOLVED
    return [
        Earlier(question_id, goal, stuck, created_at, state != resolved)
        for question_id, goal, stuck, created_at, state in db.session.execute(query)
    ]


def asked_before(asker: User, goal: str, stuck: str) -> Question | None:
    """The asker's own open or recent question with nearly the same words, if any."""
    now = utcnow()
    found = asked_again(
        goal,
        stuck,
        _earlier(
            sa.select(Question.id, Question.goal, Question.stuck, Question.created_at, Question.state)
            .where(
                Question.asker_id == asker.id,
                sa.or_(Question.state != QuestionState.RESOLVED, Question.created_at >= now - RECENT),
            )
            .order_by(Question.id.desc())
            .limit(OWN_LOOKED_AT)
        ),
        now,
    )
    return db.session.get(Question, found.id) if found else None


def sent_keys(asker_id: int, limit: int = 20) -> list[str]:
    """The form keys of the person's latest questions: a draft sent with one of them was saved."""
    return [
        key
        for key in db.session.scalars(
            sa.select(Question.request_key)
            .where(
                Question.asker_id == asker_id,
                Question.request_key.is_not(None),
                Question.created_at >= utcnow() - RECENT,
            )
            .order_by(Question.id.desc())
            .limit(limit)
        )
        if key
    ]


def answered_before(asker: User, goal: str, stuck: str) -> int | None:
    """The id of an answered question (the asker's own, or their team's) that this text repeats."""
    whose = Question.asker_id == asker.id
    if asker.team_id is not None:
        whose = sa.or_(whose, Question.team_id == asker.team_id)
    found = most_alike(
        goal,
        stuck,
        _earlier(
            sa.select(Question.id, Question.goal, Question.stuck, Question.created_at, Question.state)
            .where(whose, Question.first_reply_at.is_not(None))
            .order_by(Question.id.desc())
            .limit(ANSWERED_LOOKED_AT)
        ),
    )
    return found.id if found else None


@dataclass(frozen=True)
class RepeatMark:
    """What a mentor reads on a question that repeats one they answered."""

    question_id: int  # the earlier question
    goal: str
    answered_at: datetime
    url: str  # their answer on it


def repeat_for(question: Question, mentor_id: int, external: bool = False) -> RepeatMark | None:
    """The mark a question carries for this mentor: set when it repeats one they answered."""
    if question.repeat_of_id is None:
        return None
    answer = db.session.execute(
        sa.select(Post.id, Post.created_at)
        .where(Post.question_id == question.repeat_of_id, Post.author_id == mentor_id)
        .order_by(Post.created_at, Post.id)
        .limit(1)
    ).first()
    if answer is None:
        return None  # not theirs: another mentor's answer is not theirs to be reminded of
    earlier = db.session.get(Question, question.repeat_of_id)
    link = external_url if external else url_for
    url = f"{link('help.thread', question_id=earlier.id)}#post-{answer.id}"
    return RepeatMark(earlier.id, earlier.goal, answer.created_at, url)
