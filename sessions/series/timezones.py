"""VTIMEZONE components that calendar clients accept, built from the IANA zone's own changes.

Outlook reads a VTIMEZONE as one standard and one daylight rule, so the changes a zone makes
are written as yearly rules ("the last Sunday of March at 02:00") wherever they repeat, and
one-off changes as single onsets; never as a bare list of dates.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SCAN_STEP = 86400  # seconds; zones change their clocks at most once a day


@dataclass(frozen=True)
class Change:
    """One change of a zone's clocks."""

    at: datetime  # UTC
    offset_from: timedelta
    offset_to: timedelta
    name: str  # the zone's abbreviation after the change, such as CEST
    daylight: bool

    @property
    def onset(self) -> datetime:
        """The change's wall-clock time as read before it, which is how VTIMEZONE states it."""
        return (self.at + self.offset_from).replace(tzinfo=None)

    @property
    def rule(self) -> tuple:
        """What two yearly changes must share to be one rule."""
        onset = self.onset
        return (self.daylight, self.offset_from, self.offset_to, self.name, onset.month, onset.weekday(), onset.time())

    @property
    def positions(self) -> frozenset[int]:
        """Which of its weekday in the month the change falls on: 1 to 5, and -1 for the last."""
        onset = self.onset
        found = {(onset.day - 1) // 7 + 1}
        if onset.day + 7 > monthrange(onset.year, onset.month)[1]:
            found.add(-1)
        return frozenset(found)


def vtimezone(zone_name: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for the zone, right for every moment from its first clock change in
    `first_year` to the end of `last_year` and, where the zone's current rules hold, after.
    (Before the first change a client may assume standard time, so start a year early.)"""
    changes = zone_changes(zone_name, first_year, last_year)
    component = Timezone()
    component.add("tzid", zone_name)
    if not changes:
        component.add_component(_fixed(zone_name, first_year))
    for run in _runs(changes):
        component.add_component(_rule(run, open_ended=len(run) > 1 and run[-1].onset.year == last_year))
    return component


@lru_cache(maxsize=64)
def zone_changes(zone_name: str, first_year: int, last_year: int) -> tuple[Change, ...]:
    """Every change of the zone's clocks from the start of `first_year` to the end of `last_year`."""
    zone = ZoneInfo(zone_name)
    moment = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp())
    found = []
    while moment < end:
        step = min(moment + SCAN_STEP, end)
        if _state(zone, moment) != _state(zone, step):
            found.append(_change(zone, moment, step))
        moment = step
    return tuple(found)


def _state(zone: ZoneInfo, timestamp: int) -> tuple:
    local = datetime.fromtimestamp(timestamp, UTC).astimezone(zone)
    return local.utcoffset(), local.tzname()


def _change(zone: ZoneInfo, before: int, after: int) -> Change:
    """The change between two moments (seconds) a day or less apart, found to the second."""
    old = _state(zone, before)
    while after - before > 1:
        middle = (before + after) // 2
        if _state(zone, middle) == old:
            before = middle
        else:
            after = middle
    then = datetime.fromtimestamp(before, UTC).astimezone(zone)
    now = datetime.fromtimestamp(after, UTC).astimezone(zone)
    # Summer time is the later offset of a zone that has one; Dublin's "negative" winter
    # time is still its standard time for calendar clients.
    keeps_dst = bool(then.dst()) or bool(now.dst())
    return Change(
        datetime.fromtimestamp(after, UTC),
        then.utcoffset(),
        now.utcoffset(),
        now.tzname(),
        keeps_dst and now.utcoffset() > then.utcoffset(),
    )


def _runs(changes: tuple[Change, ...]) -> list[list[Change]]:
    """The changes grouped into rules: the same change on the same weekday of the same week of
    the same month in consecutive years."""
    runs: list[list[Change]] = []
    current: dict[tuple, list[Change]] = {}
    for change in changes:
        run = current.get(change.rule)
        if run and run[-1].onset.year == change.onset.year - 1 and _positions(run) & change.positions:
            run.append(change)
        else:
            current[change.rule] = run = [change]
            runs.append(run)
    return runs


def _positions(run: list[Change]) -> frozenset[int]:
    return frozenset.intersection(*(change.positions for change in run))


def _rule(run: list[Change], open_ended: bool):
    first, last = run[0], run[-1]
    part = TimezoneDaylight() if first.daylight else TimezoneStandard()
    part.add("dtstart", first.onset)
    part.add("tzoffsetfrom", first.offset_from)
    part.add("tzoffsetto", first.offset_to)
    part.add("tzname", first.name)
    if len(run) > 1 or open_ended:
        positions = _positions(run)
        position = -1 if -1 in positions else min(positions)
        rule = {
            "freq": "yearly",
            "bymonth": first.onset.month,
            "byday": f"{position}{DAY_CODES[first.onset.weekday()]}",
        }
        if not open_ended:
            rule["until"] = last.at
        part.add("rrule", rule)
    return part


def _fixed(zone_name: str, year: int) -> TimezoneStandard:
    """The one rule of a zone that kept its offset all along."""
    local = datetime(year, 1, 1, tzinfo=UTC).astimezone(ZoneInfo(zone_name))
    part = TimezoneStandard()
    part.add("dtstart", datetime(year, 1, 1))
    part.add("tzoffsetfrom", local.utcoffset())
    part.add("tzoffsetto", local.utcoffset())
    part.add("tzname", local.tzname())
    return part
