"""The stretches of time the dashboard reports on: a week, a month, a quarter, or a range of
days, read as calendar days in one time zone, and the period of the same kind just before.

    period = period_containing("quarter", date(2026, 11, 21), "Europe/Berlin")   # Q4 2026
    period.previous()                                                           # Q3 2026
    period.steps()                    # the weeks of the quarter, for a trend line
    parse_period("2026-W47", "Europe/Berlin")

Pure: no Flask, no database. A period runs from local midnight of its first day up to, not
including, local midnight after its last day, so consecutive periods meet without a gap or
an overlap whatever the clocks do in between. Weeks start on Monday (ISO 8601). A midnight
the clocks skip is read as the moment they jump; one they repeat, as its first occurrence.
An empty or unknown time zone is read as UTC, as everywhere else in Unstuck.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.times import DEFAULT_LOCALE, date_format, zone

WEEK, MONTH, QUARTER, RANGE, DAY = "week", "month", "quarter", "range", "day"
KINDS = (WEEK, MONTH, QUARTER, RANGE)
# A range longer than this is drawn week by week, longer than the second month by month.
DAYS_BY_DAY, DAYS_BY_WEEK = 31, 184


def _written(day: date, pattern: str) -> str:
    """A day written with a Babel pattern, in the default locale."""
    return date_format(day, pattern, DEFAULT_LOCALE)


@dataclass(frozen=True)
class Period:
    """Local calendar days `first_day` up to `end_day` (exclusive) in the zone `timezone`.

    `start` and `end` are the same bounds as UTC moments, for comparing with stored times.
    """

    kind: str
    first_day: date
    end_day: date
    timezone: str = "UTC"
    start: datetime = field(init=False, repr=False, compare=False)
    end: datetime = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS + (DAY,):
            raise ValueError(f"unknown kind of period {self.kind!r}: choose one of {', '.join(KINDS)}")
        if self.end_day <= self.first_day:
            raise ValueError(
                f"the period ends ({self.last_day.isoformat()}) before it starts ({self.first_day.isoformat()})"
            )
        tz = zone(self.timezone)
        object.__setattr__(self, "timezone", tz.key)
        object.__setattr__(self, "start", _midnight(self.first_day, tz))
        object.__setattr__(self, "end", _midnight(self.end_day, tz))

    @property
    def last_day(self) -> date:
        """The last calendar day in the period."""
        return self.end_day - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end_day - self.first_day).days

    def contains(self, moment: datetime | None) -> bool:
        """Tell whether a moment (timezone-aware) falls in the period; None never does."""
        return moment is not None and self.start <= moment < self.end

    def previous(self) -> Period:
        """The period of the same kind just before: last week, last month, the quarter
        before, or as many days just before a range."""
        if self.kind == MONTH:
            return period_containing(MONTH, self.first_day - timedelta(days=1), self.timezone)
        if self.kind == QUARTER:
            return period_containing(QUARTER, self.first_day - timedelta(days=1), self.timezone)
        return Period(self.kind, self.first_day - timedelta(days=self.days), self.first_day, self.timezone)

    def steps(self) -> list[Period]:
        """The parts a trend line is drawn over: the days of a week, the weeks of a month or
        a quarter (the first and last cut to the period), or the days, weeks or months of a
        range, by its length. A part cut short is a range."""
        step = self._step()
        parts, day = [], self.first_day
        while day < self.end_day:
            whole = period_containing(step, day, self.timezone)
            end = min(whole.end_day, self.end_day)
            parts.append(
                whole if (whole.first_day, whole.end_day) == (day, end) else Period(RANGE, day, end, self.timezone)
            )
            day = end
        return parts

    def _step(self) -> str:
        if self.kind in (DAY, WEEK) or (self.kind == RANGE and self.days <= DAYS_BY_DAY):
            return DAY
        if self.kind == RANGE and self.days > DAYS_BY_WEEK:
            return MONTH
        return WEEK

    @property
    def key(self) -> str:
        """The period as a URL writes it: 2026-W47, 2026-11, 2026-Q4, 2026-11-01..2026-11-20."""
        if self.kind == WEEK:
            year, week, _ = self.first_day.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == MONTH:
            return f"{self.first_day:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.first_day.year}-Q{(self.first_day.month - 1) // 3 + 1}"
        if self.kind == DAY:
            return self.first_day.isoformat()
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    @property
    def label(self) -> str:
        """The period as a reader says it: "Week 47, 2026", "November 2026", "Q4 2026",
        "Sat 21 Nov 2026", "1 Nov – 20 Nov 2026"."""
        first, last = self.first_day, self.last_day
        if self.kind == WEEK:
            year, week, _ = first.isocalendar()
            return f"Week {week}, {year}"
        if self.kind == MONTH:
            return _written(first, "MMMM yyyy")
        if self.kind == QUARTER:
            return f"Q{(first.month - 1) // 3 + 1} {first.year}"
        if self.kind == DAY:
            return _written(first, "EEE d MMM yyyy")
        if first.year == last.year:
            return f"{_day_month(first)} – {_day_month(last)} {last.year}"
        return f"{_day_month(first)} {first.year} – {_day_month(last)} {last.year}"

    @property
    def short_label(self) -> str:
        """A label short enough for a chart's axis: "Nov 2026", "Q4", or the first day, "16 Nov"."""
        if self.kind == MONTH:
            return _written(self.first_day, "MMM yyyy")
        if self.kind == QUARTER:
            return f"Q{(self.first_day.month - 1) // 3 + 1} {self.first_day.year}"
        return _day_month(self.first_day)


