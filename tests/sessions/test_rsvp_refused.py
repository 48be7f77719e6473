"""Calendar answers that change nothing: an answer for another event, to an older time, for
someone else, for a day that is no session, from a stranger or someone no longer invited,
or a reply without a calendar; the person hears why."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

import pytest

from app.extensions import db
from app.mail.models import IncomingMail, IncomingStatus
from sessions.jobs import upkeep
from sessions.models import SessionSeries
from sessions.series import services
from tests.sessions.replies import calendars, mails
from tests.sessions.rsvp_scene import (
    ANA,
    BO,
    FIRST,
    WEEK,
    answer_to_copy,
    deliver,
    member,
    notes_to,
    person,
    week_answers,
)

# -- nothing changes, and the person hears why ---------------------------------------------------


def assert_refused(row: IncomingMail, reason: str, words: str, smtp, series_id: int) -> None:
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, reason)
    assert words in row.detail
    assert member(series_id, ANA).partstat == "NEEDS-ACTION"
    assert member(series_id, ANA).answered_at is None
    assert week_answers(series_id) == {}
    [note] = notes_to(smtp, ANA)
    assert note["Subject"] == "Your reply was not posted"
    assert words in " ".join(note.get_body(("plain",)).get_content().split())


def test_an_answer_for_another_event_changes_nothing(app, series_id, smtp, jobs):
    answer = answer_to_copy(smtp, ANA, "ACCEPTED", uid="team-offsite-2026@calendar.example.com")
    row = deliver(mails.outlook_mail(answer), jobs)
    assert_refused(
        row, "handler", 'The answer is for another calendar event, not for "What did we learn?".', smtp, series_id
    )


def test_an_answer_to_a_time_that_has_changed_since_changes_nothing(app, series_id, smtp, jobs, log):
    stale = answer_to_copy(smtp, ANA, "ACCEPTED")
    row = db.session.get(SessionSeries, series_id)
    services.change_series(
        series_id,
        services.SeriesFields(
            title=row.title,
            weekday=1,
            start_time=time(11),
            duration_minutes=60,
            timezone="Europe/Berlin",
            first_date=FIRST,
            location="Room Fjord",
        ),
    )
    db.session.commit()
    jobs.run()

    row = deliver(mails.google_mail(stale), jobs)
    assert_refused(row, "handler", "has changed since", smtp, series_id)
    assert "session answer ignored" in log.text and "earlier version of the invitation" in log.text

    current = answer_to_copy(smtp, ANA, "ACCEPTED", start=time(11))  # to the updated invite
    assert current.sequence > stale.sequence
    assert deliver(mails.google_mail(current), jobs).status == IncomingStatus.POSTED
    assert member(series_id, ANA).partstat == "ACCEPTED"


def test_an_answer_for_someone_else_changes_nothing(app, series_id, smtp, jobs):
    answer = answer_to_copy(smtp, ANA, "ACCEPTED")
    someone_else = replace(answer, email=BO, name="Bo Berg")
    row = deliver(mails.apple_mail(answer, calendar=calendars.apple_calendar(someone_else)), jobs)
    assert_refused(
        row, "handler", "The answer is for bo@example.com, not for your address ana@example.com.", smtp, series_id
    )
    assert member(series_id, BO).partstat == "NEEDS-ACTION"


def test_a_reply_without_a_calendar_is_told_to_answer_in_the_calendar(app, series_id, smtp, jobs):
    to = answer_to_copy(smtp, ANA, "ACCEPTED").organizer
    row = deliver(mails.typed_reply("Ana Álvarez", ANA, to, "Yes, I'll be there!"), jobs)
    assert_refused(row, "handler", "Please accept or decline the invitation in your calendar.", smtp, series_id)
    assert "Yes, I'll be there!" in notes_to(smtp, ANA)[0].get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    "method, body, words",
    [
        (
            "COUNTER",
            lambda calendar: calendar.replace("METHOD:REPLY", "METHOD:COUNTER"),
            "Unstuck cannot take a proposal of another time from your calendar. Please ask Lea Lead to move",
        ),
        (
            "REQUEST",
            lambda calendar: calendar.replace("METHOD:REPLY", "METHOD:REQUEST"),
            "(The calendar is a REQUEST, not a REPLY). Please accept or decline the invitation in your calendar again.",
        ),
        ("REPLY", lambda calendar: "Yes\r\n", "Your calendar's answer could not be read (This is not an iCalendar"),
    ],
)
def test_a_calendar_part_that_holds_no_answer_changes_nothing(app, series_id, smtp, jobs, method, body, words):
    answer = answer_to_copy(smtp, ANA, "ACCEPTED")
    row = deliver(mails.outlook_mail(answer, calendar=body(calendars.outlook_calendar(answer)), method=method), jobs)
    assert_refused(row, "handler", words, smtp, series_id)


def test_an_answer_for_a_day_that_is_no_session_changes_nothing(app, series_id, smtp, jobs):
    answer = answer_to_copy(smtp, ANA, "DECLINED", week=WEEK + timedelta(days=1))
    row = deliver(mails.google_mail(answer), jobs)
    assert_refused(row, "handler", "which is not a session date", smtp, series_id)


def test_mail_from_a_stranger_to_someones_address_is_refused_and_nobody_told(app, series_id, smtp, jobs):
    answer = replace(answer_to_copy(smtp, ANA, "ACCEPTED"), email="mallory@example.net", name="Mallory")
    row = deliver(mails.outlook_mail(answer), jobs)
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "wrong-sender")
    assert member(series_id, ANA).partstat == "NEEDS-ACTION"
    assert notes_to(smtp, ANA) == [] and notes_to(smtp, "mallory@example.net") == []


def test_someone_no_longer_invited_cannot_answer(app, make, series_id, smtp, jobs):
    answer = answer_to_copy(smtp, BO, "ACCEPTED")
    bo = person(BO)
    bo.team = make.team("Platform")
    db.session.commit()
    upkeep()
    jobs.run()
    row = deliver(mails.outlook_mail(answer), jobs)
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "handler")
    assert 'You are no longer invited to "What did we learn?"' in row.detail
    assert member(series_id, BO).partstat == "NEEDS-ACTION"
