"""Who may deactivate whom: an admin never themselves, nobody but admins, and bad input is
refused with nothing changed."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.people.models import User
from tests.leavers.scene import signed_in, subjects, token_of
from tests.security.access_scene import Browser

API = "/api/v1/people"


def patch(app, person_id, body, headers):
    return Browser(app).open(f"{API}/{person_id}", method="PATCH", json=body, headers=headers)


def active(person: User) -> bool:
    db.session.expire_all()
    return db.session.get(User, person.id).active


def test_an_admin_cannot_deactivate_themselves_on_the_page(app, office, smtp, jobs):
    admin = Browser(app, office.admin)
    asked = admin.get(f"/admin/people/{office.admin.id}/deactivate").get_data(as_text=True)
    assert "You cannot deactivate yourself" in asked and "Deactivate Ann Admin</button>" not in asked
    response = admin.post(f"/admin/people/{office.admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate yourself." in response.get_data(as_text=True)
    jobs.run()
    assert active(office.admin) and signed_in(admin)
    assert subjects(smtp, office.admin) == []


def test_an_admin_cannot_deactivate_themselves_through_the_api(app, office):
    token = token_of(office.admin)
    response = patch(app, office.admin.id, {"active": False}, token)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"active": ["You cannot deactivate yourself."]}
    assert active(office.admin)
    assert Browser(app).get(f"{API}/me", headers=token).status_code == 200  # the token still works


def test_only_admins_deactivate_people(app, office, jobs):
    response = patch(app, office.mia.id, {"active": False}, token_of(office.max))
    assert response.status_code == 403
    assert Browser(app, office.mia).post(f"/admin/people/{office.max.id}/deactivate").status_code == 403
    jobs.run()
    assert active(office.mia) and active(office.max)


@pytest.mark.parametrize("value", ["soon", 3, None, [False]])
def test_an_active_that_is_no_yes_or_no_is_refused(app, office, value):
    response = patch(app, office.mia.id, {"active": value}, token_of(office.admin))
    assert response.status_code == 422
    assert "active" in response.get_json()["error"]["fields"]
    assert active(office.mia)


def test_nobody_is_not_found(app, office):
    assert patch(app, 999_999, {"active": False}, token_of(office.admin)).status_code == 404
    assert Browser(app, office.admin).get("/admin/people/999999/deactivate").status_code == 404
