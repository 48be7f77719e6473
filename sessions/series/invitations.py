"""Who is invited to a series, and keeping their calendars in step with it: the invite and its
updates to everyone invited, the cancellation to anyone who left, and to everyone when the
series ends.

`sync_members` brings the invitees in line with the team, `record_change` records a
change everyone's calendar must hear about, and `record_quiet_change` one that only the
people joining or leaving hear about. `update_calendars` is a job, safe to run twice
and run after every committed change (and on the upkeep beat, which also picks up people
joining or leaving the team). Each person's
calendar remembers the version it was sent (`SeriesMember.sent_sequence`); a person is sent
the current version when theirs is older, and each email's key holds the version, so a
rerun sends nothing twice.

Calendar answers (METHOD:REPLY) go to the ORGANIZER's address, so each person's copy names
the lead with a reply address of that person's own: their answer comes back to Unstuck
through incoming mail (`sessions.series.rsvp`), from the address it was sent to.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit
from app.mail.addresses import reply_address
from app.mail.outgoing.compose import send_mail
from app.people.models import User
from app.times import CLOCK, date_format, long_date, weekday_names
from app.urls import external_url
from sessions.models import SeriesMember, SessionSeries, WeekAnswer
from sessions.series import calendar
from sessions.series.schedule import Person, email_problem
from sessions.series.stored import as_series

log = logging.getLogger(__name__)

# The purpose of the reply address a person's calendar answers go to.
RSVP_PURPOSE = "session-rsvp"


def update_calendars(series_id: int) -> int:
    """Send each invitee's calendar what it is missing; return how many emails were queued."""
    row = db.session.scalar(sa.select(SessionSeries).where(SessionSeries.id == series_id).with_for_update())
    if row is None:
        return 0
    if row.cancelled_at is None:
        sync_members(row)
    sent = 0
    for member in sorted(row.members, key=lambda m: m.user_id):
        if email_problem(member.user.email):
            continue  # the series page tells the lead who cannot get invites
        if row.cancelled_at is not None or member.left_at is not None:
            if member.sent_sequence is not None:
                sent += _send(row, member, "CANCEL")
                member.sent_sequence = None
        elif member.sent_sequence is None or member.sent_sequence < row.sequence:
            sent += _send(row, member, "REQUEST")
            member.sent_sequence = row.sequence
    db.session.flush()
    if sent:
        log.info("session calendars: series=%s sequence=%s emails=%s", row.id, row.sequence, sent)
    return sent


def organizer_for(row: SessionSeries, user_id: int) -> Person:
    """The organizer as this person's calendar sees it: the lead, at their own reply address."""
    address = reply_address(RSVP_PURPOSE, row.id, user_id)
    return Person(row.organizer.name if row.organizer else row.team.name, address)


def _send(row: SessionSeries, member: SeriesMember, method: str) -> int:
    answers_to = organizer_for(row, member.user_id).email
    series = as_series(row, answers_to)
    person = Person(member.user.name, member.user.email)
    if method == "REQUEST":
        ics, kind = calendar.invite(series, [person]), "request"
        subject = f"Invitation: {row.title}" if member.sent_sequence is None else f"Updated invitation: {row.title}"
    else:
        ics, kind = calendar.cancel_series(series, [person]), "cancel"
        subject = f"Cancelled: {row.title}"
    left = row.cancelled_at is None and member.left_at is not None
    send_mail(
        key=f"session-calendar:{row.id}:{member.user_id}:{row.sequence}:{kind}",
        kind=f"session-{kind}",
        to=member.user,
        subject=subject,
        template=f"sessions/email/{kind}",
        about=row,
        thread=f"session-series-{row.id}",
        context=dict(
            series=row,
            when=describe_slot(row),
            left=left,
            page=external_url("sessions.series_page", series_id=row.id),
            organizer=row.organizer,
            skipped=sorted(series.skipped),
            moved=sorted(series.moved.items()),
        ),
        calendar=ics,
        # A reply typed in the mail program reaches the same address as the calendar's
        # answer, and is told to answer in the calendar.
        reply_to=answers_to if method == "REQUEST" else None,
    )
    return 1


