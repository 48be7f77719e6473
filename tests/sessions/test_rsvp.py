"""Answers from people's calendars: Outlook, Google and Apple answer the invite (for the whole
series or one week) by mail to the ORGANIZER address of the person's copy; the answer is
recorded and the lead sees it. Calendar answers to another feature's address keep that
feature's rules, and which answers count is worked out by hand (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.addresses import reply_address
from app.mail.incoming.handlers import register_reply_handler
from app.mail.incoming.intake import receive
from app.mail.models import IncomingStatus, OutboundMail
from sessions.models import SessionWeek, WeekAnswer
from sessions.series.calendar import Rsvp
from sessions.series.rsvp import Answer as Recorded
from sessions.series.rsvp import read_answers
from sessions.series.schedule import Person, Series
from tests.sessions.calendars import series as calendar_series
from tests.sessions.replies import calendars, mails
from tests.sessions.rsvp_scene import (
    ANA,
    BO,
    CLIENTS,
    WEEK,
    answer_to_copy,
    deliver,
    lead_sees,
    member,
    notes_to,
    person,
    week_answers,
)

# -- recorded ----------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", CLIENTS)
def test_an_answer_for_the_series_and_one_for_a_week_are_recorded_and_shown_to_the_lead(
    app, client, auth, series_id, smtp, jobs, client_name
):
    build = CLIENTS[client_name]
    row = deliver(build(answer_to_copy(smtp, ANA, "ACCEPTED")), jobs)
    assert (row.status, row.reason) == (IncomingStatus.POSTED, "")
    ana = member(series_id, ANA)
    assert ana.partstat == "ACCEPTED" and ana.answered_at is not None
    assert member(series_id, BO).partstat == "NEEDS-ACTION"

    row = deliver(build(answer_to_copy(smtp, ANA, "DECLINED", week=WEEK)), jobs)
    assert row.status == IncomingStatus.POSTED
    assert week_answers(series_id) == {(WEEK, ANA): "DECLINED"}
    assert member(series_id, ANA).partstat == "ACCEPTED"  # the rest of the series still stands

    shown = lead_sees(client, auth, series_id, ANA)
    assert "Accepted" in shown
    assert f"{WEEK.day} {WEEK:%B}: Declined" in shown
    assert "No answer yet" in lead_sees(client, auth, series_id, BO)
    # Calendar parts are the answer, not files the person is told were not kept.
    assert notes_to(smtp, ANA) == []
    assert (
        db.session.scalar(
            sa.select(sa.func.count(OutboundMail.id)).where(
                OutboundMail.kind.in_(["reply_attachments", "reply_refused"])
            )
        )
        == 0
    )


def test_google_answers_for_the_person_though_it_marks_its_mail_automatic(app, series_id, smtp, jobs):
    raw = mails.google_mail(answer_to_copy(smtp, BO, "TENTATIVE"))
    assert b"Auto-Submitted: auto-generated" in raw and b"Sender: Google Calendar" in raw
    row = deliver(raw, jobs)
    assert row.status == IncomingStatus.POSTED
    assert member(series_id, BO).partstat == "TENTATIVE"


def test_a_changed_answer_replaces_the_earlier_one(app, series_id, smtp, jobs):
    deliver(mails.outlook_mail(answer_to_copy(smtp, ANA, "ACCEPTED", week=WEEK)), jobs)
    deliver(mails.apple_mail(answer_to_copy(smtp, ANA, "TENTATIVE", week=WEEK)), jobs)
    deliver(mails.outlook_mail(answer_to_copy(smtp, ANA, "DECLINED")), jobs)
    assert week_answers(series_id) == {(WEEK, ANA): "TENTATIVE"}
    assert member(series_id, ANA).partstat == "DECLINED"


def test_the_same_answer_twice_leaves_the_same_state(app, series_id, smtp, jobs):
    series_answer = answer_to_copy(smtp, ANA, "ACCEPTED")
    week_answer = answer_to_copy(smtp, ANA, "DECLINED", week=WEEK)
    raw = mails.outlook_mail(series_answer)
    deliver(raw, jobs)
    deliver(mails.google_mail(week_answer), jobs)
    first = member(series_id, ANA).answered_at
    week_time = db.session.scalar(sa.select(WeekAnswer.answered_at))

    assert receive(raw, via="test") is None  # the same email again: kept once
    for again in (mails.outlook_mail(series_answer), mails.google_mail(week_answer)):  # new copies
        assert deliver(again, jobs).status == IncomingStatus.POSTED
    assert member(series_id, ANA).answered_at == first
    assert week_answers(series_id) == {(WEEK, ANA): "DECLINED"}
    assert db.session.scalar(sa.select(WeekAnswer.answered_at)) == week_time
    assert db.session.scalar(sa.select(sa.func.count(SessionWeek.id))) == 1


def test_a_bodiless_outlook_answer_with_a_comment_only_in_the_calendar_is_recorded(app, series_id, smtp, jobs):
    answer = answer_to_copy(smtp, BO, "DECLINED")
    raw = mails.outlook_mail(answer, calendar=calendars.outlook_calendar(answer, comment="On holiday, sorry!"))
    assert deliver(raw, jobs).status == IncomingStatus.POSTED
    assert member(series_id, BO).partstat == "DECLINED"


# -- other reply addresses keep their rules ------------------------------------------------------


@pytest.fixture
def other_feature(app, team):
    """A feature whose reply addresses take typed replies only, and Ana's address of it."""
    got = []
    register_reply_handler(app, "test-reply", got.append)
    address = reply_address("test-reply", 7, person(ANA).id)
    db.session.commit()
    return got, address


