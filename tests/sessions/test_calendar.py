"""The calendar messages of a weekly series, read back the way calendar clients read them:
by icalendar, by an independent parser (vobject), and expanded by recurring_ical_events
across daylight-saving changes."""

import re
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage, MIMEPart
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from sessions.calendar import (
    calendar_method, cancel_occurrence, cancel_series, check_calendar_part, feed, invite,
    mime_part, parse_reply,
)
from sessions.schedule import Attendee, Move, Person, Series, occurrences, revise, week_of
from sessions.timezones import zone_changes

STAMP = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
REPLIES = Path(__file__).parent / "replies"
LEAD = Person("Lea Lead", "lea@example.com")
MEMBERS = (Attendee("Ana Álvarez", "ana@example.com"), Attendee("Bo Berg", "bo@example.com"))
RICH_TITLE = "Rétrospective hebdomadaire 🎉 — qu'avons-nous appris ? Ça, c'est la question 🤔✨"


def series(**fields) -> Series:
    base = dict(uid="retro-42@unstuck.test", title="What did we learn?", weekday=1, start_time=time(10),
                duration_minutes=60, timezone="Europe/Berlin", first_date=date(2026, 3, 3), organizer=LEAD,
                attendees=MEMBERS, location="https://meet.example.com/retro",
                description="Bring one thing you learned.\nAnd one thing you are stuck on.")
    return Series(**{**base, **fields})


def busy_series(**fields) -> Series:
    """A series with an end, a skipped week and a moved week, in rich text."""
    return series(title=RICH_TITLE, until=date(2026, 4, 28), skipped=frozenset({date(2026, 3, 17)}),
                  moved={date(2026, 3, 24): Move(datetime(2026, 3, 25, 14, 30), 90)}, **fields)


def read(ics: bytes) -> Calendar:
    """The message as icalendar reads it, after checking that neither icalendar nor vobject
    finds anything wrong with it."""
    calendar = Calendar.from_ical(ics)
    assert [(c.name, c.errors) for c in calendar.walk() if c.errors] == []
    assert [c.name for c in vobject.readComponents(ics.decode("utf-8"), validate=True)] == ["VCALENDAR"]
    return calendar


def read_vobject(ics: bytes):
    return vobject.readOne(ics.decode("utf-8"))


def events(ics: bytes) -> list:
    return read(ics).walk("VEVENT")


def expand(ics: bytes, start: datetime, end: datetime) -> list:
    return sorted(recurring_ical_events.of(read(ics)).between(start, end), key=lambda e: e["DTSTART"].dt)


def attendee_emails(event) -> list[str]:
    attendees = event.get("attendee", [])
    return [str(a) for a in (attendees if isinstance(attendees, list) else [attendees])]


def messages() -> dict[str, bytes]:
    s = busy_series()
    return {
        "invite": invite(s, [Person("Guest Gómez", "guest@example.com")], stamp=STAMP),
        "plain invite": invite(series(), stamp=STAMP),
        "cancel series": cancel_series(s, s.attendees, stamp=STAMP),
        "cancel one week": cancel_occurrence(s, date(2026, 3, 31), s.attendees, stamp=STAMP),
        "cancel a moved week": cancel_occurrence(s, date(2026, 3, 24), s.attendees, stamp=STAMP),
        "feed": feed([s, series(uid="retro-7@unstuck.test", timezone="America/New_York")], "Ana's sessions ☕",
                     stamp=STAMP),
    }


MESSAGES = messages()


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
    assert [str(a) for a in attendees] == ["mailto:ana@example.com", "mailto:bo@example.com",
                                           "mailto:guest@example.com"]
    assert {(a.params["RSVP"], a.params["PARTSTAT"]) for a in attendees} == {("TRUE", "NEEDS-ACTION")}
    assert attendees[2].params["CN"] == "Guest Gómez"


def test_the_invite_states_the_weekly_rule_in_the_series_zone():
    ics = MESSAGES["invite"]
    master = events(ics)[0]
    assert master["DTSTART"].params["TZID"] == master["DTEND"].params["TZID"] == "Europe/Berlin"
    assert master["DTSTART"].dt == datetime(2026, 3, 3, 10, tzinfo=BERLIN)
    assert master["DTEND"].dt - master["DTSTART"].dt == timedelta(hours=1)
    assert b"RRULE:FREQ=WEEKLY;UNTIL=20260428T080000Z;BYDAY=TU\r\n" in ics  # UNTIL in UTC


