"""Setting up and changing a series through its pages: a lead sets up the team's weekly
series and everyone gets the invite; bad input is refused with a message by its field and
saves nothing; a change of time reaches everyone's calendar."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db
from sessions.models import SeriesMember, SessionSeries
from sessions.series import services
from sessions.series.schedule import long_date
from tests.sessions.series.scene import (
    TUESDAY,
    coming,
    count,
    form,
    fresh,
    invites_to,
    sequence_and_method,
    set_up,
    shown,
    snapshot,
)

# Setting up


def test_a_lead_sets_up_a_series_and_everyone_in_the_team_gets_the_invite(client, auth, cast, jobs, smtp):
    auth.sign_in(cast.lead)
    page = client.get("/sessions/new").text
    assert 'value="Europe/Berlin"' in page and "For the team <strong>Payments</strong>" in page

    response = client.post("/sessions/new", data=form())
    [series] = db.session.scalars(sa.select(SessionSeries)).all()
    assert response.status_code == 302 and response.headers["Location"] == f"/sessions/{series.id}"
    assert (
        series.team_id,
        series.organizer.id,
        series.title,
        series.weekday,
        series.start_time,
        series.duration_minutes,
        series.timezone,
        series.first_date,
        series.until,
        series.location,
    ) == (
        cast.team.id,
        cast.lead.id,
        "What did we learn?",
        1,
        time(10),
        30,
        "Europe/Berlin",
        TUESDAY,
        None,
        "https://meet.example.com/retro",
    )
    assert {m.user_id for m in series.members} == {cast.lead.id, cast.member.id}

    page = client.get(response.headers["Location"]).text
    assert shown(page, "The series is saved. Everyone in Payments gets an invite by email.")
    assert f"Tuesday {long_date(TUESDAY)}, 10:00–10:30 (Europe/Berlin)" in page

    jobs.run()
    for person in (cast.lead, cast.member):
        [invite] = invites_to(smtp, person)
        assert sequence_and_method(invite) == (0, "REQUEST")
    assert invites_to(smtp, cast.other_new_hire) == []


def test_an_admin_chooses_the_team_and_its_lead_organises(client, auth, cast):
    auth.sign_in(cast.admin)
    page = client.get(f"/sessions/new?team_id={cast.team.id}").text
    assert f'<option selected value="{cast.team.id}">Payments</option>' in page
    assert client.post("/sessions/new", data=form(team_id=str(cast.team.id))).status_code == 302
    series = db.session.scalars(sa.select(SessionSeries)).one()
    assert (series.team_id, series.organizer.id) == (cast.team.id, cast.lead.id)


def test_a_lead_of_two_teams_chooses_one(client, auth, cast, make):
    second = make.team("Checkout", lead=cast.lead)
    auth.sign_in(cast.lead)
    page = client.get("/sessions/new").text
    assert '<select id="team_id" name="team_id">' in page and ">Checkout</option>" in page
    assert client.post("/sessions/new", data=form(team_id=str(second.id))).status_code == 302
    assert db.session.scalars(sa.select(SessionSeries.team_id)).all() == [second.id]


def test_a_lead_cannot_set_up_a_series_for_another_team(client, auth, cast):
    auth.sign_in(cast.lead)
    platform = cast.other_lead.team
    assert client.post("/sessions/new", data=form(team_id=str(platform.id))).status_code == 302
    assert db.session.scalars(sa.select(SessionSeries.team_id)).all() == [cast.team.id]


BAD_INPUT = [
    ("timezone", "Europe/Berlinn", "'Europe/Berlinn' is not a known time zone (use a name such as Europe/Berlin)."),
    (
        "until",
        (TUESDAY - timedelta(days=7)).isoformat(),
        f"The end date ({long_date(TUESDAY - timedelta(days=7))}) is before the first date ({long_date(TUESDAY)}).",
    ),
    ("duration_minutes", "0", "A session must last at least one minute."),
    ("duration_minutes", "481", "A session can last at most 8 hours (480 minutes)."),
    ("duration_minutes", "half an hour", "Give the length in whole minutes, such as 30."),
    ("start_time", "25:00", "Give the time as hours and minutes, such as 10:00."),
    ("first_date", "", "Give the date as year-month-day, such as 2026-12-01."),
    ("title", "   ", "Give the session a title."),
]


@pytest.mark.parametrize("name, value, message", BAD_INPUT)
def test_bad_input_is_named_by_its_field_and_saves_nothing(client, auth, cast, jobs, name, value, message):
    auth.sign_in(cast.lead)
    queued = jobs.count()
    response = client.post("/sessions/new", data={**form(location="Room <Fjord>"), name: value})
    assert response.status_code == 400
    assert f'<p class="error" role="alert">{escape(message)}</p>' in response.text
    assert 'value="Room &lt;Fjord&gt;"' in response.text  # what was typed stays
    assert count(SessionSeries) == count(SeriesMember) == 0
    assert jobs.count() == queued


@pytest.mark.parametrize("name, value, message", BAD_INPUT)
def test_a_bad_change_keeps_the_series_as_it_was(client, auth, cast, jobs, smtp, name, value, message):
    series = set_up(cast, jobs)
    before, mails = snapshot(series), len(smtp.received)
    auth.sign_in(cast.lead)
    response = client.post(f"/sessions/{series.id}/edit", data={**form(location="Room <Fjord>"), name: value})
    assert response.status_code == 400 and f'<p class="error" role="alert">{escape(message)}</p>' in response.text
    assert 'value="Room &lt;Fjord&gt;"' in response.text
    assert snapshot(series) == before
    jobs.run()
    assert len(smtp.received) == mails


def test_a_change_of_time_updates_everyones_calendar_and_asks_again(client, auth, cast, jobs, smtp):
    series = set_up(cast, jobs)
    member = next(m for m in series.members if m.user_id == cast.member.id)
    member.partstat = "ACCEPTED"
    db.session.commit()
    auth.sign_in(cast.lead)
    response = client.post(f"/sessions/{series.id}/edit", data=form(start_time="11:15"), follow_redirects=True)
    assert shown(response.text, "The series is changed. Everyone's calendar gets the update.")
    row = fresh(series)
    assert (row.start_time, row.sequence) == (time(11, 15), 1)
    assert {m.partstat for m in row.members} == {"NEEDS-ACTION"}
    jobs.run()
    assert [sequence_and_method(c) for c in invites_to(smtp, cast.member)] == [(0, "REQUEST"), (1, "REQUEST")]

    again = client.post(f"/sessions/{series.id}/edit", data=form(start_time="11:15"), follow_redirects=True)
    assert "Nothing changed." in again.text and fresh(series).sequence == 1


def test_a_new_weekday_drops_the_changes_made_to_single_weeks_and_says_so(client, auth, cast):
    series = set_up(cast)
    skipped = coming(1, 1)
    services.skip_week(series.id, skipped)
    db.session.commit()
    auth.sign_in(cast.lead)
    response = client.post(f"/sessions/{series.id}/edit", data=form(weekday="3"), follow_redirects=True)
    assert shown(response.text, f"The change made for the week of {long_date(skipped)} no longer applies.")
    row = fresh(series)
    assert (row.weekday, [w.skipped for w in row.weeks], row.sequence) == (3, [False], 2)


def test_a_start_time_a_clock_change_skips_or_repeats_is_saved_and_said(client, auth, cast):
    auth.sign_in(cast.lead)
    sunday = coming(6)
    response = client.post(
        "/sessions/new",
        data=form(weekday="6", start_time="02:30", first_date=sunday.isoformat()),
        follow_redirects=True,
    )
    page = response.text
    assert response.status_code == 200
    assert re.search(r"02:30 does not exist on \d+ March \d{4} in Europe/Berlin; the session starts at 03:30\.", page)
    assert re.search(
        r"02:30 occurs twice on \d+ October \d{4} in Europe/Berlin; "
        r"the session starts at the first 02:30 \(CEST\)\.",
        page,
    )
    series = db.session.scalars(sa.select(SessionSeries)).one()
    assert (series.weekday, series.start_time) == (6, time(2, 30))
