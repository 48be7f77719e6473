"""Writing emails: render the bodies and record the email to send after the commit."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template

from app.database import dialect_insert, insert_unless_exists
from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit
from app.mail.models import MailStatus, OutboundMail
from app.mail.outgoing.jobs import RETRY
from app.mail.outgoing.jobs import deliver as deliver_mail
from app.mail.outgoing.transport import address
from app.mail.outgoing.unsubscribe import topic, unsubscribe_headers, unsubscribe_url
from app.people.models import User
from app.people.personal_data import is_erased_address

# Headers Unstuck writes itself; callers may add others (List-Unsubscribe, Reply-To ...).
RESERVED_HEADERS = {
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "sender",
    "return-path",
    "auto-submitted",
    "x-auto-response-suppress",
}
HEADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


@dataclass
class Draft:
    """An email to record: what send_mail takes, for recording many at once (send_mails)."""

    key: str
    kind: str
    to: User | tuple[str, str]
    subject: str
    template: str
    context: dict | None = None
    thread: str | None = None
    headers: dict | None = None
    about: db.Model | tuple[str, int] | None = None
    unsubscribe: str | None = None
    reply_to: str | None = None
    calendar: bytes | None = None


def send_mail(
    key: str,
    kind: str,
    to: User | tuple[str, str],
    subject: str,
    template: str,
    context: dict | None = None,
    thread: str | None = None,
    headers: dict | None = None,
    about: db.Model | tuple[str, int] | None = None,
    unsubscribe: str | None = None,
    reply_to: str | None = None,
    deliver: bool = True,
    calendar: bytes | None = None,
) -> OutboundMail:
    """Record an email to send once the current transaction commits, and return its row.

    The bodies are rendered now from `template + ".txt"` and `template + ".html"`. A key
    that was used before returns the existing row and sends nothing new. `about` names the
    object the email is about, as a model or a (type, id) pair, for the log. Mails given
    the same `thread` refer to one thread root, so mail clients show them together.
    `unsubscribe` names the topic a person can unsubscribe from with one click (header
    and footer); `reply_to` is where a reply goes, such as a reply address. With
    `deliver=False` nothing is enqueued: the caller sends many emails at once with
    `deliver_batch` (one connection), and the unsent-mail sweep covers a lost job.
    `calendar` is an iCalendar object (an invitation, update or cancellation) sent as the
    email's third alternative, after the text and the HTML.
    """
    existing = db.session.scalar(sa.select(OutboundMail).where(OutboundMail.key == key))
    if existing is not None:
        return existing
    draft = Draft(key, kind, to, subject, template, context, thread, headers, about, unsubscribe, reply_to, calendar)
    values = _values(draft)
    mail_id = insert_unless_exists(OutboundMail.__table__, values, "key")
    if mail_id is None:  # another transaction recorded the same key meanwhile
        return db.session.scalar(sa.select(OutboundMail).where(OutboundMail.key == key))
    if deliver and values["status"] == MailStatus.QUEUED:
        enqueue_after_commit(deliver_mail, mail_id, queue="mail", retry=RETRY)
    return db.session.get(OutboundMail, mail_id)


def send_mails(drafts: list[Draft]) -> dict[str, tuple[int, bool]]:
    """Record many emails in the current transaction, as send_mail(deliver=False) would one
    by one, in one query and one multi-row insert; return each key's email id and whether it
    was recorded now (False: the key was used before, and nothing new is sent).

    Nothing is enqueued: the caller sends them with `deliver_batch` after the commit.
    """
    unique = list({draft.key: draft for draft in drafts}.values())
    keys = [draft.key for draft in unique]
    table = OutboundMail.__table__
    recorded = {key: (mail_id, False) for key, mail_id in _ids_of(keys)}
    rows = [_values(draft) for draft in unique if draft.key not in recorded]
    if rows:
        db.session.flush()
        statement = dialect_insert(table).on_conflict_do_nothing(index_elements=["key"])
        inserted = db.session.execute(statement.returning(table.c.key, table.c.id), rows).all()
        recorded.update((key, (mail_id, True)) for key, mail_id in inserted)
        raced = [key for key in keys if key not in recorded]  # recorded by another transaction meanwhile
        recorded.update((key, (mail_id, False)) for key, mail_id in _ids_of(raced))
    return recorded


def _ids_of(keys: list[str]) -> list[tuple[str, int]]:
    if not keys:
        return []
    return [
        (k, i)
        for k, i in db.session.execute(sa.select(OutboundMail.key, OutboundMail.id).where(OutboundMail.key.in_(keys)))
    ]


def _values(draft: Draft) -> dict:
    """The row of a new email: its bodies rendered, its headers checked."""
    to = draft.to
    to_email, to_name, user_id = recipient(to)
    about_type, about_id = _about(draft.about)
    context = dict(draft.context or {})
    context.setdefault("recipient_name", to_name)
    if isinstance(to, User):
        context.setdefault("recipient_zone", to.timezone)  # for the local_time filter
    headers = dict(draft.headers or {})
    if draft.unsubscribe is not None:
        if user_id is None:
            raise ValueError("only a person can unsubscribe")
        url = unsubscribe_url(user_id, draft.unsubscribe)
        headers.update(unsubscribe_headers(url))
        context.update(unsubscribe_url=url, unsubscribe_title=topic(draft.unsubscribe).title)
    if draft.reply_to is not None:
        address(draft.reply_to)  # raises ValueError for anything but one address
        headers["Reply-To"] = draft.reply_to
    # An erased person's address receives nothing: the email is kept as a record, not sent.
    erased = is_erased_address(to_email)
    return dict(
        key=draft.key,
        kind=draft.kind,
        to_email=to_email,
        to_name=to_name,
        user_id=user_id,
        subject=one_line(draft.subject),
        text_body=render_template(draft.template + ".txt", **context),
        html_body=render_template(draft.template + ".html", **context),
        calendar=draft.calendar.decode() if draft.calendar is not None else None,
        message_id=new_message_id(),
        thread_key=draft.thread,
        headers=clean_headers(headers),
        status=MailStatus.SUPPRESSED if erased else MailStatus.QUEUED,
        attempts=0,
        last_error="not sent: the person's data was erased" if erased else None,
        about_type=about_type,
        about_id=about_id,
        created_at=utcnow(),
    )


def recipient(to: User | tuple[str, str]) -> tuple[str, str, int | None]:
    """Return (email, name, user id) for a person or an (email, name) pair; check the address."""
    if isinstance(to, User):
        email, name, user_id = to.email, to.name, to.id
    else:
        (email, name), user_id = to, None
    email, name = email.strip(), one_line(name or "")
    address(email, name)  # raises ValueError now rather than in the worker
    return email, name, user_id


def one_line(text: str) -> str:
    """Collapse whitespace, line breaks included, so a value cannot start a new header."""
    return " ".join(text.split())


def clean_headers(headers: dict) -> dict[str, str]:
    """Return the extra headers as strings; refuse reserved names and line breaks."""
    cleaned = {}
    for name, value in headers.items():
        value = str(value)
        if not HEADER_NAME.match(name) or name.lower() in RESERVED_HEADERS:
            raise ValueError(f"header {name!r} cannot be set by the caller")
        if "\r" in value or "\n" in value:
            raise ValueError(f"header {name!r} contains a line break")
        cleaned[name] = value
    return cleaned


def _about(about) -> tuple[str | None, int | None]:
    if about is None:
        return None, None
    if isinstance(about, tuple):
        return about
    if about.id is None:
        db.session.flush()
    return type(about).__name__.lower(), about.id


def new_message_id() -> str:
    """Return a fresh Message-ID in Unstuck's mail domain."""
    return f"<{secrets.token_hex(16)}@{current_app.config['MAIL_DOMAIN']}>"
