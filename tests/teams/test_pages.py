"""The Teams pages: a person pastes (and removes) the address of their own notices; a team's
lead or an admin, the team's. A refused address gets the reason on the form (422) and saves
nothing; a saved one is shown only masked; others may not touch a team's (403); forms need
their CSRF token."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.teams.models import TeamsWebhook
from tests.sessions.learnings.scene import make_scene

GOOD = "https://prod-23.westeurope.logic.azure.com:443/workflows/0a1b2c/triggers/manual/paths/invoke?sig=Zx9Secret4242"


def webhooks() -> list[tuple]:
    db.session.expire_all()
    return [
        (w.user_id, w.team_id, w.url, w.set_by_id)
        for w in db.session.scalars(sa.select(TeamsWebhook).order_by(TeamsWebhook.id))
    ]


@pytest.fixture
def production_hosts(app):
    """Addresses checked as in production: Microsoft's hosts, over https."""
    app.config["TEAMS_ALLOW_ANY_HOST"] = False


@pytest.fixture
def s(make):
    return make_scene(make)


def test_a_person_pastes_their_address_and_sees_it_masked(client, auth, make, production_hosts):
    nina = make.user(name="Nina New", email="nina@example.com")
    auth.sign_in(nina)
    choices = client.get("/profile/notices").get_data(as_text=True)
    assert 'href="/profile/notices/microsoft-teams"' in choices
    assert "Microsoft Teams" in choices and 'id="not-ready-teams"' in choices
    assert 'id="no-url"' in client.get("/profile/notices/microsoft-teams").get_data(as_text=True)

    response = client.post("/profile/notices/microsoft-teams", data={"url": f"  {GOOD} "})
    assert response.status_code == 302 and response.headers["Location"] == "/profile/notices"
    assert webhooks() == [(nina.id, None, GOOD, nina.id)]
    page = client.get("/profile/notices/microsoft-teams").get_data(as_text=True)
    assert "https://prod-23.westeurope.logic.azure.com/…4242" in page
    assert "Zx9Secret" not in page and "0a1b2c" not in page
    assert 'id="not-ready-teams"' not in client.get("/profile/notices").get_data(as_text=True)

    assert client.post("/profile/notices/microsoft-teams/remove").status_code == 302
    assert webhooks() == []


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://evil.example.com/hook", "Microsoft&#39;s webhook hosts"),
        ("http://prod-23.westeurope.logic.azure.com/workflows/x", "must start with https://"),
        ("", "Paste the address"),
    ],
)
def test_a_refused_address_gets_the_reason_and_saves_nothing(client, auth, make, production_hosts, url, says):
    nina = make.user(name="Nina New", email="nina@example.com")
    auth.sign_in(nina)
    response = client.post("/profile/notices/microsoft-teams", data={"url": url})
    assert response.status_code == 422
    assert says in response.get_data(as_text=True)
    assert webhooks() == []


def test_a_new_address_replaces_the_old_one(client, auth, make):
    nina = make.user(name="Nina New", email="nina@example.com")
    auth.sign_in(nina)
    client.post("/profile/notices/microsoft-teams", data={"url": "http://127.0.0.1:9/first"})
    client.post("/profile/notices/microsoft-teams", data={"url": GOOD})
    assert webhooks() == [(nina.id, None, GOOD, nina.id)]


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_the_lead_or_an_admin_sets_the_teams_address(client, auth, s, production_hosts, who):
    person = s.person(who)
    auth.sign_in(person)
    url = f"/teams/{s.team.id}/microsoft-teams"
    assert "Payments in Microsoft Teams" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"url": "https://evil.example.com/x"}).status_code == 422
    assert webhooks() == []

    assert client.post(url, data={"url": GOOD}).status_code == 302
    assert webhooks() == [(None, s.team.id, GOOD, person.id)]
    page = client.get(url).get_data(as_text=True)
    assert "…4242" in page and "Zx9Secret" not in page
    assert client.post(f"{url}/remove").status_code == 302
    assert webhooks() == []


@pytest.mark.parametrize("who", ["ana", "other_lead", "outsider"])
def test_nobody_else_may_see_or_set_the_teams_address(client, auth, s, who):
    db.session.add(TeamsWebhook(team_id=s.team.id, url=GOOD, set_by_id=s.lead.id))
    db.session.commit()
    auth.sign_in(s.person(who))
    url = f"/teams/{s.team.id}/microsoft-teams"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"url": "http://127.0.0.1:9/mine"}).status_code == 403
    assert client.post(f"{url}/remove").status_code == 403
    assert webhooks() == [(None, s.team.id, GOOD, s.lead.id)]
    assert client.get("/teams/999999/microsoft-teams").status_code == 404


def test_the_lead_finds_the_page_from_the_series_and_an_admin_from_the_team(client, auth, s):
    auth.sign_in(s.lead)
    series = client.get(f"/sessions/{s.series.id}").get_data(as_text=True)
    assert f'href="/teams/{s.team.id}/microsoft-teams"' in series
    auth.sign_out()
    auth.sign_in(s.ana)
    assert "microsoft-teams" not in client.get(f"/sessions/{s.series.id}").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in(s.admin)
    assert f'href="/teams/{s.team.id}/microsoft-teams"' in client.get(f"/admin/teams/{s.team.id}").get_data(
        as_text=True
    )


def test_the_forms_need_their_csrf_token(app, client, auth, s):
    for person, url in [
        (s.ana, "/profile/notices/microsoft-teams"),
        (s.lead, f"/teams/{s.team.id}/microsoft-teams"),
    ]:
        app.config["WTF_CSRF_ENABLED"] = False
        auth.sign_in(person)
        app.config["WTF_CSRF_ENABLED"] = True
        assert client.post(url, data={"url": GOOD}).status_code == 400
        assert webhooks() == []
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True))
        assert client.post(url, data={"url": GOOD, "csrf_token": token.group(1)}).status_code == 302
        assert client.post(f"{url.rstrip('/')}/remove").status_code == 400  # no token
        assert len(webhooks()) == 1
        db.session.execute(sa.delete(TeamsWebhook))
        db.session.commit()
        app.config["WTF_CSRF_ENABLED"] = False
        auth.sign_out()
