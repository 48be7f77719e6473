"""Whole emails in which calendars answer an invitation (METHOD:REPLY), as Outlook (Exchange),
Google Calendar and Apple Calendar send them: their headers, their MIME structure, the way
each encodes the calendar, and the way each writes the calendar itself. Each builder returns
the bytes a mail server would hand over.

- Outlook: multipart/alternative of text (the person's comment, often empty), HTML and
  text/calendar; method=REPLY, all base64; Windows time zone names in the calendar.
- Google: From the person, Sender calendar-notification@google.com, Auto-Submitted:
  auto-generated; multipart/mixed of an alternative (boilerplate text and HTML, the calendar
  7bit) and the same calendar again as an invite.ics attachment (application/ics).
- Apple (Calendar on macOS, sending through Mail): multipart/mixed of an empty text part and
  the calendar as an attachment named iCal-<stamp>.ics, quoted-printable.
"""

from __future__ import annotations

import base64
import itertools
import quopri
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.header import Header
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
_ids = itertools.count(1)


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


def crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


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


def b64(data: bytes | str) -> str:
    data = data.encode("utf-8") if isinstance(data, str) else data
    return base64.encodebytes(data).decode("ascii").replace("\n", "\r\n")


def stamp(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def local(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}"


def message_id(host: str) -> str:
    return f"<{next(_ids):04d}.calendar-reply.{host}>"


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


# -- the emails ------------------------------------------------------------------------------


def _from(name: str, email: str) -> str:
    return f"{Header(name, 'utf-8').encode()} <{email}>"


def outlook_mail(answer: Answer, comment: str = "", calendar: str | None = None, method: str = "REPLY") -> bytes:
    """Outlook's answer: the comment the person typed (often none) as text and HTML, and the
    calendar, each base64; nothing attached. (A proposal of another time is the same mail
    with METHOD:COUNTER.)"""
    calendar = calendar if calendar is not None else outlook_calendar(answer, comment)
    html = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>'
        f'<body><div class="WordSection1"><p class="MsoNormal">{comment}</p></div></body></html>'
    )
    return crlf(f"""\
From: {_from(answer.name, answer.email)}
To: {answer.organizer_name} <{answer.organizer}>
Subject: {answer.verb}: {answer.title}
Thread-Topic: {answer.title}
Thread-Index: AQHbLd3yT0k1r2Jc0U2gR5o6bN3kAA==
Date: {datetime.now(UTC):%a, %d %b %Y %H:%M:%S +0000}
Message-ID: {message_id("AM0PR07MB1234.eurprd07.prod.outlook.com")}
Accept-Language: en-US
Content-Language: en-US
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Content-Type: multipart/alternative;
	boundary="_000_AM0PR07MB1234eurprd07prodoutlookcom_"
MIME-Version: 1.0

--_000_AM0PR07MB1234eurprd07prodoutlookcom_
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(comment + chr(10))}
--_000_AM0PR07MB1234eurprd07prodoutlookcom_
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(html)}
--_000_AM0PR07MB1234eurprd07prodoutlookcom_
Content-Type: text/calendar; charset="utf-8"; method={method}
Content-Transfer-Encoding: base64

{b64(calendar)}
--_000_AM0PR07MB1234eurprd07prodoutlookcom_--
""")


