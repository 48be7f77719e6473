"""Jobs go through a real Redis and a real worker, run in an app context, and are only
sent once the transaction that asked for them commits."""

import logging

import sqlalchemy as sa

from app.extensions import db
from app.factory import create_app
from app.jobs import enqueue, enqueue_after_commit
from app.people.models import Role, User
from config import TestConfig

# The people here are mentors: a new hire would also set off a mentor proposal job.


def rename_person(user_id: int, title: str) -> str:
    """A job: load the person fresh and change their title (needs an app context)."""
    user = db.session.get(User, user_id)
    user.title = title
    db.session.commit()
    return user.email


def test_a_job_runs_in_a_real_worker_with_the_app(make, jobs):
    user = make.user(roles=(Role.MENTOR,), title="Engineer")
    enqueue(rename_person, user.id, "Senior engineer")
    assert jobs.count() == 1
    assert jobs.run() == 1
    db.session.expire_all()
    assert db.session.get(User, user.id).title == "Senior engineer"


def test_jobs_wait_for_the_commit(make, jobs):
    user = make.user(roles=(Role.MENTOR,))
    user.name = "Changed"
    enqueue_after_commit(rename_person, user.id, "Lead")
    assert jobs.count() == 0  # not before the commit: the job must see committed rows
    db.session.commit()
    assert jobs.count() == 1


def test_a_rolled_back_transaction_sends_no_job(make, jobs):
    user = make.user(roles=(Role.MENTOR,))
    enqueue_after_commit(rename_person, user.id, "Lead")
    db.session.rollback()
    db.session.commit()
    assert jobs.count() == 0


def test_a_savepoint_rollback_keeps_the_outer_transactions_jobs(make, jobs):
    user = make.user(roles=(Role.MENTOR,))
    enqueue_after_commit(rename_person, user.id, "Lead")
    with db.session.begin_nested() as savepoint:
        db.session.execute(sa.update(User).where(User.id == user.id).values(name="x"))
        savepoint.rollback()
    db.session.commit()
    assert jobs.count() == 1


def test_redis_being_down_does_not_break_the_request(prepared_databases, backend, caplog):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=prepared_databases(backend), REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context(), caplog.at_level(logging.ERROR):
        enqueue_after_commit(rename_person, 1, "x")
        db.session.commit()  # must not raise
        db.session.remove()
        db.engine.dispose()
    assert "could not enqueue" in caplog.text
    app.extensions["jobs"].connection.close()


def test_the_worker_command_works_off_the_queues(app, make, jobs):
    user = make.user(roles=(Role.MENTOR,))
    enqueue(rename_person, user.id, "Staff engineer")
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).title == "Staff engineer"
    assert jobs.count() == 0


def test_the_worker_command_refuses_unknown_queues(app):
    result = app.test_cli_runner().invoke(args=["worker", "--burst", "nonsense"])
    assert result.exit_code != 0
    assert "unknown queue" in result.output
