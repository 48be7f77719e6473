"""Answers from people's calendars: accepting or declining a series' invite, or one week of it.

Each person's copy of the invite names the lead at a reply address of that person's own
(`sessions.series.invitations`), so their calendar's METHOD:REPLY comes back through incoming mail, and
incoming mail has already checked that it comes from that person. Here the answer is read
and recorded: for the whole series on `SeriesMember`, for one week (a reply with a
RECURRENCE-ID) on `WeekAnswer`. The lead sees the answers on the series page.

`read_answers` is the pure part: which of a reply's answers count, and why the others do not.
`record_reply` is the handler incoming mail calls. The same email read twice records the
same state: an answer that is already recorded changes nothing, not even its time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.incoming.handlers import Reply, ReplyRefused
from app.times import long_date
from sessions.models import SeriesMember, SessionSeries, WeekAnswer
from sessions.series.calendar import Rsvp, calendar_method, parse_reply
from sessions.series.schedule import Series, week_of
from sessions.series.stored import as_series, week_row

log = logging.getLogger(__name__)

ANSWER_IN_CALENDAR = (
    "Unstuck reads your answer to a session invitation from your calendar, not from "
    "the text of an email. Please accept or decline the invitation in your calendar."
)


@dataclass(frozen=True)
class Answer:
    """One answer to record: for the whole series, or for the week of its regular date."""

    partstat: str
    week: date | None = None


@dataclass(frozen=True)
class Reading:
    """What a calendar reply says for one person: the answers that count, and in words for
    that person why each other one does not."""

    answers: tuple[Answer, ...]
    ignored: tuple[str, ...]


def read_answers(rsvps: Iterable[Rsvp], series: Series, email: str, when_sequence: int) -> Reading:
    """The answers of a reply that count for the person at `email`: those for this series
    (its UID), given by that person's own address, to an invitation at the series' current
    time (SEQUENCE not below `when_sequence`), and for the whole series or one of its
    weeks that is held. An answer for a week comes after the series-wide one, and of two
    answers for the same thing the last one counts."""
    email = email.strip().lower()
    found: dict[date | None, Answer] = {}
    ignored: list[str] = []
    for rsvp in rsvps:
        why = _why_not(rsvp, series, email, when_sequence)
        if why:
            ignored.append(why)
            continue
        week = week_of(series, rsvp.recurrence_id) if rsvp.recurrence_id is not None else None
        found[week] = Answer(rsvp.partstat, week)
    answers = sorted(found.values(), key=lambda a: (a.week is not None, a.week or date.min))
    return Reading(tuple(answers), tuple(dict.fromkeys(ignored)))


def _why_not(rsvp: Rsvp, series: Series, email: str, when_sequence: int) -> str | None:
    if rsvp.uid != series.uid:
        return f'The answer is for another calendar event, not for "{series.title}".'
    if rsvp.email != email:
        return f"The answer is for {rsvp.email}, not for your address {email}."
    if rsvp.sequence < when_sequence:
        return (
            f"The answer is to an earlier version of the invitation (version {rsvp.sequence}); "
            f'the time of "{series.title}" has changed since (version {when_sequence}). '
            "Please answer the updated invitation in your calendar."
        )
    if rsvp.recurrence_id is not None:
        week = week_of(series, rsvp.recurrence_id)
        day = rsvp.recurrence_id.date() if isinstance(rsvp.recurrence_id, datetime) else rsvp.recurrence_id
        if week is None:
            return f'The answer is for {long_date(day)}, which is not a session date of "{series.title}".'
        if week in series.skipped:
            return f"The answer is for the week of {long_date(week)}, which is skipped."
    return None


def record_reply(reply: Reply) -> None:
    """Record the answer a person's calendar sent for a series (the reply address's object),
    and commit. Raises ReplyRefused, having written nothing, when the email holds no calendar
    answer, or none of its answers counts for that person."""
    if reply.calendar is None:
        raise ReplyRefused(ANSWER_IN_CALENDAR)
    row = db.session.scalar(sa.select(SessionSeries).where(SessionSeries.id == reply.object_id).with_for_update())
    if row is None:
        raise ReplyRefused("This weekly session no longer exists in Unstuck, so there is nothing to answer.")
    if row.cancelled_at is not None:
        raise ReplyRefused(f'"{row.title}" is cancelled, so there is nothing to answer any more.')
    rsvps = _answers_in(reply.calendar, row)
    member = next((m for m in row.members if m.user_id == reply.user_id and m.left_at is None), None)
    if member is None:
        raise ReplyRefused(f'You are no longer invited to "{row.title}", so your answer was not recorded.')
    reading = read_answers(rsvps, as_series(row), member.user.email, row.when_sequence)
    for why in reading.ignored:
        log.info(
            "session answer ignored: series=%s user=%s message_id=%s: %s", row.id, reply.user_id, reply.message_id, why
        )
    if not reading.answers:
        raise ReplyRefused("Your calendar's answer was not recorded. " + " ".join(reading.ignored))
    now = utcnow()
    changed = [answer for answer in reading.answers if _record(row, member, answer, now)]
    db.session.flush()
    for answer in reading.answers:
        log.info(
            "session answer: series=%s user=%s week=%s partstat=%s%s",
            row.id,
            reply.user_id,
            answer.week or "all",
            answer.partstat,
            "" if answer in changed else " (already recorded)",
        )


def _answers_in(ics: bytes, row: SessionSeries) -> list[Rsvp]:
    """The answers in the calendar part; ReplyRefused, saying what to do, when it holds none."""
    try:
        if calendar_method(ics) == "COUNTER":  # Outlook's "Propose new time"
            lead = row.organizer.name if row.organizer else "the lead"
            raise ReplyRefused(
                f"Unstuck cannot take a proposal of another time from your calendar. Please "
                f"ask {lead} to move the session, or accept or decline the invitation as it is."
            )
        return parse_reply(ics)
    except ValueError as exc:
        raise ReplyRefused(
            f"Your calendar's answer could not be read ({str(exc).rstrip('.')}). Please "
            "accept or decline the invitation in your calendar again."
        ) from None


def _record(row: SessionSeries, member: SeriesMember, answer: Answer, now: datetime) -> bool:
    """Record one answer; return whether anything changed."""
    if answer.week is None:
        if member.partstat == answer.partstat and member.answered_at is not None:
            return False
        member.partstat, member.answered_at = answer.partstat, now
        return True
    week = week_row(row, answer.week)
    stored = db.session.scalar(
        sa.select(WeekAnswer).where(WeekAnswer.week_id == week.id, WeekAnswer.user_id == member.user_id)
    )
    if stored is None:
        db.session.add(WeekAnswer(week_id=week.id, user_id=member.user_id, partstat=answer.partstat, answered_at=now))
        return True
    if stored.partstat == answer.partstat:
        return False
    stored.partstat, stored.answered_at = answer.partstat, now
    return True
