"""Who may see and drive a running retro, its history and its summary: the lead and admins
drive it, invitees follow and vote, people outside the series get a 404."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from sessions.models import ActionItem
from sessions.retro import services as running
from tests.sessions.retro.scene import (
    Browser,
    Scene,
    client_for,
    learning,
    make_scene,
    phase_of,
    run_to,
    run_with_services,
    text,
    url,
)

# -- who may -------------------------------------------------------------------------------------

PAGES = ["run", "history", "summary"]
SEE = [("lead", 200), ("admin", 200), ("ana", 200), ("outsider", 404)]


@pytest.fixture
def closed(app, s):
    week = run_with_services(s, s.days[1], "discuss")
    learning(s, s.days[1], s.ana, "learned", "Secret sauce")
    running.close(week.id, [s.ana.id])
    db.session.commit()
    return s.days[1]


def page_url(s: Scene, page: str, day: date) -> str:
    return f"/sessions/{s.series_id}/history" if page == "history" else url(s, day, page)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who, status", SEE)
def test_who_sees_the_pages(app, s, closed, page, who, status):
    response = client_for(app, getattr(s, who)).get(page_url(s, page, closed))
    assert response.status_code == status
    if status == 404:
        assert "Secret sauce" not in text(response)


@pytest.mark.parametrize("page", PAGES)
def test_signed_out_people_are_sent_to_sign_in(app, s, closed, page):
    response = Browser(app).get(page_url(s, page, closed))
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_session_not_closed_has_no_summary(app, s):
    lead = client_for(app, s.lead)
    run_to(lead, s, s.days[2], "read")
    assert lead.get(url(s, s.days[2], "summary")).status_code == 404


LEAD_ONLY = [
    ("run/start", {}),
    ("run/phase", {"seen": "review", "to": "read"}),
    ("run/group", {"item": 1, "into": 2}),
    ("run/ungroup", {"item": 1}),
    ("run/actions", {"text": "x", "owner": 1, "due": "2099-01-01"}),
    ("run/close", {"attended": [1]}),
]


@pytest.mark.parametrize("tail, data", LEAD_ONLY)
@pytest.mark.parametrize("who, status", [("ana", 403), ("outsider", 404)])
def test_only_the_lead_drives_the_session(app, s, tail, data, who, status):
    day = s.days[2]
    run_with_services(s, day, "review")
    response = client_for(app, getattr(s, who)).post(url(s, day, tail), data=data)
    assert response.status_code == status
    assert phase_of(s, day) == "review"


def test_the_admin_may_drive_the_session(app, s):
    admin = client_for(app, s.admin)
    run_to(admin, s, s.days[2], "read")


def test_an_action_item_of_another_series_is_not_found(app, make, s):
    week = run_with_services(s, s.days[0], "discuss")
    action = running.add_action(week.id, s.lead.id, "Fix the flaky login test", s.ana.id, s.today)
    db.session.commit()
    other = make_scene(make)
    assert client_for(app, other.lead).post(f"/sessions/actions/{action}/done").status_code == 404
    assert client_for(app, s.lead).post("/sessions/actions/999999/done").status_code == 404
    assert db.session.get(ActionItem, action).done_at is None


def test_the_forms_need_their_csrf_token(app, s):
    day = s.days[2]
    lead = client_for(app, s.lead)
    app.config["WTF_CSRF_ENABLED"] = True
    assert lead.post(url(s, day, "run/start")).status_code == 400
    assert phase_of(s, day) is None
    page = text(lead.get(url(s, day)))
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    assert lead.post(url(s, day, "run/start"), data={"csrf_token": token}).status_code == 302
    assert phase_of(s, day) == "review"


def test_learning_text_is_escaped_on_the_run_page(app, s):
    day = s.days[2]
    learning(s, day, s.ana, "stuck", "<script>alert('x')</script> & <b>bold</b>")
    lead = client_for(app, s.lead)
    run_to(lead, s, day, "read")
    raw = lead.get(url(s, day)).get_data(as_text=True)
    assert "<script>alert" not in raw and "&lt;script&gt;alert" in raw
