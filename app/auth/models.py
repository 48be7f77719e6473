"""Personal API tokens, kept only as a hash."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import UTCDateTime, db, utcnow
from app.people.models import Role, User, UserRole

TOKEN_PREFIX = "unst_"
# When a token was last used is kept to this precision, so an API call does not write each time.
LAST_USED_PRECISION = timedelta(minutes=5)


def hash_token(token: str) -> str:
    """Return the stored form of an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters, shown so a person can tell their tokens apart.
    hint: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token for a person; return the row and the secret, shown only once."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = cls(user=user, name=name.strip() or "API token", token_hash=hash_token(secret), hint=secret[:10])
        db.session.add(row)
        return row, secret

    @classmethod
    def revoke_all(cls, user_id: int) -> None:
        """Revoke every live token of a person, in the caller's transaction."""
        db.session.execute(
            sa.update(cls)
            .where(cls.user_id == user_id, cls.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session="fetch")
        )

    @classmethod
    def find_caller(cls, secret: str) -> tuple[ApiCaller | None, bool]:
        """Return the active person a live token belongs to (or None), and whether its last use
        was written just now, for the caller to commit.

        One indexed query finds the token, checks it is live and its person active, and reads
        the person's id, team and roles as plain values: a view that needs more of the person
        loads them. When the token was last used is written at most once per
        LAST_USED_PRECISION, by one request only.
        """
        rows = db.session.execute(_token_lookup(), {"token_hash": hash_token(secret)}).all()
        if not rows:
            return None, False
        first = rows[0]
        caller = ApiCaller(first.user_id, first.team_id, frozenset(row.role for row in rows if row.role is not None))
        now = utcnow()
        if first.last_used_at is not None and now - first.last_used_at < LAST_USED_PRECISION:
            return caller, False
        stale = sa.or_(cls.last_used_at.is_(None), cls.last_used_at <= now - LAST_USED_PRECISION)
        db.session.execute(sa.update(cls).where(cls.id == first.token_id, stale).values(last_used_at=now))
        return caller, True


@dataclass(frozen=True)
class ApiCaller:
    """The person an API request acts for, as read with their token: who, their team and
    their roles, read afresh on every request."""

    id: int
    team_id: int | None
    roles: frozenset[Role]
    is_authenticated: ClassVar[bool] = True  # as Flask-Login's people say

    def has_role(self, *roles: Role) -> bool:
        """Tell whether the person holds any of the given roles."""
        return bool(self.roles.intersection(roles))


@functools.cache
def _token_lookup() -> sa.Select:
    """The token check's query, built once: the live token of an active person, by its hash,
    one row per role of theirs."""
    return (
        sa.select(
            User.id.label("user_id"),
            User.team_id,
            ApiToken.id.label("token_id"),
            ApiToken.last_used_at,
            UserRole.role,
        )
        .join(ApiToken, ApiToken.user_id == User.id)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .where(ApiToken.token_hash == sa.bindparam("token_hash"), ApiToken.revoked_at.is_(None), User.active.is_(True))
    )


class SignInSession(db.Model):
    """One sign-in of a person in one browser, from signing in until it ends.

    The browser's session cookie and its "Keep me signed in" cookie both hold this row's id
    and a secret kept here only as a hash; the secret changes each time the remember cookie
    signs the person back in, and the one before stays good for a few seconds
    (`previous_hash`), for the other tabs of a browser opened again.
    """

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    previous_hash: Mapped[str | None] = mapped_column(sa.String(64))
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remember: Mapped[bool] = mapped_column(default=False)
    # The browser and system in a few words ("Firefox on Linux"), so a person can tell them apart.
    user_agent: Mapped[str] = mapped_column(sa.String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(sa.String(40))

    user: Mapped[User] = relationship()
