"""Reading received email: raw MIME bytes become plain values, whatever the sender's software.

    msg = parse_message(raw)   # an IncomingMessage; raises UnreadableMail, never anything else
    parse_header(raw)          # the same from the header alone (no bodies), or None
    identify(raw)              # (Message-ID, subject), from the header alone

Whether the email was written by a person at all is for app.mail.incoming.parse.automatic to tell.

A calendar's answer to an invitation (iMIP, RFC 6047) travels as a text/calendar part, as
an alternative to the text or as an .ics file: `IncomingMessage.calendar` holds the first
one, and `calendar_method` its METHOD (REPLY for an answer).

Mail from the open internet is hostile input: headers in broken or wrong charsets, bodies
in encodings that do not match what they declare, nesting to exhaust the parser, control
characters. Every text is decoded with fallbacks rather than failing, and cleaned
(`clean_text`) so that the database can keep it: this is where text from mail enters.
Whatever still cannot be read raises UnreadableMail. Only the standard library's `email`
package is used here.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from email.parser import BytesHeaderParser, HeaderParser

from app.mail.incoming.parse.flowed import unflow
from app.mail.incoming.parse.text import (
    addresses,
    addrs,
    charset_of,
    clean_text,
    decode_text,
    header_text,
    one_line,
    param,
    raw_header,
)

MAX_DEPTH = 20  # MIME nesting; real mail nests three or four deep
MAX_PARTS = 300  # a reply with a signature logo and a few files has under ten
# Calendar objects come as text/calendar, and from some programs as application/ics.
CALENDAR_TYPES = ("text/calendar", "application/ics")
CALENDAR_METHOD = re.compile(r"^METHOD[ \t]*(?:;[^:\r\n]*)?:[ \t]*([A-Za-z-]+)", re.MULTILINE | re.IGNORECASE)


class UnreadableMail(ValueError):
    """The bytes are not an email that can be read; the message says what is wrong, in
    words that may be told to the sender ("the message has more than 300 parts")."""


TOO_DEEP = f"the message is nested more than {MAX_DEPTH} levels deep"
TOO_MANY_PARTS = f"the message has more than {MAX_PARTS} parts"


@dataclass(frozen=True)
class Attachment:
    """A file attached to an email: its name, type and size in bytes; the content is not kept."""

    filename: str
    content_type: str
    size: int

    @property
    def is_calendar(self) -> bool:
        """Whether the file is a calendar object (an invitation or an answer to one)."""
        return self.content_type in CALENDAR_TYPES or self.filename.lower().endswith(".ics")


@dataclass(frozen=True)
class IncomingMessage:
    """What a received email says, decoded to text."""

    message_id: str  # as written, with its angle brackets; "" when there is none
    from_addr: str  # lower case; "" when the From header holds no single address
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    delivered_to: tuple[str, ...]
    original_to: tuple[str, ...]  # X-Original-To
    subject: str
    text_body: str
    html_body: str
    attachments: tuple[Attachment, ...]
    headers: tuple[tuple[str, str], ...]  # (lower-case name, decoded value), in order
    content_type: str  # of the whole message, lower case
    report_type: str  # of a multipart/report, lower case
    # The field blocks of a message/delivery-status part: per message, then per recipient.
    delivery_status: tuple[tuple[tuple[str, str], ...], ...] = ()
    calendar: bytes | None = None  # the first calendar part, as sent; it is also among the attachments

    def header(self, name: str) -> str:
        """Return the first value of a header (the topmost one), or ""."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), "")

    def has_header(self, name: str) -> bool:
        name = name.lower()
        return any(key == name for key, _ in self.headers)

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every address the email says it was sent or delivered to."""
        return self.to + self.cc + self.delivered_to + self.original_to

    @property
    def is_delivery_report(self) -> bool:
        return self.content_type == "multipart/report" and self.report_type == "delivery-status"

    @property
    def calendar_method(self) -> str:
        """The METHOD of the calendar part, upper case: REPLY for an answer to an invitation,
        REQUEST for an invitation; "" when there is no calendar part or it names none."""
        if self.calendar is None:
            return ""
        text = re.sub(r"\r?\n[ \t]", "", decode_text(self.calendar, "utf-8"))  # unfolded
        match = CALENDAR_METHOD.search(text)
        return match.group(1).upper() if match else ""


# -- parsing ---------------------------------------------------------------------------


def parse_message(raw: bytes) -> IncomingMessage:
    """Return what the email in these bytes says; raise UnreadableMail if it cannot be read."""
    if not isinstance(raw, (bytes, bytearray)) or not raw.strip():
        raise UnreadableMail("the message is empty")
    try:
        msg = message_from_bytes(bytes(raw), policy=policy.compat32)
        if not msg.keys():
            raise UnreadableMail("the message has no header fields")
        return _read(msg)
    except UnreadableMail:
        raise
    except RecursionError:
        raise UnreadableMail(TOO_DEEP) from None
    except Exception as exc:  # the email package has many ways to fail on hostile input
        raise UnreadableMail(f"the message could not be parsed ({type(exc).__name__})") from None


def parse_header(raw: bytes) -> IncomingMessage | None:
    """Return what the header of the email says, with no bodies and no files (for mail
    whose body cannot be read); None when even the header cannot be read."""
    try:
        msg = BytesHeaderParser(policy=policy.compat32).parsebytes(bytes(raw))
        if not msg.keys():
            return None
        return IncomingMessage(**_header_fields(msg), text_body="", html_body="", attachments=())
    except Exception:
        return None


def identify(raw: bytes) -> tuple[str, str]:
    """Return (Message-ID, subject) from the header of raw mail; ("", "") where unreadable.

    Reads only the header, so it is cheap enough for the moment a mail arrives.
    """
    try:
        msg = BytesHeaderParser(policy=policy.compat32).parsebytes(bytes(raw))
        headers = [(name.lower(), header_text(value)) for name, value in msg.raw_items()]
    except Exception:
        return "", ""
    first = dict(reversed(headers))
    return one_line(first.get("message-id", "")), one_line(first.get("subject", ""))


def raw_digest(data: bytes | str) -> str:
    """Return "sha256:<hex>" of the bytes (or text), an identity for mail without a usable Message-ID."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _read(msg: Message) -> IncomingMessage:
    parts = _Parts()
    parts.walk(msg, depth=0)
    html_body = clean_text("\n".join(parts.html))
    return IncomingMessage(
        **_header_fields(msg),
        text_body=clean_text("\n".join(parts.plain)),
        html_body=html_body,
        attachments=tuple(parts.attachments(html_body)),
        delivery_status=tuple(parts.status_blocks),
        calendar=parts.calendar(),
    )


