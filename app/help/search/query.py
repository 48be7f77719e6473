"""Searching the knowledge base: the telling words of a text, and the team's entries that
match them, ranked by the database's own engine (`sqlite` or `postgres`)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.help.models import Question, QuestionState, question_skills
from app.help.search import postgres, sqlite
from app.help.search.engine import Engine
from app.help.search.entries import PUBLISHED, KnowledgeEntry, load_entries
from app.help.words import STOPWORDS

MAX_TERMS = 12  # a whole question being written becomes its dozen most telling words
ENGINES: dict[str, Engine] = {"postgresql": postgres}  # any other database: SQLite's


def search_terms(text: str) -> list[str]:
    """The telling words of a text: no stop words nor single letters, at most MAX_TERMS."""
    words = dict.fromkeys(
        w for w in re.findall(r"[^\W_]+", (text or "").casefold()) if len(w) > 1 and w not in STOPWORDS
    )
    if len(words) <= MAX_TERMS:
        return list(words)
    # Longer words tend to be the rarer, more specific ones: keep those.
    kept = set(sorted(words, key=len, reverse=True)[:MAX_TERMS])
    return [w for w in words if w in kept]


def search_knowledge(team_id, text: str, skill_ids=(), limit: int = 10) -> list[KnowledgeEntry]:
    """Resolved, published questions of the team matching the words and about any of the
    skills, most relevant first: those with all the words, then those with some of them.
    Without words, the latest resolved come first."""
    if team_id is None:
        return []
    limit = max(1, min(limit, 50))
    terms, skill_ids = search_terms(text), tuple(skill_ids or ())
    if not terms:
        query = sa.select(Question.id).where(*_published(team_id))
        if skill_ids:
            query = query.where(Question.id.in_(_about(skill_ids)))
        ids = list(db.session.scalars(query.order_by(Question.resolved_at.desc(), Question.id.desc()).limit(limit)))
        return load_entries(ids, team_id)
    engine = ENGINES.get(db.session.get_bind().dialect.name, sqlite)
    engine.prepare()
    ids = engine.rank(team_id, terms, skill_ids, every=True, skip=(), limit=limit) if len(terms) > 1 else []
    if len(ids) < limit:
        ids += engine.rank(team_id, terms, skill_ids, every=False, skip=ids, limit=limit - len(ids))
    engine.finish()
    return load_entries(ids, team_id)


def _published(team_id: int) -> list:
    return [Question.team_id == team_id, Question.state == QuestionState.RESOLVED, Question.visibility.in_(PUBLISHED)]


def _about(skill_ids) -> sa.Select:
    return sa.select(question_skills.c.question_id).where(question_skills.c.skill_id.in_(skill_ids))