def test_a_calendar_answer_to_an_address_of_another_feature_is_still_automatic_mail(
    app, series_id, smtp, jobs, other_feature
):
    got, address = other_feature
    answer = replace(answer_to_copy(smtp, ANA, "ACCEPTED"), organizer=address)
    row = deliver(mails.google_mail(answer), jobs)
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "auto-reply")
    assert got == []


def test_another_feature_still_hears_of_calendar_files_as_files_not_kept(app, series_id, smtp, jobs, other_feature):
    got, address = other_feature
    answer = replace(answer_to_copy(smtp, ANA, "ACCEPTED"), organizer=address)
    row = deliver(mails.outlook_mail(answer, comment="Sounds good"), jobs)
    assert row.status == IncomingStatus.POSTED
    [reply] = got
    assert reply.text == "Sounds good"
    assert reply.attachments == ("unnamed.ics",)
    assert reply.calendar is not None and b"METHOD:REPLY" in reply.calendar
    [note] = notes_to(smtp, ANA)
    assert note["Subject"] == "Your reply was posted; its files were not kept"
    assert member(series_id, ANA).partstat == "NEEDS-ACTION"

    row = deliver(mails.outlook_mail(answer), jobs)  # no words of its own
    assert (row.status, row.reason) == (IncomingStatus.REFUSED, "empty")


# -- which answers count (pure) ------------------------------------------------------------------


def plain_series(**fields) -> Series:
    """The calendar tests' weekly series a year on, with no one invited and one week skipped."""
    plain = dict(
        uid="retro@unstuck.test",
        first_date=date(2027, 3, 2),
        organizer=Person("Lea Lead", "reply+x@localhost"),
        attendees=(),
        location="",
        description="",
        skipped=frozenset({date(2027, 3, 16)}),
    )
    return calendar_series(**{**plain, **fields})


def rsvp(partstat: str, week: datetime | date | None = None, **fields) -> Rsvp:
    values = dict(uid="retro@unstuck.test", recurrence_id=week, email="ana@example.com", partstat=partstat, sequence=3)
    return Rsvp(**{**values, **fields})


def test_the_last_answer_for_each_thing_counts_and_the_series_comes_first():
    berlin_ten_utc = datetime(2027, 3, 9, 9, tzinfo=UTC)  # 10:00 in Berlin, as replies give it
    reading = read_answers(
        [rsvp("ACCEPTED", berlin_ten_utc), rsvp("TENTATIVE"), rsvp("DECLINED", date(2027, 3, 9)), rsvp("ACCEPTED")],
        plain_series(),
        "Ana@Example.com",
        when_sequence=2,
    )
    assert reading == type(reading)((Recorded("ACCEPTED"), Recorded("DECLINED", date(2027, 3, 9))), ())


@pytest.mark.parametrize(
    "answer, why",
    [
        (rsvp("ACCEPTED", uid="other@x"), "another calendar event"),
        (rsvp("ACCEPTED", email="bo@example.com"), "for bo@example.com, not for your address ana@example.com"),
        (rsvp("ACCEPTED", sequence=1), "earlier version of the invitation (version 1)"),
        (rsvp("DECLINED", date(2027, 3, 10)), "10 March 2027, which is not a session date"),
        (rsvp("DECLINED", date(2027, 2, 23)), "23 February 2027, which is not a session date"),
        (rsvp("DECLINED", date(2027, 3, 16)), "the week of 16 March 2027, which is skipped"),
    ],
)
def test_answers_that_do_not_count_say_why(answer, why):
    reading = read_answers([answer, rsvp("TENTATIVE")], plain_series(), "ana@example.com", when_sequence=2)
    assert reading.answers == (Recorded("TENTATIVE"),)
    [said] = reading.ignored
    assert why in said
