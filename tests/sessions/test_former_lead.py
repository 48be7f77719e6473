"""Who organises a team's weekly session and who is invited follows the team as it is now:
a lead moved to another team and replaced loses the old team's sessions at once (series,
agenda, votes, calendar feed), their calendar gets the cancellation, and the new lead is
named as organizer in everyone's calendar."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db, utcnow
from app.people.models import Role
from sessions.models import SessionSeries
from sessions.series import feed
from tests.security.access_scene import api_headers
from tests.sessions.test_invites import calendar_part, ics, inbox, master, read
from tests.sessions.weekly import weekly_series

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def teams(make, jobs, smtp):
    """Payments, which Fred leads and whose series he set up (invites sent); Platform, led
    by Otto; Lena, a member of Payments about to become its lead; Ada, an admin."""
    fred = make.user("Fred Former", "fred@example.com", roles=(Role.LEAD,))
    otto = make.user("Otto Other", "otto@example.com", roles=(Role.LEAD,))
    payments, platform = make.team("Payments", lead=fred), make.team("Platform", lead=otto)
    fred.team, otto.team = payments, platform
    db.session.commit()
    lena = make.user("Lena Lead", "lena@example.com", team=payments)
    ana = make.user("Ana Álvarez", "ana@example.com", team=payments)
    ada = make.admin(name="Ada Admin", email="ada@example.com")
    today = utcnow().astimezone(BERLIN).date()
    series_id = weekly_series(payments.id, fred.id, today - timedelta(weeks=1))
    db.session.commit()
    jobs.run()
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages()) == [
        "ana@example.com",
        "fred@example.com",
        "lena@example.com",
    ]
    return dict(
        fred=fred,
        otto=otto,
        lena=lena,
        ana=ana,
        ada=ada,
        payments=payments,
        platform=platform,
        series=db.session.get(SessionSeries, series_id),
        today=today,
    )


def move_fred_and_make_lena_lead(client, t) -> None:
    """An admin moves Fred to Platform and makes Lena the lead of Payments, through the API."""
    admin = api_headers(t["ada"])
    assert (
        client.patch(f"/api/v1/people/{t['fred'].id}", json={"team_id": t["platform"].id}, headers=admin).status_code
        == 200
    )
    assert (
        client.patch(f"/api/v1/teams/{t['payments'].id}", json={"lead_id": t["lena"].id}, headers=admin).status_code
        == 200
    )


def test_a_former_lead_loses_the_old_teams_sessions_at_once(app, client, auth, jobs, smtp, teams):
    t = teams
    series, week = t["series"], t["today"] - timedelta(weeks=1)
    token = feed.new_token(t["fred"].id)
    db.session.commit()
    pages = [
        f"/sessions/{series.id}",
        f"/sessions/{series.id}/weeks/{week.isoformat()}",
        f"/sessions/{series.id}/weeks/{week.isoformat()}/run",
        f"/sessions/{series.id}/history",
    ]
    auth.sign_in(t["fred"])
    assert all(client.get(url).status_code == 200 for url in pages)
    assert series.uid.encode() in client.get(f"/sessions/feed/{token}.ics").data

    move_fred_and_make_lena_lead(client, t)
    # At once, before any job has run: nothing rests on who set the series up.
    auth.sign_out()
    auth.sign_in(t["fred"])
    assert [client.get(url).status_code for url in pages] == [404] * len(pages)
    assert "What did we learn?" not in client.get("/sessions/").text
    votes = client.post(f"/sessions/{series.id}/weeks/{week.isoformat()}/run/votes", data={})
    assert votes.status_code == 404
    assert series.uid.encode() not in client.get(f"/sessions/feed/{token}.ics").data

    # The calendars catch up: Fred's gets the cancellation, everyone else's names Lena.
    jobs.run()
    [invite, cancel] = inbox(smtp, "fred@example.com")
    assert (
        calendar_part(cancel).get_param("method") == "CANCEL" and cancel["Subject"] == "Cancelled: What did we learn?"
    )
    for email in ("ana@example.com", "lena@example.com"):
        latest = inbox(smtp, email)[-1]
        event = master(read(ics(latest)))
        assert calendar_part(latest).get_param("method") == "REQUEST"
        assert event["ORGANIZER"].params["CN"] == "Lena Lead"
        assert "fred@example.com" not in [str(a).removeprefix("mailto:") for a in event.get("ATTENDEE", [])]
    auth.sign_out()
    auth.sign_in(t["lena"])
    page = client.get(f"/sessions/{series.id}")
    assert page.status_code == 200 and "Organised by Lena Lead." in page.text
    assert client.get(f"/sessions/{series.id}/edit").status_code == 200


def test_a_lead_replaced_but_still_in_the_team_stays_invited_as_a_member(app, client, auth, jobs, smtp, teams):
    t = teams
    admin = api_headers(t["ada"])
    assert (
        client.patch(f"/api/v1/teams/{t['payments'].id}", json={"lead_id": t["lena"].id}, headers=admin).status_code
        == 200
    )
    jobs.run()
    auth.sign_in(t["fred"])
    assert client.get(f"/sessions/{t['series'].id}").status_code == 200
    assert client.get(f"/sessions/{t['series'].id}/edit").status_code == 403
    latest = inbox(smtp, "fred@example.com")[-1]
    assert calendar_part(latest).get_param("method") == "REQUEST"
    assert master(read(ics(latest)))["ORGANIZER"].params["CN"] == "Lena Lead"


def test_a_former_lead_who_answered_a_question_no_longer_reads_it_anywhere(app, client, auth, jobs, smtp, teams):
    """Fred answered Ana's question as Payments' lead (nobody routed it to him). Once he has
    moved on, the question's title leaves his feedback page, and Ana's follow-ups no longer
    reach him by mail."""
    from app.help import thread
    from tests.help.threads import question

    t = teams
    asked = question(t["ana"], goal="Why does the payroll export fail?", stuck="Private details")
    thread.post_answer(asked.id, t["fred"].id, "Look at the export's logs.")
    db.session.commit()  # the test owns its transaction, as a request would
    jobs.run()
    auth.sign_in(t["fred"])
    assert asked.goal in client.get("/feedback/").text
    thread.post_answer(asked.id, t["ana"].id, "Which logs?")  # Fred hears of it while he leads
    db.session.commit()  # the test owns its transaction, as a request would
    jobs.run()
    assert any(asked.goal in m["Subject"] for m in inbox_all(smtp, "fred@example.com"))

    move_fred_and_make_lena_lead(client, t)
    jobs.run()
    before = len(inbox_all(smtp, "fred@example.com"))
    assert asked.goal not in client.get("/feedback/").text
    assert client.get(f"/help/questions/{asked.id}").status_code == 404
    thread.post_answer(asked.id, t["ana"].id, "Found them, thanks.")
    db.session.commit()  # the test owns its transaction, as a request would
    jobs.run()
    assert [m for m in inbox_all(smtp, "fred@example.com")[before:] if asked.goal in m["Subject"]] == []


def inbox_all(smtp, email: str) -> list:
    return [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == email]