def _header_fields(msg: Message) -> dict:
    """The fields of an IncomingMessage that its header gives."""
    headers = tuple((name.lower(), header_text(value)) for name, value in msg.raw_items())
    raw_headers = [(name.lower(), value) for name, value in msg.raw_items()]
    from_addresses = addresses(raw_headers, "from")
    from_addr, from_name = from_addresses[0] if len(from_addresses) == 1 else ("", "")
    content_type = msg.get_content_type().lower()
    return dict(
        message_id=one_line(_first(headers, "message-id")),
        from_addr=from_addr,
        from_name=from_name,
        to=addrs(raw_headers, "to"),
        cc=addrs(raw_headers, "cc"),
        delivered_to=addrs(raw_headers, "delivered-to"),
        original_to=addrs(raw_headers, "x-original-to"),
        subject=one_line(_first(headers, "subject")),
        headers=headers,
        content_type=content_type,
        report_type=(param(msg, "report-type") or "").lower() if content_type == "multipart/report" else "",
    )


class _Parts:
    """Walks the MIME tree: body texts, files, and the fields of a delivery report."""

    def __init__(self) -> None:
        self.plain: list[str] = []
        self.html: list[str] = []
        self.files: list[tuple[Attachment, str]] = []  # with the Content-ID, for inline images
        self.status_blocks: list[tuple[tuple[str, str], ...]] = []
        self.calendars: list[tuple[str, bytes]] = []  # (content type, bytes) of calendar parts
        self.count = 0

    def walk(self, part: Message, depth: int) -> None:
        self.count += 1
        if depth > MAX_DEPTH:
            raise UnreadableMail(TOO_DEEP)
        if self.count > MAX_PARTS:
            raise UnreadableMail(TOO_MANY_PARTS)
        ctype = part.get_content_type().lower()
        if ctype == "message/delivery-status":
            self.status_blocks.extend(_status_blocks(part))
        elif ctype == "text/rfc822-headers":
            pass  # the header of a returned message, in a bounce
        elif ctype.startswith("message/"):
            # A message inside the message (forwarded, or returned by a bounce): a file,
            # whose own parts are not the sender's words.
            self.files.append((Attachment(_filename(part) or _message_name(part), ctype, _message_size(part)), ""))
        elif part.is_multipart():
            for sub in part.get_payload():
                if isinstance(sub, Message):
                    self.walk(sub, depth + 1)
        elif ctype.startswith("multipart/"):
            pass  # a multipart without a boundary: nothing in it can be told apart
        else:
            self._leaf(part, ctype)

    def _leaf(self, part: Message, ctype: str) -> None:
        payload = part.get_payload(decode=True) or b""
        if not isinstance(payload, bytes):
            payload = str(payload).encode("utf-8", "surrogateescape")
        filename = _filename(part)
        disposition = (part.get_content_disposition() or "").lower()
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            text = decode_text(payload, charset_of(part)).replace("\r\n", "\n").replace("\r", "\n")
            if ctype == "text/plain" and str(part.get_param("format", "")).lower() == "flowed":
                # Soft line breaks of format=flowed (Thunderbird, Apple Mail) are joined again.
                text = unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
            (self.plain if ctype == "text/plain" else self.html).append(text)
            return
        content_id = header_text(raw_header(part, "content-id")).strip().strip("<>").strip()
        file = Attachment(filename or _unnamed(ctype), ctype, len(payload))
        self.files.append((file, content_id))
        if file.is_calendar:
            self.calendars.append((ctype, payload))

    def calendar(self) -> bytes | None:
        """The first text/calendar part, else the first other calendar file (application/ics,
        or a file named .ics), else None."""
        ordered = sorted(self.calendars, key=lambda found: found[0] != "text/calendar")
        return ordered[0][1] if ordered else None

    def attachments(self, html: str) -> list[Attachment]:
        """The files, less the images that the HTML body shows inline (cid: references)."""
        shown = html.lower()
        return [file for file, content_id in self.files if not (content_id and f"cid:{content_id.lower()}" in shown)]


