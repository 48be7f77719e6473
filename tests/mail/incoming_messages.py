"""Raw received email as mail programs write it: replies from Gmail, Outlook and phones,
out-of-office answers of several kinds, bounces, a forged sender, HTML-only mail and mail
with files. Each builder returns the bytes a mail server would hand over."""

from __future__ import annotations

import base64
import itertools
from email.message import EmailMessage
from email.utils import make_msgid

_ids = itertools.count(1)

ORIGINAL_SUBJECT = "[Unstuck] Ada asks: Why does my migration fail on PostgreSQL?"
QUOTED_QUESTION = "Why does my migration fail on PostgreSQL? It works on SQLite."


def reply_to(mail: EmailMessage, name: str, email: str, words: str) -> EmailMessage:
    """A reply to one of Unstuck's emails, as a mail client writes it: to its Reply-To, in
    its thread, with the email's text quoted under an "On ... wrote:" line."""
    quoted = "\n".join("> " + line for line in mail.get_body(("plain",)).get_content().splitlines())
    answer = EmailMessage()
    answer["From"] = f"{name} <{email}>"
    answer["To"] = mail["Reply-To"]
    answer["Subject"] = "Re: " + mail["Subject"]
    answer["Message-ID"] = make_msgid(domain="mail.example.com")
    answer["In-Reply-To"] = mail["Message-ID"]
    answer["References"] = mail["References"] or mail["Message-ID"]
    answer.set_content(f"{words}\n\nOn Mon, Nov 23, 2026 at 9:14 AM Unstuck <unstuck@localhost> wrote:\n{quoted}\n")
    return answer


def crlf(text: str) -> bytes:
    """The text with CRLF line ends, as it travels over SMTP."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def new_message_id(host: str = "mail.gmail.com") -> str:
    return f"<CAH{next(_ids):06d}x7Q2Lm+W9zA@{host}>"


def gmail_reply(
    from_addr: str,
    to: str,
    text: str = "Run the migration with batch mode on.",
    name: str = "Grace Hopper",
    message_id: str | None = None,
    subject: str = f"Re: {ORIGINAL_SUBJECT}",
) -> bytes:
    """A reply from Gmail: plain and HTML alternatives, the question quoted below."""
    message_id = message_id or new_message_id()
    return crlf(f"""\
Delivered-To: {to}
Received: by 2002:a05:6a10:8a0e:b0:5a3:7e5:1d4 with SMTP id x14csp123456pxb;
        Tue, 3 Nov 2026 05:02:11 -0800 (PST)
MIME-Version: 1.0
References: <thread-question%3A42@localhost>
In-Reply-To: <5f1e2d3c4b5a69788796a5b4c3d2e1f0@localhost>
From: {name} <{from_addr}>
Date: Tue, 3 Nov 2026 14:02:00 +0100
Message-ID: {message_id}
Subject: {subject}
To: Unstuck <{to}>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f60718"

--000000000000a1b2c3d4e5f60718
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{text}

On Tue, Nov 3, 2026 at 1:58=E2=80=AFPM Unstuck <unstuck@localhost> wrote:

> Ada asks:
> {QUOTED_QUESTION}
>

--000000000000a1b2c3d4e5f60718
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr">{text}</div><br><div class=3D"gmail_quote"><div dir=3D"ltr" =
class=3D"gmail_attr">On Tue, Nov 3, 2026 at 1:58=E2=80=AFPM Unstuck &lt;<a href=
=3D"mailto:unstuck@localhost">unstuck@localhost</a>&gt; wrote:<br></div><blockq=
uote class=3D"gmail_quote" style=3D"margin:0px 0px 0px 0.8ex">Ada asks:<br>{QUOTED_QUESTION}</blockquote></div>

--000000000000a1b2c3d4e5f60718--
""")


def outlook_reply(
    from_addr: str,
    to: str,
    text: str = "Ja, das liegt an der Sequenz – sie wird nicht zurückgesetzt. Grüße",
    name: str = "Müller, Jürgen",
    message_id: str | None = None,
) -> bytes:
    """A reply from Outlook in Windows-1252: a signature logo shown inline by cid, the
    question below Outlook's From/Sent block, and X-Auto-Response-Suppress on a person's mail."""
    message_id = message_id or new_message_id("AM0PR07MB1234.eurprd07.prod.outlook.com")
    plain = (
        f"{text}\r\n\r\nJ\xfcrgen M\xfcller\r\n\r\nFrom: Unstuck <unstuck@localhost>\r\n"
        f"Sent: Tuesday, November 3, 2026 1:58 PM\r\nTo: {name} <{from_addr}>\r\n"
        f"Subject: {ORIGINAL_SUBJECT}\r\n\r\nAda asks: {QUOTED_QUESTION}\r\n"
    )
    html = (
        f'<html><body><p class=MsoNormal>{text}</p><p><img src="cid:image001.png@01DB2E6C.5A1B2C30">'
        f"J\xfcrgen M\xfcller</p><div style='border:none;border-top:solid #E1E1E1 1.0pt'>"
        f"<p><b>From:</b> Unstuck<br><b>Sent:</b> Tuesday, November 3, 2026 1:58 PM</p></div>"
        f"<p>Ada asks: {QUOTED_QUESTION}</p></body></html>"
    )
    logo = base64.encodebytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64).decode()
    encoded_name = "=?iso-8859-1?Q?M=FCller,_J=FCrgen?="
    return (
        crlf(f"""\
