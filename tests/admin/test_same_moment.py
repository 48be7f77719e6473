"""Two admins saving the same new skill at the same moment: the database keeps one, and the
other is told plainly that someone saved the same thing meanwhile (a 409), not a 500."""

from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db
from app.people.models import Skill
from tests.api.conftest import bearer
from tests.lock_waits import device, together


def test_the_same_skill_added_twice_at_once_is_one_skill_and_a_clear_conflict(app, make):
    admins = [device(app, make.admin(name=name)) for name in ("Ada Admin", "Bea Admin")]

    answers = together(
        db.engine,
        Skill.__table__,
        [lambda tab=tab: tab.post("/admin/skills/new", data={"name": "Kafka", "category": "Data"}) for tab in admins],
    )

    assert sorted(a.status_code for a in answers) == [302, 409]
    conflict = next(a for a in answers if a.status_code == 409)
    assert "saved the same thing at the same moment" in conflict.text and "Nothing you sent was saved" in conflict.text
    db.session.expire_all()
    assert db.session.scalars(sa.select(Skill.name)).all() == ["Kafka"]


def test_the_api_answers_such_a_conflict_with_a_json_409(app, make):
    headers = [bearer(ApiToken.issue(make.admin(name=name), "laptop")[1]) for name in ("Ada Admin", "Bea Admin")]
    db.session.commit()
    client = app.test_client()
    for h in headers:  # a token's first call writes when it was used: done before the race
        assert client.get("/api/v1/skills", headers=h).status_code == 200

    answers = together(
        db.engine,
        Skill.__table__,
        [lambda h=h: client.post("/api/v1/skills", json={"name": "Kafka"}, headers=h) for h in headers],
    )

    assert sorted(a.status_code for a in answers) == [201, 409]
    conflict = next(a for a in answers if a.status_code == 409).get_json()
    assert conflict["error"]["code"] == "conflict"
    assert "saved the same thing at the same moment" in conflict["error"]["message"]
    db.session.expire_all()
    assert db.session.scalars(sa.select(Skill.name)).all() == ["Kafka"]
