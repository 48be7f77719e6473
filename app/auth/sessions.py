"""Sign-in sessions kept on the server, so that signing in can end.

    cookie = start_sign_in(user, user_agent, remember)  # at sign-in: what the cookies keep
    found = find_sign_in(cookie)                        # on each request
    end_sign_ins(user_id, EndReason.DEACTIVATED)        # every sign-in of a person

A sign-in is a row of `sign_in_sessions`. The session cookie and the "Keep me signed in"
cookie both hold its id and a secret, never the person's id; the row keeps only the
secret's hash. Flask-Login stores that pair as the person's id (`User.get_id`), and its
user loader finds the sign-in from it. When the remember cookie signs the person back in,
the secret is replaced (`renew_secret`), so a copy of the old cookie is good for nothing,
and a copy that comes back later ends the sign-in: either the thief or its owner has it.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm

from app.auth.models import SignInSession
from app.extensions import db, utcnow
from app.people.models import User

# When a sign-in was last used is kept to this precision, so a page view does not write each time.
LAST_SEEN_PRECISION = timedelta(minutes=5)
COOKIE_ID = re.compile(r"^([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{20,100})$")


class EndReason(enum.StrEnum):
    """Why a sign-in ended."""

    SIGNED_OUT = "signed out"
    EVERYWHERE = "signed out everywhere"
    DEACTIVATED = "deactivated"
    PASSWORD_CHANGED = "password changed"
    REPLAYED = "remember cookie used twice"
    UNUSED = "unused too long"


@dataclass(frozen=True)
class SignInCookie:
    """What a sign-in's cookies hold: its id and its secret."""

    session_id: int
    secret: str

    def __str__(self) -> str:
        return f"{self.session_id}.{self.secret}"

    @classmethod
    def parse(cls, text: str) -> SignInCookie | None:
        match = COOKIE_ID.match(text or "")
        return cls(int(match[1]), match[2]) if match else None


@dataclass(frozen=True)
class Found:
    """A live sign-in found from a cookie. `current` is False for the secret just replaced,
    still good for a few seconds (the other tabs of a browser opened again)."""

    user: User
    sign_in: SignInSession
    current: bool


def hash_secret(secret: str) -> str:
    """Return the stored form of a sign-in's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _matches(secret_hash: str | None, stored: str | None) -> bool:
    return stored is not None and hmac.compare_digest(secret_hash, stored)


def start_sign_in(user: User, user_agent: str, remember: bool) -> SignInCookie:
    """Record a new sign-in of the person in this browser; return what its cookies keep.

    The person object carries the sign-in from then on (`user.sign_in`), for Flask-Login's
    `login_user`.
    """
    secret = secrets.token_urlsafe(32)
    row = SignInSession(
        user=user, secret_hash=hash_secret(secret), remember=remember, user_agent=short_user_agent(user_agent)
    )
    db.session.add(row)
    db.session.flush()
    user.sign_in = SignInCookie(row.id, secret)
    return user.sign_in


def find_sign_in(text: str) -> Found | None:
    """Return the live sign-in a cookie names, with its active person; None for anything else.

    A cookie with a secret this sign-in had before (and not just now) is a copy used after
    the original moved on: the sign-in ends, in the caller's transaction.
    """
    cookie = SignInCookie.parse(text)
    if cookie is None:
        return None
    row = (
        db.session.scalars(
            sa.select(SignInSession)
            .where(SignInSession.id == cookie.session_id)
            .options(orm.joinedload(SignInSession.user).options(orm.joinedload(User.role_rows)))
        )
        .unique()
        .first()
    )
    if row is None or row.ended_at is not None or not row.user.active:
        return None
    now = utcnow()
    config = current_app.config
    if row.last_seen_at < now - timedelta(seconds=config["REMEMBER_COOKIE_DURATION"]):
        _end(row, EndReason.UNUSED, now)
        return None
    given = hash_secret(cookie.secret)
    current = _matches(given, row.secret_hash)
    grace = timedelta(seconds=config["REMEMBER_TOKEN_GRACE_SECONDS"])
    if not current and not (
        _matches(given, row.previous_hash) and row.rotated_at is not None and now - row.rotated_at <= grace
    ):
        _end(row, EndReason.REPLAYED, now)
        return None
    if now - row.last_seen_at >= LAST_SEEN_PRECISION:
        row.last_seen_at = now
    row.user.sign_in = cookie
    return Found(row.user, row, current)


def renew_secret(found: Found) -> SignInCookie | None:
    """Give a sign-in a new secret, keeping the one before good for a few seconds; return
    what its cookies keep now, or None if another request (another tab) renewed it first."""
    secret = secrets.token_urlsafe(32)
    renewed = (
        db.session.execute(
            sa.update(SignInSession)
            .where(
                SignInSession.id == found.sign_in.id,
                SignInSession.secret_hash == found.sign_in.secret_hash,
                SignInSession.ended_at.is_(None),
            )
            .values(secret_hash=hash_secret(secret), previous_hash=found.sign_in.secret_hash, rotated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    db.session.expire(found.sign_in)
    if not renewed:
        return None
    found.user.sign_in = SignInCookie(found.sign_in.id, secret)
    return found.user.sign_in


def _end(row: SignInSession, reason: EndReason, now: datetime) -> None:
    row.ended_at = now
    row.end_reason = reason.value


def end_sign_in(session_id: int, reason: EndReason = EndReason.SIGNED_OUT) -> None:
    """End one sign-in (if it is live), in the caller's transaction."""
    row = db.session.get(SignInSession, session_id)
    if row is not None and row.ended_at is None:
        _end(row, reason, utcnow())


def end_sign_ins(user_id: int, reason: EndReason, keep: int | None = None) -> int:
    """End every live sign-in of a person but `keep` (a sign-in's id), in the caller's
    transaction; return how many ended."""
    statement = (
        sa.update(SignInSession)
        .where(SignInSession.user_id == user_id, SignInSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason.value)
        .execution_options(synchronize_session="fetch")
    )
    if keep is not None:
        statement = statement.where(SignInSession.id != keep)
    return db.session.execute(statement).rowcount


def live_sign_ins(user_id: int) -> list[SignInSession]:
    """A person's sign-ins that have not ended, the most recently used first."""
    since = utcnow() - timedelta(seconds=current_app.config["REMEMBER_COOKIE_DURATION"])
    return list(
        db.session.scalars(
            sa.select(SignInSession)
            .where(
                SignInSession.user_id == user_id, SignInSession.ended_at.is_(None), SignInSession.last_seen_at >= since
            )
            .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())
        )
    )


# A browser and a system in a few words, from the User-Agent header

BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def short_user_agent(text: str | None) -> str:
    """'Firefox on Linux' from a User-Agent header: enough to tell one's browsers apart."""
    text = text or ""
    browser = next((name for mark, name in BROWSERS if mark in text), None)
    system = next((name for mark, name in SYSTEMS if mark in text), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or f"A browser on {system}"
    # Something else (a script, a test client): its first word, without its version.
    first = text.split(" ", 1)[0].split("/", 1)[0].strip()
    return first[:40] or "Unknown browser"
