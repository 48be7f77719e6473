"""Knowledge-base search on SQLite: an FTS5 table ranked by bm25, the goal weighed above
the rest; team and skills are tags inside the full-text query."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.help.search import engine
from app.help.search.engine import SEARCH_TABLE

GOAL_WEIGHT = 2.5  # bm25 weight of the goal against 1.0 for the rest (ts_rank: A over B)


def prepare() -> None:
    """Nothing to prepare: SQLite plans each query anew."""


def finish() -> None:
    """Nothing to put back."""


def rank(team_id, terms, skill_ids, every: bool, skip, limit: int) -> list[int]:
    index = sa.table(SEARCH_TABLE, sa.column("rowid"))
    words = (" AND " if every else " OR ").join(f'"{term}"' for term in terms)
    match = f'{{tags}} : "team{int(team_id)}" AND {{goal kb_text}} : ({words})'
    if skill_ids:
        match += " AND {tags} : (" + " OR ".join(f'"skill{int(s)}"' for s in skill_ids) + ")"
    score = sa.func.bm25(sa.literal_column(SEARCH_TABLE), GOAL_WEIGHT, 1.0, 0.0)  # lower is better; tags 0
    query = sa.select(index.c.rowid, score.label("score")).where(sa.literal_column(SEARCH_TABLE).op("MATCH")(match))
    if skip:
        # A unary plus makes it a plain filter on the matches: as a constraint, SQLite would
        # run the whole full-text query once for every listed id.
        query = query.where(sa.literal_column(f"+{SEARCH_TABLE}.rowid").not_in(skip))
    # One pass over the newest candidates, each scored as it is found (bm25 exists only
    # inside the full-text query), then the best of them.
    newest = query.order_by(index.c.rowid.desc()).limit(engine.CANDIDATES).subquery()
    return list(
        db.session.scalars(sa.select(newest.c.rowid).order_by(newest.c.score, newest.c.rowid.desc()).limit(limit))
    )
