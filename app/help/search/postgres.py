"""Knowledge-base search on PostgreSQL: a table of weighted tsvectors with GIN indexes,
ranked by ts_rank, the goal (A) above the rest (B).

The candidates (the newest matches, `engine.CANDIDATES` of them) are gathered window by
window of ids, from the newest, in one statement: the first window is small and each next
one GROWTH times larger, the last unbounded, and PostgreSQL reads the next window only while
the candidates are short. Whichever plan it picks for a window, walking its ids or reading
the GIN index, the window bounds its cost: common words fill the candidates in the first
window, rare words are found through the index in a few. No plan rests on an estimate of how
many entries match in all, so a search's time does not flip with the statistics."""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db
from app.help.search import engine
from app.help.search.engine import SEARCH_TABLE

FIRST_WINDOW = 2 * engine.CANDIDATES  # ids in the first window: half of them matching fills it
GROWTH = 4
NEWEST = "question_search_newest"  # the session's note of the newest entry's id, made by prepare
# While ranking: plans made for these words, never cached for others (a window's plan depends
# on them); no walking of the ids, checking each entry's words (the planner underrates that
# check and would walk a window of thousands for a few matches rather than read the GIN
# index); no parallel plans, whose workers would read the windows out of order.
SETTINGS = {"plan_cache_mode": "force_custom_plan", "enable_indexscan": "off", "max_parallel_workers_per_gather": "0"}


def prepare() -> None:
    """Make the settings ranking needs, and note where the windows start (the newest entry's
    id), in one round trip."""
    changes = ", ".join(f"set_config('{name}', '{value}', true)" for name, value in SETTINGS.items())
    db.session.info[NEWEST] = db.session.execute(
        sa.text(f"SELECT (SELECT max(question_id) FROM {SEARCH_TABLE}), {changes}")
    ).one()[0]


def finish() -> None:
    """Put the settings back to their defaults for the rest of the transaction."""
    db.session.execute(
        sa.text("SELECT set_config(name, reset_val, true) FROM pg_settings WHERE name IN :names").bindparams(
            sa.bindparam("names", list(SETTINGS), expanding=True)
        )
    )


def rank(team_id, terms, skill_ids, every: bool, skip, limit: int) -> list[int]:
    index = sa.table(
        SEARCH_TABLE, sa.column("question_id"), sa.column("team_id"), sa.column("skill_ids"), sa.column("vector")
    )
    newest_id = db.session.info.get(NEWEST)
    if newest_id is None:
        return []
    # Words are letters and digits only, so they are safe inside a tsquery.
    tsquery = sa.func.to_tsquery(sa.literal_column("'english'"), (" & " if every else " | ").join(terms))
    conditions = [index.c.vector.op("@@")(tsquery), index.c.team_id == team_id]
    if skill_ids:
        conditions.append(index.c.skill_ids.op("&&")(sa.cast(list(skill_ids), ARRAY(sa.Integer))))
    if skip:
        conditions.append(index.c.question_id.not_in(skip))
    # The bounds are the planner's to see, so it knows how many ids a window holds.
    windows = [
        sa.select(index.c.question_id, index.c.vector)
        .where(*conditions, index.c.question_id <= high, *([] if low is None else [index.c.question_id > low]))
        .order_by(index.c.question_id.desc())
        .limit(engine.CANDIDATES)
        for low, high in _windows(newest_id)
    ]
    newest = sa.union_all(*windows).limit(engine.CANDIDATES).subquery() if len(windows) > 1 else windows[0].subquery()
    score = sa.func.ts_rank(newest.c.vector, tsquery, 1)  # 1: long threads do not win by length
    return list(
        db.session.scalars(
            sa.select(newest.c.question_id).order_by(score.desc(), newest.c.question_id.desc()).limit(limit)
        )
    )


def _windows(newest_id: int) -> Iterator[tuple[int | None, int]]:
    """Ranges of ids (low, high], from the newest; the last one has no low end (None)."""
    high, size = newest_id, FIRST_WINDOW
    while high - size > 0:
        yield high - size, high
        high, size = high - size, size * GROWTH
    yield None, high
