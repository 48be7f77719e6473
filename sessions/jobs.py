"""The sessions' beat: people joining or leaving a team get the invite or the cancellation,
members are asked for learnings before each session and reminded shortly before it, and a summary whose job was lost still
goes out. A person moved between teams, or a team given another lead, does not wait for the
beat: their teams' calendars are brought in line as soon as the change is committed.

The jobs commit each series on its own (its row is locked while its calendars are sent), so
one that fails leaves the others done."""

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit
from sessions.learnings.prompt import send_due_prompts
from sessions.models import SessionSeries
from sessions.series.invitations import update_calendars
from sessions.series.reminder import send_due_reminders
from sessions.summaries.services import send_due_summaries


def upkeep() -> None:
    """Bring every live series' calendars in line with its team, ask for learnings before
    sessions that are due, remind people of sessions about to start, and send the summaries of closed sessions not sent yet. Safe to
    run twice."""
    live = db.session.scalars(sa.select(SessionSeries.id).where(SessionSeries.cancelled_at.is_(None))).all()
    for series_id in live:
        update_calendars(series_id)
        db.session.commit()
    send_due_prompts(utcnow())
    send_due_reminders(utcnow())
    send_due_summaries()


def on_team_changed(sender, team_ids: set[int], **extra) -> None:
    """When people move between teams or a team gets another lead, update those teams'
    calendars once the transaction commits."""
    enqueue_after_commit(update_team_calendars, sorted(team_ids))


def update_team_calendars(team_ids: list[int]) -> None:
    """Bring the invitees and organizer of each live series of the teams in line with the
    teams, sending invites and cancellations. Safe to run twice."""
    live = db.session.scalars(
        sa.select(SessionSeries.id)
        .where(SessionSeries.team_id.in_(team_ids), SessionSeries.cancelled_at.is_(None))
        .order_by(SessionSeries.id)
    ).all()
    for series_id in live:
        update_calendars(series_id)
        db.session.commit()