From: "{encoded_name}" <{from_addr.upper()}>
To: Unstuck <{to}>
Subject: AW: {ORIGINAL_SUBJECT}
Thread-Topic: {ORIGINAL_SUBJECT}
Thread-Index: AQHbLd3yT0k1r2Jc0U2gR5o6bN3kAA==
Date: Tue, 3 Nov 2026 13:05:41 +0000
Message-ID: {message_id}
References: <thread-question%3A42@localhost>
In-Reply-To: <5f1e2d3c4b5a69788796a5b4c3d2e1f0@localhost>
Accept-Language: de-DE, en-US
Content-Language: de-DE
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator:
X-Auto-Response-Suppress: All
Content-Type: multipart/related;
	boundary="_004_AM0PR07MB1234eurprd07prodoutlookcom_";
	type="multipart/alternative"
MIME-Version: 1.0

--_004_AM0PR07MB1234eurprd07prodoutlookcom_
Content-Type: multipart/alternative;
	boundary="_000_AM0PR07MB1234eurprd07prodoutlookcom_"

--_000_AM0PR07MB1234eurprd07prodoutlookcom_
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: 8bit

""")
        + plain.encode("cp1252")
        + crlf("""
--_000_AM0PR07MB1234eurprd07prodoutlookcom_
Content-Type: text/html; charset="windows-1252"
Content-Transfer-Encoding: 8bit

""")
        + html.encode("cp1252")
        + crlf(f"""
--_000_AM0PR07MB1234eurprd07prodoutlookcom_--

--_004_AM0PR07MB1234eurprd07prodoutlookcom_
Content-Type: image/png; name="image001.png"
Content-Description: image001.png
Content-Disposition: inline; filename="image001.png"; size=72
Content-ID: <image001.png@01DB2E6C.5A1B2C30>
Content-Transfer-Encoding: base64

{logo}
--_004_AM0PR07MB1234eurprd07prodoutlookcom_--
""")
    )


def html_only_reply(from_addr: str, to: str, text: str = "Use <code>op.batch_alter_table</code>.") -> bytes:
    """A reply with an HTML body only, as some web mailers and phones send."""
    return crlf(f"""\
From: Grace Hopper <{from_addr}>
To: {to}
Subject: Re: {ORIGINAL_SUBJECT}
Date: Tue, 3 Nov 2026 14:02:00 +0100
Message-ID: {new_message_id("mail.example.com")}
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 7bit

<html><body><p>{text}</p><blockquote type="cite">Ada asks: {QUOTED_QUESTION}</blockquote></body></html>
""")


def reply_with_attachment(
    from_addr: str, to: str, text: str = "See the log excerpt I attached.", filename: str = "migration-log.txt"
) -> bytes:
    """A Gmail reply with a file attached."""
    data = base64.encodebytes(b'ERROR: relation "users" already exists\n').decode()
    return crlf(f"""\
From: Grace Hopper <{from_addr}>
To: {to}
Subject: Re: {ORIGINAL_SUBJECT}
Date: Tue, 3 Nov 2026 14:02:00 +0100
Message-ID: {new_message_id()}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mixed-7d1c"

--mixed-7d1c
Content-Type: multipart/alternative; boundary="alt-7d1c"

--alt-7d1c
Content-Type: text/plain; charset="UTF-8"

{text}

--alt-7d1c
Content-Type: text/html; charset="UTF-8"

<div dir="ltr">{text}</div>

--alt-7d1c--

--mixed-7d1c
Content-Type: text/plain; charset="US-ASCII"; name="{filename}"
Content-Disposition: attachment; filename="{filename}"
Content-Transfer-Encoding: base64

{data}
--mixed-7d1c--
""")


def spoofed_reply(to: str, claimed_from: str = "attacker@evil.example") -> bytes:
    """A reply to a real reply address, from someone who is not its person."""
    return gmail_reply(claimed_from, to, text="Ignore the question, it is solved.", name="Mallory")


# -- automatic mail --------------------------------------------------------------------


def out_of_office(kind: str, from_addr: str, to: str) -> bytes:
    """An automatic answer of one kind, from the mentor's own address."""
    headers, subject, charset_body = OUT_OF_OFFICE[kind]
    extra = "".join(f"{line}\n" for line in headers)
    return crlf(f"""\
Return-Path: <{from_addr}>
{extra}From: Grace Hopper <{from_addr}>
To: {to}
Subject: {subject}
Date: Tue, 3 Nov 2026 14:02:00 +0100
Message-ID: {new_message_id("mail.example.com")}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

{charset_body}
""")