def google_mail(answer: Answer, calendar: str | None = None) -> bytes:
    """Google Calendar's answer, sent for the person by Google (Sender, Auto-Submitted): its
    own words in text and HTML, the calendar as an alternative and again as invite.ics."""
    calendar = calendar if calendar is not None else google_calendar(answer)
    verb = answer.verb.lower()
    when = (
        f"{answer.begins:%a %b %-d, %Y %-I%p} - {answer.ends:%-I%p} (CET)"
        if answer.week
        else f"Weekly from {answer.begins:%-I%p} to {answer.ends:%-I%p} on Tuesday (CET)"
    ).replace("AM", "am")
    text = (
        f"{answer.email} has {verb} this invitation.\n\nTitle: {answer.title}\nWhen: {when}\n"
        f"Calendar: {answer.email}\nWho:\n    * {answer.organizer_name} - organizer\n    * {answer.name}\n\n"
        "Invitation from Google Calendar: https://calendar.google.com/calendar/\n\n"
        "You are receiving this courtesy email at the account\n"
        f"{answer.email} because you are an attendee of this event.\n"
    )
    html = (
        f'<span itemscope itemtype="http://schema.org/InformAction"><div><strong>{answer.name} has {verb} '
        f'this invitation.</strong></div><h3>{answer.title}</h3><p>Invitation from <a href="https://'
        f'calendar.google.com/calendar/">Google Calendar</a></p></span>'
    )
    return crlf(f"""\
MIME-Version: 1.0
Reply-To: {answer.email}
Sender: Google Calendar <calendar-notification@google.com>
Auto-Submitted: auto-generated
Message-ID: {message_id("google.com")}
Date: {datetime.now(UTC):%a, %d %b %Y %H:%M:%S +0000}
Subject: {answer.verb}: {answer.title} @ {when} ({answer.organizer_name})
From: {answer.email}
To: {answer.organizer_name} <{answer.organizer}>
Content-Type: multipart/mixed; boundary="0000000000001ecf8a059afca5d0"

--0000000000001ecf8a059afca5d0
Content-Type: multipart/alternative; boundary="0000000000001ecf88059afca5ce"

--0000000000001ecf88059afca5ce
Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes
Content-Transfer-Encoding: base64

{b64(text)}
--0000000000001ecf88059afca5ce
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{quopri.encodestring(html.encode("utf-8")).decode("ascii")}
--0000000000001ecf88059afca5ce
Content-Type: text/calendar; charset="UTF-8"; method=REPLY
Content-Transfer-Encoding: 7bit

{calendar}
--0000000000001ecf88059afca5ce--
--0000000000001ecf8a059afca5d0
Content-Type: application/ics; name="invite.ics"
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

{b64(calendar)}
--0000000000001ecf8a059afca5d0--
""")


def apple_mail(answer: Answer, calendar: str | None = None) -> bytes:
    """Apple Calendar's answer through Mail: no words, the calendar attached as iCal-<stamp>.ics."""
    calendar = calendar if calendar is not None else apple_calendar(answer)
    name = f"iCal-{datetime.now(UTC):%Y%m%d-%H%M%S}.ics"
    encoded = quopri.encodestring(calendar.encode("utf-8")).decode("ascii")
    return crlf(f"""\
From: {_from(answer.name, answer.email)}
Content-Type: multipart/mixed;
	boundary="Apple-Mail=_6A1F2C9E-3B1D-4C8E-9F0A-2B7D5E8C1A43"
Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3826.400.131.1.6\\))
Subject: {answer.verb}: {answer.title}
Date: {datetime.now(UTC):%a, %d %b %Y %H:%M:%S +0000}
Message-Id: {message_id("example.com")}
To: {answer.organizer_name} <{answer.organizer}>
X-Mailer: Apple Mail (2.3826.400.131.1.6)


--Apple-Mail=_6A1F2C9E-3B1D-4C8E-9F0A-2B7D5E8C1A43
Content-Transfer-Encoding: 7bit
Content-Type: text/plain;
	charset=us-ascii



--Apple-Mail=_6A1F2C9E-3B1D-4C8E-9F0A-2B7D5E8C1A43
Content-Disposition: attachment;
	filename={name}
Content-Type: text/calendar;
	x-unix-mode=0644;
	name="{name}";
	method=REPLY
Content-Transfer-Encoding: quoted-printable

{encoded}
--Apple-Mail=_6A1F2C9E-3B1D-4C8E-9F0A-2B7D5E8C1A43--
""")


def typed_reply(
    name: str,
    email: str,
    to: str,
    words: str,
    subject: str = "Re: Invitation: What did we learn?",
) -> bytes:
    """A reply typed in a mail program, with no calendar in it."""
    return crlf(f"""\
From: {_from(name, email)}
To: {to}
Subject: {subject}
Date: {datetime.now(UTC):%a, %d %b %Y %H:%M:%S +0000}
Message-ID: {message_id("mail.example.com")}
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: 8bit

{words}

On Sat, Nov 21, 2026 at 9:14 AM Unstuck <unstuck@localhost> wrote:
> Lea Lead invites you to "What did we learn?"
""")
