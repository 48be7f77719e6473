"""A person's working time, by hand-computed cases: days, hours, zones, away dates, holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from app.help.working_time import (
    Schedule,
    add_working,
    add_working_days,
    days_from_text,
    days_to_text,
    is_working,
    next_working_start,
    supported_country,
)

BERLIN = Schedule(timezone="Europe/Berlin", start=time(9), end=time(17), country="DE", region="BY")


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_sunday_question_counts_from_monday_morning():
    sunday_evening = utc(2026, 12, 6, 17, 19)  # 18:19 in Berlin, a Sunday
    assert not is_working(BERLIN, sunday_evening)
    assert next_working_start(BERLIN, sunday_evening) == utc(2026, 12, 7, 8, 0)  # 09:00 Monday in Berlin
    assert add_working(BERLIN, sunday_evening, timedelta(minutes=15)) == utc(2026, 12, 7, 8, 15)


def test_time_runs_over_the_evening_into_the_next_working_day():
    monday_four_pm = utc(2026, 12, 7, 15, 0)  # 16:00 in Berlin
    assert is_working(BERLIN, monday_four_pm)
    assert add_working(BERLIN, monday_four_pm, timedelta(hours=2)) == utc(2026, 12, 8, 9, 0)  # 10:00 Tuesday
    # One working day is one shift: from 16:00 Monday to 16:00 Tuesday.
    assert add_working_days(BERLIN, monday_four_pm, 1) == utc(2026, 12, 8, 15, 0)


def test_friday_afternoon_runs_into_monday():
    friday = utc(2026, 12, 11, 15, 30)  # 16:30 in Berlin
    assert add_working(BERLIN, friday, timedelta(hours=2)) == utc(2026, 12, 14, 9, 30)


def test_public_holidays_of_the_region_and_away_dates_are_not_working_time():
    christmas_eve = utc(2026, 12, 24, 15, 0)  # Thursday; the 25th and 26th are holidays in Germany
    assert add_working(BERLIN, christmas_eve, timedelta(hours=2)) == utc(2026, 12, 28, 9, 0)
    epiphany = utc(2027, 1, 6, 10, 0)  # a holiday in Bavaria, not in Berlin
    assert not is_working(BERLIN, epiphany)
    assert is_working(Schedule(timezone="Europe/Berlin", country="DE", region="BE"), epiphany)
    away = Schedule(timezone="Europe/Berlin", away_from=date(2026, 12, 7), away_until=date(2026, 12, 8))
    assert next_working_start(away, utc(2026, 12, 7, 10)) == utc(2026, 12, 9, 8, 0)


def test_own_days_and_a_night_shift_past_midnight():
    weekend = Schedule(timezone="America/New_York", start=time(22), end=time(6), days=frozenset({5, 6}))
    saturday_night = utc(2026, 12, 13, 5, 0)  # 00:00 Sunday in New York, in Saturday's shift
    assert is_working(weekend, saturday_night)
    assert add_working(weekend, saturday_night, timedelta(hours=7)) == utc(2026, 12, 14, 4, 0)
    assert not is_working(weekend, utc(2026, 12, 14, 12, 0))


def test_no_working_day_at_all_counts_wall_clock_time():
    never = Schedule(days=frozenset())
    start = utc(2026, 12, 6, 12)
    assert add_working(never, start, timedelta(minutes=15)) == start + timedelta(minutes=15)
    assert next_working_start(never, start) == start


def test_days_round_trip_and_countries_are_checked():
    assert days_from_text(days_to_text({4, 0, 2})) == frozenset({0, 2, 4})
    assert days_from_text("0,x,9,3") == frozenset({0, 3})
    assert supported_country("DE", "BY") and supported_country("PT")
    assert not supported_country("XX") and not supported_country("DE", "ZZ")
