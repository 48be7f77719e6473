"""The searchable text of a question, kept up to date, and the index Alembic leaves alone.

Database triggers keep the index (`question_search`, made by the migrations) in step with
the questions and their skills; index_question keeps `kb_text` (goal, stuck and the thread)
up to date.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.help.models import Post, Question
from app.help.search.engine import SEARCH_TABLE


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
    bodies = db.session.scalars(
        sa.select(Post.body).where(Post.question_id == question_id).order_by(Post.created_at, Post.id)
    )
    text = kb_text(question.goal, question.stuck, bodies)
    if question.kb_text != text:
        question.kb_text = text
        db.session.flush()
