"""`flask seed-demo` builds the promised demo organisation once, and its people can sign in."""

from datetime import date, timedelta
from zoneinfo import available_timezones

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.people.demo import DEMO_PASSWORD, PEOPLE
from app.people.models import Role, Skill, SkillAlias, SkillKind, Team, User, UserSkill
from app.people.skills import find_skill


def seed(app) -> str:
    """Run `flask seed-demo`; return its output."""
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def people_with(role: Role) -> list[User]:
    """Everyone holding the role."""
    return [u for u in db.session.scalars(sa.select(User)) if u.has_role(role)]


def row_counts() -> dict[str, int]:
    """How many rows each table of people and skills holds."""
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (User, Team, Skill, SkillAlias, UserSkill)
    }


def test_seed_demo_creates_the_demo_organisation(app):
    output = seed(app)

    teams = db.session.scalars(sa.select(Team)).all()
    assert len(teams) == 3
    assert all(team.lead is not None and team.lead.has_role(Role.LEAD) for team in teams)
    assert len(people_with(Role.ADMIN)) == 1

    mentors = people_with(Role.MENTOR)
    assert len(mentors) == 6
    assert all(m.skill_levels(SkillKind.TEACH) for m in mentors)

    new_hires = people_with(Role.NEW_HIRE)
    assert len(new_hires) == 8
    for person in new_hires:
        assert person.skill_levels(SkillKind.LEARN)
        assert person.manager is not None and person.manager == person.team.lead
        assert date.today() - timedelta(weeks=8) <= person.start_date <= date.today()

    assert 20 <= len(db.session.scalars(sa.select(Skill)).all()) <= 30
    assert find_skill("postgres").name == "PostgreSQL"
    assert DEMO_PASSWORD in output


def test_demo_people_are_realistic():
    assert len({p.email for p in PEOPLE}) == len(PEOPLE)
    assert all(p.timezone in available_timezones() for p in PEOPLE)
    regions = {p.timezone.split("/")[0] for p in PEOPLE}
    assert {"Europe", "America", "Asia"} <= regions
    assert all(1 <= p.level <= 5 and p.hours[0] < p.hours[1] and p.title for p in PEOPLE)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEAD, Role.MENTOR, Role.NEW_HIRE])
def test_a_demo_person_signs_in_through_the_sign_in_page(app, client, role):
    seed(app)
    person = next(p for p in PEOPLE if p.role == role)
    response = client.post("/sign-in", data={"email": person.email, "password": DEMO_PASSWORD}, follow_redirects=True)
    assert response.status_code == 200
    assert f"Hello, {person.name}" in response.get_data(as_text=True)


def test_a_second_run_changes_nothing(app):
    seed(app)
    before = row_counts()
    output = seed(app)
    assert "already has people" in output
    assert row_counts() == before


def test_seed_demo_leaves_a_database_with_people_alone(app, make):
    make.admin(email="real.admin@example.com")
    output = seed(app)
    assert "already has people" in output
    assert row_counts() == {"users": 1, "teams": 0, "skills": 0, "skill_aliases": 0, "user_skills": 0}
