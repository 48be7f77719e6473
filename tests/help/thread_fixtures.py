"""What the thread tests share: the scene, the calls telling routing an answer arrived and
refreshing a question's searchable text (fixtures), and a question and its posts read afresh."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help import routing, search
from app.help.models import Post, Question
from tests.help.threads import record_calls, scene


@pytest.fixture
def s(make):
    return scene(make)


@pytest.fixture
def arrived(monkeypatch) -> list[tuple]:
    """The calls telling routing that an answer arrived."""
    return record_calls(monkeypatch, routing, "answer_arrived")


@pytest.fixture
def indexed(monkeypatch) -> list[tuple]:
    """The calls refreshing a question's searchable text."""
    return record_calls(monkeypatch, search, "index_question")


def reload(q: Question) -> Question:
    db.session.expire_all()
    return db.session.get(Question, q.id)


def posts_of(q: Question) -> list[Post]:
    return db.session.scalars(sa.select(Post).where(Post.question_id == q.id).order_by(Post.id)).all()
