"""The one interface a database's full-text engine implements, and what the engines share.

An engine ranks the ids of resolved, published questions of a team for a few words; the
entries themselves are loaded the same way on every database (`entries`).
"""

from __future__ import annotations

from typing import Protocol

SEARCH_TABLE = "question_search"  # FTS5 adds its own question_search_* tables on SQLite
# Ranking reads every candidate, so words common enough to match more entries than this
# are ranked among the most recently asked of them; rarer words among all their matches.
CANDIDATES = 1000


class Engine(Protocol):
    """A database's full-text search over the index `SEARCH_TABLE` (a module implements it)."""

    def prepare(self) -> None:
        """Get the transaction ready for ranking (before the first rank)."""

    def finish(self) -> None:
        """Leave the transaction as it was before prepare (after the last rank)."""

    def rank(self, team_id, terms, skill_ids, every: bool, skip, limit: int) -> list[int]:
        """The ids of the team's entries with every (or any) of the words and any of the
        skills, not in skip, most relevant first, at most limit of them."""