def _day_month(day: date) -> str:
    return _written(day, "d MMM")


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    # fold=0: a skipped midnight reads with the offset before the jump, which lands on the
    # jump itself; a repeated one is its first occurrence.
    return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)


def period_containing(kind: str, moment: date | datetime, timezone: str = "UTC") -> Period:
    """The week (Monday to Sunday), month or quarter that contains a day, or the local day
    of a timezone-aware moment, in a time zone."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("a moment without a time zone cannot be placed in a period")
        moment = moment.astimezone(zone(timezone)).date()
    day = moment
    if kind == WEEK:
        first = day - timedelta(days=day.weekday())
        return Period(WEEK, first, first + timedelta(days=7), timezone)
    if kind == MONTH:
        first = day.replace(day=1)
        return Period(MONTH, first, _add_months(first, 1), timezone)
    if kind == QUARTER:
        first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(QUARTER, first, _add_months(first, 3), timezone)
    if kind == DAY:
        return Period(DAY, day, day + timedelta(days=1), timezone)
    raise ValueError(f"unknown kind of period {kind!r}: choose one of week, month, quarter")


def period_between(first_day: date, last_day: date, timezone: str = "UTC") -> Period:
    """The days from `first_day` to `last_day`, both included; ValueError if it ends first."""
    if last_day < first_day:
        raise ValueError(f"the period ends ({last_day.isoformat()}) before it starts ({first_day.isoformat()})")
    return Period(RANGE, first_day, last_day + timedelta(days=1), timezone)


def _add_months(first: date, months: int) -> date:
    index = first.month - 1 + months
    return date(first.year + index // 12, index % 12 + 1, 1)


_KEYS = (
    (re.compile(r"(\d{4})-W(\d{2})"), lambda y, w: date.fromisocalendar(int(y), int(w), 1), WEEK),
    (re.compile(r"(\d{4})-(\d{2})"), lambda y, m: date(int(y), int(m), 1), MONTH),
    (re.compile(r"(\d{4})-Q([1-4])"), lambda y, q: date(int(y), (int(q) - 1) * 3 + 1, 1), QUARTER),
)


def parse_period(key: str, timezone: str = "UTC") -> Period:
    """The period a key names (see `Period.key`); ValueError saying what is wrong."""
    text = (key or "").strip()
    try:
        for pattern, first_day, kind in _KEYS:
            match = pattern.fullmatch(text)
            if match:
                return period_containing(kind, first_day(*match.groups()), timezone)
        first, sep, last = text.partition("..")
        if sep:
            return period_between(date.fromisoformat(first), date.fromisoformat(last), timezone)
    except ValueError as error:
        if "before it starts" in str(error):
            raise
        raise ValueError(f"{text!r} is not a date we know: {error}") from None
    raise ValueError(f"{text!r} is not a period: write 2026-W47, 2026-11, 2026-Q4 or 2026-11-01..2026-11-20")