def _status_blocks(part: Message) -> list[tuple[tuple[str, str], ...]]:
    """The field blocks of a message/delivery-status part, however it was encoded."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = [block for block in payload if isinstance(block, Message)]
    else:
        raw = part.get_payload(decode=True)
        text = decode_text(raw if isinstance(raw, bytes) else b"", None)
        blocks = [
            HeaderParser(policy=policy.compat32).parsestr(chunk.strip() + "\n")
            for chunk in re.split(r"\r?\n[ \t]*\r?\n", text)
            if chunk.strip()
        ]
    return [tuple((name.lower(), header_text(value)) for name, value in block.raw_items()) for block in blocks]


def _first(headers: tuple[tuple[str, str], ...], name: str) -> str:
    return next((value for key, value in headers if key == name), "")


# -- files -----------------------------------------------------------------------------


def _filename(part: Message) -> str:
    """The file name a part gives, decoded, without any folder in it."""
    try:
        name = part.get_filename() or param(part, "name") or ""
    except Exception:
        name = ""
    return re.split(r"[/\\]", one_line(header_text(name)))[-1][:200]


def _unnamed(content_type: str) -> str:
    return "unnamed" + (mimetypes.guess_extension(content_type) or "")


def _message_name(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        subject = one_line(header_text(raw_header(payload[0], "subject")))
        if subject:
            return subject[:190] + ".eml"
    return "message.eml"


def _message_size(part: Message) -> int:
    try:
        return len(part.as_bytes())
    except Exception:
        return 0
