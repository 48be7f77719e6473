"""The home page reads each panel in a few queries, however much there is to show: ten
questions, proposals or escalations cost what one does."""

from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.choosing import LEAD_TIER
from app.people.models import Role
from tests.help.routing_scenes import ask
from tests.help.test_inbox_pages import asked
from tests.people.test_home_matching import mentorship


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def home_statements(client) -> int:
    with counted() as statements:
        assert client.get("/").status_code == 200
    return len(statements)


def test_more_rows_cost_no_more_queries(make, client, auth):
    team = make.team("Payments")
    everyone = make.user(name="Eve Everything", roles=tuple(Role), team=team)
    team.lead = everyone
    db.session.commit()
    auth.sign_in(everyone)

    def add_one(n: int) -> None:
        asker = make.user(team=team)
        ask(everyone, skills=(), goal=f"My question {n}")
        asked(ask(asker, skills=(), goal=f"For me {n}"), everyone)
        asked(ask(asker, skills=(), goal=f"Taken {n}"), everyone, taken_at=utcnow())
        asked(ask(asker, skills=(), goal=f"Escalated {n}", escalated=True), everyone, tier=LEAD_TIER)
        mentorship(asker, everyone)

    add_one(0)
    home_statements(client)  # the first request warms up what is read once
    few = home_statements(client)
    for n in range(1, 10):
        add_one(n)
    page = client.get("/").get_data(as_text=True)
    assert "My question 9" in page and "For me 9" in page and "Taken 9" in page and "Escalated 9" in page
    assert home_statements(client) == few
