"""The people, teams and skills API on bad input: the right status and error body, and
nothing saved."""

import pytest

from app.extensions import db
from app.people.models import Role, User
from tests.api.conftest import API, assert_error, bearer

# Bad input: the right status and error body, and nothing saved

MISSING = "Missing data for required field."
UNKNOWN = "Unknown field."

BAD_INPUT = [
    # method, path, body, status, fields (name -> part of the message)
    ("POST", "/people", "{not json", 400, {}),
    ("PATCH", "/people/me", '{"timezone": ', 400, {}),
    ("POST", "/people", ["a list"], 422, {"_schema": "Invalid input type"}),
    ("POST", "/people", {"name": "No Email"}, 422, {"email": MISSING}),
    (
        "POST",
        "/people",
        {"email": "x@example.com", "name": "X", "level": "high", "roles": ["boss"]},
        422,
        {"level": "Not a valid integer", "roles.0": "Must be one of"},
    ),
    ("POST", "/people", {"email": "x@example.com", "name": "X", "password_hash": "x"}, 422, {"password_hash": UNKNOWN}),
    (
        "POST",
        "/people",
        {"email": "TAKEN@example.com", "name": "Twin"},
        422,
        {"email": "Someone already uses taken@example.com"},
    ),
    (
        "POST",
        "/people",
        {"email": "not an email", "name": "X", "timezone": "Mars/Olympus"},
        422,
        {"email": "not a valid email", "timezone": "not a known time zone"},
    ),
    (
        "PATCH",
        "/people/{person}",
        {"work_start": "18:00", "work_end": "09:00"},
        422,
        {"work_end": "start before they end"},
    ),
    (
        "PATCH",
        "/people/{person}",
        {"team_id": 999999, "level": 9},
        422,
        {"team_id": "no such team", "level": "from 1 to 5"},
    ),
    ("PATCH", "/people/{person}", {"email": None}, 422, {"email": "may not be null"}),
    (
        "PATCH",
        "/people/{person}",
        {"away_from": "2026-08-10", "away_until": "2026-08-01"},
        422,
        {"away_until": "cannot be before its start"},
    ),
    (
        "POST",
        "/people",
        {
            "email": "x@example.com",
            "name": "X",
            "away_from": "soon",
            "away_until": "2026-08-01",
            "timezone": "Mars/Olympus",
        },
        422,
        {"away_from": "Not a valid date"},
    ),
    (
        "POST",
        "/people",
        {
            "email": "x@example.com",
            "name": "X",
            "away_from": "2026-08-10",
            "away_until": "2026-08-01",
            "timezone": "Mars/Olympus",
        },
        422,
        {"away_until": "cannot be before its start", "timezone": "not a known time zone"},
    ),
    ("PATCH", "/people/me", {"roles": ["admin"]}, 422, {"roles": UNKNOWN}),
    ("PATCH", "/people/me", {"work_start": "17:00", "work_end": "09:00"}, 422, {"work_end": "start before they end"}),
    (
        "PATCH",
        "/people/me",
        {"away_from": "2026-08-10", "away_until": "2026-08-01"},
        422,
        {"away_until": "cannot be before its start"},
    ),
    ("PATCH", "/people/me", {"work_start": "25:00"}, 422, {"work_start": "Not a valid time"}),
    ("PATCH", "/people/me", {"work_days": []}, 422, {"work_days": "Length must be between 1 and 7"}),
    ("PATCH", "/people/me", {"work_days": [0, 7]}, 422, {"work_days.1": "less than or equal to 6"}),
    ("PATCH", "/people/me", {"holiday_country": "XX"}, 422, {"holiday_country": "public holidays of 'XX'"}),
    (
        "PATCH",
        "/people/me",
        {"holiday_country": "DE", "holiday_region": "ZZ"},
        422,
        {"holiday_region": "DE has no region 'ZZ'"},
    ),
    ("POST", "/teams", {"name": "payments"}, 422, {"name": "already a team"}),
    ("POST", "/teams", {"name": "Ops", "lead_id": 999999}, 422, {"lead_id": "no such person"}),
    ("PATCH", "/teams/{team}", {"name": "  "}, 422, {"name": "needs a name"}),
    ("POST", "/skills", {"name": "postgres"}, 422, {"name": "already a skill or an alias"}),
    ("POST", "/skills", {"name": "Go", "aliases": [7]}, 422, {"aliases.0": "Not a valid string"}),
    ("PATCH", "/skills/{skill}", {"aliases": ["SQL"]}, 422, {"aliases": "already names another"}),
    ("GET", "/people?page=0", None, 422, {"page": "greater than or equal to 1"}),
    ("GET", "/people?role=boss", None, 422, {"role": "Must be one of"}),
    ("GET", "/people/999999", None, 404, {}),
    ("PATCH", "/people/999999", {"title": "x"}, 404, {}),
    ("GET", "/teams/999999", None, 404, {}),
    ("PATCH", "/teams/999999", {"name": "x"}, 404, {}),
    ("GET", "/skills/999999", None, 404, {}),
    ("PATCH", "/skills/999999", {"name": "x"}, 404, {}),
]
CODES = {400: "bad_request", 404: "not_found", 422: "invalid"}


@pytest.mark.parametrize(
    "method, path, body, status, fields", BAD_INPUT, ids=[f"{m} {p} {s}" for m, p, _, s, _ in BAD_INPUT]
)
def test_bad_input_is_answered_and_nothing_is_saved(client, make, as_admin, saved, method, path, body, status, fields):
    team = make.team(name="Payments")
    person = make.user(email="taken@example.com", team=team)
    skill = make.skill("PostgreSQL", aliases=["Postgres"])
    make.skill("SQL")
    url = API + path.format(person=person.id, team=team.id, skill=skill.id)
    if isinstance(body, str):  # sent as it is, so that it can be broken JSON
        sent = {"data": body, "content_type": "application/json"}
    else:
        sent = {"json": body}
    before = saved()
    response = client.open(url, method=method, headers=as_admin, **sent)
    messages = assert_error(response, status, CODES[status])
    assert set(messages) == set(fields)
    for name, part in fields.items():
        assert any(part.lower() in message.lower() for message in messages[name]), messages[name]
    assert saved() == before
    assert not (db.session.new or db.session.dirty or db.session.deleted)


@pytest.mark.parametrize("method, path", [("POST", "/people"), ("PATCH", "/people/me"), ("POST", "/skills")])
def test_a_body_over_the_limit_is_refused(app, client, as_admin, saved, method, path):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    before = saved()
    body = {"email": "big@example.com", "name": "B" * 2000, "timezone": "Europe/Berlin"}
    if path == "/skills":
        body = {"name": "Big", "aliases": ["a" * 50] * 40}
    elif path == "/people/me":
        body = {"timezone": "Europe/Berlin" + " " * 2000}
    response = client.open(API + path, method=method, json=body, headers=as_admin)
    assert assert_error(response, 413, "too_large") == {}
    assert saved() == before


def test_a_new_hire_cannot_make_themselves_admin(client, make, token, saved):
    person = make.user()
    headers = bearer(token(person))
    before = saved()
    response = client.patch(f"{API}/people/{person.id}", json={"roles": ["admin"]}, headers=headers)
    assert assert_error(response, 403, "forbidden") == {}
    assert saved() == before
    db.session.expire_all()
    assert db.session.get(User, person.id).roles == {Role.NEW_HIRE}
