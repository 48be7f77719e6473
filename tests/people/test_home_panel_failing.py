"""A panel that fails does not take the home page with it: the person sees the other panels
and a line saying which part cannot be shown, and the failure is logged for whoever runs
Unstuck. A query the database refuses is undone to its savepoint, so the panels after it
still read (on PostgreSQL a refused query would otherwise abort the rest)."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.people import home
from app.people.models import Role
from tests.help.routing_scenes import ask


def broken_code(user):
    raise RuntimeError("a bug in a panel")


def refused_query(user):
    db.session.execute(sa.text("SELECT no_such_column FROM users"))


@pytest.fixture(params=[broken_code, refused_query], ids=["bug", "refused-query"])
def failing_panel(app, request):
    """A panel shown before every other one, that fails; taken off the app afterwards."""
    home.register(app, Role.NEW_HIRE, "team news", 1, request.param)
    yield
    panels = app.extensions[home.EXTENSION]
    panels[:] = [p for p in panels if p.name != "team news"]


@pytest.mark.usefixtures("failing_panel")
def test_a_failing_panel_is_replaced_by_a_line_and_the_others_still_show(make, client, auth, caplog):
    hire = make.user(name="Noah New", roles=(Role.NEW_HIRE,))
    ask(hire, skills=(), goal="Deploy the billing service")

    caplog.set_level(logging.ERROR, logger="app.people.home")
    auth.sign_in(hire)
    response = client.get("/")

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "“Team news” cannot be shown just now." in text
    assert "Deploy the billing service" in text  # the new hire's questions, read after the failure
    assert any("team news" in r.getMessage() for r in caplog.records)
    assert client.get("/").status_code == 200  # nothing left behind for the next request