@pytest.mark.parametrize("build", [
    lambda s: invite(s), lambda s: cancel_series(s, MEMBERS), lambda s: feed([s], "Feed"),
    lambda s: cancel_occurrence(s, date(2026, 3, 10), MEMBERS),
], ids=["invite", "cancel series", "feed", "cancel one week"])
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


# Expanded as calendar clients expand it

def starts(found) -> list[datetime]:
    return [e["DTSTART"].dt.astimezone(UTC) for e in found]


@pytest.mark.parametrize("zone, window, utc_hours", [
    ("Europe/Berlin", (datetime(2026, 3, 1), datetime(2026, 4, 15)), {9, 8}),
    ("Europe/Berlin", (datetime(2026, 10, 12), datetime(2026, 11, 12)), {8, 9}),
    ("America/New_York", (datetime(2026, 2, 20), datetime(2026, 3, 25)), {15, 14}),
    ("America/New_York", (datetime(2026, 10, 20), datetime(2026, 11, 20)), {14, 15}),
])
def test_the_wall_clock_time_holds_across_a_daylight_saving_change(zone, window, utc_hours):
    s = series(timezone=zone, first_date=window[0].date())
    start, end = (moment.replace(tzinfo=UTC) for moment in window)
    found = expand(invite(s, stamp=STAMP), start, end)
    assert {(m.astimezone(ZoneInfo(zone)).hour, m.minute) for m in starts(found)} == {(10, 0)}
    assert {moment.hour for moment in starts(found)} == utc_hours  # the change really falls inside
    assert starts(found) == [o.start_utc for o in occurrences(s, start, end)]
    assert {e["DTEND"].dt - e["DTSTART"].dt for e in found} == {timedelta(hours=1)}


@pytest.mark.parametrize("zone, at, first, hours", [
    ("Europe/Berlin", time(2, 30), date(2026, 3, 22), [(2, 30), (3, 30), (2, 30)]),  # 29 March skips 02:30
    ("America/New_York", time(1, 30), date(2026, 10, 25), [(1, 30), (1, 30), (1, 30)]),  # 1 Nov repeats it
])
def test_a_weekly_time_the_clock_skips_or_repeats_is_where_our_notes_say(zone, at, first, hours):
    s = series(timezone=zone, weekday=6, start_time=at, first_date=first)
    window = (datetime.combine(first, time(0), tzinfo=UTC), datetime.combine(first, time(0), tzinfo=UTC)
              + timedelta(days=20))
    found = expand(invite(s, stamp=STAMP), *window)
    local = [moment.astimezone(ZoneInfo(zone)) for moment in starts(found)]
    assert [(moment.hour, moment.minute) for moment in local] == hours
    assert starts(found) == [o.start_utc for o in occurrences(s, *window)]
    assert [o.note is not None for o in occurrences(s, *window)] == [False, True, False]


