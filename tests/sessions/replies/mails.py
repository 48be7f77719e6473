"""Whole emails in which calendars answer an invitation (METHOD:REPLY), as Outlook (Exchange),
Google Calendar and Apple Calendar send them: their headers, their MIME structure and the
way each encodes the calendar (written by `calendars`). Each builder returns the bytes a mail
server would hand over.

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
from datetime import UTC, datetime
from email.header import Header

from tests.sessions.replies.calendars import Answer, apple_calendar, google_calendar, outlook_calendar

_ids = itertools.count(1)


def crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def b64(data: bytes | str) -> str:
    data = data.encode("utf-8") if isinstance(data, str) else data
    return base64.encodebytes(data).decode("ascii").replace("\n", "\r\n")


def message_id(host: str) -> str:
    return f"<{next(_ids):04d}.calendar-reply.{host}>"


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
