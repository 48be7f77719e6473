"""Questions as the API shows them, read as plain rows: the list of those a person may see,
and one question with its thread; and the knowledge base's entries, shaped the same way.

Who may see what is the rule of app.help.access, checked inside each query, so it is read
afresh on every request. The statements are built once per shape and take their values as
parameters: building and caching an ORM query with its loaders cost more than running it.
The questions come out as QuestionSchema and QuestionDetailSchema dump them (plain JSON
values), for the views to answer with as they are (app.api.schemas.Shown).
"""

from __future__ import annotations

import enum
import functools
from datetime import datetime

import sqlalchemy as sa

from app.auth.models import ApiCaller
from app.extensions import db
from app.help.access import visible_to
from app.help.models import Post, Question, question_skills
from app.help.search.entries import KnowledgeEntry
from app.people.models import Role, Skill, User

# The columns QuestionSchema shows, besides the asker and the skills.
COLUMNS = (
    "id",
    "team_id",
    "goal",
    "stuck",
    "link",
    "page_title",
    "urgency",
    "state",
    "visibility",
    "escalated",
    "helpful",
    "helpful_note",
    "created_at",
    "first_routed_at",
    "first_reply_at",
    "resolved_at",
)
Asker = sa.orm.aliased(User, name="asker")


def _shown_columns() -> list:
    return [
        *(getattr(Question, name) for name in COLUMNS),
        Asker.id.label("asker_id"),
        Asker.name.label("asker_name"),
    ]


@functools.cache
def _page_statement(admin: bool, state: bool, mine: bool) -> sa.Select:
    """A page of the questions a person may see, newest first, with how many there are."""
    query = sa.select(*_shown_columns(), sa.func.count().over().label("total")).join(
        Asker, Asker.id == Question.asker_id
    )
    query = _filtered(query, admin, state, mine)
    return (
        query.order_by(Question.created_at.desc(), Question.id.desc())
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.BigInteger))  # far pages skip more than an INTEGER holds
    )


@functools.cache
def _count_statement(admin: bool, state: bool, mine: bool) -> sa.Select:
    """How many questions the page's query holds (read only for a page past the last)."""
    return _filtered(sa.select(sa.func.count()).select_from(Question), admin, state, mine)


def _filtered(query: sa.Select, admin: bool, state: bool, mine: bool) -> sa.Select:
    """The questions a page holds: those the person may see (all, for an admin), in the
    state asked for, and only their own if asked."""
    if not admin:
        query = query.where(visible_to(sa.bindparam("user_id")))
    if state:
        query = query.where(Question.state == sa.bindparam("state"))
    if mine:
        query = query.where(Question.asker_id == sa.bindparam("user_id"))
    return query


@functools.cache
def _question_statement(admin: bool) -> sa.Select:
    """One question, if the person may see it."""
    query = sa.select(*_shown_columns()).join(Asker, Asker.id == Question.asker_id)
    query = query.where(Question.id == sa.bindparam("question_id"))
    return query if admin else query.where(visible_to(sa.bindparam("user_id")))


@functools.cache
def _skills_statement() -> sa.Select:
    return (
        sa.select(question_skills.c.question_id, Skill.id, Skill.name)
        .join(Skill, Skill.id == question_skills.c.skill_id)
        .where(question_skills.c.question_id.in_(sa.bindparam("question_ids", expanding=True)))
        .order_by(Skill.name, Skill.id)
    )


@functools.cache
def _posts_statement() -> sa.Select:
    return (
        sa.select(Post.id, Post.body, Post.via, Post.created_at, User.id.label("author_id"), User.name)
        .outerjoin(User, User.id == Post.author_id)
        .where(Post.question_id == sa.bindparam("question_id"))
        .order_by(Post.created_at, Post.id)
    )


def _value(value):
    """A column's value as QuestionSchema dumps it: enums by value, times in ISO 8601."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _shown(row) -> dict:
    shown = {name: _value(getattr(row, name)) for name in COLUMNS}
    shown["asker"] = {"id": row.asker_id, "name": row.asker_name}
    shown["skills"] = []
    return shown


def _with_skills(questions: list[dict]) -> list[dict]:
    if questions:
        by_id = {question["id"]: question for question in questions}
        for question_id, skill_id, name in db.session.execute(_skills_statement(), {"question_ids": list(by_id)}):
            by_id[question_id]["skills"].append({"id": skill_id, "name": name})
    return questions


def question_page(
    user: ApiCaller | User, page: int, page_size: int, state=None, mine: bool = False
) -> tuple[list[dict], int]:
    """The questions the person may see on this page, newest first, and how many there are
    in all; filtered by state, or to those they asked."""
    shape = (user.has_role(Role.ADMIN), state is not None, mine)
    values = {"user_id": user.id, "state": state, "limit": page_size, "offset": (page - 1) * page_size}
    rows = db.session.execute(_page_statement(*shape), values).all()
    total = rows[0].total if rows else db.session.scalar(_count_statement(*shape), values)
    return _with_skills([_shown(row) for row in rows]), total


def shown_question(question_id: int, user: ApiCaller | User) -> dict | None:
    """The question with its skills and thread (oldest post first), if the person may see
    it; None otherwise."""
    values = {"question_id": question_id, "user_id": user.id}
    row = db.session.execute(_question_statement(user.has_role(Role.ADMIN)), values).first()
    if row is None:
        return None
    question = _with_skills([_shown(row)])[0]
    question["posts"] = [
        {
            "id": post.id,
            "author": None if post.author_id is None else {"id": post.author_id, "name": post.name},
            "body": post.body,
            "via": post.via,
            "created_at": post.created_at.isoformat(),
        }
        for post in db.session.execute(_posts_statement(), {"question_id": question_id})
    ]
    return question


def _ref(ref) -> dict | None:
    return None if ref is None else {"id": ref.id, "name": ref.name}


def knowledge_entry(entry: KnowledgeEntry) -> dict:
    """An entry of the knowledge base as KnowledgeEntrySchema dumps it."""
    return {
        "id": entry.id,
        "goal": entry.goal,
        "stuck": entry.stuck,
        "skills": [{"id": skill.id, "name": skill.name} for skill in entry.skills],
        "asker": _ref(entry.asker),
        "posts": [
            {
                "id": post.id,
                "author": _ref(post.author),
                "body": post.body,
                "via": post.via,
                "created_at": post.created_at.isoformat(),
            }
            for post in entry.posts
        ],
        "helpful": entry.helpful,
        "resolved_at": _value(entry.resolved_at),
        "solved_count": entry.solved_count,
    }
