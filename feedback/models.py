"""What people tell us: how a task went, how a mentorship is going (check-ins and the flags
they raise), and how clearly a question was asked.

Every row keeps its author, so people see and change their own; what leads read goes
through `feedback.rows` and `feedback.comments`, which drop names unless the writer signed.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import UTCDateTime, db, utcnow
from app.help.models import Post, Question, SelfSolve
from app.people.models import Skill, User
from matching.models import Mentorship

RATING_CHECK = "{} BETWEEN 1 AND 5"


def _enum(kind, length: int):
    return sa.Enum(kind, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class TimeTaken(enum.StrEnum):
    """How long a task took against what the person expected."""

    LESS = "less"
    AS_EXPECTED = "as_expected"
    MORE = "more"

    @property
    def label(self) -> str:
        return {
            "less": "Less than I expected",
            "as_expected": "About what I expected",
            "more": "Longer than I expected",
        }[self.value]


class Side(enum.StrEnum):
    """Which side of a mentorship answered a check-in."""

    MENTOR = "mentor"
    NEW_HIRE = "new_hire"

    @property
    def label(self) -> str:
        return {"mentor": "the mentor", "new_hire": "the new hire"}[self.value]


task_feedback_skills = sa.Table(
    "task_feedback_skills",
    db.metadata,
    sa.Column("task_feedback_id", sa.ForeignKey("task_feedback.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("skill_id", sa.ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class TaskFeedback(db.Model):
    """How a finished task went, told by the person who did it."""

    __tablename__ = "task_feedback"
    __table_args__ = (
        sa.CheckConstraint(RATING_CHECK.format("rating"), name="rating_range"),
        # A double submit (same author, same form key) saves once.
        sa.UniqueConstraint("author_id", "request_key"),
        sa.Index("ix_task_feedback_team_created", "team_id", "created_at"),
        sa.Index("ix_task_feedback_author_created", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # The author's team when they wrote it: the lead of that team reads it (without names).
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"))
    # The question the task was about, when the feedback came from its follow-up mail.
    question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("questions.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    link: Mapped[str] = mapped_column(sa.String(2000), default="")
    rating: Mapped[int]  # how it went, 1 to 5
    time_taken: Mapped[TimeTaken] = mapped_column(_enum(TimeTaken, 12))
    helped_mentor: Mapped[bool] = mapped_column(default=False)
    helped_knowledge_base: Mapped[bool] = mapped_column(default=False)
    helped_doc: Mapped[bool] = mapped_column(default=False)
    helped_other: Mapped[bool] = mapped_column(default=False)
    helped_note: Mapped[str] = mapped_column(sa.String(300), default="")
    missing: Mapped[str] = mapped_column(sa.Text, default="")
    signed: Mapped[bool] = mapped_column(default=False)  # the name shows with the text
    # The team may read the text (never the rating) on the weekly session's agenda.
    shared: Mapped[bool] = mapped_column(default=False)
    via: Mapped[str] = mapped_column(sa.String(10), default="web")  # web, api, email
    request_key: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()
    skills: Mapped[list[Skill]] = relationship(secondary=task_feedback_skills, order_by="Skill.name")

    @property
    def helped(self) -> list[str]:
        """The codes of what helped, in the order the form lists them."""
        return [code for code in HELPED if getattr(self, f"helped_{code}")]


# What can help with a task: the code (TaskFeedback.helped_<code>) and how the form says it.
HELPED = {
    "mentor": "A mentor's answer",
    "knowledge_base": "A knowledge-base entry",
    "doc": "A doc",
    "other": "Something else",
}


class Checkin(db.Model):
    """One side's answer to a mentorship's fortnightly pulse: is this useful, anything to change.

    Made unanswered when the check-in is sent; `round` counts the check-ins since the
    mentorship started (1, 2, ...), so each is sent once.
    """

    __tablename__ = "mentorship_checkins"
    __table_args__ = (
        sa.UniqueConstraint("mentorship_id", "round", "user_id"),
        sa.CheckConstraint(RATING_CHECK.format("score"), name="score_range"),
        sa.Index("ix_mentorship_checkins_team_answered", "team_id", "answered_at"),
        sa.Index("ix_mentorship_checkins_team_first_answered", "team_id", "first_answered_at"),
        sa.Index("ix_mentorship_checkins_user_sent", "user_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorships.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    side: Mapped[Side] = mapped_column(_enum(Side, 10))
    round: Mapped[int]
    # The new hire's team when it was sent: that team's lead sees the scores, in aggregate.
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    score: Mapped[int | None]  # "Is this useful?", 1 to 5; None until answered
    change: Mapped[str] = mapped_column(sa.Text, default="")  # "Anything to change?"
    via: Mapped[str] = mapped_column(sa.String(10), default="")  # web, api, email once answered
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first answer, as the dashboard counts it: a changed answer moves no figure a lead
    # has read (feedback.released); the answer as it is now reaches flags and raw exports.
    first_score: Mapped[int | None]
    first_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    mentorship: Mapped[Mentorship] = relationship()
    user: Mapped[User] = relationship()

    @property
    def other(self) -> User:
        """The person on the other side of the mentorship."""
        mentorship = self.mentorship
        return mentorship.new_hire if self.user_id == mentorship.mentor_id else mentorship.mentor


@sa.event.listens_for(Checkin, "before_insert")
def _first_answer(mapper, connection, checkin: Checkin) -> None:
    """A check-in saved answered keeps that answer as its first."""
    if checkin.score is not None and checkin.first_answered_at is None:
        checkin.first_score, checkin.first_answered_at = checkin.score, checkin.answered_at


class MentorshipFlag(db.Model):
    """A mentorship an admin should look at: one side said it was not useful twice in a row."""

    __tablename__ = "mentorship_flags"
    __table_args__ = (
        # At most one open flag per mentorship.
        sa.Index(
            "uq_mentorship_flags_open",
            "mentorship_id",
            unique=True,
            postgresql_where=sa.text("cleared_at IS NULL"),
            sqlite_where=sa.text("cleared_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorships.id", ondelete="CASCADE"))
    side: Mapped[Side] = mapped_column(_enum(Side, 10))
    reason: Mapped[str] = mapped_column(sa.String(300))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    mentorship: Mapped[Mentorship] = relationship()
    cleared_by: Mapped[User | None] = relationship()


class ClarityRating(db.Model):
    """A mentor's rating of how clearly a question they answered was asked, 1 to 5."""

    __tablename__ = "question_clarity_ratings"
    __table_args__ = (
        sa.UniqueConstraint("question_id", "mentor_id"),
        sa.CheckConstraint(RATING_CHECK.format("score"), name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # The question's asker, kept here so their aggregate is one indexed lookup.
    asker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[Question] = relationship()


class ClarityAsShown(db.Model):
    """What an asker reads of their questions' clarity: the aggregate as last brought up to
    date, which happens only once three new ratings have come (feedback.rules.clarity_due),
    so reading it before and after a rating never gives that rating away."""

    __tablename__ = "clarity_as_shown"

    asker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    responses: Mapped[int]
    total: Mapped[int]  # the scores added up: the mean is total / responses
    through_rating_id: Mapped[int]  # the newest rating it counts; newer ones are new
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The dashboard reads a team's questions, answers and self-solves by time; these indexes
# on the help desk's tables serve those reads (and the follow-up mail's scan).
sa.Index("ix_questions_team_resolved", Question.__table__.c.team_id, Question.__table__.c.resolved_at)
sa.Index("ix_questions_resolved_at", Question.__table__.c.resolved_at)
sa.Index("ix_question_posts_created_at", Post.__table__.c.created_at)
sa.Index("ix_self_solves_team_created", SelfSolve.__table__.c.team_id, SelfSolve.__table__.c.created_at)