def test_skipped_weeks_disappear_moved_weeks_move_and_the_end_date_holds():
    s = busy_series()
    found = expand(MESSAGES["invite"], datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
    assert [moment.astimezone(BERLIN).replace(tzinfo=None) for moment in starts(found)] == [
        datetime(2026, 3, 3, 10), datetime(2026, 3, 10, 10),  # 17 March skipped
        datetime(2026, 3, 25, 14, 30),  # 24 March moved to Wednesday afternoon
        datetime(2026, 3, 31, 10), datetime(2026, 4, 7, 10), datetime(2026, 4, 14, 10),
        datetime(2026, 4, 21, 10), datetime(2026, 4, 28, 10),  # and no session after 28 April
    ]
    assert starts(found) == [o.start_utc for o in occurrences(s, datetime(2026, 1, 1, tzinfo=UTC),
                                                                 datetime(2027, 1, 1, tzinfo=UTC))]


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


@pytest.mark.parametrize("zone, first, last", [
    ("Europe/Berlin", date(2026, 3, 3), date(2031, 12, 30)),
    ("America/New_York", date(2026, 3, 3), date(2031, 12, 30)),
    ("Australia/Sydney", date(2026, 3, 3), date(2031, 12, 30)),
    ("Europe/Dublin", date(2026, 3, 3), date(2031, 12, 30)),  # winter is its "negative" summer time
    ("Asia/Tokyo", date(2026, 3, 3), date(2031, 12, 30)),  # no clock changes at all
    ("America/Sao_Paulo", date(2018, 3, 6), date(2023, 12, 26)),  # gave up summer time in 2019
])
def test_the_vtimezone_gives_the_zones_offset_at_every_moment(zone, first, last):
    s = series(timezone=zone, first_date=first, until=last)
    parsed = read_vobject(invite(s, stamp=datetime.combine(first, time(9), tzinfo=UTC)))
    theirs, ours = parsed.vtimezone.gettzinfo(), ZoneInfo(zone)
    moments = [datetime(first.year, 1, 1, 12, tzinfo=UTC) + timedelta(days=n)
               for n in range((last - first).days + 120)]
    for change in zone_changes(zone, first.year, last.year + 1):
        moments += [change.at + timedelta(seconds=delta) for delta in (-3600, -1, 0, 3600)]
    wrong = [m for m in moments if m.astimezone(theirs).utcoffset() != m.astimezone(ours).utcoffset()]
    assert wrong == []


# Changes: same UID, strictly rising SEQUENCE

def test_request_update_skip_and_cancel_keep_the_uid_with_a_rising_sequence():
    first = series()
    updated = revise(first, location="Room 4.12 (Café)")
    skipped = revise(updated, skipped=updated.skipped | {date(2026, 3, 17)})
    ended = revise(skipped, cancelled=True)
    sent = [invite(first, stamp=STAMP), invite(updated, stamp=STAMP),
            cancel_occurrence(skipped, date(2026, 3, 17), skipped.attendees, stamp=STAMP),
            cancel_series(ended, ended.attendees, stamp=STAMP)]

    read_back = [(calendar_method(ics), events(ics)) for ics in sent]
    assert [(method, len(found)) for method, found in read_back] == [
        ("REQUEST", 1), ("REQUEST", 1), ("CANCEL", 1), ("CANCEL", 1)]
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


INJECTIONS = ["Retro\r\nATTENDEE:mailto:evil@x", "Retro\nMETHOD:CANCEL", "Retro\rX-INJECTED:1",
              "Retro\r\n ATTENDEE:mailto:evil@x", 'Retro";ROLE=CHAIR:mailto:evil@x\r\nEND:VEVENT']


@pytest.mark.parametrize("field", ["title", "description", "location", "attendee name", "organizer name"])
@pytest.mark.parametrize("text", INJECTIONS)
def test_user_text_with_line_breaks_adds_no_property(field, text):
    changes = {
        "title": dict(title=text), "description": dict(description=text), "location": dict(location=text),
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
        ("retro-42@unstuck.test", 10), ("retro-7@unstuck.test", 10),
        ("retro-42@unstuck.test", 10), ("retro-7@unstuck.test", 10)]


# The mail part

def invitation_mail(ics: bytes, method: str) -> bytes:
    mail = EmailMessage()
    mail["Subject"] = "Invitation: What did we learn?"
    mail.set_content("What did we learn? Tuesdays 10:00 Europe/Berlin")
    mail.add_alternative("<p>What did we learn? Tuesdays 10:00 Europe/Berlin</p>", subtype="html")
    mail.attach(mime_part(ics, method))
    return mail.as_bytes()


@pytest.mark.parametrize("name, method", [("invite", "REQUEST"), ("cancel series", "CANCEL"),
                                          ("cancel one week", "cancel")])
def test_the_mail_part_names_the_method_of_its_body(name, method):
    ics = MESSAGES[name]
    received = message_from_bytes(invitation_mail(ics, method), policy=policy.default)
    assert received.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in received.iter_parts()]
    assert parts == ["text/plain", "text/html", "text/calendar"]
    [part] = [p for p in received.iter_parts() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == calendar_method(ics) and part.get_content_charset() == "utf-8"
    assert part.get_content_disposition() is None  # an alternative, not a second .ics attachment
    assert part.get_payload(decode=True) == ics
    assert check_calendar_part(part) == calendar_method(ics)


def test_a_part_whose_method_differs_from_its_body_is_refused():
    with pytest.raises(ValueError, match="method=REQUEST but the calendar's METHOD is CANCEL"):
        mime_part(MESSAGES["cancel series"], "REQUEST")
    forged = MIMEPart()
    forged.set_content(MESSAGES["cancel series"], "text", "calendar", params={"method": "REQUEST"})
    with pytest.raises(ValueError, match="method=REQUEST but the calendar's METHOD is CANCEL"):
        check_calendar_part(forged)


# Replies

SAMPLES = {
    "outlook-accept-series.ics": ("ana.alvarez@example.com", "ACCEPTED", 2, None),
    "outlook-decline-one.ics": ("ana.alvarez@example.com", "DECLINED", 3, date(2026, 3, 31)),
    "google-tentative-series.ics": ("bo.berg@example.com", "TENTATIVE", 2, None),
    "google-accept-moved-week.ics": ("bo.berg@example.com", "ACCEPTED", 3, date(2026, 3, 24)),
    "apple-decline-one.ics": ("chen.wei@example.com", "DECLINED", 2, date(2026, 4, 7)),
}


@pytest.mark.parametrize("sample", SAMPLES)
def test_replies_from_outlook_google_and_apple_are_understood(sample):
    body = (REPLIES / sample).read_bytes()
    email, partstat, sequence, week = SAMPLES[sample]
    [answer] = parse_reply(body)
    assert (answer.uid, answer.email, answer.partstat, answer.sequence) == (
        "series-42@unstuck.example.com", email, partstat, sequence)
    s = series(uid=answer.uid)
    assert (answer.recurrence_id and week_of(s, answer.recurrence_id)) == week
    assert [c.name for c in vobject.readComponents(body.decode())] == ["VCALENDAR"]


def reply(*lines: str, method: str = "METHOD:REPLY") -> bytes:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN"] + ([method] if method else [])
    body = head + ["BEGIN:VEVENT", "DTSTAMP:20260302T090000Z", *lines, "END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(body).encode()


UID = "UID:retro-42@unstuck.test"
ATTENDEE = "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ana@example.com"


def test_a_reply_naming_its_attendee_by_urn_is_read_from_its_email_parameter():
    [answer] = parse_reply(reply(UID, 'ATTENDEE;EMAIL="Ana@Example.com";PARTSTAT=TENTATIVE:urn:uuid:1b2c'))
    assert (answer.email, answer.partstat, answer.sequence, answer.recurrence_id) == (
        "ana@example.com", "TENTATIVE", 0, None)


def test_a_reply_for_a_floating_or_all_day_week_keeps_it_as_written():
    [answer] = parse_reply(reply(UID, ATTENDEE, "RECURRENCE-ID;VALUE=DATE:20260310"))
    assert answer.recurrence_id == date(2026, 3, 10)


@pytest.mark.parametrize("body, message", [
    (b"", "This is not an iCalendar object"),
    (b"Yes, I'll be there!\r\n", "This is not an iCalendar object"),
    (b"\xff\xfe\x00B\x00E", "This is not an iCalendar object"),
    (b"BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", "This is a VEVENT, not an iCalendar object (VCALENDAR)."),
    (MESSAGES["invite"], "The calendar is a REQUEST, not a REPLY."),
    (reply(UID, ATTENDEE, method=""), "The calendar is without a METHOD, not a REPLY."),
    (reply(ATTENDEE), "An event in the reply has no UID."),
    (reply(UID), "The reply holds no attendee's answer."),
    (reply(UID, "ATTENDEE;PARTSTAT=MAYBE:mailto:ana@example.com"), "'MAYBE' is not an answer to an invite."),
    (reply(UID, "ATTENDEE;PARTSTAT=ACCEPTED:urn:uuid:1b2c"), "has no email address."),
    (reply(UID, ATTENDEE, "SEQUENCE:two"), "is not a number."),
    (reply(UID, ATTENDEE, "RECURRENCE-ID:next tuesday"), "is not a date or time."),
])
def test_garbage_gets_a_clear_error(body, message):
    with pytest.raises(ValueError) as caught:
        parse_reply(body)
    assert message in str(caught.value)
