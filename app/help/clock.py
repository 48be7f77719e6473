"""People's own time: their time zone, their day, and a moment as they read it.

Pure: no Flask, no database. An empty or unknown zone name is read as UTC, so a person
with a mistyped zone still gets sensible times rather than an error.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str | None) -> ZoneInfo:
    """The time zone of this IANA name; UTC for an empty or unknown one."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_day(now: datetime, timezone: str) -> date:
    """The date it is for someone in that time zone."""
    return now.astimezone(zone(timezone)).date()


def day_start(now: datetime, timezone: str) -> datetime:
    """The moment (in UTC) the person's day began: pings are counted per local day."""
    local = now.astimezone(zone(timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def local_time(moment: datetime, timezone: str) -> str:
    """A moment as the person reads it: "14:30 Wednesday 18 November (Europe/Berlin)"."""
    shown = zone(timezone)
    return f"{moment.astimezone(shown):%H:%M %A %d %B} ({shown.key})"
