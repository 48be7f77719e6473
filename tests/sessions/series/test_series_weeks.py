"""Changing one week or the whole series from its page: skipping, moving, restoring and
cancelling reach people's calendars with a higher SEQUENCE; guests come and go; the lead
sets names and the prompt time."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from sessions.models import SeriesMember, SessionWeek
from sessions.series.schedule import long_date
from tests.sessions.series.scene import TUESDAY, coming, fresh, invites_to, sequence_and_method, set_up, shown, snapshot

# One week


def test_skip_move_and_restore_reach_everyones_calendar(client, auth, cast, jobs, smtp):
    series = set_up(cast, jobs)
    second, third = coming(1, 1), coming(1, 2)
    auth.sign_in(cast.lead)

    skipped = client.post(f"/sessions/{series.id}/weeks/{second}/skip", follow_redirects=True)
    assert shown(skipped.text, f"The week of {long_date(second)} is skipped. Everyone's calendar drops that session.")
    assert re.search(rf'data-day="{second}">\s*<td>[^<]*<span class="tag">Skipped</span>', skipped.text)
    assert fresh(series).sequence == 1

    wednesday = third + timedelta(days=1)
    page = client.get(f"/sessions/{series.id}/weeks/{third}/move").text
    assert f'value="{third}"' in page and 'value="10:00"' in page and 'value="30"' in page
    moved = client.post(
        f"/sessions/{series.id}/weeks/{third}/move",
        data={"date": wednesday.isoformat(), "time": "14:30", "duration_minutes": "45"},
        follow_redirects=True,
    )
    assert shown(moved.text, f"The week of {long_date(third)} is moved. Everyone's calendar gets the new time.")
    assert f"Wednesday {long_date(wednesday)}, 14:30–15:15 (Europe/Berlin)" in moved.text
    week = db.session.scalars(sa.select(SessionWeek).where(SessionWeek.day == third)).one()
    assert (week.moved_start.date(), week.moved_start.time(), week.moved_minutes) == (wednesday, time(14, 30), 45)
    assert fresh(series).sequence == 2

    jobs.run()
    latest = invites_to(smtp, cast.member)[-1]
    assert sequence_and_method(latest) == (2, "REQUEST")
    master, override = latest.walk("VEVENT")
    assert [d.dt.date() for d in master["EXDATE"].dts] == [second]
    assert override["RECURRENCE-ID"].dt.date() == third

    for day in (second, third):
        client.post(f"/sessions/{series.id}/weeks/{day}/restore")
    row = fresh(series)
    assert row.sequence == 4 and [(w.skipped, w.moved_start) for w in row.weeks] == [(False, None), (False, None)]
    jobs.run()
    assert sequence_and_method(invites_to(smtp, cast.member)[-1]) == (4, "REQUEST")
    assert "EXDATE" not in invites_to(smtp, cast.member)[-1].walk("VEVENT")[0]


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"date": TUESDAY.isoformat(), "time": "10:00", "duration_minutes": "0"},
            "A session must last at least one minute.",
        ),
        (
            {"date": TUESDAY.isoformat(), "time": "10:00", "duration_minutes": "600"},
            "A session can last at most 8 hours (480 minutes).",
        ),
        (
            {"date": (date.today() - timedelta(days=1)).isoformat(), "time": "10:00", "duration_minutes": ""},
            "Choose a date and time that are still to come.",
        ),
        (
            {"date": "next week", "time": "10:00", "duration_minutes": ""},
            "Give the date as year-month-day, such as 2026-12-01.",
        ),
    ],
)
def test_a_bad_move_says_why_and_changes_nothing(client, auth, cast, jobs, data, message):
    series = set_up(cast, jobs)
    before, queued = snapshot(series), jobs.count()
    auth.sign_in(cast.lead)
    response = client.post(f"/sessions/{series.id}/weeks/{TUESDAY}/move", data=data)
    assert response.status_code == 400 and shown(response.text, message)
    assert snapshot(series) == before and jobs.count() == queued


@pytest.mark.parametrize(
    "day",
    ["garbage", "2026-02-30", (TUESDAY + timedelta(days=1)).isoformat(), (TUESDAY - timedelta(weeks=1)).isoformat()],
)
def test_a_date_that_is_no_session_of_the_series_is_not_found(client, auth, cast, day):
    series = set_up(cast)
    auth.sign_in(cast.lead)
    assert client.post(f"/sessions/{series.id}/weeks/{day}/skip").status_code == 404
    assert client.get(f"/sessions/{series.id}/weeks/{day}/move").status_code == 404
    assert fresh(series).weeks == []


# The series as a whole


def test_cancelling_needs_the_tick_and_then_ends_the_series_for_everyone(client, auth, cast, jobs, smtp):
    series = set_up(cast, jobs)
    auth.sign_in(cast.lead)
    unticked = client.post(f"/sessions/{series.id}/cancel", follow_redirects=True)
    assert shown(unticked.text, "Tick the box to confirm; the series stays as it is.")
    assert fresh(series).cancelled_at is None and fresh(series).sequence == 0

    done = client.post(f"/sessions/{series.id}/cancel", data={"confirm": "y"}, follow_redirects=True)
    assert "The series is cancelled." in done.text and ">Skip</button>" not in done.text
    row = fresh(series)
    assert row.cancelled_at is not None and row.sequence == 1
    jobs.run()
    for person in (cast.lead, cast.member):
        assert sequence_and_method(invites_to(smtp, person)[-1]) == (1, "CANCEL")
    listed = client.get("/sessions/").text
    assert '<span class="tag">Cancelled</span>' in listed and "None: the series is cancelled" in listed
    assert client.get(f"/sessions/{series.id}/edit", follow_redirects=True).request.path == f"/sessions/{series.id}"


def test_a_guest_is_invited_by_email_and_removed(client, auth, cast, jobs, smtp):
    series = set_up(cast, jobs)
    auth.sign_in(cast.lead)
    added = client.post(f"/sessions/{series.id}/guests", data={"email": " Olli@Example.com "}, follow_redirects=True)
    assert shown(added.text, "Olli Outside is invited as a guest and gets the invite by email.")
    assert re.search(r'Olli Outside <span class="tag">Guest</span>', added.text)
    guest = db.session.scalars(sa.select(SeriesMember).where(SeriesMember.user_id == cast.other_new_hire.id)).one()
    assert (guest.guest, guest.left_at, fresh(series).sequence) == (True, None, 1)
    jobs.run()
    assert [sequence_and_method(c) for c in invites_to(smtp, cast.other_new_hire)] == [(1, "REQUEST")]

    unknown = client.post(f"/sessions/{series.id}/guests", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert shown(unknown.text, "Nobody active in Unstuck has the address nobody@example.com; a guest needs an account.")
    again = client.post(f"/sessions/{series.id}/guests", data={"email": cast.member.email}, follow_redirects=True)
    assert shown(again.text, "Ana Alvarez is already invited.")
    assert fresh(series).sequence == 1

    removed = client.post(f"/sessions/{series.id}/guests/{cast.other_new_hire.id}/remove", follow_redirects=True)
    assert shown(removed.text, "Olli Outside is no longer invited; their calendar gets the cancellation.")
    jobs.run()
    assert sequence_and_method(invites_to(smtp, cast.other_new_hire)[-1]) == (2, "CANCEL")
    assert client.post(f"/sessions/{series.id}/guests/{cast.member.id}/remove").status_code == 404
    auth.sign_out()
    auth.sign_in(cast.other_new_hire)
    assert client.get(f"/sessions/{series.id}").status_code == 404


def test_the_lead_sees_who_cannot_get_invites_and_they_are_not_mailed(client, auth, cast, jobs, smtp, make):
    broken = make.user("Bo Broken", "bo.example.com", team=cast.team)
    series = set_up(cast, jobs)
    auth.sign_in(cast.lead)
    page = client.get(f"/sessions/{series.id}").text
    assert "Bo Broken has no valid email address; they get no invite." in page
    mailed = [address for envelope in smtp.received for address in envelope.rcpt_tos]
    assert cast.member.email in mailed and broken.email not in mailed


def test_the_lead_turns_names_on_and_off(client, auth, cast):
    series = set_up(cast)
    auth.sign_in(cast.lead)
    assert "<strong>anonymous</strong>" in client.get(f"/sessions/{series.id}").text
    shown = client.post(
        f"/sessions/{series.id}/names", data={"shown": "1", "prompt_hours": "24"}, follow_redirects=True
    )
    assert "Learnings now show who wrote them." in shown.text and "<strong>shown with names</strong>" in shown.text
    assert fresh(series).names_shown is True
    client.post(f"/sessions/{series.id}/names", data={"shown": "0", "prompt_hours": "24"})
    assert fresh(series).names_shown is False


def test_the_lead_chooses_how_long_before_people_are_asked_for_learnings(client, auth, cast):
    series = set_up(cast)
    auth.sign_in(cast.lead)
    changed = client.post(
        f"/sessions/{series.id}/names", data={"shown": "0", "prompt_hours": "48"}, follow_redirects=True
    )
    assert "asked for them 48 hours before each session" in changed.text
    assert fresh(series).prompt_hours == 48

    for bad in ("0", "169", "two", ""):
        refused = client.post(f"/sessions/{series.id}/names", data={"shown": "1", "prompt_hours": bad})
        assert refused.status_code == 400
        assert "Give a whole number of hours from 1 to 168 (a week)." in refused.text
        assert (fresh(series).prompt_hours, fresh(series).names_shown) == (48, False)
