"""Reading received email: raw MIME bytes become plain values, whatever the sender's software.

    msg = parse_message(raw)   # an InboundMessage; raises UnreadableMail, never anything else
    identify(raw)              # (Message-ID, subject), from the header alone

Whether the email was written by a person at all is for app.mail.automatic to tell.

A calendar's answer to an invitation (iMIP, RFC 6047) travels as a text/calendar part, as
an alternative to the text or as an .ics file: `InboundMessage.calendar` holds the first
one, and `calendar_method` its METHOD (REPLY for an answer).

Mail from the open internet is hostile input: headers in broken or wrong charsets, bodies
in encodings that do not match what they declare, nesting to exhaust the parser. Every
text is decoded with fallbacks rather than failing, and whatever still cannot be read
raises UnreadableMail. Only the standard library's `email` package is used here.
"""

from __future__ import annotations

import binascii
import codecs
import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from email.parser import BytesHeaderParser, HeaderParser
from email.utils import getaddresses

from app.mail.flowed import unflow

MAX_DEPTH = 20  # MIME nesting; real mail nests three or four deep
MAX_PARTS = 300  # a reply with a signature logo and a few files has under ten
# Calendar objects come as text/calendar, and from some programs as application/ics.
CALENDAR_TYPES = ("text/calendar", "application/ics")
CALENDAR_METHOD = re.compile(r"^METHOD[ \t]*(?:;[^:\r\n]*)?:[ \t]*([A-Za-z-]+)", re.MULTILINE | re.IGNORECASE)


class UnreadableMail(ValueError):
    """The bytes are not an email that can be read; the message says what is wrong."""


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
class InboundMessage:
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


def parse_message(raw: bytes) -> InboundMessage:
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
        raise UnreadableMail("the message is nested too deeply") from None
    except Exception as exc:  # the email package has many ways to fail on hostile input
        raise UnreadableMail(f"the message could not be parsed ({type(exc).__name__})") from None


def identify(raw: bytes) -> tuple[str, str]:
    """Return (Message-ID, subject) from the header of raw mail; ("", "") where unreadable.

    Reads only the header, so it is cheap enough for the moment a mail arrives.
    """
    try:
        msg = BytesHeaderParser(policy=policy.compat32).parsebytes(bytes(raw))
        headers = [(name.lower(), _header_text(value)) for name, value in msg.raw_items()]
    except Exception:
        return "", ""
    first = dict(reversed(headers))
    return _one_line(first.get("message-id", "")), _one_line(first.get("subject", ""))


