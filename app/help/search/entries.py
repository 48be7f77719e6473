"""Entries of the team's knowledge base: resolved questions published named or anonymous,
loaded the same way on every database, opened one at a time, and counted when one solved
someone's problem."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.database import insert_unless_exists
from app.errors import NotFound
from app.extensions import db, utcnow
from app.help.models import Post, Question, QuestionState, SelfSolve, Visibility, question_skills
from app.people.models import Skill, User
from app.people.names import name_as_shown

PUBLISHED = (Visibility.NAMED, Visibility.ANONYMOUS)


@dataclass(frozen=True)
class Ref:
    """A person or a skill, named."""

    id: int
    name: str


@dataclass(frozen=True)
class KnowledgePost:
    """A post of an entry's thread; no author for an asker who published anonymously."""

    id: int
    author: Ref | None
    body: str
    via: str
    created_at: datetime
    by_asker: bool = False  # a follow-up of the person who asked, not an answer


@dataclass(frozen=True)
class KnowledgeEntry:
    """A resolved question as the team's knowledge base shows it."""

    id: int
    goal: str
    stuck: str
    skills: list[Ref]
    asker: Ref | None  # None when published anonymously
    posts: list[KnowledgePost]
    helpful: bool | None
    resolved_at: datetime | None
    solved_count: int  # how many people it helped without asking a mentor

    @property
    def excerpt(self) -> str:
        """The start of where the asker was stuck, on one line."""
        text = " ".join(self.stuck.split())
        return text if len(text) <= 200 else text[:199].rstrip() + "…"


class NotInKnowledgeBase(NotFound):
    """No such entry in the person's team's knowledge base (or they may not see it)."""


def load_entries(ids: list[int], team_id: int) -> list[KnowledgeEntry]:
    """Load the entries in the order given, read straight from the questions: an entry whose
    question left the knowledge base meanwhile is left out."""
    if not ids:
        return []
    # By primary key, checked here: given the team as a condition, planners walk the team.
    # How many it helped comes along, counted in the same round trip.
    solved = (
        sa.select(sa.func.count())
        .select_from(SelfSolve)
        .where(SelfSolve.question_id == Question.id)
        .correlate(Question)
        .scalar_subquery()
    )
    rows = {
        row.id: row
        for row in db.session.execute(
            sa.select(
                Question.id,
                Question.team_id,
                Question.state,
                Question.goal,
                Question.stuck,
                Question.asker_id,
                Question.visibility,
                Question.helpful,
                Question.resolved_at,
                User.name.label("asker_name"),
                User.active.label("asker_active"),
                solved.label("solved_count"),
            )
            .join(User, User.id == Question.asker_id)
            .where(Question.id.in_(ids))
        )
        if row.team_id == team_id and row.state == QuestionState.RESOLVED and row.visibility in PUBLISHED
    }
    skills: dict[int, list[Ref]] = {}
    for question_id, skill_id, name in db.session.execute(
        sa.select(question_skills.c.question_id, Skill.id, Skill.name)
        .join(Skill, Skill.id == question_skills.c.skill_id)
        .where(question_skills.c.question_id.in_(ids))
        .order_by(Skill.name)
    ):
        skills.setdefault(question_id, []).append(Ref(skill_id, name))
    posts: dict[int, list[KnowledgePost]] = {}
    for post in db.session.execute(
        sa.select(
            Post.id, Post.question_id, Post.author_id, User.name, User.active, Post.body, Post.via, Post.created_at
        )
        .outerjoin(User, User.id == Post.author_id)
        .where(Post.question_id.in_(ids))
        .order_by(Post.created_at, Post.id)
    ):
        row = rows.get(post.question_id)
        hidden = row is not None and post.author_id == row.asker_id and row.visibility != Visibility.NAMED
        author = (
            None if hidden or post.author_id is None else Ref(post.author_id, name_as_shown(post.name, post.active))
        )
        posts.setdefault(post.question_id, []).append(
            KnowledgePost(
                post.id,
                author,
                post.body,
                post.via,
                post.created_at,
                by_asker=row is not None and post.author_id == row.asker_id,
            )
        )
    return [
        KnowledgeEntry(
            id=row.id,
            goal=row.goal,
            stuck=row.stuck,
            skills=skills.get(row.id, []),
            asker=Ref(row.asker_id, name_as_shown(row.asker_name, row.asker_active))
            if row.visibility == Visibility.NAMED
            else None,
            posts=posts.get(row.id, []),
            helpful=row.helpful,
            resolved_at=row.resolved_at,
            solved_count=row.solved_count,
        )
        for row in (rows.get(i) for i in ids)
        if row is not None
    ]


def _reader(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.team_id is None:
        raise NotInKnowledgeBase("There is no such entry in your team's knowledge base.")
    return user


def knowledge_entry(question_id: int, user_id: int) -> KnowledgeEntry:
    """Return an entry of the person's team's knowledge base, or raise NotInKnowledgeBase."""
    found = load_entries([question_id], _reader(user_id).team_id)
    if not found:
        raise NotInKnowledgeBase("There is no such entry in your team's knowledge base.")
    return found[0]


def record_self_solve(question_id: int, user_id: int) -> int:
    """Count that this entry solved the person's problem with no mentor asked, once per
    person; return how many people it has helped so far."""
    user = _reader(user_id)
    entry = knowledge_entry(question_id, user_id)
    if not solved_by(entry.id, user.id):
        # Two clicks at once count once: the second finds the first's row and adds nothing.
        insert_unless_exists(
            SelfSolve.__table__,
            dict(user_id=user.id, question_id=entry.id, team_id=user.team_id, created_at=utcnow()),
            ["question_id", "user_id"],
        )
        db.session.flush()
    return self_solve_count(entry.id)


def solved_by(question_id: int, user_id: int) -> bool:
    """Tell whether the person already said this entry solved their problem."""
    return (
        db.session.scalar(
            sa.select(sa.exists().where(SelfSolve.question_id == question_id, SelfSolve.user_id == user_id))
        )
        or False
    )


def self_solve_count(question_id: int) -> int:
    """How many people an entry helped without asking a mentor."""
    return (
        db.session.scalar(sa.select(sa.func.count()).select_from(SelfSolve).where(SelfSolve.question_id == question_id))
        or 0
    )
