"""The help desk, as a section of a person's data: the questions they asked (with their
answer ratings), their posts, the questions they were asked to answer, the knowledge-base
entries that solved their problem, and their digest settings.

Erasing drops their digest settings. Questions, posts, attempts and self-solves stay, as
the figures count them; with texts removed, their questions' words and their posts become
REMOVED, their questions leave the knowledge base, and the mail that carried those words
keeps none of them.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.help.models import Attempt, DigestSetting, Post, Question, SelfSolve, Visibility
from app.help.search import index_question
from app.mail.models import OutboundMail
from app.mail.personal_data import forget_mail
from app.people.personal_data import REMOVED, register_personal_data, row_data, rows

COVERS = {
    "questions.asker_id",
    "question_posts.author_id",
    "routing_attempts.mentor_id",
    "self_solves.user_id",
    "digest_settings.user_id",
}


def export_help(user_id: int) -> dict[str, list[dict]]:
    asked = db.session.scalars(sa.select(Question).where(Question.asker_id == user_id).order_by(Question.id))
    return {
        "questions": [
            {**row_data(q, omit={"request_key", "kb_text"}), "skills": [s.name for s in q.skills]} for q in asked
        ],
        "question_posts": rows(Post, Post.author_id == user_id, omit={"source_message_id"}),
        "routing_attempts": rows(Attempt, Attempt.mentor_id == user_id),
        "self_solves": rows(SelfSolve, SelfSolve.user_id == user_id),
        "digest_settings": rows(DigestSetting, DigestSetting.user_id == user_id),
    }


def erase_help(user_id: int, remove_texts: bool) -> None:
    db.session.execute(sa.delete(DigestSetting).where(DigestSetting.user_id == user_id))
    if not remove_texts:
        return
    asked = list(db.session.scalars(sa.select(Question.id).where(Question.asker_id == user_id)))
    posts = db.session.execute(sa.select(Post.id, Post.question_id).where(Post.author_id == user_id)).all()
    db.session.execute(
        sa.update(Question)
        .where(Question.asker_id == user_id)
        .values(goal=REMOVED, stuck=REMOVED, link="", page_title="", helpful_note="", visibility=Visibility.PRIVATE)
    )
    db.session.execute(sa.update(Post).where(Post.author_id == user_id).values(body=REMOVED))
    db.session.execute(sa.update(Attempt).where(Attempt.mentor_id == user_id).values(hint=""))
    for question_id in sorted(set(asked) | {question_id for _, question_id in posts}):
        index_question(question_id)
    # The mail about their questions quotes them; a reply's mail carries the post it tells of.
    forget_mail(
        sa.or_(
            sa.and_(OutboundMail.about_type == "question", OutboundMail.about_id.in_(asked)),
            *(OutboundMail.key.startswith(f"question-reply:{post_id}:") for post_id, _ in posts),
        )
    )


def register(app) -> None:
    register_personal_data(app, "help", covers=COVERS, export=export_help, erase=erase_help)
