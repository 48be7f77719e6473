"""Sending MIME messages: over SMTP when MAIL_SERVER is set, else into the outbox folder.

Each message may go with a return path of its own (the SMTP MAIL FROM, where reports of
its delivery are sent); without one, the server takes the From address. In development
every message is also kept as an .eml file under MAIL_OUTBOX_DIR, where the mailbox page
shows it, with its return path as the Return-Path that a mailbox would add.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import os
import re
import secrets
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy
from email.errors import HeaderParseError
from email.header import Header
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from pathlib import Path
from urllib.parse import quote

from flask import current_app
from icalendar import Calendar

from app.extensions import utcnow
from app.mail.models import OutboundMail

log = logging.getLogger(__name__)


class _HeaderClasses(HeaderRegistry):
    """The email package's header registry, making each header class once, not per header."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._made: dict[str, type] = {}

    def __getitem__(self, name):
        if name not in self._made:
            self._made[name] = super().__getitem__(name)
        return self._made[name]


# Folding long headers at 78 characters makes Python encode a long URL in List-Unsubscribe
# as RFC 2047 words, which mail clients then cannot use; 998 is the hard limit of RFC 5322.
MESSAGE_POLICY = policy.default.clone(max_line_length=998, header_factory=_HeaderClasses())
SMTP_TIMEOUT = 30  # seconds; a relay that stalls longer fails the attempt, which is retried
OUTBOX_NAME = re.compile(r"^\d{8}T\d{12}Z-[A-Za-z0-9]+\.eml$")

# The server refused this one message; the connection stays usable for the next one.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def address(email: str, name: str = "") -> Address:
    """Return the header form of a mailbox; raise ValueError if the address is not valid.

    The display name is encoded by the email package, so quotes, commas or line breaks in
    a name never reach the header as syntax.
    """
    try:
        result = Address(display_name=name, addr_spec=email)
    except (ValueError, IndexError, HeaderParseError):
        raise ValueError(f"not an email address: {email!r}") from None
    if not result.username or not result.domain:
        raise ValueError(f"not an email address: {email!r}")
    return result


def thread_message_id(thread_key: str) -> str:
    """Return the Message-ID that every email of a thread refers to."""
    # Percent-encoding keeps the key readable and inside the characters a Message-ID allows.
    local = quote(thread_key, safe="").replace(".", "%2E")
    return f"<thread-{local}@{current_app.config['MAIL_DOMAIN']}>"


def _headers(mail: OutboundMail) -> list[tuple[str, str]]:
    """The top-level headers of a recorded email, in order, before MIME's own."""
    headers = [
        ("From", current_app.config["MAIL_FROM"]),
        ("To", mail.to_email),  # given as the address; each builder writes it with the name
        ("Subject", mail.subject),
        ("Date", format_datetime(mail.created_at)),
        ("Message-ID", mail.message_id),
    ]
    if mail.thread_key:
        root = thread_message_id(mail.thread_key)
        headers += [("In-Reply-To", root), ("References", root)]
    # No out-of-office or other automatic replies to automatic mail (RFC 3834, Exchange).
    headers += [("Auto-Submitted", "auto-generated"), ("X-Auto-Response-Suppress", "All")]
    headers += list((mail.headers or {}).items())
    return headers


def build_message(mail: OutboundMail) -> EmailMessage:
    """Return the MIME message for a recorded email: text and HTML alternatives, and the
    calendar as a third (text/calendar with its METHOD) when the email is an invitation."""
    msg = EmailMessage(policy=MESSAGE_POLICY)
    for name, value in _headers(mail):
        msg[name] = address(mail.to_email, mail.to_name) if name == "To" else value
    msg.set_content(mail.text_body, cte="quoted-printable")
    # Base64 is encoded in C and nobody reads HTML source; the text stays readable as is.
    msg.add_alternative(mail.html_body, subtype="html", cte="base64")
    if mail.calendar:
        ics = mail.calendar.encode()
        msg.add_alternative(
            ics, "text", "calendar", cte="base64", params={"method": _calendar_method(ics), "charset": "utf-8"}
        )
    return msg


@dataclass(frozen=True)
class RawMessage:
    """A message already written out as the bytes that go over SMTP."""

    data: bytes
    sender: str  # the From address, the envelope sender when no return path is given
    recipients: tuple[str, ...]
    message_id: str

    def __getitem__(self, name: str) -> str | None:  # as EmailMessage answers msg["Message-ID"]
        return self.message_id if name.lower() == "message-id" else None

    def as_bytes(self) -> bytes:
        return self.data


def outgoing_message(mail: OutboundMail) -> EmailMessage | RawMessage:
    """The message to send for a recorded email, as build_message makes it; the common
    case (ASCII addresses and headers, no calendar) is written out directly, several times
    faster than through the email package's header parsing and folding."""
    raw = _raw_message(mail)
    return raw if raw is not None else build_message(mail)


