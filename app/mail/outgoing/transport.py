"""Sending MIME messages: over SMTP when MAIL_SERVER is set, else into the outbox folder.

Each message may go with a return path of its own (the SMTP MAIL FROM, where reports of
its delivery are sent); without one, the server takes the From address. In development
every message is also kept as an .eml file under MAIL_OUTBOX_DIR, where the mailbox page
shows it, with its return path as the Return-Path that a mailbox would add.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
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


def build_message(mail: OutboundMail) -> EmailMessage:
    """Return the MIME message for a recorded email: text and HTML alternatives, and the
    calendar as a third (text/calendar with its METHOD) when the email is an invitation."""
    msg = EmailMessage(policy=MESSAGE_POLICY)
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = address(mail.to_email, mail.to_name)
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(mail.created_at)
    msg["Message-ID"] = mail.message_id
    if mail.thread_key:
        root = thread_message_id(mail.thread_key)
        msg["In-Reply-To"] = root
        msg["References"] = root
    # No out-of-office or other automatic replies to automatic mail (RFC 3834, Exchange).
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    for name, value in (mail.headers or {}).items():
        msg[name] = value
    msg.set_content(mail.text_body, cte="quoted-printable")
    # Base64 is encoded in C and nobody reads HTML source; the text stays readable as is.
    msg.add_alternative(mail.html_body, subtype="html", cte="base64")
    if mail.calendar:
        ics = mail.calendar.encode()
        msg.add_alternative(
            ics, "text", "calendar", cte="base64", params={"method": _calendar_method(ics), "charset": "utf-8"}
        )
    return msg


def _calendar_method(ics: bytes) -> str:
    """The METHOD of an iCalendar object, which its MIME part must repeat (RFC 6047)."""
    return str(Calendar.from_ical(ics).get("method", "")).strip().upper()


def send_message(msg: EmailMessage) -> None:
    """Send one message; raise the SMTP or OS error if it could not be sent."""
    error = send_batch([msg])[0]
    if error is not None:
        raise error


def send_batch(
    messages: list[EmailMessage],
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


def _keep_in_outbox(msg: EmailMessage, return_path: str | None = None) -> OSError | None:
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
