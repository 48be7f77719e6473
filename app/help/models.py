"""Stuck questions: the question, its posts, each routing attempt, and knowledge-base use."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import UTCDateTime, db, utcnow
from app.people.models import Skill, User
from app.people.signals import move_skill_tags


def _enum(kind, length: int):
    return sa.Enum(kind, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Urgency(enum.StrEnum):
    CAN_WAIT = "can_wait"
    BLOCKING = "blocking"

    @property
    def label(self) -> str:
        return {"can_wait": "Can wait", "blocking": "Blocking me"}[self.value]


class QuestionState(enum.StrEnum):
    """Open: waiting for a mentor's reply. Answered: a mentor replied. Resolved: done."""

    OPEN = "open"
    ANSWERED = "answered"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Visibility(enum.StrEnum):
    """How a resolved question appears in the team's knowledge base."""

    NAMED = "named"
    ANONYMOUS = "anonymous"
    PRIVATE = "private"  # not in the knowledge base at all


class AttemptState(enum.StrEnum):
    WAITING = "waiting"  # the mentor has been asked and the deadline has not passed
    ANSWERED = "answered"
    PASSED = "passed"  # the mentor passed it on
    TIMED_OUT = "timed_out"
    CLOSED = "closed"  # the question was answered by someone else or resolved
    UNREACHED = "unreached"  # the mentor could not be told: email to them is paused (it bounced)
    RELEASED = "released"  # the mentor took it, then said "I can't after all"
    LEFT = "left"  # the mentor was deactivated (app.help.leavers); the question moved on


question_skills = sa.Table(
    "question_skills",
    db.metadata,
    sa.Column("question_id", sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("skill_id", sa.ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def move_skill_links(sender, source_id: int, target_id: int, **extra) -> None:
    """Questions tagged with a skill being merged away keep the tag, as the target skill."""
    move_skill_tags(question_skills, "question_id", source_id, target_id)


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        # A double submit (same asker, same form key) makes one question, not two.
        sa.UniqueConstraint("asker_id", "request_key"),
        sa.Index("ix_questions_state_created", "state", "created_at"),
        sa.Index("ix_questions_team_created", "team_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"))
    goal: Mapped[str] = mapped_column(sa.String(300))  # what I am trying to do
    stuck: Mapped[str] = mapped_column(sa.Text)  # where I am stuck
    link: Mapped[str] = mapped_column(sa.String(2000), default="")
    page_title: Mapped[str] = mapped_column(sa.String(300), default="")
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency, 10), default=Urgency.CAN_WAIT)
    state: Mapped[QuestionState] = mapped_column(_enum(QuestionState, 10), default=QuestionState.OPEN)
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility, 10), default=Visibility.ANONYMOUS)
    request_key: Mapped[str | None] = mapped_column(sa.String(64))
    escalated: Mapped[bool] = mapped_column(default=False)  # went to the team lead
    # An answered question this one repeats (nearly the same words): its mentors see it marked.
    repeat_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("questions.id", ondelete="SET NULL"))
    helpful: Mapped[bool | None]
    helpful_note: Mapped[str] = mapped_column(sa.String(300), default="")
    # The words the knowledge base searches: goal, stuck and the answers, kept when resolved.
    kb_text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # asked
    first_routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    asker: Mapped[User] = relationship(foreign_keys=[asker_id])
    repeat_of: Mapped[Question | None] = relationship(remote_side=[id], foreign_keys=[repeat_of_id])
    skills: Mapped[list[Skill]] = relationship(secondary=question_skills, order_by="Skill.name")
    posts: Mapped[list[Post]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="Post.created_at"
    )
    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="Attempt.number"
    )

    @property
    def is_open(self) -> bool:
        return self.state != QuestionState.RESOLVED


class Post(db.Model):
    """An answer or a follow-up on a question's thread (Markdown, shown sanitized)."""

    __tablename__ = "question_posts"
    # The same form sent twice (same author, same key) on a thread posts once.
    __table_args__ = (sa.UniqueConstraint("question_id", "author_id", "request_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    via: Mapped[str] = mapped_column(sa.String(10), default="web")  # web, email, api, chat
    # The Message-ID of the email a post came from: the same email is posted once.
    source_message_id: Mapped[str | None] = mapped_column(sa.String(250), unique=True)
    request_key: Mapped[str | None] = mapped_column(sa.String(64))  # the form's, from the web or the API
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[Question] = relationship(back_populates="posts")
    author: Mapped[User | None] = relationship()


class Attempt(db.Model):
    """One try at getting a question answered: one mentor (or the lead), one deadline."""

    __tablename__ = "routing_attempts"
    __table_args__ = (
        sa.UniqueConstraint("question_id", "number"),
        # At most one live attempt per question.
        sa.Index(
            "uq_routing_attempts_live",
            "question_id",
            unique=True,
            postgresql_where=sa.text("state = 'waiting'"),
            sqlite_where=sa.text("state = 'waiting'"),
        ),
        sa.Index("ix_routing_attempts_mentor_state", "mentor_id", "state"),
        sa.Index("ix_routing_attempts_state_deadline", "state", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[int]
    tier: Mapped[str] = mapped_column(sa.String(30), default="")  # why this person was asked
    state: Mapped[AttemptState] = mapped_column(_enum(AttemptState, 10), default=AttemptState.WAITING)
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    hint: Mapped[str] = mapped_column(sa.String(300), default="")  # "ask Dana", left on a pass
    # When the mentor was told: at once for blocking questions, else by their next digest.
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the mentor said "I'll take it": the question stays with them until they answer,
    # release it, or the taken window (in their working time) ends at the deadline.
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the taker was reminded that their hold on the question is about to end (once).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    question: Mapped[Question] = relationship(back_populates="attempts")
    mentor: Mapped[User] = relationship()


class SelfSolve(db.Model):
    """Someone found their answer in the knowledge base and asked no mentor."""

    __tablename__ = "self_solves"
    # Once per person and entry, however many times (or tabs) they click.
    __table_args__ = (sa.UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DigestFrequency(enum.StrEnum):
    """How often a mentor hears of questions that can wait (blocking ones come at once)."""

    AT_ONCE = "at_once"
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"

    @property
    def label(self) -> str:
        return {"at_once": "Every question at once", "hourly": "Hourly", "daily": "Daily", "weekly": "Weekly"}[
            self.value
        ]


class DigestSetting(db.Model):
    """A mentor's choice of digest; a mentor without one gets the default (hourly)."""

    __tablename__ = "digest_settings"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    frequency: Mapped[DigestFrequency] = mapped_column(_enum(DigestFrequency, 10), default=DigestFrequency.HOURLY)
    # Daily and weekly digests: the local time (minutes after midnight) and, weekly, the day.
    minute_of_day: Mapped[int] = mapped_column(default=9 * 60)
    weekday: Mapped[int] = mapped_column(default=0)  # Monday
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