def _raw_message(mail: OutboundMail) -> RawMessage | None:
    """The message as bytes, or None when the email package must write it (a calendar, an
    address or header that is not plain ASCII, a line that needs folding)."""
    if mail.calendar:
        return None
    address(mail.to_email, mail.to_name)  # raises ValueError as build_message would
    lines = []
    for name, value in _headers(mail):
        if "\r" in value or "\n" in value:
            return None
        if name == "To":
            value = formataddr((mail.to_name, mail.to_email), charset="utf-8")
        elif name == "Subject" and not value.isascii():
            value = Header(value, "utf-8", header_name=name).encode(linesep="\r\n")
        line = f"{name}: {value}"
        if not line.isascii() or max(len(part) for part in line.split("\r\n")) > 998:
            return None
        lines.append(line)
    boundary = f"==============={secrets.token_hex(10)}=="  # "==" occurs in neither encoding
    # Lines end as the email package ends them, and both bodies end with a line break.
    text = b"\n".join(mail.text_body.encode().splitlines()) + b"\n"
    quoted = binascii.b2a_qp(text, istext=True).replace(b"\n", b"\r\n")
    html = b"\n".join(mail.html_body.encode().splitlines()) + b"\n"
    html = base64.encodebytes(html).replace(b"\n", b"\r\n")
    head = "\r\n".join(
        [
            *lines,
            "MIME-Version: 1.0",
            f'Content-Type: multipart/alternative; boundary="{boundary}"',
            "",
            f"--{boundary}",
            'Content-Type: text/plain; charset="utf-8"',
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "",
        ]
    ).encode()
    middle = (
        f'\r\n--{boundary}\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
    )
    data = b"".join([head, quoted, middle.encode(), html, f"\r\n--{boundary}--\r\n".encode()])
    return RawMessage(data, _from_address(current_app.config["MAIL_FROM"]), (mail.to_email,), mail.message_id)


@functools.lru_cache(maxsize=8)
def _from_address(mail_from: str) -> str:
    return parseaddr(mail_from)[1]


def _calendar_method(ics: bytes) -> str:
    """The METHOD of an iCalendar object, which its MIME part must repeat (RFC 6047)."""
    return str(Calendar.from_ical(ics).get("method", "")).strip().upper()


def send_message(msg: EmailMessage | RawMessage) -> None:
    """Send one message; raise the SMTP or OS error if it could not be sent."""
    error = send_batch([msg])[0]
    if error is not None:
        raise error


def send_batch(
    messages: list[EmailMessage | RawMessage],
    sent: Callable[[int], None] | None = None,
    return_paths: list[str | None] | None = None,
) -> list[Exception | None]:
    """Send messages over one SMTP connection; return, for each, the error or None if sent.

    A message the server refuses does not stop the others; a connection that fails leaves
    every message not yet sent with that error. `sent`, if given, is called with a
    message's index as soon as the server has accepted it, before the next one goes.
    `return_paths`, if given, holds each message's envelope sender (None: its From).
    """
    config = current_app.config
    paths = list(return_paths) if return_paths is not None else [None] * len(messages)
    if not config["MAIL_SERVER"]:
        kept = []
        for index, msg in enumerate(messages):
            kept.append(_keep_in_outbox(msg, paths[index]))
            if kept[-1] is None and sent is not None:
                sent(index)
        return kept
    errors: list[Exception | None] = [None] * len(messages)
    attempted = 0
    try:
        with smtp_connection() as smtp:
            for index, msg in enumerate(messages):
                try:
                    if isinstance(msg, RawMessage):
                        smtp.sendmail(paths[index] or msg.sender, list(msg.recipients), msg.data)
                    else:
                        smtp.send_message(msg, from_addr=paths[index])
                except MESSAGE_REFUSED as exc:
                    errors[index] = exc
                else:
                    if sent is not None:
                        sent(index)
                attempted = index + 1
    except (smtplib.SMTPException, OSError) as exc:
        for index in range(attempted, len(messages)):
            errors[index] = exc
    if config["ENV_NAME"] == "development":
        for msg, path, error in zip(messages, paths, errors, strict=True):
            if error is None and _keep_in_outbox(msg, path) is not None:
                log.warning("could not keep a copy of %s in the outbox", msg["Message-ID"])
    return errors


@contextmanager
def smtp_connection() -> Iterator[smtplib.SMTP]:
    """Open a connection to MAIL_SERVER with the configured TLS and login; close it after."""
    config = current_app.config
    host, port, helo = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_DOMAIN"]
    # Naming ourselves avoids smtplib's reverse DNS lookup of this machine, slow in containers.
    if config["MAIL_USE_TLS"]:
        smtp = smtplib.SMTP_SSL(
            host, port, local_hostname=helo, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, port, local_hostname=helo, timeout=SMTP_TIMEOUT)
    with smtp:
        if config["MAIL_USE_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        yield smtp


def outbox_dir() -> Path:
    """Return the folder where messages are kept as .eml files."""
    return Path(current_app.config["MAIL_OUTBOX_DIR"])


def _keep_in_outbox(msg: EmailMessage | RawMessage, return_path: str | None = None) -> OSError | None:
    """Write the message as an .eml file, under the Return-Path a mailbox would add; return
    the error instead of raising it."""
    local = re.sub(r"[^A-Za-z0-9]", "", str(msg["Message-ID"] or "").split("@")[0])[:32]
    name = f"{utcnow():%Y%m%dT%H%M%S%fZ}-{local or 'message'}.eml"
    try:
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so the mailbox page never reads half a message.
        partial = folder / f".{name}.partial"
        envelope = f"Return-Path: <{return_path}>\n".encode() if return_path else b""
        partial.write_bytes(envelope + msg.as_bytes())
        os.replace(partial, folder / name)
    except OSError as exc:
        return exc
    return None


def outbox_files() -> list[Path]:
    """Return the .eml files in the outbox, newest first."""
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if OUTBOX_NAME.match(p.name)), key=lambda p: p.name, reverse=True)


def outbox_file(name: str) -> Path | None:
    """Return the outbox file with this name, or None; never a path outside the outbox."""
    if not OUTBOX_NAME.match(name):
        return None
    path = outbox_dir() / name
    return path if path.is_file() else None
