"""The sweeper: every minute it routes open questions that wait on nobody and checks attempts
whose scheduled check was lost, so no question is ever dropped."""

from __future__ import annotations

import logging
from datetime import timedelta

from app.extensions import db, utcnow
from app.factory import create_app
from app.help.jobs import route_question_job, sweep
from app.help.models import AttemptState, Question, QuestionState, Urgency
from app.help.routing import answer_arrived, route_question
from app.jobs import enqueue, enqueue_after_commit
from app.people.models import User
from config import TestConfig
from tests.help.routing_scenes import ask, attempts_of, live_of, mails_to, mentor, overdue


def test_a_question_saved_while_redis_was_down_is_routed_by_the_sweeper(
    app, make, jobs, smtp, prepared_databases, backend, caplog
):
    ari = mentor(make, "Ari First")
    asker_id = make.user(name="Nina New").id
    jobs.run()  # what making people set off

    # Another web process, whose Redis is down, saves the question; its routing job is lost.
    # (It reads people in its own session: rows of this app's session would borrow its engine.)
    outage = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=prepared_databases(backend), REDIS_URL="redis://127.0.0.1:1/0"
    )
    with outage.app_context(), caplog.at_level(logging.ERROR):
        question = ask(db.session.get(User, asker_id))
        question_id = question.id
        enqueue_after_commit(route_question_job, question_id)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    outage.extensions["jobs"].connection.close()
    assert "could not enqueue" in caplog.text
    assert jobs.count() == 0

    enqueue(sweep)
    jobs.run()

    [attempt] = attempts_of(db.session.get(Question, question_id))
    assert (attempt.mentor_id, attempt.state) == (ari.id, AttemptState.WAITING)
    assert len(mails_to(smtp, ari)) == 1


def test_a_question_with_no_job_at_all_is_routed_once(make):
    ari = mentor(make, "Ari First")
    question = ask(make.user())  # committed, and no job was ever queued

    assert sweep() == 1
    assert sweep() == 0
    assert [a.mentor_id for a in attempts_of(question)] == [ari.id]


def test_an_overdue_attempt_whose_check_was_lost_is_checked_and_moved_on(make, jobs):
    ari, ben = mentor(make, "Ari", {"SQL": 5}), mentor(make, "Ben", {"SQL": 3})
    question = ask(make.user(), urgency=Urgency.CAN_WAIT)
    first = route_question(question.id)
    jobs.connection.flushdb()  # the scheduled check is lost with Redis's data
    overdue(first)

    assert sweep() == 1
    assert [(a.mentor_id, a.state) for a in attempts_of(question)] == [
        (ari.id, AttemptState.TIMED_OUT),
        (ben.id, AttemptState.WAITING),
    ]
    assert sweep() == 0


def test_the_sweeper_leaves_answered_resolved_and_waiting_questions_alone(make):
    ari = mentor(make, "Ari", max_open_questions=9)
    answered, waiting = ask(make.user()), ask(make.user())
    route_question(answered.id)
    answer_arrived(answered.id, ari.id)
    route_question(waiting.id)
    ask(make.user(), state=QuestionState.RESOLVED)

    assert sweep() == 0
    assert live_of(waiting).mentor_id == ari.id
    assert [a.state for a in attempts_of(answered)] == [AttemptState.ANSWERED]


def test_a_question_nobody_can_take_stays_open_until_someone_can(make):
    today = utcnow().date()
    ari = mentor(make, "Ari", away_from=today - timedelta(days=2), away_until=today + timedelta(days=2))
    question = ask(make.user())

    assert sweep() == 0
    assert db.session.get(Question, question.id).state == QuestionState.OPEN

    ari.away_from = ari.away_until = None
    db.session.commit()
    assert sweep() == 1
    assert live_of(question).mentor_id == ari.id
