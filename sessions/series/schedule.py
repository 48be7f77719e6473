"""The weekly series a lead sets, the checks it must pass, and the sessions it falls on.

Plain Python over plain values: no Flask, no database. A series keeps its wall-clock time in
its own time zone across daylight-saving changes, and a local time that a change skips or
repeats is read the way RFC 5545 tells calendar clients to read it, so the times computed
here are the times people's calendars show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, format_time, get_day_names
from email_validator import EmailNotValidError, validate_email

MAX_MINUTES = 8 * 60
PARTSTATS = ("NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED")
# Changing any of these moves every session, so earlier answers no longer hold.
WHEN_FIELDS = ("weekday", "start_time", "duration_minutes", "timezone", "first_date")


@dataclass(frozen=True)
class Person:
    """Someone on an invite: the name to show and the address the invite goes to."""

    name: str
    email: str


@dataclass(frozen=True)
class Attendee(Person):
    """A person invited to the series, with their answer so far."""

    partstat: str = "NEEDS-ACTION"


@dataclass(frozen=True)
class Move:
    """One week held at another time: its new local start, and its length if that changes."""

    start: datetime  # naive: the wall-clock time in the series' zone
    duration_minutes: int | None = None


@dataclass(frozen=True)
class Series:
    """A weekly session as the lead set it, and its version (SEQUENCE) in people's calendars."""

    uid: str
    title: str
    weekday: int  # 0 Monday ... 6 Sunday
    start_time: time  # wall-clock time in `timezone`
    duration_minutes: int
    timezone: str  # IANA name, such as Europe/Berlin
    first_date: date  # the series starts on the first `weekday` on or after this date
    organizer: Person
    description: str = ""
    location: str = ""  # a room or a video link
    until: date | None = None  # the last day a session may fall on
    skipped: frozenset[date] = frozenset()  # regular dates of weeks left out
    moved: Mapping[date, Move] = field(default_factory=dict)  # regular date -> new time
    sequence: int = 0
    attendees: tuple[Attendee, ...] = ()
    cancelled: bool = False

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def first_day(self) -> date:
        """The date of the first session."""
        return self.first_date + timedelta(days=(self.weekday - self.first_date.weekday()) % 7)

    @property
    def last_day(self) -> date | None:
        """The date of the last regular session, or None for a series with no end."""
        if self.until is None:
            return None
        return self.until - timedelta(days=(self.until.weekday() - self.weekday) % 7)

    def is_session_day(self, day: date) -> bool:
        """Whether a regular session of the series falls on this date."""
        last = self.last_day
        return day.weekday() == self.weekday and day >= self.first_day and (last is None or day <= last)


@dataclass(frozen=True)
class Occurrence:
    """One session: its regular date (the key of skips and moves) and when it really is."""

    day: date
    start_local: datetime  # aware, in the series' zone
    end_local: datetime
    moved: bool = False
    note: str | None = None  # set when the start time was skipped or repeated that day

    @property
    def start_utc(self) -> datetime:
        return self.start_local.astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return self.end_local.astimezone(UTC)


class FieldError(NamedTuple):
    field: str
    message: str


def long_date(day: date, locale: str = "en") -> str:
    """A date as people read it: 29 March 2026 (app.times writes it the same way on pages)."""
    return format_date(day, "d MMMM yyyy", locale=locale)


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def clock(at: time | datetime, locale: str = "en") -> str:
    """A wall-clock time as people read it: 09:30."""
    return format_time(at, "HH:mm", locale=locale)


def resolve_local(day: date, at: time, zone: str | ZoneInfo) -> tuple[datetime, str | None]:
    """The moment a wall-clock time means on a day, and a note when the day's clock change
    skips that time (the session starts later by the length of the gap) or repeats it (the
    session starts at the first of the two)."""
    tz = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    wall = datetime.combine(day, at)
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first, None
    real = first.astimezone(UTC).astimezone(tz)
    if real.replace(tzinfo=None) != wall:
        return real, (
            f"{clock(at)} does not exist on {long_date(day)} in {tz.key}; the session starts at {clock(real)}."
        )
    return first, (
        f"{clock(at)} occurs twice on {long_date(day)} in {tz.key}; "
        f"the session starts at the first {clock(at)} ({first.tzname()})."
    )


def validate_series(series: Series) -> list[FieldError]:
    """Everything wrong with a series, each in plain words and named by its field."""
    errors = []
    add = lambda name, message: errors.append(FieldError(name, message))  # noqa: E731
    if not series.uid.strip():
        add("uid", "The series needs a UID.")
    if not series.title.strip():
        add("title", "Give the session a title.")
    if series.weekday not in range(7):
        add("weekday", "The weekday must be 0 (Monday) to 6 (Sunday).")
    if series.timezone not in known_zones():
        add("timezone", f"{series.timezone!r} is not a known time zone (use a name such as Europe/Berlin).")
    _check_minutes(add, "duration_minutes", series.duration_minutes)
    if series.until is not None and series.until < series.first_date:
        add(
            "until",
            f"The end date ({long_date(series.until)}) is before the first date ({long_date(series.first_date)}).",
        )
    elif series.weekday in range(7) and (last := series.last_day) is not None and last < series.first_day:
        add(
            "until",
            f"No {get_day_names('wide', locale='en')[series.weekday]} falls between the first date and the end date.",
        )
    if series.sequence < 0:
        add("sequence", "The sequence cannot be negative.")
    _check_email(add, "organizer.email", series.organizer.email)
    _check_attendees(add, series.attendees)
    if series.weekday in range(7):
        _check_weeks(add, series)
    return errors


