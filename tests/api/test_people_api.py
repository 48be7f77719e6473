"""The people, teams and skills API: who may call what, each endpoint read back."""

import json

import pytest
import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db, utcnow
from app.people.models import SkillKind, User
from tests.api.conftest import API, assert_error, bearer

# Who may call what

READS = ["/people", "/people/{person}", "/people/me", "/teams", "/teams/{team}", "/skills", "/skills/{skill}"]
ADMIN_WRITES = [
    ("POST", "/people", {"email": "new@example.com", "name": "New Person"}),
    ("PATCH", "/people/{person}", {"title": "Staff engineer"}),
    ("POST", "/teams", {"name": "Platform"}),
    ("PATCH", "/teams/{team}", {"name": "Core"}),
    ("POST", "/skills", {"name": "Rust"}),
    ("PATCH", "/skills/{skill}", {"category": "Languages"}),
]
OWN_PROFILE = [("PATCH", "/people/me", {"timezone": "Asia/Tokyo"})]

ACCESS = [
    # caller           reads  admin writes  own profile
    ("no token", 401, 401, 401),
    ("wrong scheme", 401, 401, 401),
    ("bad token", 401, 401, 401),
    ("revoked token", 401, 401, 401),
    ("deactivated", 401, 401, 401),
    ("new hire", 200, 403, 200),
    ("admin", 200, "ok", 200),
]


def headers_for(caller: str, make, token) -> dict:
    """Return the headers a kind of caller sends."""
    if caller == "no token":
        return {}
    if caller == "bad token":
        return bearer("unst_not-a-token")
    if caller == "new hire":
        return bearer(token(make.user()))
    admin = make.admin(active=caller != "deactivated")
    secret = token(admin)
    if caller == "wrong scheme":
        return {"Authorization": f"Basic {secret}"}
    if caller == "revoked token":
        db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == admin.id).values(revoked_at=utcnow()))
        db.session.commit()
    return bearer(secret)


@pytest.mark.parametrize(
    "caller, action, expected",
    [
        pytest.param(caller, action, status, id=f"{caller}-{action}")
        for caller, *statuses in ACCESS
        for action, status in zip(("reads", "admin writes", "own profile"), statuses, strict=True)
    ],
)
def test_access(client, make, token, saved, caller, action, expected):
    team = make.team(name="Payments")
    person = make.user(team=team)
    skill = make.skill("SQL")
    headers = headers_for(caller, make, token)
    calls = {
        "reads": [("GET", path, None) for path in READS],
        "admin writes": ADMIN_WRITES,
        "own profile": OWN_PROFILE,
    }[action]
    before = saved()
    for method, path, body in calls:
        url = API + path.format(person=person.id, team=team.id, skill=skill.id)
        response = client.open(url, method=method, json=body, headers=headers)
        if expected == "ok":
            assert response.status_code == (201 if method == "POST" else 200), url
        elif expected == 200:
            assert response.status_code == 200, url
        else:
            code = {401: "unauthorized", 403: "forbidden"}[expected]
            assert assert_error(response, expected, code) == {}
    if expected in (401, 403):
        assert saved() == before


# People


def test_admin_adds_a_person_and_reads_them_back(client, make, as_admin):
    team = make.team(name="Payments")
    manager = make.user(name="Mia Manager")
    body = {
        "email": " Grace@Example.com ",
        "name": "Grace Hopper",
        "roles": ["mentor", "new_hire"],
        "team_id": team.id,
        "title": "Engineer",
        "level": 3,
        "timezone": "America/New_York",
        "work_start": "08:30",
        "work_end": "16:30",
        "start_date": "2026-03-02",
        "manager_id": manager.id,
        "max_mentees": 3,
        "max_open_questions": 4,
        "password": "a long password",
    }
    response = client.post(f"{API}/people", json=body, headers=as_admin)
    assert response.status_code == 201
    created = response.get_json()
    assert created == {
        "id": created["id"],
        "email": "grace@example.com",
        "name": "Grace Hopper",
        "active": True,
        "roles": ["mentor", "new_hire"],
        "team": {"id": team.id, "name": "Payments"},
        "title": "Engineer",
        "level": 3,
        "timezone": "America/New_York",
        "work_start": "08:30:00",
        "work_end": "16:30:00",
        "start_date": "2026-03-02",
        "manager_id": manager.id,
        "max_mentees": 3,
        "max_open_questions": 4,
        "away_from": None,
        "away_until": None,
        "skills": [],
    }
    assert client.get(f"{API}/people/{created['id']}", headers=as_admin).get_json() == created
    assert db.session.get(User, created["id"]).check_password("a long password")


