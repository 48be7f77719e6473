"""Times as people read them: the one home for time zones and for writing dates and times.

Moments are kept in UTC. A person's zone is their IANA zone name, read as UTC when it is
empty or unknown, so a mistyped zone still gives sensible times rather than an error. Dates
and times are written with Babel patterns in a locale: the reader's on pages (Flask-Babel's
choice, English for now), English elsewhere.

    {{ question.created_at|local_time }}                  14 Nov 2026, 09:30
    {{ mentorship.expires_at|local_time("EEEE dd MMMM") }}  Thursday 26 November
    {{ week.day|long_date }}                              29 March 2026
    {{ move.start|date_format("EEEE HH:mm") }}            Tuesday 10:00 (as it is, no zone change)

A page shows moments in the signed-in person's zone; an email in its recipient's (`send_mail`
puts `recipient_zone` in the email's context). This module is pure (no Flask), so pure cores
use it too; the templates' filters and Flask-Babel's locale are in app/time_filters.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_day_names

DEFAULT_LOCALE = "en"
MOMENT = "dd MMM yyyy, HH:mm"  # 14 Nov 2026, 09:30
LONG_DATE = "d MMMM yyyy"  # 29 March 2026
DAY = "EEEE d MMMM yyyy"  # Tuesday 24 November 2026
CLOCK = "HH:mm"  # 09:30

LocaleName = Locale | str


# Where the reader's locale comes from: the web layer (app/time_filters.py) points it at
# Flask-Babel's choice for the request; elsewhere (jobs, commands) it is the default.
def _no_reader() -> LocaleName | None:
    return None


_reader_locale: Callable[[], LocaleName | None] = _no_reader


def read_locale_from(source: Callable[[], LocaleName | None]) -> None:
    """Tell this module where the reader's locale comes from (once, when the app starts)."""
    global _reader_locale
    _reader_locale = source


# -- zones ---------------------------------------------------------------------------------------


def zone(name: str | None) -> ZoneInfo:
    """The time zone of this IANA name; UTC for an empty or unknown one."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def to_local(moment: datetime, zone_name: str | None) -> datetime:
    """A moment on the clocks of that zone (UTC for an empty or unknown one)."""
    return moment.astimezone(zone(zone_name))


def local_day(now: datetime, zone_name: str | None) -> date:
    """The date it is for someone in that time zone."""
    return to_local(now, zone_name).date()


def day_start(now: datetime, zone_name: str | None) -> datetime:
    """The moment (in UTC) the person's day began: pings are counted per local day."""
    local = to_local(now, zone_name)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


# -- writing dates and times ---------------------------------------------------------------------


def reader_locale() -> LocaleName:
    """The locale the reader reads dates in: the request's, or the default outside one."""
    return _reader_locale() or DEFAULT_LOCALE


def date_format(value: date | time | None, pattern: str, locale: LocaleName | None = None) -> str:
    """A date, time or moment written with a Babel pattern, as it is (no change of zone)."""
    if value is None:
        return ""
    locale = locale or reader_locale()
    if isinstance(value, datetime):
        return format_datetime(value, pattern, locale=locale)
    if isinstance(value, time):
        return format_time(value, pattern, locale=locale)
    return format_date(value, pattern, locale=locale)


def in_zone(
    moment: datetime | None, zone_name: str | None, pattern: str = MOMENT, locale: LocaleName | None = None
) -> str:
    """A UTC moment written in a time zone; an unknown or empty zone writes it in UTC."""
    if moment is None:
        return ""
    return date_format(to_local(moment, zone_name), pattern, locale)


def time_with_zone(moment: datetime, zone_name: str | None, locale: LocaleName | None = None) -> str:
    """A moment as the person reads it, named with its zone: "14:30 Wednesday 18 November
    (Europe/Berlin)"."""
    shown = zone(zone_name)
    return f"{in_zone(moment, shown.key, 'HH:mm EEEE dd MMMM', locale)} ({shown.key})"


def long_date(day: date, locale: LocaleName | None = None) -> str:
    """A date as people read it: 29 March 2026."""
    return date_format(day, LONG_DATE, locale)


def day_name(day: date, locale: LocaleName | None = None) -> str:
    """A date with its weekday: Tuesday 24 November 2026."""
    return date_format(day, DAY, locale)


def describe_when(start: datetime, end: datetime, zone_name: str | None, locale: LocaleName | None = None) -> str:
    """A span of time in a zone, with the zone's name: Tuesday 24 November 2026, 10:00–10:30
    (Europe/Berlin). An empty or unknown zone is read as UTC."""
    shown = zone(zone_name)
    first, last = start.astimezone(shown), end.astimezone(shown)
    return f"{day_name(first, locale)}, {date_format(first, CLOCK, locale)}–{date_format(last, CLOCK, locale)} ({shown.key})"


def weekday_names(locale: LocaleName | None = None) -> list[str]:
    """The names of the days of the week, Monday first: Monday ... Sunday."""
    names = get_day_names("wide", locale=locale or reader_locale())
    return [names[day] for day in range(7)]
