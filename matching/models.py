"""Mentorships and the records around them: the settings admins tune, pairs never to make,
cohort previews, and the new hires still waiting for a mentor."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import UTCDateTime, db, utcnow
from app.people.models import User


class MentorshipState(enum.StrEnum):
    """Where a mentorship is in its life."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


LIVE_STATES = (MentorshipState.PROPOSED, MentorshipState.ACTIVE)


def _enum(kind, length: int):
    return sa.Enum(kind, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Mentorship(db.Model):
    __tablename__ = "mentorships"
    __table_args__ = (
        # At most one live (proposed or active) mentorship per new hire.
        sa.Index(
            "uq_mentorships_live_new_hire",
            "new_hire_id",
            unique=True,
            postgresql_where=sa.text("state IN ('proposed', 'active')"),
            sqlite_where=sa.text("state IN ('proposed', 'active')"),
        ),
        sa.Index("ix_mentorships_mentor_state", "mentor_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    new_hire_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[MentorshipState] = mapped_column(_enum(MentorshipState, 12), default=MentorshipState.PROPOSED)
    source: Mapped[str] = mapped_column(sa.String(12), default="join")  # join, cohort, rematch, admin
    score: Mapped[float] = mapped_column(default=0.0)
    # [{"part": "skills", "points": 21.7, "text": "teaches SQL 4/5, you are 1/5"}, ...]
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # end of the programme
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    end_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    ended_badly: Mapped[bool] = mapped_column(default=False)
    fit_check_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fit_check_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Chosen by hand by an admin (source "admin"), at proposed_at; for admins' eyes only, as
    # are the rules they overrode ([{"rule": "full", "text": "has no free mentee slot"}, ...],
    # matching.scoring.exclusions) and the reason they gave for it.
    chosen_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    overridden_rules: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")
    override_reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")

    new_hire: Mapped[User] = relationship(foreign_keys=[new_hire_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])
    chosen_by: Mapped[User | None] = relationship(foreign_keys=[chosen_by_id])
    fit_answers: Mapped[list[FitAnswer]] = relationship(back_populates="mentorship", cascade="all, delete-orphan")

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    def overrode(self, rule: str) -> bool:
        """Tell whether an admin who chose this pair by hand overrode the rule ("full", ...)."""
        return any(o.get("rule") == rule for o in self.overridden_rules or ())

    def involves(self, user_id: int) -> bool:
        """Tell whether the person is one of the two sides."""
        return user_id in (self.new_hire_id, self.mentor_id)

    def seen_by(self, user_id: int) -> bool:
        """Tell whether the person may see this mentorship: its mentor always; its new hire
        once it started, so nobody learns who was asked to mentor them and said no (or did
        not answer). Admins see every mentorship."""
        return user_id == self.mentor_id or (user_id == self.new_hire_id and self.started_at is not None)

    @classmethod
    def seen_by_clause(cls, user_id: int):
        """seen_by as a query's condition."""
        return sa.or_(cls.mentor_id == user_id, sa.and_(cls.new_hire_id == user_id, cls.started_at.is_not(None)))


class FitAnswer(db.Model):
    """A side's answer to "is this a good fit?", two weeks into a mentorship."""

    __tablename__ = "mentorship_fit_answers"
    __table_args__ = (sa.UniqueConstraint("mentorship_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorships.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    good_fit: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mentorship: Mapped[Mentorship] = relationship(back_populates="fit_answers")


class DoNotPair(db.Model):
    """A new hire and a mentor who must never be paired."""

    __tablename__ = "do_not_pair"
    __table_args__ = (sa.UniqueConstraint("new_hire_id", "mentor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    new_hire_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    new_hire: Mapped[User] = relationship(foreign_keys=[new_hire_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])


class MatchingSettings(db.Model):
    """The one row of matching settings; a change applies from the next run."""

    __tablename__ = "matching_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    weight_skills: Mapped[float] = mapped_column(default=5.0)
    weight_role: Mapped[float] = mapped_column(default=1.0)
    weight_seniority: Mapped[float] = mapped_column(default=1.5)
    weight_overlap: Mapped[float] = mapped_column(default=2.0)
    weight_team: Mapped[float] = mapped_column(default=1.0)
    weight_load: Mapped[float] = mapped_column(default=1.0)
    min_overlap_hours: Mapped[float] = mapped_column(default=2.0)
    team_preference: Mapped[str] = mapped_column(sa.String(8), default="other")
    objective: Mapped[str] = mapped_column(sa.String(8), default="total")
    proposal_days: Mapped[int] = mapped_column(default=3)  # a proposal expires after this
    programme_days: Mapped[int] = mapped_column(default=90)  # an active mentorship completes after this
    fit_check_days: Mapped[int] = mapped_column(default=14)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CohortRun(db.Model):
    """A cohort match an admin previewed, adjusted and maybe published."""

    __tablename__ = "cohort_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    objective: Mapped[str] = mapped_column(sa.String(8))
    # [{"hire_id", "mentor_id", "score", "reasons": [...]}] and [{"hire_id", "reason"}]
    pairs: Mapped[list] = mapped_column(sa.JSON, default=list)
    unmatched: Mapped[list] = mapped_column(sa.JSON, default=list)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    @property
    def total(self) -> float:
        return round(sum(p["score"] for p in self.pairs), 1)


class WaitingForMentor(db.Model):
    """A new hire nobody could be proposed to yet, and why."""

    __tablename__ = "waiting_for_mentor"

    new_hire_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(300))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    new_hire: Mapped[User] = relationship()
