"""A team's weekly session as its lead sets it up, the way most session tests want it:
"What did we learn?" at 10:00 for 30 minutes in Berlin, on the first date's weekday."""

from __future__ import annotations

from datetime import date, time

from sessions.series import services


def weekly_series(team_id: int, lead_id: int, first_date: date, **fields) -> int:
    """Create the team's series from `first_date` on, `fields` changing any of its values;
    its id. The caller commits (which sends the invites)."""
    values = dict(
        title="What did we learn?",
        weekday=first_date.weekday(),
        start_time=time(10),
        duration_minutes=30,
        timezone="Europe/Berlin",
        first_date=first_date,
    )
    series_id, _ = services.create_series(team_id, lead_id, services.SeriesFields(**{**values, **fields}))
    return series_id
