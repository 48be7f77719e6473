"""Setting up and changing a team's weekly series: who may, the guests, and every change
that people's calendars must hear about (recorded by `sessions.series.invitations`).

Each change is made in the caller's transaction and raises the series' SEQUENCE when it is
a real change; `sessions.series.invitations.update_calendars` then sends what each person's
calendar needs, once the change is committed. Nothing here commits.

    series_id, notes = create_series(team.id, lead.id, SeriesFields(...))
    notes = change_series(series_id, SeriesFields(...))
    skip_week(series_id, date(2026, 12, 24))
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta

from flask import current_app

from app import request_keys
from app.extensions import db, utcnow
from app.people.models import Team, User
from app.times import long_date
from app.webhooks import events as webhook_events
from sessions.access import can_manage
from sessions.models import SeriesMember, SessionSeries
from sessions.series.invitations import record_change, record_quiet_change, sync_members, update_calendars_after_commit
from sessions.series.schedule import (
    WHEN_FIELDS,
    FieldError,
    Occurrence,
    Person,
    Series,
    email_problem,
    occurrence,
    occurrences,
    regular_occurrence,
    validate_series,
)
from sessions.series.stored import SeriesInvalid, as_series, find_week_row, week_row

# Notes about clock changes look this far ahead for a series with no end.
NOTES_AHEAD = timedelta(days=366)
# The next session is looked for this far ahead (a year, and the weeks a lead may skip).
NEXT_LOOKS_AHEAD = timedelta(days=400)


@dataclass(frozen=True)
class SeriesFields:
    """What a lead sets for a series."""

    title: str
    weekday: int
    start_time: time
    duration_minutes: int
    timezone: str
    first_date: date
    until: date | None = None
    location: str = ""
    description: str = ""


def _candidate(fields_: SeriesFields, organizer_email: str, base: Series | None = None) -> Series:
    values = {f.name: getattr(fields_, f.name) for f in fields(SeriesFields)}
    values["title"] = values["title"].strip()
    if base is None:
        return Series(uid="new", organizer=Person("lead", organizer_email), **values)
    return replace(base, **values)


def clock_notes(series: Series) -> list[str]:
    """What the series does on days a clock change skips or repeats its start time, over its
    whole run or the coming year, so the lead knows what was chosen."""
    start = datetime.combine(series.first_day, time(0), tzinfo=series.zone)
    end = (
        datetime.combine(series.last_day + timedelta(days=1), time(0), tzinfo=series.zone)
        if series.last_day
        else start + NOTES_AHEAD
    )
    return [o.note for o in occurrences(series, start, end) if o.note]


@dataclass(frozen=True)
class Week:
    """One coming week of a series: its regular date and where its session is held."""

    day: date  # the regular date: the key in URLs
    session: Occurrence  # where it is held (its regular place when skipped)
    skipped: bool
    moved: bool


def coming_weeks(series: Series, now: datetime, count: int) -> list[Week]:
    """The next `count` weeks whose session has not ended, by regular date, skipped weeks
    included so that the lead can restore them."""
    today = now.astimezone(series.zone).date()
    # A week moved a few days later may still be to come though its regular date passed.
    weeks_before = max(0, -(-((today - timedelta(weeks=2)) - series.first_day).days // 7))
    day, last, found = series.first_day + timedelta(weeks=weeks_before), series.last_day, []
    while len(found) < count and (last is None or day <= last):
        skipped = day in series.skipped
        session = regular_occurrence(series, day) if skipped else occurrence(series, day)
        if session.end_utc > now:
            found.append(Week(day, session, skipped, day in series.moved))
        day += timedelta(weeks=1)
    return found


def next_session(series: Series, now: datetime) -> Occurrence | None:
    """The series' next session still to end, or None when there is none within the year."""
    if series.cancelled:
        return None
    # A session lasts at most 8 hours: one that began up to then may still be going on.
    found = occurrences(series, now - timedelta(hours=9), now + NEXT_LOOKS_AHEAD)
    return next((o for o in found if o.end_utc > now), None)


# -- setting up and changing -----------------------------------------------------------------


