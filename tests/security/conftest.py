"""The object-access tests' world as a fixture (see object_scene.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db
from app.people.models import Role
from sessions.models import SessionSeries
from tests.security.access_scene import api_headers, build_scene, platform_series
from tests.security.object_scene import World, vote_phase


@pytest.fixture
def w(make, jobs) -> World:
    s = build_scene(make)
    teammate = make.user(name="Tom Teammate", email="tom@example.com", team=s.team)
    other_mentor = make.user(name="Max Mentor", email="max@example.com", roles=(Role.MENTOR,), team=s.team)
    platform_id = platform_series(s)
    db.session.commit()
    platform = db.session.get(SessionSeries, platform_id)
    last_week = s.past_day + timedelta(weeks=1)
    platform_learning = vote_phase(platform, last_week, s.people["other_new_hire"], "Platform's own learning")
    payments_learning = vote_phase(s.series, last_week, s.people["mentor"], "Payments' learning to vote on")
    everyone = [*s.people.values(), teammate, other_mentor, s.other_lead]
    return World(
        s,
        teammate,
        other_mentor,
        platform,
        last_week,
        platform_learning,
        last_week,
        payments_learning,
        tokens={person.id: api_headers(person) for person in everyone},
    )
