"""Knowledge-base search on PostgreSQL: a table of weighted tsvectors with GIN indexes,
ranked by ts_rank, the goal (A) above the rest (B).

The candidates (the newest matches, `engine.CANDIDATES` of them) are gathered window by
window of ids, from the newest. The first window is small; the next one is sized by how
densely the words matched so far, measured rather than estimated, so that it holds the
candidates still missing (GROWTH times larger where none matched yet); the last has no end.
Each window is read through the GIN indexes, so its cost is bounded by its matches: common
words fill the candidates in the first window or two, rare words are found in a few. No plan
rests on the planner's estimate of how many entries match in all, so a search's time does
not flip with the statistics."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db
from app.help.search import engine
from app.help.search.engine import SEARCH_TABLE

FIRST_WINDOW = 2 * engine.CANDIDATES  # ids in the first window: half of them matching fills it
GROWTH = 4  # how much larger the next window is while no entry has matched
MARGIN = 1.5  # how much larger the next window is than the density so far says it must be
NEWEST = "question_search_newest"  # the session's note of the newest entry's id, made by prepare
# While ranking: plans made for these words, never cached for others (a window's plan depends
# on them); no walking of the ids, checking each entry's words (the planner underrates that
# check and would walk a window of thousands for a few matches rather than read the GIN
# index); no parallel plans.
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
    best: list[tuple[int, float]] = []  # each window's best (the best of all are among them)
    count, high, size = 0, newest_id, FIRST_WINDOW
    while True:
        low = high - size if high - size > 0 else None
        # The bounds are the planner's to see, so it knows how many ids the window holds.
        newest = (
            sa.select(index.c.question_id, index.c.vector)
            .where(*conditions, index.c.question_id <= high, *([] if low is None else [index.c.question_id > low]))
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
        high = low
    best.sort(key=lambda candidate: (-candidate[1], -candidate[0]))  # the best first, then the newest
    return [question_id for question_id, _ in best[:limit]]
