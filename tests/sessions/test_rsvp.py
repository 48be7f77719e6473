"""Answers from people's calendars: Outlook, Google and Apple answer the invite (for the whole
series or one week) by mail to the ORGANIZER address of the person's copy; the answer is
recorded and the lead sees it. An answer for another event, to an older time, for someone
else, or a reply without a calendar changes nothing, and the person hears why."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.mail.addresses import reply_address
from app.mail.incoming.handlers import register_reply_handler
from app.mail.incoming.intake import receive
from app.mail.models import IncomingMail, IncomingStatus, OutboundMail
from app.people.models import User
from sessions.jobs import upkeep
from sessions.models import SeriesMember, SessionSeries, SessionWeek, WeekAnswer
from sessions.series import services
from sessions.series.calendar import Rsvp
from sessions.series.rsvp import Answer as Recorded
from sessions.series.rsvp import read_answers
from sessions.series.schedule import Person, Series
from tests.sessions.calendars import payments_team
from tests.sessions.replies import mails


def coming_tuesday(weeks_later: int) -> date:
    day = date.today() + timedelta(days=1)
    return day + timedelta(days=(1 - day.weekday()) % 7, weeks=weeks_later)


FIRST = coming_tuesday(1)
WEEK = FIRST + timedelta(weeks=2)  # the one week people answer for
LEAD, ANA, BO = "lea@example.com", "ana@example.com", "bo@example.com"
CLIENTS = {"outlook": mails.outlook_mail, "google": mails.google_mail, "apple": mails.apple_mail}


@pytest.fixture
def team(make):
    return payments_team(make)


@pytest.fixture
def series_id(app, team, smtp, jobs) -> int:
    """The team's series, its invites in everyone's mailbox."""
    values = services.SeriesFields(
        title="What did we learn?",
        weekday=1,
        start_time=time(10),
        duration_minutes=60,
        timezone="Europe/Berlin",
        first_date=FIRST,
        location="Room Fjord",
    )
    series_id, _ = services.create_series(team.id, team.lead_id, values)
    db.session.commit()
    jobs.run()
    return series_id


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def person(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def answer_to_copy(smtp, email: str, partstat: str, week: date | None = None, **changes) -> mails.Answer:
    """The answer the person's calendar sends to the invite they received last: to its
    ORGANIZER address, with its UID and SEQUENCE."""
    from icalendar import Calendar

    part = [
        p
        for m in smtp.messages()
        if m["To"].addresses[0].addr_spec == email
        for p in m.walk()
        if p.get_content_type() == "text/calendar"
    ][-1]
    [event] = [e for e in Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT") if "RECURRENCE-ID" not in e]
    who = person(email)
    answer = mails.Answer(
        uid=str(event["UID"]),
        organizer=str(event["ORGANIZER"]).removeprefix("mailto:"),
        name=who.name,
        email=who.email,
        partstat=partstat,
        sequence=int(event["SEQUENCE"]),
        first_day=FIRST,
        week=week,
    )
    return replace(answer, **changes)


def deliver(raw: bytes, jobs) -> IncomingMail:
    """The mail arrives and is read, as the receiver and its job do."""
    row = receive(raw, via="test")
    jobs.run()
    db.session.expire_all()
    return db.session.get(IncomingMail, row.id)


def member(series_id: int, email: str) -> SeriesMember:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(SeriesMember).join(User).where(SeriesMember.series_id == series_id, User.email == email)
    )


def week_answers(series_id: int) -> dict[tuple[date, str], str]:
    rows = db.session.execute(
        sa.select(SessionWeek.day, User.email, WeekAnswer.partstat)
        .join(SessionWeek, SessionWeek.id == WeekAnswer.week_id)
        .join(User, User.id == WeekAnswer.user_id)
        .where(SessionWeek.series_id == series_id)
    )
    return {(day, email): partstat for day, email, partstat in rows}


def notes_to(smtp, email: str) -> list:
    return [
        m
        for m in smtp.messages()
        if m["To"].addresses[0].addr_spec == email
        and not any(p.get_content_type() == "text/calendar" for p in m.walk())
    ]


def lead_sees(client, auth, series_id: int, email: str) -> str:
    """The row of the person in the lead's table of who answered what."""
    auth.sign_in(person(LEAD))
    page = client.get(f"/sessions/{series_id}").get_data(as_text=True)
    auth.sign_out()
    found = re.search(rf'<tr data-user="{person(email).id}">(.*?)</tr>', page, re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


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
    raw = mails.outlook_mail(answer, calendar=mails.outlook_calendar(answer, comment="On holiday, sorry!"))
    assert deliver(raw, jobs).status == IncomingStatus.POSTED
    assert member(series_id, BO).partstat == "DECLINED"


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
    row = deliver(mails.apple_mail(answer, calendar=mails.apple_calendar(someone_else)), jobs)
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
    row = deliver(mails.outlook_mail(answer, calendar=body(mails.outlook_calendar(answer)), method=method), jobs)
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
    base = dict(
        uid="retro@unstuck.test",
        title="What did we learn?",
        weekday=1,
        start_time=time(10),
        duration_minutes=60,
        timezone="Europe/Berlin",
        first_date=date(2027, 3, 2),
        organizer=Person("Lea Lead", "reply+x@localhost"),
        skipped=frozenset({date(2027, 3, 16)}),
    )
    return Series(**{**base, **fields})


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
