"""Weekly sessions, as a section of a person's data: the series they organise, their
invitations and calendar answers, their learnings and votes, the action items they own or
wrote down, the sessions they opened as they ran and those they attended, and their calendar
feed.

Erasing deletes their calendar feed (its secret address stops working); invitations,
answers, votes, presence, attendance and action items stay, as the counts and the team's history need
them (leaving the series is the deactivation's work). With texts removed, their learnings
become REMOVED, in the mail that carried them too. Action items are the team's decisions,
and stay as written.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.mail.models import OutboundMail
from app.mail.personal_data import replace_in_mail
from app.people.personal_data import REMOVED, register_personal_data, rows
from sessions.models import (
    ActionItem,
    Attendance,
    CalendarFeed,
    Learning,
    Presence,
    SeriesMember,
    SessionSeries,
    Vote,
    WeekAnswer,
)

COVERS = {
    "session_series.organizer_id",
    "session_members.user_id",
    "session_week_answers.user_id",
    "session_learnings.author_id",
    "session_votes.voter_id",
    "session_actions.owner_id",
    "session_actions.created_by_id",
    "session_attendance.user_id",
    "session_presence.user_id",
    "calendar_feeds.user_id",
}


def export_sessions(user_id: int) -> dict[str, list[dict]]:
    return {
        "session_series": rows(SessionSeries, SessionSeries.calendar_organizer_id == user_id),
        "session_members": rows(SeriesMember, SeriesMember.user_id == user_id),
        "session_week_answers": rows(WeekAnswer, WeekAnswer.user_id == user_id),
        "session_learnings": rows(Learning, Learning.author_id == user_id, omit={"source_message_id"}),
        "session_votes": rows(Vote, Vote.voter_id == user_id),
        "session_actions": rows(
            ActionItem, sa.or_(ActionItem.owner_id == user_id, ActionItem.created_by_id == user_id)
        ),
        "session_attendance": rows(Attendance, Attendance.user_id == user_id),
        "session_presence": rows(Presence, Presence.user_id == user_id),
        "calendar_feeds": rows(CalendarFeed, CalendarFeed.user_id == user_id, omit={"token"}),
    }


def erase_sessions(user_id: int, remove_texts: bool) -> None:
    db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user_id))
    if not remove_texts:
        return
    written = db.session.execute(sa.select(Learning.week_id, Learning.text).where(Learning.author_id == user_id)).all()
    db.session.execute(sa.update(Learning).where(Learning.author_id == user_id).values(text=REMOVED))
    # Prompts and summaries carry the week's learnings.
    for week_id, text in written:
        replace_in_mail(
            sa.and_(OutboundMail.about_type == "sessionweek", OutboundMail.about_id == week_id), text, REMOVED
        )


def register(app) -> None:
    register_personal_data(app, "sessions", covers=COVERS, export=export_sessions, erase=erase_sessions)
