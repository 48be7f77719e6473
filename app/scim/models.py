"""What directory sync keeps: the identity provider's tokens (as hashes) and its groups.

A person's `externalId` is kept on the person (`users.external_id`). A SCIM Group is a row
here with a stable id: either a team (`team_id`; its members are the team's people) or a
group that gives a role by GROUP_ROLES (`role`; its members are kept in
`scim_group_members`, so that leaving one of two groups giving the same role keeps it).
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import hash_token
from app.extensions import UTCDateTime, db, utcnow
from app.people.models import Role, Team, User

TOKEN_PREFIX = "scim_"


class ScimToken(db.Model):
    """A bearer token the identity provider calls /scim/v2 with; made and revoked by an admin."""

    __tablename__ = "scim_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters, shown so an admin can tell the tokens apart.
    hint: Mapped[str] = mapped_column(sa.String(16))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    @classmethod
    def issue(cls, name: str, created_by_id: int | None) -> tuple[ScimToken, str]:
        """Make a token; return the row and the secret, shown only once."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = cls(
            name=name.strip() or "Directory sync",
            token_hash=hash_token(secret),
            hint=secret[:10],
            created_by_id=created_by_id,
        )
        db.session.add(row)
        db.session.flush()
        return row, secret

    @classmethod
    def find(cls, secret: str) -> ScimToken | None:
        """The live token with this secret, or None."""
        if not secret.startswith(TOKEN_PREFIX):
            return None
        row = db.session.scalar(sa.select(cls).where(cls.token_hash == hash_token(secret)))
        return row if row is not None and row.revoked_at is None else None


class ScimGroup(db.Model):
    """A group the identity provider keeps: a team, or a role's group."""

    __tablename__ = "scim_groups"
    __table_args__ = (sa.CheckConstraint("(team_id IS NULL) <> (role IS NULL)", name="team_or_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(sa.String(255), unique=True)
    external_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), unique=True)
    role: Mapped[Role | None] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team | None] = relationship()


class ScimGroupMember(db.Model):
    """A person in a role's group."""

    __tablename__ = "scim_group_members"

    group_id: Mapped[int] = mapped_column(sa.ForeignKey("scim_groups.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
