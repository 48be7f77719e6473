"""Matching's panels on the home page: a new hire's mentor (or that one is on its way), and
a mentor's proposals waiting for their answer."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.people import home
from app.people.models import Role, User
from app.times import time_with_zone
from matching.models import LIVE_STATES, Mentorship, MentorshipState, WaitingForMentor


def show_my_mentor(user: User) -> home.Shown:
    """The mentor once the mentorship started; before that, only that a proposal is on its
    way (who was asked is not the new hire's to know)."""
    current = db.session.scalar(
        sa.select(Mentorship)
        .where(Mentorship.new_hire_id == user.id, Mentorship.state.in_(LIVE_STATES))
        .options(joinedload(Mentorship.mentor))
    )
    waiting = db.session.get(WaitingForMentor, user.id) if current is None else None
    active = current is not None and current.state == MentorshipState.ACTIVE
    return home.Shown(
        "matching/home_my_mentor.html",
        {
            "mentor": current.mentor if active else None,
            "proposed": current is not None and not active,
            "waiting": waiting,
        },
    )


def show_proposals(user: User) -> home.Shown:
    proposals = db.session.scalars(
        sa.select(Mentorship)
        .where(Mentorship.mentor_id == user.id, Mentorship.state == MentorshipState.PROPOSED)
        .options(joinedload(Mentorship.new_hire))
        .order_by(Mentorship.expires_at, Mentorship.id)
    ).all()
    return home.Shown(
        "matching/home_proposals.html",
        {"proposals": [(m, time_with_zone(m.expires_at, user.timezone)) for m in proposals]},
    )


def register(app: Flask) -> None:
    home.register(app, Role.NEW_HIRE, "my mentor", 20, show_my_mentor)
    home.register(app, Role.MENTOR, "mentee proposals", 20, show_proposals)
