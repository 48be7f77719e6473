"""Invites end to end: a lead sets up a series and every member receives, through the real
SMTP server, one mail with text, HTML and the calendar; the calendar reads well in two
parsers, keeps its wall-clock time across a clock change, drops skipped weeks, and each
change after it reaches each person with the same UID and a higher SEQUENCE."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import sqlalchemy as sa
import vobject

from app.extensions import db
from app.mail.addresses import find_reply_address
from app.mail.models import OutboundMail
from app.people.models import User
from sessions.jobs import upkeep
from sessions.models import SessionSeries
from sessions.series import services
from sessions.series.invitations import RSVP_PURPOSE, update_calendars
from tests.sessions.calendars import RICH_TITLE, attendee_emails, read
from tests.sessions.weekly import weekly_series

BERLIN = ZoneInfo("Europe/Berlin")
# Tuesdays around the end of March 2027, when Berlin's clocks go forward (28 March).
FIRST, LAST = date(2027, 3, 2), date(2027, 4, 27)
LEAD, ANA, BO = "lea@example.com", "ana@example.com", "bo@example.com"


def set_up(team, **changes) -> int:
    """The lead sets up the series and commits, as the page does; return its id."""
    values = dict(duration_minutes=60, until=LAST, location="Room Fjord", description="Bring one thing you learned.")
    series_id = weekly_series(team.id, team.lead_id, FIRST, **{**values, **changes})
    db.session.commit()
    return series_id


def inbox(smtp, email: str) -> list[EmailMessage]:
    """The calendar mails one person received, in order."""
    return [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == email and calendar_part(m) is not None]


def calendar_part(msg: EmailMessage):
    return next((p for p in msg.walk() if p.get_content_type() == "text/calendar"), None)


def ics(msg: EmailMessage) -> bytes:
    return calendar_part(msg).get_payload(decode=True)


def master(calendar):
    return next(e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" not in e)


def change(series_id: int, **changes) -> list[str]:
    row = db.session.get(SessionSeries, series_id)
    fields = {name: getattr(row, name) for name in services.SeriesFields.__dataclass_fields__}
    return services.change_series(series_id, services.SeriesFields(**{**fields, **changes}))


# -- the invite ------------------------------------------------------------------------------


def test_every_member_gets_one_mail_with_text_html_and_the_calendar_as_alternatives(app, team, smtp, jobs):
    set_up(team)
    jobs.run()

    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages()) == [ANA, BO, LEAD]
    for email in (LEAD, ANA, BO):
        [msg] = inbox(smtp, email)
        assert msg["Subject"] == "Invitation: What did we learn?"
        assert msg.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html", "text/calendar"]
        assert all(p.get_content_disposition() is None and p.get_filename() is None for p in msg.walk())
        part = calendar_part(msg)
        calendar = read(ics(msg))  # icalendar and vobject both read it without an error
        assert part.get_param("method") == str(calendar["METHOD"]) == "REQUEST"
        assert b"X-WR-CALNAME" not in ics(msg)
        text = msg.get_body(("plain",)).get_content()
        assert "Tuesdays at 10:00 for 60 minutes (Europe/Berlin)" in text
        assert "Accept or decline in your calendar" in text
        assert "Tuesdays at 10:00" in msg.get_body(("html",)).get_content()


def test_each_copy_asks_everyone_to_answer_and_sends_the_answer_to_the_persons_own_address(app, team, smtp, jobs):
    series_id = set_up(team)
    jobs.run()

    addresses = set()
    for email in (LEAD, ANA, BO):
        [msg] = inbox(smtp, email)
        event = master(read(ics(msg)))
        assert sorted(attendee_emails(event)) == [f"mailto:{e}" for e in sorted((ANA, BO, LEAD))]
        assert {str(a.params["RSVP"]) for a in event["ATTENDEE"]} == {"TRUE"}
        organizer = event["ORGANIZER"]
        assert organizer.params["CN"] == "Lea Lead"
        reply_to = str(organizer).removeprefix("mailto:")
        assert msg["Reply-To"] == reply_to  # a typed reply goes where the calendar's answer goes
        address = find_reply_address([reply_to])
        assert (address.purpose, address.object_id) == (RSVP_PURPOSE, series_id)
        assert address.user_id == db.session.scalar(
            sa.select(OutboundMail.user_id).where(OutboundMail.to_email == email)
        )
        addresses.add(reply_to)
    assert len(addresses) == 3  # one address per person


def test_the_time_is_stated_in_its_zone_with_rules_outlook_accepts_and_the_end_in_utc(app, team, smtp, jobs):
    set_up(team)
    jobs.run()
    [msg] = inbox(smtp, ANA)
    calendar = read(ics(msg))
    event = master(calendar)

    for name in ("DTSTART", "DTEND"):
        assert event[name].params["TZID"] == "Europe/Berlin"
        assert event[name].dt.tzinfo is not None
    assert (event["DTSTART"].dt.replace(tzinfo=None), event["DTEND"].dt.replace(tzinfo=None)) == (
        datetime(2027, 3, 2, 10),
        datetime(2027, 3, 2, 11),
    )
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    kinds = {part.name: part for part in zone.subcomponents}
    assert set(kinds) == {"STANDARD", "DAYLIGHT"}
    for part in kinds.values():
        assert part["RRULE"]["FREQ"] == ["YEARLY"]  # rules, not a list of dates only
    rule = event["RRULE"]
    assert (rule["FREQ"], rule["BYDAY"]) == (["WEEKLY"], ["TU"])
    [until] = rule["UNTIL"]
    assert until == datetime(2027, 4, 27, 8, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 in Berlin's summer
    raw = ics(msg).decode()
    assert "UNTIL=20270427T080000Z" in raw
    assert "DTSTART;TZID=Europe/Berlin:20270302T100000" in raw
    vevent = vobject.readOne(raw).vevent
    assert vevent.dtstart.value == datetime(2027, 3, 2, 10, tzinfo=vevent.dtstart.value.tzinfo)


def test_the_wall_clock_time_holds_across_the_clock_change_and_skipped_weeks_disappear(app, team, smtp, jobs):
    series_id = set_up(team)
    jobs.run()
    services.skip_week(series_id, date(2027, 3, 23))  # the last week before the change
    db.session.commit()
    jobs.run()

    first, updated = (read(ics(m)) for m in inbox(smtp, ANA))
    window = (datetime(2027, 3, 1, tzinfo=BERLIN), datetime(2027, 4, 7, tzinfo=BERLIN))
    before = sorted(recurring_ical_events.of(first).between(*window), key=lambda e: e["DTSTART"].dt)
    after = sorted(recurring_ical_events.of(updated).between(*window), key=lambda e: e["DTSTART"].dt)

    days = [date(2027, 3, 2) + timedelta(weeks=n) for n in range(6)]
    assert [e["DTSTART"].dt.date() for e in before] == days
    assert [e["DTSTART"].dt.date() for e in after] == [d for d in days if d != date(2027, 3, 23)]
    for event in before:
        start = event["DTSTART"].dt.astimezone(BERLIN)
        assert (start.hour, start.minute) == (10, 0)
        assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=1)
    utc_hours = {e["DTSTART"].dt.date(): e["DTSTART"].dt.astimezone(ZoneInfo("UTC")).hour for e in before}
    assert utc_hours[date(2027, 3, 23)] == 9 and utc_hours[date(2027, 3, 30)] == 8


# -- changes -----------------------------------------------------------------------------------


def test_each_change_reaches_each_person_with_the_same_uid_and_a_rising_sequence(app, team, smtp, jobs):
    series_id = set_up(team)
    jobs.run()
    steps = [
        lambda: change(series_id, start_time=time(11)),
        lambda: services.skip_week(series_id, date(2027, 3, 16)),
        lambda: services.move_week(series_id, date(2027, 4, 6), datetime(2027, 4, 8, 14, 30), 90),
        lambda: services.cancel_series(series_id),
    ]
    for step in steps:
        step()
        db.session.commit()
        jobs.run()

    uid = db.session.get(SessionSeries, series_id).uid
    for email in (LEAD, ANA, BO):
        mails = inbox(smtp, email)
        calendars = [read(ics(m)) for m in mails]
        assert [str(c["METHOD"]) for c in calendars] == ["REQUEST"] * 4 + ["CANCEL"]
        assert [calendar_part(m).get_param("method") for m in mails] == ["REQUEST"] * 4 + ["CANCEL"]
        assert [m["Subject"] for m in mails] == (
            ["Invitation: What did we learn?"]
            + ["Updated invitation: What did we learn?"] * 3
            + ["Cancelled: What did we learn?"]
        )
        assert {str(e["UID"]) for c in calendars for e in c.walk("VEVENT")} == {uid}
        sequences = [int(master(c)["SEQUENCE"]) for c in calendars]
        assert sequences == sorted(set(sequences)), sequences  # strictly rising

        changed_time, skipped, moved, cancelled = calendars[1:]
        assert master(changed_time)["DTSTART"].dt.replace(tzinfo=None) == datetime(2027, 3, 2, 11)
        assert [d.dt.date() for d in master(skipped)["EXDATE"].dts] == [date(2027, 3, 16)]
        [override] = [e for e in moved.walk("VEVENT") if "RECURRENCE-ID" in e]
        assert override["RECURRENCE-ID"].dt.replace(tzinfo=None) == datetime(2027, 4, 6, 11)
        assert override["DTSTART"].dt.replace(tzinfo=None) == datetime(2027, 4, 8, 14, 30)
        assert override["DTEND"].dt - override["DTSTART"].dt == timedelta(minutes=90)
        assert int(override["SEQUENCE"]) == int(master(moved)["SEQUENCE"])
        assert str(master(cancelled)["STATUS"]) == "CANCELLED"


def test_a_member_who_joins_gets_the_invite_and_one_who_leaves_gets_the_cancellation(app, make, team, smtp, jobs):
    series_id = set_up(team)
    jobs.run()
    make.user("Cleo Clark", "cleo@example.com", team=team)
    upkeep()
    jobs.run()

    [welcome] = inbox(smtp, "cleo@example.com")
    assert welcome["Subject"] == "Invitation: What did we learn?"
    joined = read(ics(welcome))
    assert {f"mailto:{e}" for e in (ANA, BO, "cleo@example.com")} <= set(attendee_emails(master(joined)))
    # The others' copies stay as they are: a longer attendee list is no reason to mail them.
    [first] = inbox(smtp, ANA)
    assert int(master(joined)["SEQUENCE"]) > int(master(read(ics(first)))["SEQUENCE"])

    bo = db.session.scalar(sa.select(User).where(User.email == BO))
    bo.team = make.team("Platform")
    db.session.commit()
    upkeep()
    jobs.run()

    goodbye = inbox(smtp, BO)[-1]
    cancel = read(ics(goodbye))
    assert goodbye["Subject"] == "Cancelled: What did we learn?"
    assert calendar_part(goodbye).get_param("method") == str(cancel["METHOD"]) == "CANCEL"
    assert str(master(cancel)["STATUS"]) == "CANCELLED"
    assert attendee_emails(master(cancel)) == [f"mailto:{BO}"]
    assert str(master(cancel)["UID"]) == db.session.get(SessionSeries, series_id).uid
    assert int(master(cancel)["SEQUENCE"]) > int(master(joined)["SEQUENCE"])
    assert "You are no longer invited" in goodbye.get_body(("plain",)).get_content()
    assert (len(inbox(smtp, ANA)), len(inbox(smtp, "cleo@example.com"))) == (1, 1)

    # The next real change reaches everyone, with the attendee list as it is now.
    change(series_id, location="Room Delta")
    db.session.commit()
    jobs.run()
    latest = read(ics(inbox(smtp, ANA)[-1]))
    assert f"mailto:{BO}" not in attendee_emails(master(latest))
    assert "mailto:cleo@example.com" in attendee_emails(master(latest))
    assert int(master(latest)["SEQUENCE"]) > int(master(cancel)["SEQUENCE"])
    assert len(inbox(smtp, BO)) == 2  # the invite and the cancellation: nothing after leaving


def test_two_people_joining_mail_two_invitations_and_nobody_else(app, make, team, smtp, jobs):
    set_up(team)
    jobs.run()
    before = len(smtp.received)
    make.user("Cleo Clark", "cleo@example.com", team=team)
    make.user("Dev Desai", "dev@example.com", team=team)
    db.session.commit()
    upkeep()
    jobs.run()

    assert sorted(a for m in smtp.messages()[before:] for a in [m["To"].addresses[0].addr_spec]) == [
        "cleo@example.com",
        "dev@example.com",
    ]


def test_a_guest_added_gets_the_invitation_and_the_others_are_not_mailed(app, make, team, smtp, jobs):
    series_id = set_up(team)
    jobs.run()
    before = len(smtp.received)
    guest = make.user("Olli Outside", "olli@example.com", team=make.team("Platform"))
    services.add_guest(series_id, guest.id)
    db.session.commit()
    jobs.run()

    assert [m["To"].addresses[0].addr_spec for m in smtp.messages()[before:]] == ["olli@example.com"]


def test_running_the_job_again_sends_nothing_twice(app, team, smtp, jobs):
    series_id = set_up(team)
    jobs.run()
    services.skip_week(series_id, date(2027, 3, 9))
    db.session.commit()
    jobs.run()
    sent = len(smtp.received)
    mails = db.session.scalar(sa.select(sa.func.count(OutboundMail.id)))

    assert update_calendars(series_id) == 0
    upkeep()
    jobs.run()
    assert (len(smtp.received), db.session.scalar(sa.select(sa.func.count(OutboundMail.id)))) == (sent, mails)
    assert sent == 6

    services.cancel_series(series_id)
    db.session.commit()
    jobs.run()
    assert update_calendars(series_id) == 0
    jobs.run()
    assert len(smtp.received) == sent + 3


# -- text people typed -------------------------------------------------------------------------


def test_lines_are_folded_at_75_octets_with_crlf_and_emoji_and_accents_survive(app, team, smtp, jobs):
    location = "Salle « Fjord » — 2ᵉ étage, près de la cafétéria ☕ https://meet.example.com/retro-hebdomadaire"
    set_up(team, title=RICH_TITLE[:120], location=location)
    jobs.run()
    [msg] = inbox(smtp, ANA)
    raw = ics(msg)

    assert raw.endswith(b"\r\n")
    lines = raw[:-2].split(b"\r\n")
    assert not any(b"\n" in line or b"\r" in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # long lines were folded
    event = master(read(raw))
    assert str(event["SUMMARY"]) == RICH_TITLE[:120]
    assert str(event["LOCATION"]) == location
    assert vobject.readOne(raw.decode()).vevent.summary.value == RICH_TITLE[:120]
    assert RICH_TITLE[:120] in msg.get_body(("plain",)).get_content()


@pytest.mark.parametrize("field", ["title", "location", "description"])
def test_text_with_line_breaks_cannot_add_properties(app, team, smtp, jobs, field):
    evil = "Retro\r\nATTENDEE:mailto:evil@x\r\nEND:VEVENT\nBEGIN:VEVENT\rUID:evil"
    set_up(team, **{field: evil})
    jobs.run()
    [msg] = inbox(smtp, ANA)
    calendar = read(ics(msg))

    [event] = calendar.walk("VEVENT")
    assert sorted(event) == [
        "ATTENDEE",
        "DESCRIPTION",
        "DTEND",
        "DTSTAMP",
        "DTSTART",
        "LOCATION",
        "ORGANIZER",
        "RRULE",
        "SEQUENCE",
        "STATUS",
        "SUMMARY",
        "TRANSP",
        "UID",
    ]
    assert sorted(attendee_emails(event)) == [f"mailto:{e}" for e in sorted((ANA, BO, LEAD))]
    assert str(event["UID"]) == db.session.scalar(sa.select(SessionSeries.uid))
    name = {"title": "SUMMARY", "location": "LOCATION", "description": "DESCRIPTION"}[field]
    assert str(event[name]) == "Retro\nATTENDEE:mailto:evil@x\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil"
    vevents = vobject.readOne(ics(msg).decode()).vevent_list
    assert len(vevents) == 1 and len(vevents[0].attendee_list) == 3
