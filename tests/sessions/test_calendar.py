"""The calendar messages of a weekly series, read back the way calendar clients read them:
by icalendar and by an independent parser (vobject): the invite, its changes, user text,
and the feed."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import vobject

from sessions.series.calendar import calendar_method, cancel_occurrence, cancel_series, feed, invite
from sessions.series.schedule import Attendee, Person, revise
from tests.sessions.calendars import (
    BERLIN,
    MEMBERS,
    MESSAGES,
    RICH_TITLE,
    STAMP,
    attendee_emails,
    busy_series,
    events,
    expand,
    read,
    read_vobject,
    series,
)

# Every message: readable by two parsers, CRLF, folded at 75 octets, one UID and SEQUENCE


@pytest.mark.parametrize("name", MESSAGES)
def test_every_message_is_read_back_without_errors_by_icalendar_and_vobject(name):
    calendar = read(MESSAGES[name])
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert read_vobject(MESSAGES[name]).vevent.uid.value in {"retro-42@unstuck.test", "retro-7@unstuck.test"}


@pytest.mark.parametrize("name", MESSAGES)
def test_lines_end_in_crlf_and_fold_at_75_octets_without_splitting_a_character(name):
    ics = MESSAGES[name]
    lines = ics.split(b"\r\n")
    assert lines[-1] == b""  # the last line ends with CRLF too
    assert not [line for line in lines if b"\n" in line or b"\r" in line]
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # no line ends inside a character


@pytest.mark.parametrize("name", MESSAGES)
def test_the_method_is_stated_and_calendar_names_appear_in_the_feed_only(name):
    ics = MESSAGES[name]
    expected = {"invite": "REQUEST", "plain invite": "REQUEST", "feed": "PUBLISH"}.get(name, "CANCEL")
    assert calendar_method(ics) == expected
    assert (b"X-WR-CALNAME" in ics) == (name == "feed")


def test_accented_and_emoji_text_survives_folding_in_both_parsers():
    ics = MESSAGES["invite"]
    assert max(len(line) for line in ics.split(b"\r\n")) <= 75 and len(RICH_TITLE.encode()) > 75
    assert [str(e["SUMMARY"]) for e in events(ics)] == [RICH_TITLE, RICH_TITLE]
    parsed = read_vobject(ics)
    assert [e.summary.value for e in parsed.vevent_list] == [RICH_TITLE, RICH_TITLE]
    assert parsed.vevent.attendee_list[0].params["CN"] == ["Ana Álvarez"]


# The invite


def test_the_invite_asks_every_recipient_and_names_the_lead_as_organizer():
    master = events(MESSAGES["invite"])[0]
    organizer = master["ORGANIZER"]
    assert (str(organizer), organizer.params["CN"]) == ("mailto:lea@example.com", "Lea Lead")
    attendees = master["ATTENDEE"]
    assert [str(a) for a in attendees] == [
        "mailto:ana@example.com",
        "mailto:bo@example.com",
        "mailto:guest@example.com",
    ]
    assert {(a.params["RSVP"], a.params["PARTSTAT"]) for a in attendees} == {("TRUE", "NEEDS-ACTION")}
    assert attendees[2].params["CN"] == "Guest Gómez"


def test_the_invite_states_the_weekly_rule_in_the_series_zone():
    ics = MESSAGES["invite"]
    master = events(ics)[0]
    assert master["DTSTART"].params["TZID"] == master["DTEND"].params["TZID"] == "Europe/Berlin"
    assert master["DTSTART"].dt == datetime(2026, 3, 3, 10, tzinfo=BERLIN)
    assert master["DTEND"].dt - master["DTSTART"].dt == timedelta(hours=1)
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20260428T080000Z;BYDAY=TU\r\n" in ics  # UNTIL in UTC


@pytest.mark.parametrize(
    "build",
    [
        lambda s: invite(s),
        lambda s: cancel_series(s, MEMBERS),
        lambda s: feed([s], "Feed"),
        lambda s: cancel_occurrence(s, date(2026, 3, 10), MEMBERS),
    ],
    ids=["invite", "cancel series", "feed", "cancel one week"],
)
def test_every_message_is_stamped_now_in_utc(build):
    ics = build(busy_series())
    for event in events(ics):
        stamp = event["DTSTAMP"].dt
        assert stamp.utcoffset() == timedelta(0) and abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)
    assert re.findall(rb"\r\nDTSTAMP:(\d{8}T\d{6}Z)\r\n", ics)


def test_a_series_without_an_end_has_no_until():
    master = events(MESSAGES["plain invite"])[0]
    assert dict(master["RRULE"]) == {"FREQ": ["WEEKLY"], "BYDAY": ["TU"]}


def test_skipped_weeks_are_excluded_and_moved_weeks_overridden_under_the_same_uid():
    master, moved = events(MESSAGES["invite"])
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2026, 3, 17, 10, tzinfo=BERLIN)]
    assert moved["UID"] == master["UID"] and moved["SEQUENCE"] == master["SEQUENCE"]
    assert moved["RECURRENCE-ID"].dt == datetime(2026, 3, 24, 10, tzinfo=BERLIN)
    assert moved["DTSTART"].dt == datetime(2026, 3, 25, 14, 30, tzinfo=BERLIN)
    assert moved["DTEND"].dt - moved["DTSTART"].dt == timedelta(minutes=90)
    assert "RRULE" not in moved


def test_an_invalid_series_or_address_gets_no_invite():
    with pytest.raises(ValueError, match="is not a known time zone"):
        invite(series(timezone="Europe/Atlantis"))
    with pytest.raises(ValueError, match="is not a valid email address"):
        invite(series(), [Person("Eve", "eve@example.com\r\nATTENDEE:mailto:evil@x")])


# Changes: same UID, strictly rising SEQUENCE


def test_request_update_skip_and_cancel_keep_the_uid_with_a_rising_sequence():
    first = series()
    updated = revise(first, location="Room 4.12 (Café)")
    skipped = revise(updated, skipped=updated.skipped | {date(2026, 3, 17)})
    ended = revise(skipped, cancelled=True)
    sent = [
        invite(first, stamp=STAMP),
        invite(updated, stamp=STAMP),
        cancel_occurrence(skipped, date(2026, 3, 17), skipped.attendees, stamp=STAMP),
        cancel_series(ended, ended.attendees, stamp=STAMP),
    ]

    read_back = [(calendar_method(ics), events(ics)) for ics in sent]
    assert [(method, len(found)) for method, found in read_back] == [
        ("REQUEST", 1),
        ("REQUEST", 1),
        ("CANCEL", 1),
        ("CANCEL", 1),
    ]
    found = [found[0] for _, found in read_back]
    assert {str(event["UID"]) for event in found} == {"retro-42@unstuck.test"}
    assert [event["SEQUENCE"] for event in found] == [0, 1, 2, 3]
    assert str(found[1]["LOCATION"]) == "Room 4.12 (Café)"
    assert found[2]["STATUS"] == "CANCELLED"
    assert found[2]["RECURRENCE-ID"].dt == datetime(2026, 3, 17, 10, tzinfo=BERLIN)
    assert found[3]["STATUS"] == "CANCELLED" and "RECURRENCE-ID" not in found[3]


def test_people_invited_after_a_skip_get_the_week_left_out():
    s = series(skipped=frozenset({date(2026, 3, 17)}), sequence=2)
    march = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 25, tzinfo=UTC))
    assert [e["DTSTART"].dt.day for e in expand(invite(s, stamp=STAMP), *march)] == [3, 10, 24]


def test_a_cancelled_series_gets_no_invite_and_shows_as_cancelled_in_the_feed():
    s = busy_series(cancelled=True)
    with pytest.raises(ValueError, match="The series is cancelled"):
        invite(s)
    assert {str(e["STATUS"]) for e in events(feed([s], "Feed", stamp=STAMP))} == {"CANCELLED"}


def test_a_member_who_joins_gets_the_current_invite_and_one_who_leaves_a_cancel():
    s = busy_series(sequence=5)
    carla = Attendee("Carla", "carla@example.com")
    joined = revise(s, attendees=s.attendees + (carla,))
    welcome = events(invite(joined, [carla], stamp=STAMP))
    assert "mailto:carla@example.com" in attendee_emails(welcome[0])
    assert [e["SEQUENCE"] for e in welcome] == [6, 6] and len(welcome) == 2  # with the moved week

    left = revise(joined, attendees=s.attendees)
    goodbye = cancel_series(left, [carla], stamp=STAMP)
    [event] = events(goodbye)
    assert calendar_method(goodbye) == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert attendee_emails(event) == ["mailto:carla@example.com"] and event["SEQUENCE"] == 7


def test_cancelling_a_moved_week_names_it_by_its_regular_time():
    [event] = events(MESSAGES["cancel a moved week"])
    assert event["RECURRENCE-ID"].dt == datetime(2026, 3, 24, 10, tzinfo=BERLIN)
    assert event["DTSTART"].dt == datetime(2026, 3, 25, 14, 30, tzinfo=BERLIN)
    assert "RSVP" not in str(event.to_ical())


def test_only_a_session_date_can_be_cancelled():
    with pytest.raises(ValueError, match="18 March 2026 is not a session date of this series."):
        cancel_occurrence(series(), date(2026, 3, 18), MEMBERS)


# User text cannot add properties


def property_names(ics: bytes) -> list[bytes]:
    """The name of every content line, read from the raw text: what a careless parser sees."""
    unfolded = ics.replace(b"\r\n ", b"").replace(b"\r\n\t", b"")
    return [re.split(rb"[;:]", line, maxsplit=1)[0] for line in unfolded.split(b"\r\n")]


INJECTIONS = [
    "Retro\r\nATTENDEE:mailto:evil@x",
    "Retro\nMETHOD:CANCEL",
    "Retro\rX-INJECTED:1",
    "Retro\r\n ATTENDEE:mailto:evil@x",
    'Retro";ROLE=CHAIR:mailto:evil@x\r\nEND:VEVENT',
]


@pytest.mark.parametrize("field", ["title", "description", "location", "attendee name", "organizer name"])
@pytest.mark.parametrize("text", INJECTIONS)
def test_user_text_with_line_breaks_adds_no_property(field, text):
    changes = {
        "title": dict(title=text),
        "description": dict(description=text),
        "location": dict(location=text),
        "attendee name": dict(attendees=(Attendee(text, "ana@example.com"),) + MEMBERS[1:]),
        "organizer name": dict(organizer=Person(text, "lea@example.com")),
    }[field]
    clean, dirty = series(), series(**changes)
    for build in (lambda s: invite(s, stamp=STAMP), lambda s: feed([s], "Feed", stamp=STAMP)):
        ics = build(dirty)
        [event], [expected] = events(ics), events(build(clean))
        assert sorted(event.keys()) == sorted(expected.keys())
        assert attendee_emails(event) == attendee_emails(expected)
        assert calendar_method(ics) == calendar_method(build(clean))
        assert property_names(ics) == property_names(build(clean))
        assert [c.name for c in vobject.readComponents(ics.decode())] == ["VCALENDAR"]
        if field in ("title", "description", "location"):
            key = {"title": "SUMMARY"}.get(field, field.upper())
            assert str(event[key]) == text.replace("\r\n", "\n").replace("\r", "\n")


# The feed


def test_the_feed_publishes_every_series_without_attendees_and_asks_for_hourly_refresh():
    ics = MESSAGES["feed"]
    calendar = read(ics)
    assert calendar["METHOD"] == "PUBLISH" and calendar["X-WR-CALNAME"] == "Ana's sessions ☕"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in ics and b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in ics
    assert b"ATTENDEE" not in ics and b"RSVP" not in ics
    zones = sorted(str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE"))
    assert zones == ["America/New_York", "Europe/Berlin"]
    found = expand(ics, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 12, tzinfo=UTC))
    assert [(str(e["UID"]), e["DTSTART"].dt.hour) for e in found] == [
        ("retro-42@unstuck.test", 10),
        ("retro-7@unstuck.test", 10),
        ("retro-42@unstuck.test", 10),
        ("retro-7@unstuck.test", 10),
    ]
