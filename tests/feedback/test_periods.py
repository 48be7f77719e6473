"""The periods a dashboard reports on: the week, month or quarter around a day in a time
zone, the one before it, the steps of its trend line, its key in a URL, and bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from feedback.periods import Period, parse_period, period_between, period_containing

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"
SATURDAY = date(2026, 11, 21)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "first", "end", "key", "label"),
    [
        # 21 Nov 2026 is a Saturday: its ISO week 47 runs Monday 16 to Sunday 22 November.
        ("week", date(2026, 11, 16), date(2026, 11, 23), "2026-W47", "Week 47, 2026"),
        ("month", date(2026, 11, 1), date(2026, 12, 1), "2026-11", "November 2026"),
        ("quarter", date(2026, 10, 1), date(2027, 1, 1), "2026-Q4", "Q4 2026"),
    ],
)
def test_the_period_around_a_day(kind, first, end, key, label):
    period = period_containing(kind, SATURDAY, BERLIN)
    assert (period.first_day, period.end_day, period.key, period.label) == (first, end, key, label)
    assert parse_period(key, BERLIN) == period


def test_a_period_starts_and_ends_at_local_midnight_across_daylight_saving():
    # Q4 2026 in Berlin: 1 October is summer time (UTC+2), 1 January winter time (UTC+1).
    quarter = period_containing("quarter", SATURDAY, BERLIN)
    assert quarter.start == utc(2026, 9, 30, 22)
    assert quarter.end == utc(2026, 12, 31, 23)
    # The week of the fall-back Sunday (25 October) is an hour longer than seven days.
    week = period_containing("week", date(2026, 10, 25), BERLIN)
    assert week.end - week.start == timedelta(days=7, hours=1)


def test_a_moment_falls_in_the_week_of_its_local_day():
    # 23:30 UTC on Sunday 22 November is already Monday 23 November in Berlin, not in New York.
    moment = utc(2026, 11, 22, 23, 30)
    assert period_containing("week", moment, BERLIN).key == "2026-W48"
    assert period_containing("week", moment, NEW_YORK).key == "2026-W47"
    assert period_containing("week", moment, BERLIN).contains(moment)
    assert not period_containing("week", moment, NEW_YORK).previous().contains(moment)


def test_the_end_belongs_to_the_next_period():
    week = period_containing("week", SATURDAY, "UTC")
    assert week.contains(week.start)
    assert not week.contains(week.end)
    assert not week.contains(None)


@pytest.mark.parametrize(
    ("kind", "day", "previous_key"),
    [
        ("week", date(2026, 1, 1), "2025-W52"),  # over the new year
        ("month", date(2026, 3, 31), "2026-02"),  # to a shorter month
        ("month", date(2026, 1, 15), "2025-12"),
        ("quarter", date(2026, 2, 1), "2025-Q4"),
    ],
)
def test_the_previous_period_is_the_same_kind_just_before(kind, day, previous_key):
    period = period_containing(kind, day, BERLIN)
    previous = period.previous()
    assert previous.key == previous_key
    assert previous.end == period.start  # no gap, no overlap


def test_a_range_of_days_and_the_same_number_of_days_before():
    days = period_between(date(2026, 11, 1), date(2026, 11, 20), BERLIN)
    assert days.days == 20
    assert days.key == "2026-11-01..2026-11-20"
    assert days.label == "1 Nov – 20 Nov 2026"
    before = days.previous()
    assert (before.first_day, before.last_day) == (date(2026, 10, 12), date(2026, 10, 31))
    assert parse_period(days.key, BERLIN) == days


def test_a_quarter_is_drawn_week_by_week_with_its_ends_cut_to_the_quarter():
    steps = period_containing("quarter", SATURDAY, BERLIN).steps()
    # Thu 1 Oct to Sun 4 Oct, then the 12 whole weeks from Monday 5 October, then Mon 28
    # to Thu 31 December.
    assert len(steps) == 14
    assert (steps[0].first_day, steps[0].last_day) == (date(2026, 10, 1), date(2026, 10, 4))
    assert [s.kind for s in steps[1:13]] == ["week"] * 12
    assert (steps[-1].first_day, steps[-1].last_day) == (date(2026, 12, 28), date(2026, 12, 31))
    assert [s.short_label for s in steps[:3]] == ["1 Oct", "5 Oct", "12 Oct"]


@pytest.mark.parametrize(
    ("period", "count", "kind"),
    [
        (period_containing("week", SATURDAY), 7, "day"),
        (period_containing("month", SATURDAY), 6, "week"),  # Nov 2026: Sun 1st, 4 whole weeks, Mon 30th
        (period_between(date(2026, 11, 1), date(2026, 11, 20)), 20, "day"),
        (period_between(date(2026, 1, 1), date(2026, 12, 31)), 12, "month"),
    ],
)
def test_the_steps_of_a_trend(period, count, kind):
    steps = period.steps()
    assert len(steps) == count
    assert kind in {s.kind for s in steps}


@given(
    st.sampled_from(["week", "month", "quarter"]),
    st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    st.sampled_from(["UTC", BERLIN, NEW_YORK, "America/Santiago", "Australia/Lord_Howe"]),
)
def test_steps_tile_the_period_and_periods_follow_each_other(kind, day, timezone):
    period = period_containing(kind, day, timezone)
    assert period.first_day <= day < period.end_day
    steps = period.steps()
    assert steps[0].start == period.start and steps[-1].end == period.end
    assert all(a.end == b.start and a.start < a.end for a, b in zip(steps, steps[1:], strict=False))
    assert period.previous().end == period.start
    assert parse_period(period.key, timezone) == period


def test_an_unknown_time_zone_is_read_as_utc():
    assert period_containing("week", SATURDAY, "Mars/Olympus").start == utc(2026, 11, 16)
    assert period_containing("week", SATURDAY, "").timezone == "UTC"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: period_between(date(2026, 11, 20), date(2026, 11, 1)),
            "the period ends (2026-11-01) before it starts (2026-11-20)",
        ),
        (lambda: Period("week", date(2026, 11, 16), date(2026, 11, 16)), "before it starts"),
        (lambda: period_containing("year", SATURDAY), "unknown kind of period 'year'"),
        (lambda: Period("fortnight", date(2026, 11, 16), date(2026, 11, 30)), "unknown kind of period"),
        (lambda: parse_period("2026-11-20..2026-11-01"), "ends (2026-11-01) before it starts"),
        (lambda: parse_period("2026-W54"), "'2026-W54' is not a date we know"),
        (lambda: parse_period("2026-13"), "'2026-13' is not a date we know"),
        (lambda: parse_period("2026-11-31..2026-12-01"), "is not a date we know"),
        (lambda: parse_period("last week"), "'last week' is not a period: write 2026-W47"),
        (lambda: period_containing("week", datetime(2026, 11, 21, 12)), "without a time zone"),
    ],
)
def test_bad_periods_say_what_is_wrong(make, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()
