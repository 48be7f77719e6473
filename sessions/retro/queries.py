"""What the retro's pages and the summary read of a week: its items and votes, the people
invited and who was there, and its action items. Nothing here changes anything."""

from __future__ import annotations

import hashlib
from datetime import date

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.people.models import User
from app.people.names import shown_name
from app.times import local_day
from sessions.access import current_invitees
from sessions.models import (
    ActionItem,
    Attendance,
    Learning,
    Presence,
    SeriesMember,
    SessionSeries,
    SessionWeek,
    Vote,
    WeekAnswer,
)
from sessions.retro import rules as retro


def items_of(week_id: int, names_shown: bool = False) -> list[retro.Item]:
    """The week's learnings as the retro sees them, earliest first."""
    return as_items(learning_rows(week_id), names_shown)


def votes_of(week_id: int, voter_id: int | None = None) -> list[retro.Ballot]:
    """The week's votes (or one person's)."""
    query = sa.select(Vote.voter_id, Vote.learning_id, Vote.count).where(Vote.week_id == week_id)
    if voter_id is not None:
        query = query.where(Vote.voter_id == voter_id)
    return [retro.Ballot(*row) for row in db.session.execute(query.order_by(Vote.id))]


def voters_count(week_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(Vote.voter_id))).where(Vote.week_id == week_id))


def invitees(series_id: int) -> list[User]:
    """The people invited to the series now, by name."""
    return list(
        db.session.scalars(
            sa.select(User).where(User.id.in_(invitee_ids_query(series_id))).order_by(User.name, User.id)
        )
    )


def invitee_ids(series_id: int) -> list[int]:
    return list(db.session.scalars(invitee_ids_query(series_id)))


def invitee_ids_query(series_id: int) -> sa.Select:
    """The ids of the people invited to the series now (sessions.access.invited_now)."""
    return current_invitees().where(SeriesMember.series_id == series_id).with_only_columns(SeriesMember.user_id)


def present_ids(week_id: int) -> set[int]:
    """The people invited now who opened the run page while the session was running: the
    attendance starts ticked for them."""
    return set(
        db.session.scalars(
            sa.select(Presence.user_id).where(
                Presence.week_id == week_id, Presence.user_id.in_(invitee_ids_query_of_week(week_id))
            )
        )
    )


def invitee_ids_query_of_week(week_id: int) -> sa.Select:
    series_id = sa.select(SessionWeek.series_id).where(SessionWeek.id == week_id).scalar_subquery()
    return current_invitees().where(SeriesMember.series_id == series_id).with_only_columns(SeriesMember.user_id)


def was_seen(week_id: int, user_id: int) -> bool:
    return (
        db.session.scalar(sa.select(Presence.id).where(Presence.week_id == week_id, Presence.user_id == user_id))
        is not None
    )


def session_date(week: SessionWeek) -> date:
    """The day the session is planned for: its regular date, or the day it was moved to."""
    return week.planned_day


def live_version(week: SessionWeek | None) -> str:
    """A short fingerprint of everything the run page shows that others change: the phase and
    its start, the learnings and their groups, the votes, the action items, who came. Equal
    fingerprints mean the page would look the same (`views` answers 304 then); a few small
    queries, however often it is asked."""
    if week is None:
        return "none"
    learnings = db.session.execute(
        sa.select(Learning.id, Learning.group_id).where(Learning.week_id == week.id).order_by(Learning.id)
    ).all()
    votes = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Vote.count), 0), sa.func.max(Vote.id)).where(
            Vote.week_id == week.id
        )
    ).one()
    actions = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(ActionItem.id), sa.func.count(ActionItem.done_at)).where(
            sa.or_(ActionItem.week_id == week.id, ActionItem.done_week_id == week.id)
        )
    ).one()
    seen = db.session.scalar(sa.select(sa.func.count()).select_from(Presence).where(Presence.week_id == week.id))
    state = (
        week.phase,
        week.phase_started_at,
        week.started_at,
        week.closed_at,
        week.summary_sent_at,
        week.skipped,
        tuple(learnings),
        tuple(votes),
        tuple(actions),
        seen,
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()[:20]


def expected(week: SessionWeek) -> set[int]:
    """The invitees who did not decline this week (their answer for the week, or else for
    the series): who the week's page expects."""
    for_week = (
        dict(
            db.session.execute(
                sa.select(WeekAnswer.user_id, WeekAnswer.partstat).where(WeekAnswer.week_id == week.id)
            ).all()
        )
        if week.id is not None
        else {}
    )
    members = db.session.execute(
        sa.select(SeriesMember.user_id, SeriesMember.partstat).where(
            SeriesMember.series_id == week.series_id, SeriesMember.user_id.in_(invitee_ids_query(week.series_id))
        )
    )
    return {user_id for user_id, partstat in members if for_week.get(user_id, partstat) != "DECLINED"}


def attendees_of(week_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Attendance, Attendance.user_id == User.id)
            .where(Attendance.week_id == week_id)
            .order_by(User.name, User.id)
        )
    )


def earlier_actions(series_id: int, day: date, week_id: int | None = None) -> list[ActionItem]:
    """The action items raised at earlier sessions that are still open, and those marked done
    at this one: the review goes through them."""
    done_here = ActionItem.done_week_id == week_id if week_id is not None else sa.false()
    return list(
        db.session.scalars(
            sa.select(ActionItem)
            .join(SessionWeek, SessionWeek.id == ActionItem.week_id)
            .where(
                ActionItem.series_id == series_id,
                SessionWeek.day < day,
                sa.or_(ActionItem.done_at.is_(None), done_here),
            )
            .order_by(ActionItem.due_date, ActionItem.id)
        )
    )


def actions_raised(week_id: int) -> list[ActionItem]:
    return list(db.session.scalars(sa.select(ActionItem).where(ActionItem.week_id == week_id).order_by(ActionItem.id)))


def open_actions(series_id: int) -> list[ActionItem]:
    """The series' action items not done yet, the one due first on top."""
    return list(
        db.session.scalars(
            sa.select(ActionItem)
            .where(ActionItem.series_id == series_id, ActionItem.done_at.is_(None))
            .order_by(ActionItem.due_date, ActionItem.id)
        )
    )


def as_action(row: ActionItem) -> retro.Action:
    return retro.Action(
        row.id, row.text, row.owner.name if row.owner else None, row.due_date, row.learning_id, row.done_at is not None
    )


def learnings_count(week_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Learning).where(Learning.week_id == week_id))


def today_for(series: SessionSeries) -> date:
    """Today's date where the series meets: due dates are days there."""
    return local_day(utcnow(), series.timezone)


def learning_rows(week_id: int) -> list[Learning]:
    return list(
        db.session.scalars(
            sa.select(Learning).where(Learning.week_id == week_id).order_by(Learning.created_at, Learning.id)
        )
    )


def as_items(rows: list[Learning], names_shown: bool = False) -> list[retro.Item]:
    return [
        retro.Item(r.id, r.kind.value, r.text, shown_name(r.author) if names_shown and r.author else None, r.group_id)
        for r in rows
    ]