def describe_slot(row: SessionSeries) -> str:
    """The series' slot in words: Tuesdays at 10:00 for 30 minutes (Europe/Berlin)."""
    until = f", until {long_date(row.until)}" if row.until else ""
    return (
        f"{weekday_names()[row.weekday]}s at {date_format(row.start_time, CLOCK)} for {row.duration_minutes} minutes "
        f"({row.timezone}), from {long_date(row.first_date)}{until}"
    )


# -- who is invited ----------------------------------------------------------------------------


def sync_members(row: SessionSeries) -> bool:
    """Bring the invitees and the organizer in line with the team as it is: active members,
    the team's lead and guests are invited; anyone else (a lead moved to another team and
    replaced, say) leaves, and their calendar gets the cancellation. A new organizer is a
    change everyone's calendar hears about; someone joining or leaving reaches only them
    (`record_quiet_change`). Return whether anything changed."""
    wanted = {
        u.id: u for u in db.session.scalars(sa.select(User).where(User.team_id == row.team_id, User.active.is_(True)))
    }
    lead = row.organizer
    if lead is not None:
        wanted[lead.id] = lead
    new_organizer = row.calendar_organizer_id != (lead.id if lead else None)
    row.calendar_organizer_id = lead.id if lead else None
    came_or_went = False
    for member in row.members:
        keep = member.user_id in wanted or (member.guest and member.user.active)
        if member.left_at is None and not keep:
            member.left_at, came_or_went = utcnow(), True
        elif member.left_at is not None and member.user_id in wanted:
            member.left_at, member.guest, member.partstat, member.joined_at = None, False, "NEEDS-ACTION", utcnow()
            came_or_went = True
    known = {m.user_id for m in row.members}
    for user_id in sorted(set(wanted) - known):
        row.members.append(SeriesMember(user_id=user_id, guest=False, partstat="NEEDS-ACTION"))
        came_or_went = True
    if row.id is not None and row.sequence is not None and _was_sent(row):
        if new_organizer:
            record_change(row)
        elif came_or_went:
            record_quiet_change(row)
    return new_organizer or came_or_went


def _was_sent(row: SessionSeries) -> bool:
    """Whether anyone's calendar has the series yet (a new series starts at SEQUENCE 0)."""
    return any(m.sent_sequence is not None for m in row.members)


def record_change(row: SessionSeries, when_changed: bool = False) -> None:
    """Record a real change: one version up, and when the time moved, everyone answers again."""
    row.sequence += 1
    row.updated_at = utcnow()
    if when_changed:
        row.when_sequence = row.sequence
        for member in row.members:
            member.partstat, member.answered_at = "NEEDS-ACTION", None
        week_ids = [w.id for w in row.weeks if w.id is not None]
        if week_ids:
            db.session.execute(sa.delete(WeekAnswer).where(WeekAnswer.week_id.in_(week_ids)))
    update_calendars_after_commit(row)


def record_quiet_change(row: SessionSeries) -> None:
    """Record that people joined or left (the invitees' `left_at` already set): one version
    up, so the joiners' invitations and the leavers' cancellations are newer than any copy
    sent before (RFC 5546), while everyone who stays and had the last version counts as
    having this one. Their copies differ only in the attendee list, so they are not mailed
    until the next real change of the series."""
    row.sequence += 1
    row.updated_at = utcnow()
    for member in row.members:
        if member.left_at is None and member.sent_sequence == row.sequence - 1:
            member.sent_sequence = row.sequence
    update_calendars_after_commit(row)


def update_calendars_after_commit(row: SessionSeries) -> None:
    """Have everyone's calendar brought up to date once the change is committed."""
    enqueue_after_commit(update_calendars, row.id)
