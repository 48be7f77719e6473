"""A person edits their own profile: time zone, hours, availability, skills and API tokens."""

import re
from datetime import date, time

import pytest

from app.auth.models import ApiToken
from app.extensions import db
from app.people.models import Role, SkillKind, UserSkill

GOOD = {"timezone": "America/Chicago", "work_start": "08:30", "work_end": "16:30", "away_from": "", "away_until": ""}


@pytest.fixture
def person(make, auth):
    user = make.user(timezone="Europe/Berlin")
    auth.sign_in(user)
    return user


def test_profile_changes_are_saved(client, person):
    response = client.post("/profile", data={**GOOD, "away_from": "2026-12-20", "away_until": "2027-01-03"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.timezone == "America/Chicago"
    assert (person.work_start, person.work_end) == (time(8, 30), time(16, 30))
    assert (person.away_from, person.away_until) == (date(2026, 12, 20), date(2027, 1, 3))
    assert "Your profile is saved." in client.get("/profile").get_data(as_text=True)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"timezone": "Mars/Olympus_Mons"}, "is not a known time zone"),
        ({"work_start": "18:00", "work_end": "09:00"}, "Working hours must start before they end."),
        ({"away_from": "2027-01-10", "away_until": "2027-01-01"}, "cannot be before its start"),
        ({"work_start": "nine"}, "Not a valid time value."),
    ],
)
def test_bad_profile_input_is_explained_and_nothing_changes(client, person, change, message):
    response = client.post("/profile", data={**GOOD, **change})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.timezone == "Europe/Berlin" and person.work_start == time(9)


def test_only_mentors_set_mentor_limits(client, make, auth):
    mentor = make.user(roles=(Role.MENTOR,))
    auth.sign_in(mentor)
    assert "Most mentees at once" in client.get("/profile").get_data(as_text=True)
    client.post("/profile", data={**GOOD, "max_mentees": "4", "max_open_questions": "7"})
    db.session.refresh(mentor)
    assert (mentor.max_mentees, mentor.max_open_questions) == (4, 7)


def test_new_hires_cannot_raise_mentor_limits(client, person):
    assert "Most mentees at once" not in client.get("/profile").get_data(as_text=True)
    client.post("/profile", data={**GOOD, "max_mentees": "9"})
    db.session.refresh(person)
    assert person.max_mentees == 2


def test_adding_a_skill_by_its_alias_records_the_skill(client, make, person):
    postgres = make.skill("PostgreSQL", aliases=["postgres"])
    response = client.post("/profile/skills", data={"skill": "Postgres", "kind": "learn", "level": "2"})
    assert response.status_code == 302
    row = db.session.get(UserSkill, (person.id, postgres.id, SkillKind.LEARN))
    assert row.level == 2
    assert "PostgreSQL is on your profile at 2/5." in client.get("/profile").get_data(as_text=True)


def test_adding_a_skill_again_changes_its_level(client, make, person):
    sql = make.skill("SQL")
    client.post("/profile/skills", data={"skill": "SQL", "kind": "teach", "level": "2"})
    client.post("/profile/skills", data={"skill": "sql", "kind": "teach", "level": "4"})
    rows = db.session.query(UserSkill).filter_by(user_id=person.id).all()
    assert [(r.skill_id, r.level) for r in rows] == [(sql.id, 4)]


@pytest.mark.parametrize(
    "form, message",
    [
        ({"skill": "Underwater basket weaving", "kind": "teach", "level": "3"}, "is not a known skill"),
        ({"skill": "SQL", "kind": "teach", "level": "7"}, "Not a valid choice"),
        ({"skill": "SQL", "kind": "preach", "level": "3"}, "Not a valid choice"),
    ],
)
def test_bad_skill_input_is_explained(client, make, person, form, message):
    make.skill("SQL")
    response = client.post("/profile/skills", data=form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.query(UserSkill).count() == 0


def test_removing_a_skill(client, make, person):
    sql = make.skill("SQL")
    make.user_skill(person, sql, SkillKind.TEACH, 3)
    client.post(f"/profile/skills/{sql.id}/teach/remove")
    assert db.session.query(UserSkill).count() == 0


def test_api_token_is_shown_once_and_works(client, person):
    page = client.post("/profile/tokens", data={"name": "my scripts"}).get_data(as_text=True)
    secret = page.split('id="new-token">')[1].split("<")[0]
    assert secret.startswith("unst_")
    assert secret not in client.get("/profile").get_data(as_text=True)
    token = db.session.query(ApiToken).one()
    assert token.token_hash != secret and secret not in token.token_hash
    me = client.get("/api/v1/people/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["email"] == person.email


def test_a_revoked_token_stops_working(client, person):
    page = client.post("/profile/tokens", data={"name": "ci"}).get_data(as_text=True)
    secret = page.split('id="new-token">')[1].split("<")[0]
    token = db.session.query(ApiToken).one()
    client.post(f"/profile/tokens/{token.id}/revoke")
    me = client.get("/api/v1/people/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 401


def test_nobody_revokes_another_persons_token(client, make, person):
    other = make.user()
    token, _ = ApiToken.issue(other, "theirs")
    db.session.commit()
    assert client.post(f"/profile/tokens/{token.id}/revoke").status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def zone_options(page: str, field: str = "timezone") -> list[str]:
    """The zones a page's picker offers for a field: its datalist's options."""
    datalist = page.split(f'<datalist id="{field}-zones">')[1].split("</datalist>")[0]
    return re.findall(r'<option value="([^"]+)">', datalist)


def test_the_time_zone_picker_searches_canonical_zones_only(client, person):
    page = client.get("/profile").text
    assert 'list="timezone-zones"' in page and 'value="Europe/Berlin"' in page
    offered = zone_options(page)
    assert "Asia/Kolkata" in offered and "America/New_York" in offered and "UTC" in offered
    assert not {"US/Eastern", "Asia/Calcutta", "Etc/GMT+5", "Cuba"} & set(offered)


def test_a_stored_alias_is_shown_and_still_accepted(client, person):
    person.timezone = "Asia/Calcutta"
    db.session.commit()
    page = client.get("/profile").text
    assert 'value="Asia/Calcutta"' in page and zone_options(page)[0] == "Asia/Calcutta"
    assert client.post("/profile", data={**GOOD, "timezone": "Asia/Calcutta"}).status_code == 302
    db.session.refresh(person)
    assert person.timezone == "Asia/Calcutta"
