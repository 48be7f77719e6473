"""The scene of the chat tests of the help desk: Nina's question asked of Ari in a chat
that records what each message shows, and short ways to read what happened."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help.jobs import route_question_job
from app.help.models import Attempt, Post, Question
from app.jobs import enqueue
from tests.help.routing_scenes import ALWAYS, ask, live_of, mentor
from tests.notice_recorder import recording


@pytest.fixture
def chat(app):
    with recording(app) as recorder:
        yield recorder


@pytest.fixture
def asked(make, jobs, smtp, chat):
    """Nina's blocking question, asked of Ari (the best fit) in the chat; Ben teaches SQL
    too, and is next."""
    ari = mentor(make, "Ari First", {"SQL": 5}, password=None)
    ben = mentor(make, "Ben Second", {"SQL": 3}, password=None)
    nina = make.user(name="Nina New", password=None, **ALWAYS)
    chat.link(ari, ben, nina)
    question = ask(nina)
    enqueue(route_question_job, question.id)
    jobs.run()
    return ari, ben, nina, question, live_of(question)


def ask_key(attempt: Attempt) -> str:
    return f"question-ask:{attempt.id}"


def looks(card) -> tuple:
    """What a card shows: its words and its buttons (each link is signed anew)."""
    return (card.title, card.text, card.quote, card.facts, [(b.label, b.action, b.value) for b in card.buttons])


def posts_of(question: Question) -> list[tuple]:
    db.session.expire_all()
    return [
        (p.author_id, p.body, p.via) for p in db.session.scalars(sa.select(Post).where(Post.question_id == question.id))
    ]
