"""The team's knowledge base: resolved questions, searched with each database's own full-text
search and ranked, opened as entries, and counted when one solved someone's problem.

The index (`question_search`, made by the migrations) holds only what the knowledge base
shows: resolved questions published named or anonymous, with their team and skills, so the
engine filters by them itself. Database triggers keep it in step with the questions and
their skills; index_question keeps `kb_text` (goal, stuck and the thread) up to date.
On SQLite it is an FTS5 table ranked by bm25; on PostgreSQL a table of weighted tsvectors
with GIN indexes, ranked by ts_rank. Both weigh the goal above the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from app.database import insert_unless_exists
from app.extensions import db, utcnow
from app.help.models import Post, Question, QuestionState, SelfSolve, Visibility, question_skills
from app.help.words import STOPWORDS
from app.people.models import Skill, User

SEARCH_TABLE = "question_search"  # FTS5 adds its own question_search_* tables on SQLite
GOAL_WEIGHT = 2.5  # bm25 weight of the goal against 1.0 for the rest (ts_rank: A over B)
MAX_TERMS = 12  # a whole question being written becomes its dozen most telling words
# Ranking reads every candidate, so words common enough to match more entries than this
# are ranked among the most recently asked of them; rarer words among all their matches.
CANDIDATES = 1000
DENSE_MATCHES = 5 * CANDIDATES  # PostgreSQL: more expected matches than this count as dense
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


class NotInKnowledgeBase(LookupError):
    """No such entry in the person's team's knowledge base (or they may not see it)."""


def include_name(name, type_, parent_names) -> bool:
    """Alembic filter: leave the full-text index alone, it is not a model."""
    return not (type_ == "table" and (name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_")))


def kb_text(goal: str, stuck: str, bodies=()) -> str:
    """The words the knowledge base searches for a question: goal, stuck and the thread."""
    return "\n\n".join([goal, stuck, *bodies])


def index_question(question_id: int) -> None:
    """Refresh the searchable text of a question (goal, stuck, answers) after it changed.

    Works in the caller's transaction and does not commit; the database's triggers carry
    the text into the index (or out of it) along with the question's state.
    """
    question = db.session.get(Question, question_id)
    if question is None:
        return
    # Read from the database (after an autoflush), so posts added any way are included.
    bodies = db.session.scalars(sa.select(Post.body).where(Post.question_id == question_id)
                                .order_by(Post.created_at, Post.id))
    text = kb_text(question.goal, question.stuck, bodies)
    if question.kb_text != text:
        question.kb_text = text
        db.session.flush()


def search_terms(text: str) -> list[str]:
    """The telling words of a text: no stop words nor single letters, at most MAX_TERMS."""
    words = dict.fromkeys(w for w in re.findall(r"[^\W_]+", (text or "").casefold())
                          if len(w) > 1 and w not in STOPWORDS)
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
        ids = list(db.session.scalars(query.order_by(Question.resolved_at.desc(), Question.id.desc())
                                      .limit(limit)))
        return _entries(ids, team_id)
    rank = _rank_sqlite
    if db.session.get_bind().dialect.name == "postgresql":
        rank = _rank_postgres
        # Plan with these words, never with a plan cached for others: _rank_postgres's choice
        # of plan depends on them. For the rest of this transaction, which is harmless.
        db.session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))
    ids = rank(team_id, terms, skill_ids, every=True, skip=(), limit=limit) if len(terms) > 1 else []
    if len(ids) < limit:
        ids += rank(team_id, terms, skill_ids, every=False, skip=ids, limit=limit - len(ids))
    return _entries(ids, team_id)


def _published(team_id: int) -> list:
    return [Question.team_id == team_id, Question.state == QuestionState.RESOLVED,
            Question.visibility.in_(PUBLISHED)]


def _about(skill_ids) -> sa.Select:
    return sa.select(question_skills.c.question_id).where(question_skills.c.skill_id.in_(skill_ids))


def _rank_postgres(team_id, terms, skill_ids, every: bool, skip, limit: int) -> list[int]:
    index = sa.table(SEARCH_TABLE, sa.column("question_id"), sa.column("team_id"), sa.column("skill_ids"),
                     sa.column("vector"))
    # Words are letters and digits only, so they are safe inside a tsquery.
    tsquery = sa.func.to_tsquery(sa.literal_column("'english'"), (" & " if every else " | ").join(terms))
    conditions = [index.c.vector.op("@@")(tsquery), index.c.team_id == team_id]
    if skill_ids:
        conditions.append(index.c.skill_ids.op("&&")(sa.cast(list(skill_ids), ARRAY(sa.Integer))))
    if skip:
        conditions.append(index.c.question_id.not_in(skip))
    # Finding the newest candidates: where matches are dense, walk the ids from the newest
    # and stop early; where they are sparse, take them all from the GIN index and sort ("+ 0"
    # keeps the planner off the id index). Its own estimate tells which; left to itself it
    # underrates checking each row's words and walks the ids even for rare words.
    dense = _estimated_rows(sa.select(index.c.question_id).where(*conditions)) > DENSE_MATCHES
    newest = index.c.question_id if dense else index.c.question_id + 0
    recent = (sa.select(index.c.question_id, index.c.vector).where(*conditions)
              .order_by(newest.desc()).limit(CANDIDATES).subquery())
    score = sa.func.ts_rank(recent.c.vector, tsquery, 1)  # 1: long threads do not win by length
    return list(db.session.scalars(sa.select(recent.c.question_id)
                                   .order_by(score.desc(), recent.c.question_id.desc()).limit(limit)))


def _estimated_rows(query: sa.Select) -> float:
    """PostgreSQL's estimate of how many rows a query returns, from its statistics."""
    compiled = query.compile(db.session.get_bind(), compile_kwargs={"render_postcompile": True})
    plan = db.session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    return plan[0]["Plan"]["Plan Rows"]


