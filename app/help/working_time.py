"""A person's working time: their days and hours in their own zone, minus the dates they are
away and the public holidays of their country (or region), and time counted only in it.

Deadlines and pings of the help desk run in the mentor's working time: fifteen minutes
asked on Sunday evening are the first fifteen minutes of Monday morning.

Pure: no Flask, no database. A shift belongs to the day it starts on, and may run past
midnight (22:00 to 06:00). A schedule with no working day at all counts wall-clock time,
so a question never waits forever on a setting.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

from app.times import zone

OFFICE_DAYS = frozenset(range(5))  # Monday to Friday
# How far ahead to look for someone's next working day (a long leave, a year of holidays).
LOOK_AHEAD_DAYS = 400


@dataclass(frozen=True)
class Schedule:
    """When a person works: days (0 is Monday), hours in their zone, away dates, holidays."""

    timezone: str = "UTC"
    start: time = time(9)
    end: time = time(17)
    days: frozenset[int] = OFFICE_DAYS
    away_from: date | None = None
    away_until: date | None = None
    country: str = ""  # ISO code the `holidays` package knows; empty for none
    region: str = ""  # a subdivision of the country (a state, a canton), optional

    @property
    def shift(self) -> timedelta:
        """How long one working day is."""
        begins, ends = _shift_on(self, date(2001, 1, 1))  # a day without clock changes
        return ends - begins


def days_from_text(text: str | None) -> frozenset[int]:
    """Working days from their stored form ("0,1,2,3,4"); unknown parts are left out."""
    return frozenset(int(p) for p in (text or "").split(",") if p.strip().isdigit() and int(p) < 7)


def days_to_text(days) -> str:
    """Working days in their stored form, Monday first."""
    return ",".join(str(d) for d in sorted(set(days)))


def supported_country(country: str, region: str = "") -> bool:
    """Whether the holidays package knows this country (and region, if one is given)."""
    known = holidays.list_supported_countries()
    if country not in known:
        return False
    return not region or region in known[country]


@lru_cache(maxsize=256)
def _holidays(country: str, region: str, year: int) -> frozenset[date]:
    if not country:
        return frozenset()
    try:
        return frozenset(holidays.country_holidays(country, subdiv=region or None, years=year))
    except NotImplementedError:  # a code the package no longer knows: no holidays rather than an error
        return frozenset()


def holiday_on(schedule: Schedule, day: date) -> bool:
    """Whether the day is a public holiday where the person works."""
    return day in _holidays(schedule.country, schedule.region, day.year)


def day_off(schedule: Schedule, day: date) -> bool:
    """Whether the person does not work on this (local) day: not a working day, away, or a holiday."""
    if day.weekday() not in schedule.days:
        return True
    if schedule.away_from is not None or schedule.away_until is not None:
        if (schedule.away_from or date.min) <= day <= (schedule.away_until or date.max):
            return True
    return holiday_on(schedule, day)


def _shift_on(schedule: Schedule, day: date) -> tuple[datetime, datetime]:
    """The shift starting on this local day, as UTC moments."""
    tz = zone(schedule.timezone)
    begins = datetime.combine(day, schedule.start, tzinfo=tz)
    ends = datetime.combine(day, schedule.end, tzinfo=tz)
    if ends <= begins:  # runs past midnight (00:00 to 00:00 is the whole day)
        ends = datetime.combine(day + timedelta(days=1), schedule.end, tzinfo=tz)
    return begins.astimezone(UTC), ends.astimezone(UTC)


def _shifts(schedule: Schedule, at: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The working shifts that end after `at`, in order (from the day before, for night shifts)."""
    day = at.astimezone(zone(schedule.timezone)).date() - timedelta(days=1)
    for offset in range(LOOK_AHEAD_DAYS):
        current = day + timedelta(days=offset)
        if day_off(schedule, current):
            continue
        begins, ends = _shift_on(schedule, current)
        if ends > at:
            yield begins, ends


def is_working(schedule: Schedule, at: datetime) -> bool:
    """Whether the person is inside a working shift at this moment."""
    for begins, _ends in _shifts(schedule, at):
        return begins <= at
    return False


def next_working_start(schedule: Schedule, at: datetime) -> datetime:
    """`at` itself if the person works then, else the start of their next shift (or `at`
    when they have no working time at all)."""
    for begins, _ends in _shifts(schedule, at):
        return max(begins, at)
    return at


def add_working(schedule: Schedule, start: datetime, duration: timedelta) -> datetime:
    """The moment `duration` of the person's working time has passed after `start`.

    Time outside their shifts does not count; with no working time at all, wall-clock time does.
    """
    left = duration
    moment = start
    for begins, ends in _shifts(schedule, start):
        moment = max(begins, moment)
        if moment + left <= ends:
            return moment + left
        left -= ends - moment
        moment = ends
    return start + duration


def add_working_days(schedule: Schedule, start: datetime, days: float) -> datetime:
    """The moment `days` of the person's working days (each one shift long) have passed after `start`."""
    return add_working(schedule, start, schedule.shift * days)
