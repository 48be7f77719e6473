"""Calendar messages in mail: the text/calendar part names its body's method, and attendees'
replies from Outlook, Google and Apple are understood."""

from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage, MIMEPart

import pytest
import vobject

from sessions.series.calendar import calendar_method, check_calendar_part, mime_part, parse_reply
from sessions.series.schedule import week_of
from tests.sessions.calendars import MESSAGES, REPLIES, series

# The mail part


def invitation_mail(ics: bytes, method: str) -> bytes:
    mail = EmailMessage()
    mail["Subject"] = "Invitation: What did we learn?"
    mail.set_content("What did we learn? Tuesdays 10:00 Europe/Berlin")
    mail.add_alternative("<p>What did we learn? Tuesdays 10:00 Europe/Berlin</p>", subtype="html")
    mail.attach(mime_part(ics, method))
    return mail.as_bytes()


@pytest.mark.parametrize(
    "name, method", [("invite", "REQUEST"), ("cancel series", "CANCEL"), ("cancel one week", "cancel")]
)
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
        "series-42@unstuck.example.com",
        email,
        partstat,
        sequence,
    )
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
        "ana@example.com",
        "TENTATIVE",
        0,
        None,
    )


def test_a_reply_for_a_floating_or_all_day_week_keeps_it_as_written():
    [answer] = parse_reply(reply(UID, ATTENDEE, "RECURRENCE-ID;VALUE=DATE:20260310"))
    assert answer.recurrence_id == date(2026, 3, 10)


@pytest.mark.parametrize(
    "body, message",
    [
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
    ],
)
def test_garbage_gets_a_clear_error(body, message):
    with pytest.raises(ValueError) as caught:
        parse_reply(body)
    assert message in str(caught.value)
