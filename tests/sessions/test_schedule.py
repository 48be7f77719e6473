"""The weekly series: its checks, the sessions it falls on across daylight-saving changes,
skipped and moved weeks, and the versions a change makes."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessions.series.schedule import (
    Attendee,
    Move,
    Person,
    Series,
    long_date,
    occurrence,
    occurrences,
    record_answer,
    resolve_local,
    revise,
    validate_series,
    week_of,
)
from tests.sessions import calendars

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


def series(**fields) -> Series:
    """The calendar tests' weekly series, without its room and words."""
    return calendars.series(**{"uid": "retro-1@unstuck.test", "location": "", "description": "", **fields})


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# resolve_local: the times a clock change skips or repeats


def test_an_ordinary_time_needs_no_note():
    moment, note = resolve_local(date(2026, 3, 3), time(10), "Europe/Berlin")
    assert moment == datetime(2026, 3, 3, 10, tzinfo=BERLIN) and moment.utcoffset() == timedelta(hours=1)
    assert note is None


def test_a_time_the_spring_change_skips_starts_later_by_the_gap_and_says_so():
    moment, note = resolve_local(date(2026, 3, 29), time(2, 30), "Europe/Berlin")
    assert moment.astimezone(UTC) == utc(2026, 3, 29, 1, 30)
    assert (moment.hour, moment.minute, moment.tzname()) == (3, 30, "CEST")
    assert note == "02:30 does not exist on 29 March 2026 in Europe/Berlin; the session starts at 03:30."


def test_a_time_the_autumn_change_repeats_takes_the_first_and_says_so():
    moment, note = resolve_local(date(2026, 11, 1), time(1, 30), NEW_YORK)
    assert moment.astimezone(UTC) == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, not 01:30 EST
    assert moment.tzname() == "EDT"
    assert note == (
        "01:30 occurs twice on 1 November 2026 in America/New_York; the session starts at the first 01:30 (EDT)."
    )


def test_dates_read_the_way_people_write_them():
    assert long_date(date(2026, 3, 29)) == "29 March 2026"


# validate_series: every problem named by its field, in plain words


def test_a_good_series_has_no_errors():
    assert (
        validate_series(
            series(
                until=date(2026, 6, 30),
                duration_minutes=480,
                skipped=frozenset({date(2026, 3, 10)}),
                moved={date(2026, 3, 17): Move(datetime(2026, 3, 18, 14))},
            )
        )
        == []
    )


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (dict(timezone="Europe/Berlni"), "timezone", "'Europe/Berlni' is not a known time zone"),
        (dict(timezone=""), "timezone", "is not a known time zone"),
        (dict(until=date(2026, 3, 1)), "until", "The end date (1 March 2026) is before the first date (3 March 2026)."),
        (
            dict(first_date=date(2026, 3, 4), until=date(2026, 3, 9)),
            "until",
            "No Tuesday falls between the first date and the end date.",
        ),
        (dict(duration_minutes=0), "duration_minutes", "A session must last at least one minute."),
        (dict(duration_minutes=481), "duration_minutes", "A session can last at most 8 hours (480 minutes)."),
        (dict(organizer=Person("Lea", "")), "organizer.email", "An email address is required."),
        (dict(organizer=Person("Lea", "lea@")), "organizer.email", "'lea@' is not a valid email address"),
        (
            dict(attendees=(Attendee("Ana", "ana@example.com"), Attendee("Evil", "x@y\r\nATTENDEE:z@z"))),
            "attendees.1.email",
            "is not a valid email address",
        ),
        (
            dict(attendees=(Attendee("Ana", "ana@example.com"), Attendee("Ana again", "ANA@example.com"))),
            "attendees.1.email",
            "ANA@example.com is invited twice.",
        ),
        (
            dict(attendees=(Attendee("Ana", "ana@example.com", "MAYBE"),)),
            "attendees.0.partstat",
            "'MAYBE' is not an answer to an invite.",
        ),
        (dict(title="  "), "title", "Give the session a title."),
        (dict(weekday=7), "weekday", "The weekday must be 0 (Monday) to 6 (Sunday)."),
        (
            dict(skipped=frozenset({date(2026, 3, 11)})),
            "skipped",
            "11 March 2026 is not a session date of this series.",
        ),
        (
            dict(moved={date(2026, 2, 24): Move(datetime(2026, 2, 25, 10))}),
            "moved",
            "24 February 2026 is not a session date of this series.",
        ),
        (
            dict(skipped=frozenset({date(2026, 3, 10)}), moved={date(2026, 3, 10): Move(datetime(2026, 3, 11, 10))}),
            "moved",
            "The week of 10 March 2026 is skipped, so it cannot also be moved.",
        ),
        (
            dict(moved={date(2026, 3, 10): Move(datetime(2026, 3, 11, 10), 600)}),
            "moved",
            "A session can last at most 8 hours (480 minutes).",
        ),
    ],
)
def test_bad_input_gets_a_clear_message(fields, field, message):
    errors = validate_series(series(**fields))
    assert [e.field for e in errors] == [field]
    assert message in errors[0].message


