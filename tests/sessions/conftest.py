"""Fixtures of the session tests: team Payments, and its series whose invites are in
everyone's mailbox (see rsvp_scene.py)."""

import logging

import pytest

from app.extensions import db
from tests.sessions.calendars import payments_team
from tests.sessions.rsvp_scene import FIRST
from tests.sessions.weekly import weekly_series


@pytest.fixture
def team(make):
    return payments_team(make)


@pytest.fixture
def series_id(app, team, smtp, jobs) -> int:
    """The team's series, its invites in everyone's mailbox."""
    series_id = weekly_series(team.id, team.lead_id, FIRST, duration_minutes=60, location="Room Fjord")
    db.session.commit()
    jobs.run()
    return series_id


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO)
    return caplog
