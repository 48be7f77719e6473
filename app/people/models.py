"""People, teams and skills: the records every feature of Unstuck stands on."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import UTCDateTime, db, utcnow

SKILL_LEVELS = range(1, 6)


class Role(enum.StrEnum):
    """What a person does in Unstuck; a person may hold several roles."""

    NEW_HIRE = "new_hire"
    MENTOR = "mentor"
    LEAD = "lead"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {"new_hire": "New hire", "mentor": "Mentor", "lead": "Team lead", "admin": "Admin"}[self.value]


class SkillKind(enum.StrEnum):
    """Whether a person can teach a skill or wants to learn it."""

    TEACH = "teach"
    LEARN = "learn"


def normalize_key(name: str) -> str:
    """Return the lookup key of a skill name or alias: trimmed, lower case, single spaces."""
    return " ".join(name.split()).casefold()


def normalize_email(email: str) -> str:
    """Return the stored form of an email address: trimmed and lower case."""
    return email.strip().lower()


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    # Teams and their leads point at each other; the constraint is added after both tables.
    lead_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL", use_alter=True), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id], post_update=True)
    members: Mapped[list[User]] = relationship(back_populates="team", foreign_keys="User.team_id", order_by="User.name")

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        primary_key=True,
    )


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
        sa.CheckConstraint("max_mentees >= 0", name="max_mentees_positive"),
        sa.CheckConstraint("max_open_questions >= 0", name="max_open_questions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower case, so that uniqueness holds regardless of case.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120), default="")
    level: Mapped[int] = mapped_column(default=1)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    work_start: Mapped[time] = mapped_column(default=time(9, 0))
    work_end: Mapped[time] = mapped_column(default=time(17, 0))
    # The weekdays the person works, Monday as 0 ("0,1,2,3,4"), and where their public
    # holidays come from (an ISO country code the `holidays` package knows, and a region).
    work_days: Mapped[str] = mapped_column(sa.String(20), default="0,1,2,3,4", server_default="0,1,2,3,4")
    holiday_country: Mapped[str] = mapped_column(sa.String(3), default="", server_default="")
    holiday_region: Mapped[str] = mapped_column(sa.String(10), default="", server_default="")
    start_date: Mapped[date | None]
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    max_mentees: Mapped[int] = mapped_column(default=2)
    max_open_questions: Mapped[int] = mapped_column(default=5)
    away_from: Mapped[date | None]
    away_until: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    # The person's id in the company's directory, when directory sync (app/scim) keeps them.
    external_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    # When the directory deleted the person: deactivated, and no longer one of its Users.
    scim_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When an admin erased the person's data (app.people.personal_data); the row stays, nameless.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    manager: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[manager_id])
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    skills: Mapped[list[UserSkill]] = relationship(back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    def __repr__(self) -> str:
        return f"<User {self.email}>"

    # Roles

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    @roles.setter
    def roles(self, roles) -> None:
        wanted = {Role(r) for r in roles}
        self.role_rows = [row for row in self.role_rows if row.role in wanted] + [
            UserRole(role=r) for r in sorted(wanted - self.roles)
        ]

    def has_role(self, *roles: Role) -> bool:
        """Tell whether the person holds any of the given roles."""
        return bool(self.roles.intersection(roles))

    # Sign-in

    def set_password(self, password: str) -> None:
        # scrypt by default; the test settings choose a cheaper method to keep the suite quick.
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # read by Flask-Login
        return self.active

    # The sign-in this person was loaded for (an app.auth.sessions.SignInCookie), if any.
    sign_in = None

    def get_id(self) -> str | None:  # read by Flask-Login
        """What the session and remember cookies keep: a sign-in's id and secret, never the
        person's id, so that signing out (or an admin) can end it (app/auth/sessions.py)."""
        return str(self.sign_in) if self.sign_in is not None else None

    def __eq__(self, other) -> bool:
        # The same person, whichever sign-in each object was loaded for.
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    __hash__ = object.__hash__

    # Skills

    def skill_levels(self, kind: SkillKind) -> dict[str, int]:
        """Map skill name to level for the skills this person can teach or wants to learn."""
        return {us.skill.name: us.level for us in self.skills if us.kind == kind}

    def is_away_on(self, day: date) -> bool:
        """Tell whether the person is away on the given day."""
        if self.away_from is None and self.away_until is None:
            return False
        starts = self.away_from or date.min
        ends = self.away_until or date.max
        return starts <= day <= ends


class Skill(db.Model):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    # The name's lookup form; unique, so "SQL" and "sql" are one skill.
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    category: Mapped[str] = mapped_column(sa.String(60), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    aliases: Mapped[list[SkillAlias]] = relationship(
        back_populates="skill",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="SkillAlias.name",
    )

    def __repr__(self) -> str:
        return f"<Skill {self.name}>"

    @property
    def alias_names(self) -> list[str]:
        return [a.name for a in self.aliases]


class SkillAlias(db.Model):
    __tablename__ = "skill_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    skill_id: Mapped[int] = mapped_column(sa.ForeignKey("skills.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)

    skill: Mapped[Skill] = relationship(back_populates="aliases")


class UserSkill(db.Model):
    __tablename__ = "user_skills"
    __table_args__ = (sa.CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(sa.ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True, index=True)
    kind: Mapped[SkillKind] = mapped_column(
        sa.Enum(SkillKind, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e]),
        primary_key=True,
    )
    level: Mapped[int]

    user: Mapped[User] = relationship(back_populates="skills")
    skill: Mapped[Skill] = relationship(lazy="joined")


def named_only(relationship_to_person):
    """Loader option: the people a relationship leads to, joined in the same query with only
    their id and name (what a list shows). Anything else read from them loads when read."""
    return orm.joinedload(relationship_to_person).options(
        orm.load_only(User.id, User.name), orm.lazyload(User.role_rows), orm.lazyload(User.skills)
    )


class PersonalDataRequest(db.Model):
    """An admin's download or erasure of a person's data: who, whose, when, and how."""

    __tablename__ = "personal_data_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # export or erasure
    subject_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))  # None: the command line
    via: Mapped[str] = mapped_column(sa.String(10))  # web, api or command
    detail: Mapped[str] = mapped_column(sa.String(60), default="")  # "texts kept", "texts removed"
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    by: Mapped[User | None] = relationship(foreign_keys=[by_id])
