"""Signed tokens for links in emails: one purpose and one object each, with an expiry.

    token = make_token("mentorship-accept", mentorship.id, user_id=mentor.id, single_use=True)
    link = read_token(token, "mentorship-accept", max_age_seconds=7 * 86400)
    use_token(link)  # single-use links: in the transaction that acts on the link

Each purpose signs with its own salt, so a token made for one purpose never reads as a
token for another. Single-use tokens carry a nonce that is recorded when the link is used.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, render_template
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Mapped, mapped_column

from app.database import insert_unless_exists
from app.extensions import UTCDateTime, db, utcnow


class TokenError(Exception):
    """A link token that cannot be acted on."""


class TokenInvalid(TokenError):
    """The token is not one Unstuck made for this purpose (or it was altered)."""


class TokenExpired(TokenError):
    """The token is genuine but older than the link allows."""


class TokenUsed(TokenError):
    """The single-use token was used before."""


@dataclass(frozen=True)
class LinkToken:
    """What a valid token says: the object, the person it was made for, its nonce if single-use."""

    object_id: int | str
    user_id: int | None
    nonce: str | None
    purpose: str


class UsedLinkToken(db.Model):
    __tablename__ = "used_link_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(sa.String(64), unique=True)
    purpose: Mapped[str] = mapped_column(sa.String(60))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class _DatedSigner(TimestampSigner):
    """A timestamp signer that can date a signature earlier than now."""

    def __init__(self, *args, issued_at: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.issued_at = issued_at

    def get_timestamp(self) -> int:
        return self.issued_at if self.issued_at is not None else super().get_timestamp()


def _serializer(purpose: str, issued_at: datetime | None = None) -> URLSafeTimedSerializer:
    """Return the serializer for one purpose, signing with SECRET_KEY (and reading old keys)."""
    config = current_app.config
    # itsdangerous signs with the last key and accepts any of them, so keys can be rotated.
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or []), config["SECRET_KEY"]]
    signed_at = int(issued_at.timestamp()) if issued_at is not None else None
    return URLSafeTimedSerializer(
        keys, salt=f"unstuck.link.{purpose}", signer=_DatedSigner, signer_kwargs={"issued_at": signed_at}
    )


def make_token(
    purpose: str,
    object_id: int | str,
    user_id: int | None = None,
    single_use: bool = False,
    *,
    issued_at: datetime | None = None,
) -> str:
    """Return a URL-safe token for a link about one object, for one purpose.

    `issued_at` dates the token earlier than now, so that a link sent again keeps the
    expiry of the first one.
    """
    payload = {"o": object_id, "u": user_id, "n": secrets.token_urlsafe(16) if single_use else None}
    return _serializer(purpose, issued_at).dumps(payload)


def read_token(token: str, purpose: str, max_age_seconds: int, object_id: int | str | None = None) -> LinkToken:
    """Return what a token says, if Unstuck made it for this purpose within max_age_seconds.

    Raises TokenExpired for a genuine token that is too old, TokenInvalid for anything
    else, including a token for another object when `object_id` is given.
    """
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise TokenExpired("This link has expired.") from None
    except BadData:
        raise TokenInvalid("This link is not valid.") from None
    if not isinstance(payload, dict) or set(payload) != {"o", "u", "n"}:
        raise TokenInvalid("This link is not valid.")
    if object_id is not None and payload["o"] != object_id:
        raise TokenInvalid("This link is not valid.")
    return LinkToken(payload["o"], payload["u"], payload["n"], purpose)


def use_token(link: LinkToken) -> None:
    """Record a single-use token as used in the current transaction; raise TokenUsed if it was.

    The caller's commit makes the use final; a rollback gives the link back. Of two
    requests racing with one link, the second finds the nonce taken and gets TokenUsed.
    """
    if link.nonce is None:
        raise ValueError("only single-use tokens can be used up")
    values = dict(nonce=link.nonce, purpose=link.purpose, used_at=utcnow())
    if insert_unless_exists(UsedLinkToken.__table__, values, "nonce") is None:
        raise TokenUsed("This link was already used.")


def refuse_used(link: LinkToken) -> None:
    """Raise TokenUsed if a single-use token was used already (so a link's page can say so
    before anyone presses its button)."""
    if db.session.scalar(sa.select(UsedLinkToken.id).where(UsedLinkToken.nonce == link.nonce)) is not None:
        raise TokenUsed("This link was already used.")


def link_problem_page(error: TokenError):
    """Return the page (and status) that tells a person why their link does not work."""
    reason = {TokenExpired: "expired", TokenUsed: "used"}.get(type(error), "invalid")
    status = 410 if reason in {"expired", "used"} else 400
    return render_template("links/expired.html", reason=reason), status