def raw_digest(data: bytes | str) -> str:
    """Return "sha256:<hex>" of the bytes (or text), an identity for mail without a usable Message-ID."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _read(msg: Message) -> InboundMessage:
    headers = tuple((name.lower(), _header_text(value)) for name, value in msg.raw_items())
    raw_headers = [(name.lower(), value) for name, value in msg.raw_items()]
    from_addresses = _addresses(raw_headers, "from")
    from_addr, from_name = from_addresses[0] if len(from_addresses) == 1 else ("", "")
    parts = _Parts()
    parts.walk(msg, depth=0)
    html_body = "\n".join(parts.html)
    content_type = msg.get_content_type().lower()
    return InboundMessage(
        message_id=_one_line(_first(headers, "message-id")),
        from_addr=from_addr,
        from_name=from_name,
        to=_addrs(raw_headers, "to"),
        cc=_addrs(raw_headers, "cc"),
        delivered_to=_addrs(raw_headers, "delivered-to"),
        original_to=_addrs(raw_headers, "x-original-to"),
        subject=_one_line(_first(headers, "subject")),
        text_body="\n".join(parts.plain),
        html_body=html_body,
        attachments=tuple(parts.attachments(html_body)),
        headers=headers,
        content_type=content_type,
        report_type=(_param(msg, "report-type") or "").lower() if content_type == "multipart/report" else "",
        delivery_status=tuple(parts.status_blocks),
        calendar=parts.calendar(),
    )


class _Parts:
    """Walks the MIME tree: body texts, files, and the fields of a delivery report."""

    def __init__(self):
        self.plain: list[str] = []
        self.html: list[str] = []
        self.files: list[tuple[Attachment, str]] = []  # with the Content-ID, for inline images
        self.status_blocks: list[tuple[tuple[str, str], ...]] = []
        self.calendars: list[tuple[str, bytes]] = []  # (content type, bytes) of calendar parts
        self.count = 0

    def walk(self, part: Message, depth: int) -> None:
        self.count += 1
        if depth > MAX_DEPTH:
            raise UnreadableMail("the message is nested too deeply")
        if self.count > MAX_PARTS:
            raise UnreadableMail("the message has too many parts")
        ctype = part.get_content_type().lower()
        if ctype == "message/delivery-status":
            self.status_blocks.extend(_status_blocks(part))
        elif ctype == "text/rfc822-headers":
            pass  # the header of a returned message, in a bounce
        elif ctype.startswith("message/"):
            # A message inside the message (forwarded, or returned by a bounce): a file,
            # whose own parts are not the sender's words.
            self.files.append((Attachment(_filename(part) or _message_name(part), ctype,
                                          _message_size(part)), ""))
        elif part.is_multipart():
            for sub in part.get_payload():
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
            text = decode_text(payload, _charset(part)).replace("\r\n", "\n").replace("\r", "\n")
            if ctype == "text/plain" and str(part.get_param("format", "")).lower() == "flowed":
                # Soft line breaks of format=flowed (Thunderbird, Apple Mail) are joined again.
                text = unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
            (self.plain if ctype == "text/plain" else self.html).append(text)
            return
        content_id = _header_text(_raw_header(part, "content-id")).strip().strip("<>").strip()
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
        return [file for file, content_id in self.files
                if not (content_id and f"cid:{content_id.lower()}" in shown)]


def _status_blocks(part: Message) -> list[tuple[tuple[str, str], ...]]:
    """The field blocks of a message/delivery-status part, however it was encoded."""
    payload = part.get_payload()
    if isinstance(payload, list):
        blocks = [block for block in payload if isinstance(block, Message)]
    else:
        text = decode_text(part.get_payload(decode=True) or b"", None)
        blocks = [HeaderParser(policy=policy.compat32).parsestr(chunk.strip() + "\n")
                  for chunk in re.split(r"\r?\n[ \t]*\r?\n", text) if chunk.strip()]
    return [tuple((name.lower(), _header_text(value)) for name, value in block.raw_items())
            for block in blocks]


# -- headers ---------------------------------------------------------------------------

ENCODED_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([qQbB])\?([^?\s]*)\?=")


def _header_text(value) -> str:
    """Decode a raw header value: 8-bit bytes as UTF-8 (or Windows-1252), then RFC 2047 words."""
    return _decode_words(_unfold(_raw_text(value)))


def _raw_text(value) -> str:
    """A raw header value as text, its 8-bit bytes (kept as surrogates by the parser) decoded."""
    value = str(value)
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:  # already text beyond ASCII
        return value
    return data.decode("ascii") if data.isascii() else decode_text(data, None)


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", "").replace("\n", " ")


def _decode_words(text: str) -> str:
    """Decode RFC 2047 encoded words; white space between two encoded words goes."""
    out, position, after_word = [], 0, False
    for match in ENCODED_WORD.finditer(text):
        between = text[position:match.start()]
        if not (after_word and not between.strip()):
            out.append(between)
        out.append(_decode_word(match))
        position, after_word = match.end(), True
    out.append(text[position:])
    return "".join(out)


def _decode_word(match: re.Match) -> str:
    charset, encoding, data = match.groups()
    try:
        if encoding in "qQ":
            raw = binascii.a2b_qp(data.encode("ascii", "replace"), header=True)
        else:
            raw = binascii.a2b_base64(data.encode("ascii", "replace") + b"=" * (-len(data) % 4),
                                      strict_mode=True)
    except (binascii.Error, ValueError):
        return match.group(0)
    return decode_text(raw, charset)


def _raw_header(part: Message, name: str) -> str:
    """The first raw value of a header of a part, or "" (no policy's decoding in between)."""
    return next((value for key, value in part.raw_items() if key.lower() == name), "")


def _first(headers: tuple[tuple[str, str], ...], name: str) -> str:
    return next((value for key, value in headers if key == name), "")


def _one_line(text: str) -> str:
    """The text on one line, without control characters (which have no place in a header)."""
    return "".join(c for c in " ".join(text.split()) if unicodedata.category(c)[0] != "C")


def _addresses(raw_headers: list[tuple[str, str]], name: str) -> list[tuple[str, str]]:
    """(lower-case address, decoded name) pairs of every header called `name`."""
    values = [_unfold(_raw_text(value)) for key, value in raw_headers if key == name]
    pairs = []
    for display, addr in getaddresses(values):
        addr = addr.strip().strip("<>").strip().lower()
        if "@" in addr and not any(c.isspace() for c in addr):
            pairs.append((addr, _one_line(_decode_words(display))))
    return pairs


def _addrs(raw_headers: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(addr for addr, _ in _addresses(raw_headers, name)))


def _param(part: Message, name: str) -> str | None:
    try:
        value = part.get_param(name)
    except Exception:
        return None
    if isinstance(value, tuple):  # RFC 2231: (charset, language, value)
        value = value[2]
    return str(value) if value is not None else None


# -- bodies and files ------------------------------------------------------------------

# Declared as Latin-1 or ASCII, mail is most often Windows-1252 (as browsers also assume).
WESTERN = {"ascii", "iso8859-1", "latin-1", "cp1252"}


def decode_text(data: bytes, charset: str | None) -> str:
    """Decode bytes to text in the declared charset, else the likeliest one; never fails.

    A charset that is unknown, or that the bytes do not match, falls back to UTF-8 and
    then Windows-1252; what still does not decode is replaced, not dropped.
    """
    for name in _charsets(charset):
        try:
            return data.decode(name)
        except Exception:  # an unknown codec, a non-text codec, or bytes that do not fit
            continue
    return data.decode("utf-8", errors="replace")


def _charsets(declared: str | None) -> list[str]:
    name = (declared or "").strip().strip("'\"").lower()
    try:
        known = codecs.lookup(name).name if name else ""
    except LookupError:
        known = ""
    if known in WESTERN:
        return ["utf-8", "cp1252", "iso8859-1"] if known == "ascii" else ["cp1252", "iso8859-1"]
    if known:
        return [known, "utf-8", "cp1252"]
    return ["utf-8", "cp1252"]


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:
        return None


def _filename(part: Message) -> str:
    """The file name a part gives, decoded, without any folder in it."""
    try:
        name = part.get_filename() or _param(part, "name") or ""
    except Exception:
        name = ""
    return re.split(r"[/\\]", _one_line(_header_text(name)))[-1][:200]


def _unnamed(content_type: str) -> str:
    return "unnamed" + (mimetypes.guess_extension(content_type) or "")


def _message_name(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], Message):
        subject = _one_line(_header_text(_raw_header(payload[0], "subject")))
        if subject:
            return subject[:190] + ".eml"
    return "message.eml"


def _message_size(part: Message) -> int:
    try:
        return len(part.as_bytes())
    except Exception:
        return 0
