"""A weekly series in time: expanded by recurring_ical_events across daylight-saving changes,
and the VTIMEZONE that makes calendar clients agree with us."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessions.series.calendar import invite
from sessions.series.schedule import occurrences
from sessions.series.timezones import zone_changes
from tests.sessions.calendars import BERLIN, MESSAGES, STAMP, busy_series, expand, read, read_vobject, series

# Expanded as calendar clients expand it


def starts(found) -> list[datetime]:
    return [e["DTSTART"].dt.astimezone(UTC) for e in found]


@pytest.mark.parametrize(
    "zone, window, utc_hours",
    [
        ("Europe/Berlin", (datetime(2026, 3, 1), datetime(2026, 4, 15)), {9, 8}),
        ("Europe/Berlin", (datetime(2026, 10, 12), datetime(2026, 11, 12)), {8, 9}),
        ("America/New_York", (datetime(2026, 2, 20), datetime(2026, 3, 25)), {15, 14}),
        ("America/New_York", (datetime(2026, 10, 20), datetime(2026, 11, 20)), {14, 15}),
    ],
)
def test_the_wall_clock_time_holds_across_a_daylight_saving_change(zone, window, utc_hours):
    s = series(timezone=zone, first_date=window[0].date())
    start, end = (moment.replace(tzinfo=UTC) for moment in window)
    found = expand(invite(s, stamp=STAMP), start, end)
    assert {(m.astimezone(ZoneInfo(zone)).hour, m.minute) for m in starts(found)} == {(10, 0)}
    assert {moment.hour for moment in starts(found)} == utc_hours  # the change really falls inside
    assert starts(found) == [o.start_utc for o in occurrences(s, start, end)]
    assert {e["DTEND"].dt - e["DTSTART"].dt for e in found} == {timedelta(hours=1)}


@pytest.mark.parametrize(
    "zone, at, first, hours",
    [
        ("Europe/Berlin", time(2, 30), date(2026, 3, 22), [(2, 30), (3, 30), (2, 30)]),  # 29 March skips 02:30
        ("America/New_York", time(1, 30), date(2026, 10, 25), [(1, 30), (1, 30), (1, 30)]),  # 1 Nov repeats it
    ],
)
def test_a_weekly_time_the_clock_skips_or_repeats_is_where_our_notes_say(zone, at, first, hours):
    s = series(timezone=zone, weekday=6, start_time=at, first_date=first)
    window = (
        datetime.combine(first, time(0), tzinfo=UTC),
        datetime.combine(first, time(0), tzinfo=UTC) + timedelta(days=20),
    )
    found = expand(invite(s, stamp=STAMP), *window)
    local = [moment.astimezone(ZoneInfo(zone)) for moment in starts(found)]
    assert [(moment.hour, moment.minute) for moment in local] == hours
    assert starts(found) == [o.start_utc for o in occurrences(s, *window)]
    assert [o.note is not None for o in occurrences(s, *window)] == [False, True, False]


def test_skipped_weeks_disappear_moved_weeks_move_and_the_end_date_holds():
    s = busy_series()
    found = expand(MESSAGES["invite"], datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
    assert [moment.astimezone(BERLIN).replace(tzinfo=None) for moment in starts(found)] == [
        datetime(2026, 3, 3, 10),
        datetime(2026, 3, 10, 10),  # 17 March skipped
        datetime(2026, 3, 25, 14, 30),  # 24 March moved to Wednesday afternoon
        datetime(2026, 3, 31, 10),
        datetime(2026, 4, 7, 10),
        datetime(2026, 4, 14, 10),
        datetime(2026, 4, 21, 10),
        datetime(2026, 4, 28, 10),  # and no session after 28 April
    ]
    assert starts(found) == [
        o.start_utc for o in occurrences(s, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    ]


def test_the_independent_parser_expands_the_same_sessions_with_our_vtimezone():
    s = busy_series()
    parsed = read_vobject(MESSAGES["invite"])
    master, moved = parsed.vevent_list
    assert type(master.dtstart.value.tzinfo).__name__ == "_tzicalvtz"  # built from our VTIMEZONE
    overridden = {moved.recurrence_id.value}
    found = [moment for moment in master.getrruleset(addRDate=True) if moment not in overridden]
    found = sorted([*found, moved.dtstart.value])
    window = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert [moment.astimezone(UTC) for moment in found] == [o.start_utc for o in occurrences(s, *window)]


# VTIMEZONE


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_the_vtimezone_states_standard_and_daylight_time_as_yearly_rules(zone):
    calendar = read(invite(series(timezone=zone), stamp=STAMP))
    [vtimezone] = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == zone
    parts = vtimezone.subcomponents
    assert sorted(p.name for p in parts) == ["DAYLIGHT", "STANDARD"]
    for part in parts:
        assert part["RRULE"]["FREQ"] == ["YEARLY"] and "UNTIL" not in part["RRULE"]
        assert "RDATE" not in part


def test_the_vtimezone_names_the_rules_people_know():
    ics = invite(series(timezone="Europe/Berlin"), stamp=STAMP)
    assert b"BEGIN:DAYLIGHT\r\nDTSTART:20250330T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n" in ics
    assert b"BEGIN:STANDARD\r\nDTSTART:20251026T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n" in ics
    ics = invite(series(timezone="America/New_York"), stamp=STAMP)
    assert b"DTSTART:20250309T020000\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n" in ics
    assert b"DTSTART:20251102T020000\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\n" in ics


@pytest.mark.parametrize(
    "zone, first, last",
    [
        ("Europe/Berlin", date(2026, 3, 3), date(2031, 12, 30)),
        ("America/New_York", date(2026, 3, 3), date(2031, 12, 30)),
        ("Australia/Sydney", date(2026, 3, 3), date(2031, 12, 30)),
        ("Europe/Dublin", date(2026, 3, 3), date(2031, 12, 30)),  # winter is its "negative" summer time
        ("Asia/Tokyo", date(2026, 3, 3), date(2031, 12, 30)),  # no clock changes at all
        ("America/Sao_Paulo", date(2018, 3, 6), date(2023, 12, 26)),  # gave up summer time in 2019
    ],
)
def test_the_vtimezone_gives_the_zones_offset_at_every_moment(zone, first, last):
    s = series(timezone=zone, first_date=first, until=last)
    parsed = read_vobject(invite(s, stamp=datetime.combine(first, time(9), tzinfo=UTC)))
    theirs, ours = parsed.vtimezone.gettzinfo(), ZoneInfo(zone)
    moments = [datetime(first.year, 1, 1, 12, tzinfo=UTC) + timedelta(days=n) for n in range((last - first).days + 120)]
    for change in zone_changes(zone, first.year, last.year + 1):
        moments += [change.at + timedelta(seconds=delta) for delta in (-3600, -1, 0, 3600)]
    wrong = [m for m in moments if m.astimezone(theirs).utcoffset() != m.astimezone(ours).utcoffset()]
    assert wrong == []
