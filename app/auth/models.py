"""Personal API tokens, kept only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import UTCDateTime, db, utcnow
from app.people.models import User

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
        row = cls(user=user, name=name.strip() or "API token", token_hash=hash_token(secret),
                  hint=secret[:10])
        db.session.add(row)
        return row, secret

    @classmethod
    def find_user(cls, secret: str) -> User | None:
        """Return the active person a live token belongs to, or None."""
        # One query for the token, the person and their roles; their skills load when a call
        # needs them, not on every call.
        row = db.session.scalars(sa.select(cls).where(cls.token_hash == hash_token(secret)).options(
            orm.joinedload(cls.user).options(orm.joinedload(User.role_rows), orm.lazyload(User.skills)))
        ).unique().first()
        if row is None or row.revoked_at is not None or not row.user.active:
            return None
        now = utcnow()
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
            row.last_used_at = now
        return row.user
