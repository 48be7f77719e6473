"""When a mentor's digest of questions that can wait is due: plain values in, UTC moments out.

    next_digest_at("daily", 9 * 60, 0, "Europe/Berlin", last_sent_at, now, news_since)
    is_due("weekly", 17 * 60, 4, "America/New_York", last_sent_at, now, news_since)

A mentor hears of such questions every time one comes (`at_once`: mailed when routed, so
never in a digest), at most once an hour (`hourly`), or at a local wall-clock time every day
(`daily`) or on one weekday (`weekly`). A daily or weekly time is kept in the mentor's own
time zone across daylight-saving changes: a time the clocks skip on a spring-forward day is
sent at the first moment after the gap, and a time they repeat on a fall-back day is sent
once, at its first occurrence. An unknown time zone is read as UTC.

A scheduled moment owes the mentor a digest only if something new arrived before it and
after their last digest: `news_since` is when the oldest news not yet told arrived.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.times import weekday_names, zone

AT_ONCE, HOURLY, DAILY, WEEKLY = "at_once", "hourly", "daily", "weekly"
FREQUENCIES = (AT_ONCE, HOURLY, DAILY, WEEKLY)
HOUR = timedelta(hours=1)
MINUTES_PER_DAY = 24 * 60


def check_setting(frequency: str, minute_of_day: int, weekday: int) -> None:
    """Raise ValueError, saying what is wrong, for a setting no schedule can be made of."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown digest frequency {frequency!r}")
    if not (isinstance(minute_of_day, int) and 0 <= minute_of_day < MINUTES_PER_DAY):
        raise ValueError(f"minute of the day out of range: {minute_of_day!r}")
    if not (isinstance(weekday, int) and 0 <= weekday <= 6):
        raise ValueError(f"weekday out of range: {weekday!r}")


def local_moment(day: date, minute_of_day: int, tz: ZoneInfo) -> datetime:
    """The UTC moment a local wall-clock time happens on a day in a time zone.

    A time the clocks skip is taken as the first moment after the gap; a time they repeat
    as its first occurrence.
    """
    naive = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60))
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first  # it exists; fold 0 is the first of a repeated time
    return _end_of_gap(naive, tz)


def _end_of_gap(naive: datetime, tz: ZoneInfo) -> datetime:
    """The moment the clocks jumped over a local time that does not exist (the transition)."""
    # The two readings of the missing time, with the offsets before and after the jump,
    # fall on either side of the transition; it happens on a whole second between them.
    low, high = sorted(naive.replace(tzinfo=tz, fold=f).astimezone(UTC) for f in (0, 1))
    after = high.astimezone(tz).utcoffset()
    lo, hi = 0, int((high - low).total_seconds())
    while lo < hi:
        middle = (lo + hi) // 2
        if (low + timedelta(seconds=middle)).astimezone(tz).utcoffset() == after:
            hi = middle
        else:
            lo = middle + 1
    return low + timedelta(seconds=lo)


def scheduled_after(frequency: str, minute_of_day: int, weekday: int, tz: ZoneInfo, moment: datetime) -> datetime:
    """The first scheduled moment of a daily or weekly digest strictly after `moment`."""
    day = moment.astimezone(tz).date() - timedelta(days=1)
    for _ in range(10):
        if frequency == DAILY or day.weekday() == weekday:
            candidate = local_moment(day, minute_of_day, tz)
            if candidate > moment:
                return candidate
        day += timedelta(days=1)
    raise AssertionError("a weekly time comes within ten days")  # pragma: no cover


def next_digest_at(
    frequency: str,
    minute_of_day: int,
    weekday: int,
    timezone: str | None,
    last_sent_at: datetime | None,
    now: datetime,
    news_since: datetime | None = None,
) -> datetime | None:
    """The moment the mentor's next digest is due, in UTC; None for `at_once` (no digest).

    Hourly: an hour after the last digest, and not before the news. Daily or weekly: the
    first scheduled moment after both the last digest and the news. `news_since` is when
    the oldest news not yet told arrived; left out, it is `now` (a question arriving now).
    A moment at or before `now` means a digest is due now; it stays the same moment until
    the digest is sent, so it names that digest.
    """
    check_setting(frequency, minute_of_day, weekday)
    if frequency == AT_ONCE:
        return None
    news_since = now if news_since is None else news_since
    if frequency == HOURLY:
        return news_since if last_sent_at is None else max(last_sent_at + HOUR, news_since)
    since = news_since if last_sent_at is None else max(last_sent_at, news_since)
    return scheduled_after(frequency, minute_of_day, weekday, zone(timezone), since)


def is_due(
    frequency: str,
    minute_of_day: int,
    weekday: int,
    timezone: str | None,
    last_sent_at: datetime | None,
    now: datetime,
    news_since: datetime | None = None,
) -> bool:
    """Whether a digest is due now for news that arrived at `news_since` (default: now)."""
    due = next_digest_at(frequency, minute_of_day, weekday, timezone, last_sent_at, now, news_since)
    return due is not None and due <= now


def describe(frequency: str, minute_of_day: int, weekday: int) -> str:
    """The setting in words: "daily at 09:00", "weekly on Friday at 17:30", "hourly"."""
    check_setting(frequency, minute_of_day, weekday)
    clock = f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"
    return {
        AT_ONCE: "every question at once",
        HOURLY: "hourly",
        DAILY: f"daily at {clock}",
        WEEKLY: f"weekly on {weekday_names()[weekday]} at {clock}",
    }[frequency]