def _rank_sqlite(team_id, terms, skill_ids, every: bool, skip, limit: int) -> list[int]:
    index = sa.table(SEARCH_TABLE, sa.column("rowid"))
    words = (" AND " if every else " OR ").join(f'"{term}"' for term in terms)
    match = f'{{tags}} : "team{int(team_id)}" AND {{goal kb_text}} : ({words})'
    if skill_ids:
        match += " AND {tags} : (" + " OR ".join(f'"skill{int(s)}"' for s in skill_ids) + ")"
    query = sa.select(index.c.rowid).where(sa.literal_column(SEARCH_TABLE).op("MATCH")(match))
    if skip:
        # A unary plus makes it a plain filter on the matches: as a constraint, SQLite would
        # run the whole full-text query once for every listed id.
        query = query.where(sa.literal_column(f"+{SEARCH_TABLE}.rowid").not_in(skip))
    # bm25 exists only inside the full-text query, so bound it by the oldest candidate's id.
    oldest = db.session.scalar(query.order_by(index.c.rowid.desc()).offset(CANDIDATES - 1).limit(1))
    if oldest is not None:
        query = query.where(index.c.rowid >= oldest)
    score = sa.func.bm25(sa.literal_column(SEARCH_TABLE), GOAL_WEIGHT, 1.0, 0.0)  # lower is better; tags 0
    return list(db.session.scalars(query.order_by(score, index.c.rowid.desc()).limit(limit)))


def _entries(ids: list[int], team_id: int) -> list[KnowledgeEntry]:
    """Load the entries in the order given, read straight from the questions: an entry whose
    question left the knowledge base meanwhile is left out."""
    if not ids:
        return []
    # By primary key, checked here: given the team as a condition, planners walk the team.
    rows = {row.id: row for row in db.session.execute(
        sa.select(Question.id, Question.team_id, Question.state, Question.goal, Question.stuck,
                  Question.asker_id, Question.visibility, Question.helpful, Question.resolved_at,
                  User.name.label("asker_name"))
        .join(User, User.id == Question.asker_id).where(Question.id.in_(ids)))
        if row.team_id == team_id and row.state == QuestionState.RESOLVED and row.visibility in PUBLISHED}
    skills: dict[int, list[Ref]] = {}
    for question_id, skill_id, name in db.session.execute(
            sa.select(question_skills.c.question_id, Skill.id, Skill.name)
            .join(Skill, Skill.id == question_skills.c.skill_id)
            .where(question_skills.c.question_id.in_(ids)).order_by(Skill.name)):
        skills.setdefault(question_id, []).append(Ref(skill_id, name))
    posts: dict[int, list[KnowledgePost]] = {}
    for post in db.session.execute(
            sa.select(Post.id, Post.question_id, Post.author_id, User.name, Post.body, Post.via, Post.created_at)
            .outerjoin(User, User.id == Post.author_id)
            .where(Post.question_id.in_(ids)).order_by(Post.created_at, Post.id)):
        row = rows.get(post.question_id)
        hidden = row is not None and post.author_id == row.asker_id and row.visibility != Visibility.NAMED
        author = None if hidden or post.author_id is None else Ref(post.author_id, post.name)
        posts.setdefault(post.question_id, []).append(
            KnowledgePost(post.id, author, post.body, post.via, post.created_at,
                          by_asker=row is not None and post.author_id == row.asker_id))
    counts = dict(db.session.execute(
        sa.select(SelfSolve.question_id, sa.func.count()).where(SelfSolve.question_id.in_(ids))
        .group_by(SelfSolve.question_id)).all())
    return [KnowledgeEntry(
        id=row.id, goal=row.goal, stuck=row.stuck, skills=skills.get(row.id, []),
        asker=Ref(row.asker_id, row.asker_name) if row.visibility == Visibility.NAMED else None,
        posts=posts.get(row.id, []), helpful=row.helpful, resolved_at=row.resolved_at,
        solved_count=counts.get(row.id, 0),
    ) for row in (rows.get(i) for i in ids) if row is not None]


def _reader(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.team_id is None:
        raise NotInKnowledgeBase("There is no such entry in your team's knowledge base.")
    return user


def knowledge_entry(question_id: int, user_id: int) -> KnowledgeEntry:
    """Return an entry of the person's team's knowledge base, or raise NotInKnowledgeBase."""
    found = _entries([question_id], _reader(user_id).team_id)
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
        insert_unless_exists(SelfSolve.__table__, dict(user_id=user.id, question_id=entry.id, team_id=user.team_id,
                                                       created_at=utcnow()), ["question_id", "user_id"])
        db.session.commit()
    return self_solve_count(entry.id)


def solved_by(question_id: int, user_id: int) -> bool:
    """Tell whether the person already said this entry solved their problem."""
    return db.session.scalar(sa.select(sa.exists().where(
        SelfSolve.question_id == question_id, SelfSolve.user_id == user_id))) or False


def self_solve_count(question_id: int) -> int:
    """How many people an entry helped without asking a mentor."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(SelfSolve)
                             .where(SelfSolve.question_id == question_id)) or 0
