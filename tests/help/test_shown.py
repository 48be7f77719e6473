"""The API's questions list, question page and knowledge base answer with rows shaped by
hand: they must say exactly what the schemas would, whoever reads them."""

import sqlalchemy as sa

from app.extensions import db
from app.help import search, shown, thread
from app.help.models import Post, Question, QuestionState, Urgency, Visibility
from app.help.schemas import KnowledgeEntrySchema, QuestionDetailSchema, QuestionSchema
from app.people.models import User
from tests.help.threads import question, scene


def test_a_question_page_says_what_the_schema_says(make):
    s = scene(make)
    second = question(
        s.asker,
        [s.mentor],
        goal="Deploy the payments service",
        skills=[make.skill("Kafka"), make.skill("PostgreSQL")],
        urgency=Urgency.BLOCKING,
        visibility=Visibility.NAMED,
        link="https://wiki.example.com/deploy",
        page_title="Deploy",
    )
    thread.post_answer(second.id, s.mentor.id, "Restart the consumer.")
    thread.post_answer(second.id, s.asker.id, "That worked.")
    thread.resolve(second.id, s.asker.id)
    db.session.execute(sa.update(Question).where(Question.id == second.id).values(helpful=True, helpful_note="Yes"))
    db.session.commit()
    gone = make.user(name="Gone Mentor", password=None)
    db.session.add(Post(question_id=s.question.id, author_id=gone.id, body="Look at the logs.", via="email"))
    db.session.commit()
    db.session.delete(db.session.get(User, gone.id))  # their post stays, without an author
    db.session.commit()

    for viewer in (s.asker, s.lead, s.mentor, s.admin):
        db.session.expire_all()
        rows, total = shown.question_page(viewer, 1, 20)
        expected = db.session.scalars(sa.select(Question).order_by(Question.created_at.desc(), Question.id.desc()))
        visible = [q for q in expected if q.id in {row["id"] for row in rows}]
        assert rows == QuestionSchema(many=True).dump(visible)
        assert total == len(rows)
        for row in rows:
            detail = db.session.get(Question, row["id"])
            assert shown.shown_question(row["id"], viewer) == QuestionDetailSchema().dump(detail)


def test_a_page_past_the_last_is_empty_and_still_counts_them_all(make):
    s = scene(make)
    rows, total = shown.question_page(s.asker, 5, 20)
    assert rows == [] and total == 1
    rows, total = shown.question_page(s.asker, 1, 20, state=QuestionState.RESOLVED)
    assert rows == [] and total == 0
    assert shown.shown_question(s.question.id, s.other_new_hire) is None


def test_knowledge_entries_say_what_the_schema_says(make):
    s = scene(make)
    thread.post_answer(s.question.id, s.mentor.id, "Run `flask db upgrade` first.")
    thread.post_answer(s.question.id, s.asker.id, "Thanks, the migration works.")
    thread.resolve(s.question.id, s.asker.id)
    named = question(s.other_new_hire, [s.mentor], goal="Run the billing report", visibility=Visibility.NAMED)
    thread.post_answer(named.id, s.mentor.id, "The billing migration must run first.")
    thread.resolve(named.id, s.other_new_hire.id)
    db.session.commit()

    entries = search.search_knowledge(s.asker.team_id, "billing migration")
    assert len(entries) == 2
    assert [shown.knowledge_entry(entry) for entry in entries] == KnowledgeEntrySchema(many=True).dump(entries)
