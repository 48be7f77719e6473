"""The series page tests' cast as a fixture: a team, its lead and a member, another team's
lead and new hire, and an admin."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.people.models import Role
from tests.sessions.series.scene import Cast


@pytest.fixture
def cast(make, jobs) -> Cast:
    team, platform = make.team("Payments"), make.team("Platform")
    lead = make.user("Lea Lead", "lea@example.com", roles=(Role.LEAD, Role.MENTOR), team=team)
    other_lead = make.user("Otto Other", "otto@example.com", roles=(Role.LEAD,), team=platform)
    team.lead, platform.lead = lead, other_lead
    db.session.commit()
    return Cast(
        team=team,
        lead=lead,
        member=make.user("Ana Alvarez", "ana@example.com", team=team),
        other_lead=other_lead,
        other_new_hire=make.user("Olli Outside", "olli@example.com", team=platform),
        admin=make.admin(name="Ada Admin", email="ada@example.com", timezone="America/New_York"),
    )
