"""A person's calendar feed: every weekly session they are invited to or lead, at a secret
address a calendar app subscribes to and fetches again on its own.

The token in the address is the only credential (calendar apps sign in to nothing), so it
is long and random, and revoking it makes a new one: the old address stops working at once.

    token = feed_token(user.id)        # the person's token, made on first use
    token = new_token(user.id)         # revoke: a new token, the old one dead
    user = fetch_by_token(token)       # the feed's owner, or None; records the fetch
    ics = feed_for(user)               # the feed itself (METHOD:PUBLISH)
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app

from app.extensions import db, utcnow
from app.people.models import Team, User
from sessions.access import current_invitees
from sessions.models import CalendarFeed, SeriesMember, SessionSeries
from sessions.series import calendar
from sessions.series.schedule import email_problem, validate_series
from sessions.series.stored import as_series

log = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 random bits, 43 URL-safe characters
CALENDAR_NAME = "Unstuck sessions"


def feed_token(user_id: int) -> str:
    """The person's feed token, made when they have none yet. Does not commit."""
    token = db.session.scalar(sa.select(CalendarFeed.token).where(CalendarFeed.user_id == user_id))
    return token or new_token(user_id)


def new_token(user_id: int) -> str:
    """Give the person a new feed token and return it; any old one stops working. Does not commit."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = db.session.get(CalendarFeed, user_id)
    if feed is None:
        db.session.add(CalendarFeed(user_id=user_id, token=token, created_at=utcnow()))
    else:
        feed.token, feed.created_at, feed.last_fetched_at = token, utcnow(), None
    db.session.flush()
    return token


def has_feed(user_id: int) -> bool:
    """Whether the person has made a feed address."""
    return db.session.get(CalendarFeed, user_id) is not None


def fetch_by_token(token: str) -> User | None:
    """The active person whose feed this token opens, or None; records when it was fetched.
    Does not commit."""
    feed = db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.token == token))
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    if user is None or not user.active:
        return None
    feed.last_fetched_at = utcnow()
    return user


def last_fetched(user_id: int) -> datetime | None:
    """When the person's calendar last fetched the feed, or None."""
    return db.session.scalar(sa.select(CalendarFeed.last_fetched_at).where(CalendarFeed.user_id == user_id))


def series_in_feed(user: User) -> list[SessionSeries]:
    """The live series the person is invited to now, or leads as the team's lead."""
    invited = current_invitees().where(SeriesMember.user_id == user.id).with_only_columns(SeriesMember.series_id)
    led = sa.select(Team.id).where(Team.lead_id == user.id)
    return list(
        db.session.scalars(
            sa.select(SessionSeries)
            .where(
                SessionSeries.cancelled_at.is_(None),
                sa.or_(SessionSeries.id.in_(invited), SessionSeries.team_id.in_(led)),
            )
            .order_by(SessionSeries.id)
        )
    )


def feed_for(user: User) -> bytes:
    """The person's feed: each of their series as a calendar subscription shows it, without
    attendees, its organizer the lead at their own address."""
    found = []
    for row in series_in_feed(user):
        series = as_series(row, _organizer_email(row))
        errors = validate_series(series)
        if errors:  # stored data a later check refuses: the rest of the feed still works
            log.warning("series left out of a feed: series=%s errors=%s", row.id, "; ".join(e.message for e in errors))
            continue
        found.append(series)
    return calendar.feed(found, CALENDAR_NAME)


def _organizer_email(row: SessionSeries) -> str:
    """The lead's address, or Unstuck's own when the series has no lead who can be named."""
    if row.organizer is not None and email_problem(row.organizer.email) is None:
        return row.organizer.email
    return parseaddr(current_app.config["MAIL_FROM"])[1]
