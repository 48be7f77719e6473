"""Knowledge-base search on PostgreSQL: a table of weighted tsvectors with GIN indexes,
ranked by ts_rank, the goal (A) above the rest (B). How to find the candidates is chosen
from the planner's own estimate (`EXPLAIN`)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db
from app.help.search import engine
from app.help.search.engine import SEARCH_TABLE

DENSE_MATCHES = 5 * engine.CANDIDATES  # more expected matches than this count as dense


def prepare() -> None:
    """Plan with these words, never with a plan cached for others: rank's choice of plan
    depends on them. For the rest of this transaction, which is harmless."""
    db.session.execute(sa.text("SET LOCAL plan_cache_mode = force_custom_plan"))


def rank(team_id, terms, skill_ids, every: bool, skip, limit: int) -> list[int]:
    index = sa.table(
        SEARCH_TABLE, sa.column("question_id"), sa.column("team_id"), sa.column("skill_ids"), sa.column("vector")
    )
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
    recent = (
        sa.select(index.c.question_id, index.c.vector)
        .where(*conditions)
        .order_by(newest.desc())
        .limit(engine.CANDIDATES)
        .subquery()
    )
    score = sa.func.ts_rank(recent.c.vector, tsquery, 1)  # 1: long threads do not win by length
    return list(
        db.session.scalars(
            sa.select(recent.c.question_id).order_by(score.desc(), recent.c.question_id.desc()).limit(limit)
        )
    )


def _estimated_rows(query: sa.Select) -> float:
    """PostgreSQL's estimate of how many rows a query returns, from its statistics."""
    compiled = query.compile(db.session.get_bind(), compile_kwargs={"render_postcompile": True})
    plan = db.session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar()
    return plan[0]["Plan"]["Plan Rows"]
