"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.factory import create_app
from app.help.search import include_name
from config import TestConfig


def test_models_and_migrations_agree(app):
    with db.engine.connect() as conn:
        # The same filter as migrations/env.py: full-text search objects are not models.
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name})
        assert compare_metadata(context, db.metadata) == []


def test_naming_convention_names_constraints(app):
    inspector = sa.inspect(db.engine)
    fks = {fk["name"] for fk in inspector.get_foreign_keys("users")}
    assert "fk_users_team_id_teams" in fks
    assert inspector.get_pk_constraint("user_skills")["name"] in {"pk_user_skills", None}


def test_upgrade_from_empty_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        assert "users" in sa.inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert "users" not in sa.inspect(db.engine).get_table_names()
        upgrade()
        assert "teams" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    app.extensions["jobs"].connection.close()


def test_adding_the_repeat_reference_keeps_questions_posts_and_the_search_index_on_sqlite(tmp_path):
    """SQLite rebuilds the questions table for it: nothing may cascade away or lose its trigger."""
    url = f"sqlite:///{tmp_path / 'kept.db'}"
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO users (id, email, name, title, level, timezone, work_start, work_end, max_mentees, "
                "max_open_questions, active, created_at) VALUES (1, 'a@example.com', 'A', '', 1, 'UTC', "
                "'09:00:00', '17:00:00', 1, 1, 1, '2026-12-01 10:00:00')"
            )
            conn.exec_driver_sql(
                "INSERT INTO questions (id, asker_id, goal, stuck, link, page_title, urgency, state, visibility, "
                "escalated, helpful_note, kb_text, created_at) VALUES (1, 1, 'Goal', 'Stuck on kafka', '', '', "
                "'can_wait', 'open', 'anonymous', 0, '', 'Goal Stuck on kafka', '2026-12-01 10:00:00')"
            )
            conn.exec_driver_sql(
                "INSERT INTO question_posts (question_id, body, via, created_at) "
                "VALUES (1, 'An answer', 'web', '2026-12-01 11:00:00')"
            )
            triggers = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").scalar()
        upgrade()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM question_posts").scalar() == 1
            assert conn.exec_driver_sql("SELECT repeat_of_id FROM questions").all() == [(None,)]
            assert (
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").scalar() == triggers
            )
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        downgrade(revision="0013")
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM question_posts").scalar() == 1
        db.engine.dispose()
    app.extensions["jobs"].connection.close()
