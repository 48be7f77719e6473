"""The team's knowledge base: resolved questions, searched with each database's own full-text
search and ranked, opened as entries, and counted when one solved someone's problem.

The index (`question_search`, made by the migrations) holds only what the knowledge base
shows: resolved questions published named or anonymous, with their team and skills, so the
engine filters by them itself. Database triggers keep it in step with the questions and
their skills; index_question keeps `kb_text` (goal, stuck and the thread) up to date.
On SQLite it is an FTS5 table ranked by bm25; on PostgreSQL a table of weighted tsvectors
with GIN indexes, ranked by ts_rank. Both weigh the goal above the rest.

Here: `query` (search_knowledge, one interface for both), `engine` (what each database's
engine implements), `sqlite` and `postgres` (the engines), `entries` (loading, opening and
counting entries), `index` (the searchable text, and the Alembic filter).
"""

from app.help.search.entries import (
    KnowledgeEntry,
    KnowledgePost,
    NotInKnowledgeBase,
    Ref,
    knowledge_entry,
    record_self_solve,
    self_solve_count,
    solved_by,
)
from app.help.search.index import include_name, index_question, kb_text
from app.help.search.query import search_knowledge, search_terms

__all__ = [
    "KnowledgeEntry",
    "KnowledgePost",
    "NotInKnowledgeBase",
    "Ref",
    "include_name",
    "index_question",
    "kb_text",
    "knowledge_entry",
    "record_self_solve",
    "search_knowledge",
    "search_terms",
    "self_solve_count",
    "solved_by",
]