OUT_OF_OFFICE = {
    # Gmail's vacation responder: RFC 3834, and the subject of a reply.
    "gmail-vacation": (
        ["Auto-Submitted: auto-replied"],
        f"Re: {ORIGINAL_SUBJECT}",
        "I am on holiday until 14 November, with no access to email.",
    ),
    # Exchange: its own headers, and "Automatic reply:".
    "exchange": (
        [
            "X-MS-Exchange-Inbox-Rules-Loop: grace@example.com",
            "X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent",
            "X-Auto-Response-Suppress: All",
        ],
        f"Automatic reply: {ORIGINAL_SUBJECT}",
        "I am out of the office.",
    ),
    # Old vacation programs.
    "vacation": (["Precedence: junk", "X-Autoreply: yes"], "away from my mail", "I am away from my mail."),
    # Only the subject tells, in German, French (encoded) and Spanish.
    "de-subject": ([], f"Abwesenheitsnotiz: {ORIGINAL_SUBJECT}", "Ich bin bis Montag nicht im Büro."),
    "fr-subject": ([], "=?iso-8859-1?Q?R=E9ponse_automatique_:_?= question", "Je suis absent."),
    "es-subject": ([], "Fuera de la oficina: pregunta", "Estoy fuera de la oficina."),
    "nl-subject": ([], "Automatisch antwoord: vraag", "Ik ben afwezig."),
}


def null_sender_notice(from_addr: str, to: str) -> bytes:
    """Automatic mail with an empty Return-Path that is no delivery report."""
    return crlf(f"""\
Return-Path: <>
From: Grace Hopper <{from_addr}>
To: {to}
Subject: Re: {ORIGINAL_SUBJECT}
Message-ID: {new_message_id("mail.example.com")}
Content-Type: text/plain; charset=utf-8

Your message was received and will be read soon.
""")


def dsn_bounce(
    to: str,
    failed: str,
    action: str = "failed",
    status: str = "5.1.1",
    original: str | None = None,
    message_id: str | None = None,
    also_failed: tuple[str, ...] = (),
    returned_message_id: str = "",
) -> bytes:
    """A delivery report (RFC 3464) from Postfix: mail to `failed` (and to `also_failed`)
    could not be delivered; the header of the returned message names `returned_message_id`."""
    original_line = f"Original-Recipient: rfc822;{original}\n" if original else ""
    message_id = message_id or "<20261103130502.4F1C2A0123@mx.example.com>"
    more = "".join(
        f"""
Final-Recipient: rfc822; {other}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <{other}>: Recipient address rejected: User unknown
"""
        for other in also_failed
    )
    returned_id = f"Message-ID: {returned_message_id}\n" if returned_message_id else ""
    return crlf(f"""\
Return-Path: <>
From: MAILER-DAEMON@mx.example.com (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {to}
Auto-Submitted: auto-replied
Message-Id: {message_id}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4F1C2A0123.1762174302/mx.example.com"

This is a MIME-encapsulated message.

--4F1C2A0123.1762174302/mx.example.com
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{failed}>: host mail.example.com[203.0.113.5] said: 550 5.1.1
    <{failed}>: Recipient address rejected: User unknown

--4F1C2A0123.1762174302/mx.example.com
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com
X-Postfix-Queue-ID: 4F1C2A0123
Arrival-Date: Tue,  3 Nov 2026 13:05:01 +0000 (UTC)

{original_line}Final-Recipient: rfc822; {failed}
Action: {action}
Status: {status}
Remote-MTA: dns; mail.example.com
Diagnostic-Code: smtp; 550 5.1.1 <{failed}>: Recipient address rejected: User unknown
{more}
--4F1C2A0123.1762174302/mx.example.com
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Unstuck <unstuck@localhost>
To: {failed}
Subject: {ORIGINAL_SUBJECT}
{returned_id}
--4F1C2A0123.1762174302/mx.example.com--
""")


def qmail_bounce(to: str, failed: str) -> bytes:
    """A classic bounce with no delivery report: qmail's "failure notice"."""
    return crlf(f"""\
Return-Path: <>
From: MAILER-DAEMON@mail.example.net
To: {to}
Subject: failure notice
Message-ID: <{next(_ids)}.qmail@mail.example.net>

Hi. This is the qmail-send program at mail.example.net.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{failed}>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

From: unstuck@localhost
To: {failed}
""")