def test_every_problem_is_reported_at_once():
    errors = validate_series(series(timezone="Mars/Olympus", duration_minutes=0, until=date(2026, 1, 1)))
    assert [e.field for e in errors] == ["timezone", "duration_minutes", "until"]


# occurrences: the sessions a series falls on


def test_the_series_starts_on_the_first_weekday_on_or_after_its_first_date():
    s = series(first_date=date(2026, 3, 1))  # a Sunday; the sessions are on Tuesdays
    assert s.first_day == date(2026, 3, 3)
    found = occurrences(s, utc(2026, 1, 1), utc(2026, 3, 20))
    assert [o.day for o in found] == [date(2026, 3, 3), date(2026, 3, 10), date(2026, 3, 17)]


@pytest.mark.parametrize(
    "zone, before, after",
    [
        ("Europe/Berlin", 9, 8),  # CET, then CEST from 29 March
        ("America/New_York", 15, 14),  # EST, then EDT from 8 March
    ],
)
def test_the_wall_clock_time_holds_across_the_spring_change(zone, before, after):
    found = occurrences(series(timezone=zone), utc(2026, 2, 20), utc(2026, 4, 15))
    assert {(o.start_local.hour, o.start_local.minute) for o in found} == {(10, 0)}
    assert {o.start_local.tzinfo for o in found} == {ZoneInfo(zone)}
    hours = [o.start_utc.hour for o in found]
    assert hours[0] == before and hours[-1] == after
    assert all(o.end_utc - o.start_utc == timedelta(hours=1) for o in found)


def test_the_wall_clock_time_holds_across_the_autumn_change():
    found = occurrences(series(timezone="America/New_York"), utc(2026, 10, 20), utc(2026, 11, 20))
    assert [o.start_utc.hour for o in found] == [14, 14, 15, 15, 15]
    assert {o.start_local.hour for o in found} == {10}


def test_skipped_weeks_disappear_and_moved_weeks_appear_at_their_new_time():
    s = series(
        skipped=frozenset({date(2026, 3, 10)}), moved={date(2026, 3, 17): Move(datetime(2026, 3, 19, 15, 30), 90)}
    )
    found = occurrences(s, utc(2026, 3, 1), utc(2026, 3, 31))
    assert [(o.day, o.start_local.replace(tzinfo=None), o.moved) for o in found] == [
        (date(2026, 3, 3), datetime(2026, 3, 3, 10), False),
        (date(2026, 3, 17), datetime(2026, 3, 19, 15, 30), True),
        (date(2026, 3, 24), datetime(2026, 3, 24, 10), False),
    ]
    assert found[1].end_local - found[1].start_local == timedelta(minutes=90)


