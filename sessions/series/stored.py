"""The stored series as the pure core sees it, and the rows of its weeks: what every part of
the sessions reads a series through, the series' pages, invitations, learnings and retro alike.
Nothing here commits."""

from __future__ import annotations

from datetime import date

from flask import current_app

from app.database import insert_unless_exists
from app.errors import InvalidInput
from app.extensions import db
from app.times import long_date
from sessions.models import SessionSeries, SessionWeek
from sessions.series.schedule import Attendee, FieldError, Move, Person, Series, email_problem


class SeriesInvalid(InvalidInput):
    """The series cannot be saved as asked; `errors` name each field and say why."""

    def __init__(self, errors: list[FieldError]):
        fields: dict[str, str] = {}
        for error in errors:
            fields[error.field] = f"{fields[error.field]} {error.message}" if error.field in fields else error.message
        super().__init__(fields, " ".join(e.message for e in errors))
        self.errors = errors


def as_series(row: SessionSeries, organizer_email: str | None = None) -> Series:
    """The stored series as `sessions.series.schedule` and `sessions.series.calendar` take it.
    The organizer is the team's lead by name; `organizer_email` is where calendar answers go (a
    reply address)."""
    organizer = row.organizer
    attendees = tuple(
        Attendee(m.user.name, m.user.email, m.partstat)
        for m in sorted(row.members, key=lambda m: m.user.name)
        if m.left_at is None and email_problem(m.user.email) is None
    )
    return Series(
        uid=row.uid,
        title=row.title,
        weekday=row.weekday,
        start_time=row.start_time,
        duration_minutes=row.duration_minutes,
        timezone=row.timezone,
        first_date=row.first_date,
        organizer=Person(
            organizer.name if organizer else row.team.name,
            organizer_email or (organizer.email if organizer else current_app.config["MAIL_FROM"]),
        ),
        description=row.description,
        location=row.location,
        until=row.until,
        skipped=frozenset(w.day for w in row.weeks if w.skipped),
        moved={
            w.day: Move(w.moved_start, w.moved_minutes)
            for w in row.weeks
            if w.moved_start is not None and not w.skipped
        },
        sequence=row.sequence,
        attendees=attendees,
        cancelled=row.cancelled_at is not None,
    )


def week_row(row: SessionSeries, day: date) -> SessionWeek:
    """The week's row, made when first needed. Raises SeriesInvalid for a date that is not a
    session date of the series."""
    week = find_week_row(row, day)
    if week is not None:
        return week
    if not as_series(row).is_session_day(day):
        raise SeriesInvalid([FieldError("day", f"{long_date(day)} is not a session date of this series.")])
    # Two requests may make the same week at once (a prompt job and a page): one row wins.
    db.session.flush()
    insert_unless_exists(SessionWeek.__table__, dict(series_id=row.id, day=day, skipped=False), ["series_id", "day"])
    db.session.expire(row, ["weeks"])
    return find_week_row(row, day)


def find_week_row(row: SessionSeries, day: date) -> SessionWeek | None:
    return next((w for w in row.weeks if w.day == day), None)
