"""The weekly sessions as stored: the series a lead sets, who is invited and what they
answered, each week's session (skipped, moved, run), the learnings people add, the votes,
the action items, who attended, and each person's calendar feed.

The pure core (`sessions.series.schedule`, `sessions.series.calendar`) never sees these rows:
`sessions.series.stored.as_series` turns them into its plain values.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import UTCDateTime, db, utcnow
from app.people.models import Team, User
from app.times import local_day


def _enum(kind, length: int):
    return sa.Enum(kind, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class SessionSeries(db.Model):
    """A team's weekly session: its slot in the team's time zone and its version (SEQUENCE)
    in people's calendars. `when_sequence` is the version at which the time last moved:
    calendar answers to an older version no longer count."""

    __tablename__ = "session_series"
    # The same form sent twice (same team, same key) sets up one series.
    __table_args__ = (sa.UniqueConstraint("team_id", "request_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(120), unique=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    # The lead the calendars sent so far name as organizer, so that a new lead reaches them
    # (`sessions.series.invitations.sync_members` keeps it in step). Who organises the series, and who may
    # see or run it, never rests on it: that is the team's lead now (`organizer`).
    calendar_organizer_id: Mapped[int | None] = mapped_column(
        "organizer_id", sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    location: Mapped[str] = mapped_column(sa.String(500), default="")
    weekday: Mapped[int] = mapped_column()  # 0 Monday ... 6 Sunday
    start_time: Mapped[time] = mapped_column()  # wall-clock time in `timezone`
    duration_minutes: Mapped[int] = mapped_column()
    timezone: Mapped[str] = mapped_column(sa.String(64))
    first_date: Mapped[date] = mapped_column()
    until: Mapped[date | None] = mapped_column()
    sequence: Mapped[int] = mapped_column(default=0)
    when_sequence: Mapped[int] = mapped_column(default=0)
    names_shown: Mapped[bool] = mapped_column(default=False)  # learnings show their authors
    prompt_hours: Mapped[int] = mapped_column(default=24)  # the learnings prompt goes out this long before
    # The reminder goes out this long before each session.
    remind_minutes: Mapped[int] = mapped_column(default=15, server_default=sa.text("15"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    request_key: Mapped[str | None] = mapped_column(sa.String(64))  # the form's that set it up
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team] = relationship()
    members: Mapped[list[SeriesMember]] = relationship(back_populates="series", cascade="all, delete-orphan")
    weeks: Mapped[list[SessionWeek]] = relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="SessionWeek.day"
    )

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def organizer(self) -> User | None:
        """Who organises the series: the team's lead now, if they are active; None without one."""
        lead = self.team.lead
        return lead if lead is not None and lead.active else None


