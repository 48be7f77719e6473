"""The weekly sessions' part when a person leaves (`person_leaving`, app.people.leavers).

They leave every live series they are invited to, as a team member or a guest: after the
commit their calendar gets the cancellation (METHOD:CANCEL naming them, with a new
SEQUENCE), through the series' own calendar job. Nobody else is mailed: the others count as
having that version, and their calendars keep the attendee list they have until the next
real change of the series. When the leaver is the team's lead, the calendars name another organizer (or none),
and that change goes to everyone as any change of lead does.

Reactivated, they are invited again to their team's series on the sessions' next beat,
like anyone joining the team.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit
from sessions.models import SeriesMember, SessionSeries
from sessions.series.invitations import record_quiet_change, update_calendars


def on_person_leaving(sender, user_id: int, **extra) -> None:
    """Take the leaver off every live series; their calendars get the cancellation."""
    now = utcnow()
    for member in _invited(user_id):
        member.left_at = now
        if member.sent_sequence is not None:
            record_quiet_change(member.series)
        else:
            enqueue_after_commit(update_calendars, member.series_id)
    db.session.flush()


def _invited(user_id: int) -> list[SeriesMember]:
    return list(
        db.session.scalars(
            sa.select(SeriesMember)
            .join(SessionSeries, SessionSeries.id == SeriesMember.series_id)
            .where(
                SeriesMember.user_id == user_id,
                SeriesMember.left_at.is_(None),
                SessionSeries.cancelled_at.is_(None),
            )
            .order_by(SeriesMember.series_id)
        )
    )


def what_leaving_does(sender, user_id: int, **extra) -> list[str]:
    """Say how many weekly sessions they would leave."""
    count = len(_invited(user_id))
    noun = "weekly session" if count == 1 else "weekly sessions"
    return [f"They leave {count} {noun}: their calendar gets a cancellation, and nobody else is mailed."]