def _check_minutes(add, name: str, minutes: int) -> None:
    if minutes <= 0:
        add(name, "A session must last at least one minute.")
    elif minutes > MAX_MINUTES:
        add(name, f"A session can last at most 8 hours ({MAX_MINUTES} minutes).")


def email_problem(email: str) -> str | None:
    """What is wrong with an email address, in plain words, or None."""
    if not (email or "").strip():
        return "An email address is required."
    local, _, domain = email.strip().rpartition("@")
    # A machine's own mail, as in development, is an address too.
    checked = f"{local}@example.com" if domain.lower() == "localhost" else email
    try:
        validate_email(checked, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        return f"{email!r} is not a valid email address: {exc}"
    return None


def _check_email(add, name: str, email: str) -> None:
    problem = email_problem(email)
    if problem:
        add(name, problem)


def _check_attendees(add, attendees: tuple[Attendee, ...]) -> None:
    seen: set[str] = set()
    for number, attendee in enumerate(attendees):
        _check_email(add, f"attendees.{number}.email", attendee.email)
        email = attendee.email.strip().lower()
        if email and email in seen:
            add(f"attendees.{number}.email", f"{attendee.email} is invited twice.")
        seen.add(email)
        if attendee.partstat not in PARTSTATS:
            add(f"attendees.{number}.partstat", f"{attendee.partstat!r} is not an answer to an invite.")


def _check_weeks(add, series: Series) -> None:
    for day in sorted(series.skipped):
        if not series.is_session_day(day):
            add("skipped", f"{long_date(day)} is not a session date of this series.")
    for day, move in sorted(series.moved.items()):
        if not series.is_session_day(day):
            add("moved", f"{long_date(day)} is not a session date of this series.")
        elif day in series.skipped:
            add("moved", f"The week of {long_date(day)} is skipped, so it cannot also be moved.")
        if move.duration_minutes is not None:
            _check_minutes(add, "moved", move.duration_minutes)


def occurrences(series: Series, start: datetime, end: datetime) -> list[Occurrence]:
    """The sessions that start from `start` up to (not including) `end`, earliest first:
    skipped weeks left out, moved weeks at their new time."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("occurrences() needs aware datetimes for start and end.")
    zone = series.zone
    # A day either side: the zone's date may differ from the bounds' own.
    low = start.astimezone(zone).date() - timedelta(days=1)
    high = end.astimezone(zone).date() + timedelta(days=1)
    found = [
        occurrence(series, day)
        for day in _regular_days(series, low, high)
        if day not in series.skipped and day not in series.moved
    ]
    found += [occurrence(series, day) for day in series.moved if series.is_session_day(day)]
    return sorted((o for o in found if start <= o.start_local < end), key=lambda o: o.start_utc)


def occurrence(series: Series, day: date) -> Occurrence:
    """The session of one week, at its new time if it was moved (skips are not checked)."""
    move = series.moved.get(day)
    if move is None:
        return regular_occurrence(series, day)
    return _session(series, day, move.start, move.duration_minutes or series.duration_minutes, moved=True)


def regular_occurrence(series: Series, day: date) -> Occurrence:
    """The session of one week where the weekly rule puts it, moved or not."""
    return _session(series, day, datetime.combine(day, series.start_time), series.duration_minutes, moved=False)


def _session(series: Series, day: date, wall: datetime, minutes: int, moved: bool) -> Occurrence:
    start, note = resolve_local(wall.date(), wall.time(), series.zone)
    # Elapsed minutes, as RFC 5545 counts a duration: a session over a clock change still
    # lasts as long as it should.
    end = (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(series.zone)
    return Occurrence(day, start, end, moved=moved, note=note)


def regular_start(series: Series, day: date) -> datetime:
    """Where a week's session stands in the series' rule: its RECURRENCE-ID."""
    return datetime.combine(day, series.start_time, tzinfo=series.zone)


def week_of(series: Series, recurrence_id: datetime | date) -> date | None:
    """The regular date a RECURRENCE-ID (as a reply gives it) names, or None when it names no
    session of the series."""
    if isinstance(recurrence_id, datetime):
        if recurrence_id.tzinfo is not None:
            recurrence_id = recurrence_id.astimezone(series.zone)
        recurrence_id = recurrence_id.date()
    return recurrence_id if series.is_session_day(recurrence_id) else None


def _regular_days(series: Series, low: date, high: date):
    first, last = series.first_day, series.last_day
    weeks = max(0, -(-(low - first).days // 7))
    day = first + timedelta(weeks=weeks)
    while day <= high and (last is None or day <= last):
        yield day
        day += timedelta(weeks=1)


def revise(series: Series, **changes) -> Series:
    """The series with changes made, one version (SEQUENCE) higher when anything changed;
    when the weekly time moves, everyone's earlier answer is reset."""
    changed = replace(series, **changes)
    if changed == series:
        return series
    if any(getattr(changed, name) != getattr(series, name) for name in WHEN_FIELDS):
        changed = replace(changed, attendees=tuple(replace(a, partstat="NEEDS-ACTION") for a in changed.attendees))
    return replace(changed, sequence=series.sequence + 1)


def record_answer(series: Series, email: str, partstat: str) -> Series:
    """The series with one attendee's answer recorded; the version stays the same, since
    nothing changes for anyone else. Raises ValueError for a stranger or an unknown answer."""
    if partstat not in PARTSTATS:
        raise ValueError(f"{partstat!r} is not an answer to an invite.")
    email = email.strip().lower()
    if not any(a.email.strip().lower() == email for a in series.attendees):
        raise ValueError(f"{email} is not invited to this series.")
    return replace(
        series,
        attendees=tuple(
            replace(a, partstat=partstat) if a.email.strip().lower() == email else a for a in series.attendees
        ),
    )
