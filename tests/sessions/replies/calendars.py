"""The calendars in which Outlook (Exchange), Google Calendar and Apple Calendar answer an
invitation (METHOD:REPLY), each written the way that client writes it (Windows time zone
names for Outlook, folded lines, local times with a VTIMEZONE), and the answer they carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class Answer:
    """What a person's calendar answers, and to which copy of the invite."""

    uid: str
    organizer: str  # the ORGANIZER address of the person's copy: where the answer goes
    name: str
    email: str
    partstat: str  # ACCEPTED, DECLINED, TENTATIVE
    sequence: int
    first_day: date  # the series' first session
    week: date | None = None  # the regular date of the one week answered, or None for all
    title: str = "What did we learn?"
    start: time = time(10)
    minutes: int = 60
    organizer_name: str = "Lea Lead"

    @property
    def begins(self) -> datetime:
        """The start of what is answered: the week's, or the series' first session."""
        return datetime.combine(self.week or self.first_day, self.start, tzinfo=BERLIN)

    @property
    def ends(self) -> datetime:
        return self.begins + timedelta(minutes=self.minutes)

    @property
    def verb(self) -> str:
        return {"ACCEPTED": "Accepted", "DECLINED": "Declined", "TENTATIVE": "Tentative"}[self.partstat]


def fold(lines: list[str]) -> str:
    """Content lines joined with CRLF, each folded at 75 octets as RFC 5545 asks."""
    out = []
    for line in lines:
        data, chunks = line.encode("utf-8"), []
        while len(data) > 75:
            cut = 75 if not chunks else 74
            while cut and (data[cut] & 0xC0) == 0x80:  # never inside a UTF-8 character
                cut -= 1
            chunks.append(data[:cut])
            data = data[cut:]
        chunks.append(data)
        out.append(b"\r\n ".join(chunks).decode("utf-8"))
    return "\r\n".join(out) + "\r\n"


def stamp(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def local(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}"


# -- the calendars -------------------------------------------------------------------------

WINDOWS_BERLIN = """\
BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE""".splitlines()

APPLE_BERLIN = """\
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
DTSTART:19810329T020000
TZNAME:CEST
TZOFFSETTO:+0200
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
DTSTART:19961027T030000
TZNAME:CET
TZOFFSETTO:+0100
END:STANDARD
END:VTIMEZONE""".splitlines()


def outlook_calendar(answer: Answer, comment: str = "", sent: datetime | None = None) -> str:
    zone = "W. Europe Standard Time"
    rule = [] if answer.week else ["RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;WKST=MO"]
    instance = [f"RECURRENCE-ID;TZID={zone}:{local(answer.begins)}"] if answer.week else []
    comment = comment.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return fold(
        [
            "BEGIN:VCALENDAR",
            "METHOD:REPLY",
            "PRODID:Microsoft Exchange Server 2010",
            "VERSION:2.0",
            *WINDOWS_BERLIN,
            "BEGIN:VEVENT",
            f"ORGANIZER;CN={answer.organizer_name}:MAILTO:{answer.organizer}",
            # Exchange writes the address as the person's directory has it, in any case.
            f"ATTENDEE;PARTSTAT={answer.partstat};CN={answer.name}:MAILTO:{answer.email.title()}",
            f"COMMENT;LANGUAGE=en-US:{comment}\\n",
            *rule,
            f"SUMMARY;LANGUAGE=en-US:{answer.verb}: {answer.title}",
            f"DTSTART;TZID={zone}:{local(answer.begins)}",
            f"DTEND;TZID={zone}:{local(answer.ends)}",
            f"UID:{answer.uid}",
            *instance,
            "CLASS:PUBLIC",
            "PRIORITY:5",
            f"DTSTAMP:{stamp(sent or datetime.now(UTC))}",
            "TRANSP:OPAQUE",
            "STATUS:CONFIRMED",
            f"SEQUENCE:{answer.sequence}",
            "LOCATION;LANGUAGE=en-US:Room Fjord",
            f"X-MICROSOFT-CDO-APPT-SEQUENCE:{answer.sequence}",
            "X-MICROSOFT-CDO-OWNERAPPTID:-1719366436",
            "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
            "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
            "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
            "X-MICROSOFT-CDO-IMPORTANCE:1",
            f"X-MICROSOFT-CDO-INSTTYPE:{3 if answer.week else 1}",
            "X-MICROSOFT-DONOTFORWARDMEETING:FALSE",
            "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )


def google_calendar(answer: Answer, sent: datetime | None = None) -> str:
    if answer.week:  # one week: its time in UTC, the week named in the series' zone
        when = [f"DTSTART:{stamp(answer.begins)}", f"DTEND:{stamp(answer.ends)}"]
    else:
        when = [
            f"DTSTART;TZID=Europe/Berlin:{local(answer.begins)}",
            f"DTEND;TZID=Europe/Berlin:{local(answer.ends)}",
            "RRULE:FREQ=WEEKLY;BYDAY=TU",
        ]
    sent = sent or datetime.now(UTC)
    return fold(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:REPLY",
            "BEGIN:VEVENT",
            *when,
            f"DTSTAMP:{stamp(sent)}",
            f"ORGANIZER;CN={answer.organizer_name}:mailto:{answer.organizer}",
            f"UID:{answer.uid}",
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={answer.partstat};CN={answer.name};"
            f"X-NUM-GUESTS=0:mailto:{answer.email}",
            *([f"RECURRENCE-ID;TZID=Europe/Berlin:{local(answer.begins)}"] if answer.week else []),
            "CREATED:20261101T090000Z",
            "DESCRIPTION:",
            f"LAST-MODIFIED:{stamp(sent)}",
            "LOCATION:Room Fjord",
            f"SEQUENCE:{answer.sequence}",
            "STATUS:CONFIRMED",
            f"SUMMARY:{answer.title}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )


def apple_calendar(answer: Answer, sent: datetime | None = None) -> str:
    when = [
        f"DTEND;TZID=Europe/Berlin:{local(answer.ends)}",
        f"DTSTAMP:{stamp(sent or datetime.now(UTC))}",
        f"DTSTART;TZID=Europe/Berlin:{local(answer.begins)}",
    ]
    return fold(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Apple Inc.//macOS 15.3.1//EN",
            "METHOD:REPLY",
            "CALSCALE:GREGORIAN",
            *APPLE_BERLIN,
            "BEGIN:VEVENT",
            f'ATTENDEE;CN="{answer.name}";CUTYPE=INDIVIDUAL;EMAIL="{answer.email}";PARTSTAT={answer.partstat}:'
            f"mailto:{answer.email}",
            *when,
            f'ORGANIZER;CN="{answer.organizer_name}";EMAIL="{answer.organizer}":mailto:{answer.organizer}',
            *(
                [f"RECURRENCE-ID;TZID=Europe/Berlin:{local(answer.begins)}"]
                if answer.week
                else ["RRULE:FREQ=WEEKLY;BYDAY=TU"]
            ),
            "REQUEST-STATUS:2.0;Success",
            f"SEQUENCE:{answer.sequence}",
            f"SUMMARY:{answer.title}",
            f"UID:{answer.uid}",
            "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    )