class SeriesMember(db.Model):
    """Someone invited to a series, as a member of the team or as a guest; their answer to
    the series; and the version of the invite their calendar has (`sent_sequence`).
    `left_at` is set when they leave, and their calendar got the cancellation."""

    __tablename__ = "session_members"
    __table_args__ = (sa.UniqueConstraint("series_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("session_series.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    guest: Mapped[bool] = mapped_column(default=False)
    partstat: Mapped[str] = mapped_column(sa.String(16), default="NEEDS-ACTION")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_sequence: Mapped[int | None] = mapped_column()
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    series: Mapped[SessionSeries] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class Phase(enum.StrEnum):
    """Where a running session is; the order is the order of the retro."""

    REVIEW = "review"  # open action items from earlier sessions
    READ = "read"  # the learnings
    GROUP = "group"  # similar items together
    VOTE = "vote"
    DISCUSS = "discuss"  # the top items, and new action items
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "review": "Review open actions",
            "read": "Read learnings",
            "group": "Group similar items",
            "vote": "Vote",
            "discuss": "Discuss and decide",
            "closed": "Closed",
        }[self.value]


class SessionWeek(db.Model):
    """One week's session of a series, keyed by its regular date: skipped or moved there, and
    run there (phase, when it started and closed, when its prompt and summary went out).
    A row exists only for a week that something happened to."""

    __tablename__ = "session_weeks"
    __table_args__ = (sa.UniqueConstraint("series_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("session_series.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column()  # the regular date (RECURRENCE-ID), even when moved
    skipped: Mapped[bool] = mapped_column(default=False)
    moved_start: Mapped[datetime | None] = mapped_column(sa.DateTime)  # naive wall-clock time in the series' zone
    moved_minutes: Mapped[int | None] = mapped_column()
    phase: Mapped[Phase | None] = mapped_column(_enum(Phase, 10))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phase_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the current phase began
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    prompted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the reminder before it went
    summary_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    series: Mapped[SessionSeries] = relationship(back_populates="weeks")

    @property
    def planned_day(self) -> date:
        """The day the session is planned for: its regular date, or the day it was moved to."""
        return self.moved_start.date() if self.moved_start is not None else self.day

    @property
    def held_on(self) -> date:
        """The day the session happened, where the series meets: the day it was started (a
        lead may start it before its day), or the planned day while it has not started."""
        if self.started_at is None:
            return self.planned_day
        return local_day(self.started_at, self.series.timezone)


class WeekAnswer(db.Model):
    """An invitee's answer for one week only (a reply with a RECURRENCE-ID)."""

    __tablename__ = "session_week_answers"
    __table_args__ = (sa.UniqueConstraint("week_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(sa.ForeignKey("session_weeks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    partstat: Mapped[str] = mapped_column(sa.String(16))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LearningKind(enum.StrEnum):
    LEARNED = "learned"
    WANT = "want"
    STUCK = "stuck"

    @property
    def label(self) -> str:
        return {"learned": "What I learned", "want": "What I want to learn", "stuck": "Where I got stuck"}[self.value]


class Learning(db.Model):
    """One thing a person brings to a week's session. `group_id` points at the item it was
    grouped under during the retro; votes go to the item at the head of a group."""

    __tablename__ = "session_learnings"
    __table_args__ = (
        sa.Index("ix_session_learnings_week", "week_id", "kind"),
        # The same form sent twice (same author, same key) adds one learning to the week.
        sa.UniqueConstraint("week_id", "author_id", "request_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(sa.ForeignKey("session_weeks.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[LearningKind] = mapped_column(_enum(LearningKind, 10))
    text: Mapped[str] = mapped_column(sa.Text)
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session_learnings.id", ondelete="SET NULL"))
    via: Mapped[str] = mapped_column(sa.String(10), default="web")  # web, email, chat
    source_message_id: Mapped[str | None] = mapped_column(sa.String(250), index=True)  # when by email
    request_key: Mapped[str | None] = mapped_column(sa.String(64))  # the form's, when from the web
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    week: Mapped[SessionWeek] = relationship()
    author: Mapped[User | None] = relationship()


class Vote(db.Model):
    """How many of a person's votes they put on one item of a week's session."""

    __tablename__ = "session_votes"
    __table_args__ = (sa.UniqueConstraint("learning_id", "voter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(sa.ForeignKey("session_weeks.id", ondelete="CASCADE"), index=True)
    learning_id: Mapped[int] = mapped_column(sa.ForeignKey("session_learnings.id", ondelete="CASCADE"))
    voter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column()


class ActionItem(db.Model):
    """Something the team decided to do, with an owner and a due date. It comes back to every
    session of the series until it is done."""

    __tablename__ = "session_actions"
    __table_args__ = (
        sa.Index("ix_session_actions_series_open", "series_id", "done_at"),
        # The same form sent twice (same lead, same key) records one action item.
        sa.UniqueConstraint("week_id", "created_by_id", "request_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("session_series.id", ondelete="CASCADE"))
    week_id: Mapped[int] = mapped_column(sa.ForeignKey("session_weeks.id", ondelete="CASCADE"))
    learning_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session_learnings.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.String(500))
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    due_date: Mapped[date] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    request_key: Mapped[str | None] = mapped_column(sa.String(64))  # the form's
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_week_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session_weeks.id", ondelete="SET NULL"))

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    week: Mapped[SessionWeek] = relationship(foreign_keys=[week_id])


class Attendance(db.Model):
    """Who was at a week's session, as the lead recorded it when closing: the summary goes to them."""

    __tablename__ = "session_attendance"

    week_id: Mapped[int] = mapped_column(sa.ForeignKey("session_weeks.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)


class Presence(db.Model):
    """Someone invited who opened the run page while the session was running: one row per
    person and week, the first time. Closing ticks them as there."""

    __tablename__ = "session_presence"
    __table_args__ = (sa.UniqueConstraint("week_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week_id: Mapped[int] = mapped_column(sa.ForeignKey("session_weeks.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarFeed(db.Model):
    """A person's calendar subscription: the secret in its URL. Revoking it makes a new one."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