def test_a_new_person_is_a_new_hire_with_defaults(client, as_admin):
    response = client.post(f"{API}/people", json={"email": "lin@example.com", "name": "Lin"}, headers=as_admin)
    person = client.get(f"{API}/people/{response.get_json()['id']}", headers=as_admin).get_json()
    assert person["roles"] == ["new_hire"]
    assert (person["team"], person["timezone"], person["work_start"]) == (None, "UTC", "09:00:00")


def test_a_person_shows_their_skills(client, make, as_new_hire):
    person = make.mentor()
    make.user_skill(person, make.skill("SQL"), SkillKind.TEACH, 4)
    make.user_skill(person, make.skill("Rust"), SkillKind.LEARN, 2)
    skills = client.get(f"{API}/people/{person.id}", headers=as_new_hire).get_json()["skills"]
    assert sorted((s["name"], s["kind"], s["level"]) for s in skills) == [("Rust", "learn", 2), ("SQL", "teach", 4)]


def test_people_are_listed_by_name_filtered_and_paged(client, make, as_admin):
    payments, core = make.team(name="Payments"), make.team(name="Core")
    make.mentor(name="Bea Mentor", team=payments)
    make.user(name="Cal Hire", team=payments)
    make.user(name="Dee Hire", team=core, email="dee@corp.example")

    def names(query: str) -> list[str]:
        response = client.get(f"{API}/people?{query}", headers=as_admin)
        assert response.status_code == 200
        return [person["name"] for person in response.get_json()]

    assert names("") == ["Ada Admin", "Bea Mentor", "Cal Hire", "Dee Hire"]
    assert names(f"team_id={payments.id}") == ["Bea Mentor", "Cal Hire"]
    assert names("role=mentor") == ["Bea Mentor"]
    assert names(f"role=new_hire&team_id={payments.id}") == ["Cal Hire"]
    assert names("q=CORP.example") == ["Dee Hire"]
    assert names("q=hire") == ["Cal Hire", "Dee Hire"]
    assert names("q=%25") == []
    response = client.get(f"{API}/people?page=2&page_size=3", headers=as_admin)
    assert [p["name"] for p in response.get_json()] == ["Dee Hire"]
    pages = json.loads(response.headers["X-Pagination"])
    assert (pages["total"], pages["total_pages"], pages["page"]) == (4, 2, 2)


def test_admin_changes_only_the_fields_sent(client, make, as_admin):
    team = make.team(name="Payments")
    person = make.user(name="Eve", team=team, title="Engineer", level=2)
    url = f"{API}/people/{person.id}"
    before = client.get(url, headers=as_admin).get_json()
    response = client.patch(
        url, json={"title": "Senior engineer", "roles": ["mentor", "lead"], "team_id": None}, headers=as_admin
    )
    assert response.status_code == 200
    expected = {**before, "title": "Senior engineer", "roles": ["lead", "mentor"], "team": None}
    assert response.get_json() == expected
    assert client.get(url, headers=as_admin).get_json() == expected


def test_admin_sets_and_clears_days_away_with_the_other_details(client, make, as_admin):
    response = client.post(
        f"{API}/people",
        json={
            "email": "grace@example.com",
            "name": "Grace",
            "roles": ["mentor"],
            "away_from": "2026-08-01",
            "away_until": "2026-08-14",
        },
        headers=as_admin,
    )
    assert response.status_code == 201
    created = response.get_json()
    assert (created["away_from"], created["away_until"]) == ("2026-08-01", "2026-08-14")
    url = f"{API}/people/{created['id']}"

    response = client.patch(url, json={"title": "Admiral"}, headers=as_admin)
    assert response.get_json() == {**created, "title": "Admiral"}
    response = client.patch(url, json={"away_from": None, "away_until": None, "level": 4}, headers=as_admin)
    assert response.status_code == 200
    assert client.get(url, headers=as_admin).get_json() == {
        **created,
        "title": "Admiral",
        "level": 4,
        "away_from": None,
        "away_until": None,
    }


def test_the_days_away_of_a_person_are_documented(client):
    person_in = client.get(f"{API}/openapi.json").get_json()["components"]["schemas"]["PersonIn"]
    for name in ("away_from", "away_until"):
        field = person_in["properties"][name]
        assert (field["type"], field["format"], field["nullable"]) == ("string", "date", True)
        assert field["description"]
        assert name not in person_in.get("required", [])


