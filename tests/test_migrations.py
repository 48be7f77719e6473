"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
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
