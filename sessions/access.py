"""Who may see and run a team's weekly sessions: the team's lead now and admins run them;
everyone invited now sees them. Nothing here rests on who set a series up or on invitee rows
that `sessions.series.invitations.sync_members` has yet to bring in line: a lead moved to another team,
or a member who left, loses the sessions at once.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.people.models import Role, Team, User
from sessions.models import SeriesMember, SessionSeries


def can_manage(team_id: int, user: User) -> bool:
    """Whether the person may set up and run the team's sessions: its lead, or an admin."""
    if user.has_role(Role.ADMIN):
        return True
    return db.session.scalar(sa.select(Team.lead_id).where(Team.id == team_id)) == user.id


def invited_now() -> sa.ColumnElement[bool]:
    """The condition on SeriesMember (joined with its series, the series' team and the
    person) that the person is invited now: they have not left, and they are a guest, in the
    team, or its lead. Access rests on the team as it is, not on invitee rows that
    `sessions.series.invitations.sync_members` brings in line within minutes."""
    return sa.and_(
        SeriesMember.left_at.is_(None),
        sa.or_(SeriesMember.guest.is_(True), User.team_id == SessionSeries.team_id, Team.lead_id == User.id),
    )


def current_invitees() -> sa.Select:
    """A query of (series id, person id) for everyone invited now (see invited_now)."""
    return (
        sa.select(SeriesMember.series_id, SeriesMember.user_id)
        .join(SessionSeries, SessionSeries.id == SeriesMember.series_id)
        .join(Team, Team.id == SessionSeries.team_id)
        .join(User, User.id == SeriesMember.user_id)
        .where(invited_now())
    )


def is_invited(series: SessionSeries, user: User) -> bool:
    """Whether the person is invited to the series now."""
    found = current_invitees().where(SeriesMember.series_id == series.id, SeriesMember.user_id == user.id)
    return db.session.scalar(sa.select(found.exists())) or False


def can_see(series: SessionSeries, user: User) -> bool:
    """Whether the person may see the series and its sessions."""
    return can_manage(series.team_id, user) or is_invited(series, user)


def visible_series(user: User) -> sa.Select:
    """A query for every series the person may see, newest first."""
    query = sa.select(SessionSeries).order_by(SessionSeries.cancelled_at.is_not(None), SessionSeries.id.desc())
    if user.has_role(Role.ADMIN):
        return query
    invited = current_invitees().where(SeriesMember.user_id == user.id).with_only_columns(SeriesMember.series_id)
    led = sa.select(Team.id).where(Team.lead_id == user.id)
    return query.where(sa.or_(SessionSeries.id.in_(invited), SessionSeries.team_id.in_(led)))