def test_an_admin_cannot_take_away_their_own_admin_role(client, make, token, saved):
    admin = make.admin(name="Ada Admin")
    headers = bearer(token(admin))
    before = saved()
    response = client.patch(f"{API}/people/{admin.id}", json={"roles": ["mentor"], "title": "Boss"}, headers=headers)
    fields = assert_error(response, 422, "invalid")
    assert list(fields) == ["roles"]
    assert "cannot remove your own admin role" in fields["roles"][0]
    assert saved() == before
    response = client.patch(f"{API}/people/{admin.id}", json={"roles": ["admin", "mentor"]}, headers=headers)
    assert response.get_json()["roles"] == ["admin", "mentor"]


def test_a_person_sees_and_changes_their_own_profile(client, make, token):
    person = make.mentor(name="Max Mentor", max_mentees=2)
    headers = bearer(token(person))
    url = f"{API}/people/me"
    before = client.get(url, headers=headers).get_json()
    assert (before["id"], before["name"]) == (person.id, "Max Mentor")
    away = {"timezone": "Asia/Tokyo", "away_from": "2026-08-01", "away_until": "2026-08-14"}
    assert client.patch(url, json=away, headers=headers).status_code == 200
    assert client.get(url, headers=headers).get_json() == {**before, **away}
    back = {"away_from": None, "away_until": None, "work_start": "07:00", "work_end": "15:00"}
    assert client.patch(url, json=back, headers=headers).status_code == 200
    assert client.get(url, headers=headers).get_json() == {
        **before,
        "timezone": "Asia/Tokyo",
        "work_start": "07:00:00",
        "work_end": "15:00:00",
    }
    days = {"work_days": [0, 1, 2, 3], "holiday_country": "pt", "holiday_region": ""}
    assert client.patch(url, json=days, headers=headers).status_code == 200
    db.session.expire_all()
    saved = db.session.get(User, person.id)
    assert (saved.work_days, saved.holiday_country, saved.holiday_region, saved.timezone) == (
        "0,1,2,3",
        "PT",
        "",
        "Asia/Tokyo",
    )


# Teams


def test_admin_adds_and_changes_a_team(client, make, as_admin):
    lead = make.mentor(name="Lee Lead")
    response = client.post(f"{API}/teams", json={"name": " Platform ", "lead_id": lead.id}, headers=as_admin)
    assert response.status_code == 201
    team = response.get_json()
    assert team == {"id": team["id"], "name": "Platform", "lead_id": lead.id, "members": []}
    assert "lead" in client.get(f"{API}/people/{lead.id}", headers=as_admin).get_json()["roles"]

    member = make.user(name="Ann Member")
    client.patch(f"{API}/people/{member.id}", json={"team_id": team["id"]}, headers=as_admin)
    response = client.patch(f"{API}/teams/{team['id']}", json={"name": "Core platform"}, headers=as_admin)
    assert response.status_code == 200
    expected = {
        "id": team["id"],
        "name": "Core platform",
        "lead_id": lead.id,
        "members": [{"id": member.id, "name": "Ann Member"}],
    }
    assert client.get(f"{API}/teams/{team['id']}", headers=as_admin).get_json() == expected
    assert client.get(f"{API}/teams", headers=as_admin).get_json() == [
        {"id": team["id"], "name": "Core platform", "lead_id": lead.id}
    ]


# Skills


def test_admin_adds_and_changes_a_skill(client, make, as_admin):
    make.skill("Rust")
    response = client.post(
        f"{API}/skills",
        json={"name": "PostgreSQL", "category": "Databases", "aliases": ["Postgres", "psql"]},
        headers=as_admin,
    )
    assert response.status_code == 201
    skill = response.get_json()
    assert skill == {"id": skill["id"], "name": "PostgreSQL", "category": "Databases", "aliases": ["Postgres", "psql"]}
    assert client.get(f"{API}/skills/{skill['id']}", headers=as_admin).get_json() == skill

    response = client.patch(f"{API}/skills/{skill['id']}", json={"aliases": ["pg"]}, headers=as_admin)
    assert response.status_code == 200
    changed = {**skill, "aliases": ["pg"]}
    assert client.get(f"{API}/skills/{skill['id']}", headers=as_admin).get_json() == changed
    assert [s["name"] for s in client.get(f"{API}/skills", headers=as_admin).get_json()] == ["PostgreSQL", "Rust"]
