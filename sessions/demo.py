"""The demo's weekly session: the Payments team meets on Thursdays, so a demo lead finds a
series with invites sent, and can try the week page and the retro."""

from datetime import date, time, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.people.models import Team
from sessions.series.services import SeriesFields, create_series

DEMO_TEAM = "Payments"


def seed_demo_sessions(sender=None, today: date | None = None) -> None:
    """Set up the demo team's weekly session, starting this week (receiver of demo_seeded)."""
    team = db.session.scalar(sa.select(Team).where(Team.name == DEMO_TEAM))
    if team is None or team.lead is None:
        return
    today = today or date.today()
    create_series(
        team.id,
        team.lead.id,
        SeriesFields(
            title="What did we learn this week?",
            weekday=3,
            start_time=time(15, 0),
            duration_minutes=30,
            timezone=team.lead.timezone,
            first_date=today - timedelta(days=today.weekday()),
            location="Room Fjord or https://meet.example.com/payments-weekly",
            description="Fifteen minutes of what we learned, then we vote on what to act on.",
        ),
    )
    db.session.flush()
