"""What the tests of a person's data share (Nina's traces everywhere are conftest.py's `s`):
the admin's download and erasure requests, and readings of the database (rows about a
value, every row as text, a row read afresh)."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.people.models import User
from tests.security.access_scene import Browser, Scene, database_state

LOGGER = "app.people.personal_data"


def as_admin(app, s: Scene) -> Browser:
    return Browser(app, s.people["admin"])


def download(browser: Browser, person: User):
    return browser.post(f"/admin/people/{person.id}/export")


def erase(browser: Browser, person: User, typed: str | None = None):
    return browser.post(
        f"/admin/people/{person.id}/erase", data={"confirm": typed if typed is not None else person.email}
    )


def rows_about(table: str, column: str, value) -> int:
    return db.session.execute(sa.text(f'SELECT count(*) FROM "{table}" WHERE "{column}" = :v'), {"v": value}).scalar()


def everything() -> str:
    """Every row of every table, as text."""
    return "\n".join(f"{table}: {row}" for table, rows in database_state().items() for row in rows)


def fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)