def create_series(
    team_id: int, set_up_by: int, values: SeriesFields, request_key: str | None = None
) -> tuple[int, list[str]]:
    """Set up a weekly series for the team, by its lead or an admin, with the team and its
    lead invited (the lead organises it, whoever set it up); return its id and notes on clock
    changes. Raises SeriesInvalid and saves nothing when the values are wrong or the person
    may not set up the team's sessions. The same values sent again with the same
    `request_key` (the form's) set up one series, and invite once."""
    if not can_manage(team_id, db.session.get(User, set_up_by)):
        raise SeriesInvalid([FieldError("team_id", "Only the team's lead or an admin can set up its sessions.")])
    key = request_keys.request_key(request_key)
    lead = db.session.get(Team, team_id).lead
    candidate = _candidate(values, lead.email if lead else current_app.config["MAIL_FROM"])
    _raise_if_invalid(candidate)
    row, new = request_keys.insert_once(
        SessionSeries,
        dict(
            uid=f"{uuid.uuid4()}@{current_app.config['MAIL_DOMAIN']}",
            team_id=team_id,
            calendar_organizer_id=lead.id if lead else None,
            sequence=0,
            when_sequence=0,
            names_shown=False,
            prompt_hours=24,
            description=values.description,
            location=values.location,
            title=candidate.title,
            weekday=values.weekday,
            start_time=values.start_time,
            duration_minutes=values.duration_minutes,
            timezone=values.timezone,
            first_date=values.first_date,
            until=values.until,
            request_key=key,
        ),
        scope=("team_id",),
        same=tuple(f.name for f in fields(SeriesFields)),
    )
    if not new:
        return row.id, clock_notes(candidate)
    sync_members(row)
    update_calendars_after_commit(row)
    webhook_events.session("session.scheduled", row.id, team_id)
    return row.id, clock_notes(candidate)


def change_series(series_id: int, values: SeriesFields) -> list[str]:
    """Change the series' slot or text. A real change raises the SEQUENCE; a change of time
    also clears everyone's answer (they answer the new time) and drops skips and moves of
    weeks that are no longer session dates (said in the notes). Raises SeriesInvalid."""
    row = _live(series_id)
    before = as_series(row)
    wanted = _candidate(values, before.organizer.email, base=before)
    notes = []
    if any(getattr(wanted, name) != getattr(before, name) for name in WHEN_FIELDS + ("until",)):
        kept_skips = frozenset(d for d in wanted.skipped if wanted.is_session_day(d))
        kept_moves = {d: m for d, m in wanted.moved.items() if wanted.is_session_day(d)}
        for day in sorted((wanted.skipped - kept_skips) | (set(wanted.moved) - set(kept_moves))):
            notes.append(f"The change made for the week of {long_date(day)} no longer applies.")
        wanted = replace(wanted, skipped=kept_skips, moved=kept_moves)
    _raise_if_invalid(wanted)
    if wanted == before:
        return notes
    for name in (f.name for f in fields(SeriesFields)):
        setattr(row, name, getattr(wanted, name))
    for week in row.weeks:
        if not wanted.is_session_day(week.day):
            week.skipped, week.moved_start, week.moved_minutes = False, None, None
    moved = any(getattr(wanted, n) != getattr(before, n) for n in WHEN_FIELDS)
    record_change(row, when_changed=moved)
    if moved:
        webhook_events.session("session.scheduled", row.id, row.team_id)
    return notes + (clock_notes(wanted) if moved else [])


def skip_week(series_id: int, day: date) -> None:
    """Leave one week out: it disappears from everyone's calendar."""
    row = _live(series_id)
    week = week_row(row, day)
    if week.skipped:
        return
    week.skipped, week.moved_start, week.moved_minutes = True, None, None
    _raise_if_invalid(as_series(row))
    record_change(row)


