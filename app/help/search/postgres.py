"""Knowledge-base search on PostgreSQL: a table of weighted tsvectors with GIN indexes,
ranked by ts_rank, the goal (A) above the rest (B).

The candidates (the newest matches, `engine.CANDIDATES` of them) are gathered window by
window of ids, from the newest. The first window is small and each entry in it is checked in
turn. How densely the words matched so far, measured rather than estimated, sizes the next
window so that it holds the candidates still missing (GROWTH times larger where none matched
yet; the last has no end), and tells how to read it: entry by entry where they matched
densely, through the GIN index where they did not. Either way a window's cost is bounded by
its size or by its matches. No plan rests on the planner's estimate of how many entries match
in all, so a search's time does not flip with the statistics."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db
from app.help.search import engine
from app.help.search.engine import SEARCH_TABLE

FIRST_WINDOW = engine.CANDIDATES // 2  # ids in the first window, each entry's words checked in turn
GROWTH = 8  # how much larger the next window is while no entry has matched
DENSE = 0.2  # where more of the ids seen matched, checking each entry beats reading the index
MARGIN = 1.5  # how much larger the next window is than the density so far says it must be
NEWEST = "question_search_newest"  # the session's note of the newest entry's id, made by prepare
# While ranking: plans made for these words, never cached for others (a window's plan depends
# on them); no index scans, so a window read through the GIN index is not walked instead (the
# planner underrates checking an entry's words, and would walk thousands for a few matches);
# no parallel plans.
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
    conditions = [index.c.team_id == team_id]
    if skill_ids:
        conditions.append(index.c.skill_ids.op("&&")(sa.cast(list(skill_ids), ARRAY(sa.Integer))))
    if skip:
        conditions.append(index.c.question_id.not_in(skip))
    best: list[tuple[int, float]] = []  # each window's best (the best of all are among them)
    count, high, size, dense = 0, newest_id, FIRST_WINDOW, True
    while True:
        # The same test both ways; the function, no index serves: each entry is checked.
        words = sa.func.ts_match_vq(index.c.vector, tsquery) if dense else index.c.vector.op("@@")(tsquery)
        low = high - size if high - size > 0 else None
        # The bounds are the planner's to see, so it knows how many ids the window holds.
        newest = (
            sa.select(index.c.question_id, index.c.vector)
            .where(
                words, *conditions, index.c.question_id <= high, *([] if low is None else [index.c.question_id > low])
            )
            .order_by(index.c.question_id.desc())
            .limit(engine.CANDIDATES - count)
            .subquery()
        )
        score = sa.func.ts_rank(newest.c.vector, tsquery, 1)  # 1: long threads do not win by length
        found = db.session.execute(
            sa.select(newest.c.question_id, score, sa.func.count().over())
            .order_by(score.desc(), newest.c.question_id.desc())
            .limit(limit)
        ).all()
        best += [(question_id, float(rank)) for question_id, rank, _ in found]
        count += found[0][2] if found else 0
        if count >= engine.CANDIDATES or low is None:
            break
        missing, density = engine.CANDIDATES - count, count / (newest_id - low)
        size = max(int(MARGIN * missing / density), size) if count else size * GROWTH
        dense = density >= DENSE
        high = low
    best.sort(key=lambda candidate: (-candidate[1], -candidate[0]))  # the best first, then the newest
    return [question_id for question_id, _ in best[:limit]]