def test_a_week_moved_past_the_next_one_is_listed_in_time_order():
    s = series(moved={date(2026, 3, 3): Move(datetime(2026, 3, 12, 9))})
    found = occurrences(s, utc(2026, 3, 1), utc(2026, 3, 15))
    assert [(o.day, o.start_local.day) for o in found] == [(date(2026, 3, 10), 10), (date(2026, 3, 3), 12)]


def test_the_window_includes_its_start_and_excludes_its_end():
    s = series()
    first = utc(2026, 3, 10, 9)  # 10:00 in Berlin
    assert [o.day for o in occurrences(s, first, first + timedelta(weeks=1))] == [date(2026, 3, 10)]


def test_no_session_falls_after_the_end_date():
    s = series(until=date(2026, 3, 23))
    assert [o.day for o in occurrences(s, utc(2026, 1, 1), utc(2027, 1, 1))] == [
        date(2026, 3, 3),
        date(2026, 3, 10),
        date(2026, 3, 17),
    ]
    assert s.last_day == date(2026, 3, 17)


def test_a_weekly_time_the_clock_skips_once_a_year_starts_later_that_day_only():
    s = series(weekday=6, start_time=time(2, 30), first_date=date(2026, 3, 22))
    found = occurrences(s, utc(2026, 3, 20), utc(2026, 4, 6))
    assert [(o.start_local.hour, o.start_local.minute) for o in found] == [(2, 30), (3, 30), (2, 30)]
    assert [o.note for o in found] == [
        None,
        "02:30 does not exist on 29 March 2026 in Europe/Berlin; the session starts at 03:30.",
        None,
    ]


def test_a_session_over_a_clock_change_lasts_its_full_length():
    s = series(weekday=6, start_time=time(1, 30), duration_minutes=120, first_date=date(2026, 3, 29))
    session = occurrence(s, date(2026, 3, 29))
    assert session.end_utc - session.start_utc == timedelta(hours=2)
    assert (session.end_local.hour, session.end_local.minute) == (4, 30)  # 01:30 CET + 2h = 04:30 CEST


def test_occurrences_need_aware_bounds():
    with pytest.raises(ValueError, match="aware"):
        occurrences(series(), datetime(2026, 3, 1), datetime(2026, 4, 1))


def test_a_recurrence_id_names_its_week():
    s = series(timezone="America/New_York")
    assert week_of(s, utc(2026, 3, 10, 14)) == date(2026, 3, 10)  # 10:00 EDT
    assert week_of(s, date(2026, 3, 10)) == date(2026, 3, 10)
    assert week_of(s, utc(2026, 3, 11, 14)) is None


# versions: a real change raises SEQUENCE, an answer does not


def test_a_real_change_raises_the_version_and_no_change_keeps_it():
    s = series(sequence=3)
    assert revise(s, location="Room 4").sequence == 4
    assert revise(s, location=s.location) is s


def test_moving_the_weekly_time_resets_earlier_answers():
    s = record_answer(series(), "ana@example.com", "ACCEPTED")
    assert revise(s, location="Room 4").attendees[0].partstat == "ACCEPTED"
    moved = revise(s, start_time=time(11))
    assert [a.partstat for a in moved.attendees] == ["NEEDS-ACTION", "NEEDS-ACTION"]


def test_an_answer_is_recorded_without_a_new_version():
    s = record_answer(series(sequence=2), " ANA@example.com", "DECLINED")
    assert [(a.email, a.partstat) for a in s.attendees] == [
        ("ana@example.com", "DECLINED"),
        ("bo@example.com", "NEEDS-ACTION"),
    ]
    assert s.sequence == 2


@pytest.mark.parametrize(
    "email, partstat, message",
    [
        ("eve@example.com", "ACCEPTED", "eve@example.com is not invited to this series."),
        ("ana@example.com", "MAYBE", "'MAYBE' is not an answer to an invite."),
    ],
)
def test_an_answer_from_a_stranger_or_of_an_unknown_kind_is_refused(email, partstat, message):
    with pytest.raises(ValueError) as caught:
        record_answer(series(), email, partstat)
    assert str(caught.value) == message