def move_week(series_id: int, day: date, start: datetime, duration_minutes: int | None = None) -> list[str]:
    """Hold one week at another local time (and length); return notes on clock changes."""
    row = _live(series_id)
    week = week_row(row, day)
    start = start.replace(tzinfo=None, second=0, microsecond=0)
    minutes = duration_minutes if duration_minutes != row.duration_minutes else None
    if start == datetime.combine(day, row.start_time) and minutes is None:
        # Held where the weekly rule has it: that is no move, and calendars need no override.
        restore_week(series_id, day)
        return []
    if (week.moved_start, week.moved_minutes, week.skipped) == (start, minutes, False):
        return []
    week.skipped, week.moved_start, week.moved_minutes = False, start, minutes
    series = as_series(row)
    _raise_if_invalid(series)
    record_change(row)
    webhook_events.session("session.scheduled", row.id, row.team_id, day)
    note = occurrence(series, day).note
    return [note] if note else []


def restore_week(series_id: int, day: date) -> None:
    """Put a skipped or moved week back where the weekly rule has it."""
    row = _live(series_id)
    week = find_week_row(row, day)
    if week is None or (not week.skipped and week.moved_start is None):
        return
    week.skipped, week.moved_start, week.moved_minutes = False, None, None
    record_change(row)


def cancel_series(series_id: int) -> None:
    """End the series: it leaves everyone's calendar. Learnings, action items and history stay."""
    row = db.session.get(SessionSeries, series_id)
    if row is None or row.cancelled_at is not None:
        return
    row.cancelled_at = utcnow()
    record_change(row)


def set_names_shown(series_id: int, shown: bool) -> None:
    """Whether learnings show who wrote them (anonymous unless the lead turns names on)."""
    db.session.get(SessionSeries, series_id).names_shown = shown


def set_learning_settings(
    series_id: int, names_shown: bool, prompt_hours: int, remind_minutes: int | None = None
) -> None:
    """Whether learnings show who wrote them, how many hours before each session (1 to a
    week) people are asked for them, and how many minutes before it (1 to 240; None: as it
    was) they are reminded. Raises SeriesInvalid for other numbers."""
    if not 1 <= prompt_hours <= 7 * 24:
        raise SeriesInvalid([FieldError("prompt_hours", "Ask for learnings 1 to 168 hours before the session.")])
    if remind_minutes is not None and not 1 <= remind_minutes <= 240:
        raise SeriesInvalid([FieldError("remind_minutes", "Remind everyone 1 to 240 minutes before the session.")])
    row = db.session.get(SessionSeries, series_id)
    row.names_shown, row.prompt_hours = names_shown, prompt_hours
    if remind_minutes is not None:
        row.remind_minutes = remind_minutes


def add_guest(series_id: int, user_id: int) -> None:
    """Invite someone outside the team; they get the current invite."""
    row = _live(series_id)
    member = _member(row, user_id)
    if member is not None and member.left_at is None:
        member.guest = member.guest or not _belongs(row, db.session.get(User, user_id))
        return
    if member is None:
        row.members.append(SeriesMember(user_id=user_id, guest=True, partstat="NEEDS-ACTION"))
    else:
        member.guest, member.left_at, member.partstat, member.joined_at = True, None, "NEEDS-ACTION", utcnow()
    record_quiet_change(row)


def remove_guest(series_id: int, user_id: int) -> None:
    """Take a guest off the series; their calendar gets the cancellation."""
    row = _live(series_id)
    member = _member(row, user_id)
    if member is None or not member.guest or member.left_at is not None:
        return
    member.guest = False
    sync_members(row)


def not_invitable(row: SessionSeries) -> list[User]:
    """Invitees whose email address cannot take an invite, to tell the lead."""
    return [m.user for m in row.members if m.left_at is None and email_problem(m.user.email)]


def _member(row: SessionSeries, user_id: int) -> SeriesMember | None:
    return next((m for m in row.members if m.user_id == user_id), None)


def _belongs(row: SessionSeries, user: User) -> bool:
    return user.team_id == row.team_id or user.id == row.team.lead_id


def _live(series_id: int) -> SessionSeries:
    row = db.session.get(SessionSeries, series_id)
    if row is None:
        raise SeriesInvalid([FieldError("series", "There is no such series.")])
    if row.cancelled_at is not None:
        raise SeriesInvalid([FieldError("series", "The series is cancelled; it cannot change any more.")])
    return row


def _raise_if_invalid(series: Series) -> None:
    errors = [e for e in validate_series(series) if not e.field.startswith(("attendees.", "organizer."))]
    if errors:
        raise SeriesInvalid(errors)
