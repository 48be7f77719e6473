"""Mail, as a section of a person's data: what was sent to them, what came from them, their
reply addresses, unsubscribes and bounces.

The export lists the mail (kind, subject, when, how it went) without bodies: the bodies
repeat what the other sections hold, and carry one-click links that still work.

Erasing keeps each email as a record with nothing of the person in it: mail to them loses
its address, name and bodies (and is never sent if it was still waiting); mail from them
loses its raw text and sender; mail that names them (a mail server's bounce report, an
email to someone else that says their name) has their name and address replaced, as
`former_name` and `erased_email` say. Their reply addresses, unsubscribes and bounce counts
are deleted. Features call `forget_mail` and `replace_in_mail` to take what someone wrote
out of the mail that carried it, when erasing removes texts.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db, utcnow
from app.mail.models import IncomingMail, IncomingStatus, MailBounce, MailOptOut, MailStatus, OutboundMail, ReplyAddress
from app.people.models import User
from app.people.personal_data import REMOVED, erased_email, former_name, register_personal_data, rows

COVERS = {"outbound_mail.user_id", "reply_addresses.user_id", "mail_opt_outs.user_id"}
BODIES = {"text_body", "html_body", "calendar", "headers"}
NOT_SENT = "not sent: the person's data was erased"
ICAL_LINE = 75  # octets, RFC 5545 3.1


def _to(user: User):
    return sa.or_(OutboundMail.user_id == user.id, sa.func.lower(OutboundMail.to_email) == user.email.lower())


def _from(user: User):
    theirs = sa.select(ReplyAddress.id).where(ReplyAddress.user_id == user.id)
    return sa.or_(
        IncomingMail.reply_address_id.in_(theirs), sa.func.lower(IncomingMail.mail_from) == user.email.lower()
    )


def export_mail(user_id: int) -> dict[str, list[dict]]:
    user = db.session.get(User, user_id)
    return {
        "outbound_mail": rows(OutboundMail, _to(user), omit=BODIES),
        "inbound_mail": rows(IncomingMail, _from(user), omit={"raw", "rcpt_to"}),
        "reply_addresses": rows(ReplyAddress, ReplyAddress.user_id == user_id, omit={"key"}),
        "mail_opt_outs": rows(MailOptOut, MailOptOut.user_id == user_id),
        "mail_bounces": rows(MailBounce, MailBounce.email == user.email.lower()),
    }


def erase_mail(user_id: int, remove_texts: bool) -> None:
    user = db.session.get(User, user_id)
    name, email = user.name, user.email.lower()
    new_name, new_email = former_name(user_id), erased_email(user_id)
    now = utcnow()
    for mail in db.session.scalars(sa.select(IncomingMail).where(_from(user))):
        mail.raw, mail.subject, mail.mail_from, mail.rcpt_to, mail.detail = b"", "", "", [], ""
        if mail.status in (IncomingStatus.RECEIVED, IncomingStatus.READING):
            mail.status, mail.reason, mail.processed_at = IncomingStatus.REFUSED, "erased", now
    for mail in db.session.scalars(sa.select(IncomingMail).where(_raw_names(email, name))):
        mail.raw = _replace_bytes(_replace_bytes(mail.raw, email, new_email), name, new_name)
        for column in ("subject", "detail", "mail_from"):
            text = replace_words(replace_words(getattr(mail, column), email, new_email), name, new_name)
            setattr(mail, column, text)
    db.session.execute(
        sa.update(OutboundMail)
        .where(_to(user))
        .values(to_email=new_email, to_name=new_name, subject="", text_body="", html_body="", calendar=None, headers={})
    )
    db.session.execute(
        sa.update(OutboundMail)
        .where(OutboundMail.to_email == new_email, OutboundMail.status.in_([MailStatus.QUEUED, MailStatus.FAILED]))
        .values(status=MailStatus.SUPPRESSED, last_error=NOT_SENT)
    )
    for old, new in ((name, new_name), (email, new_email)):
        replace_in_mail(OutboundMail.to_email != new_email, old, new)
    for model, where in (
        (ReplyAddress, ReplyAddress.user_id == user_id),
        (MailOptOut, MailOptOut.user_id == user_id),
        (MailBounce, MailBounce.email == email),
    ):
        db.session.execute(sa.delete(model).where(where))


def _raw_names(email: str, name: str):
    """Received mail whose raw text holds the address or the name (as sent, in UTF-8)."""
    found = (
        "position(:{0} IN raw) > 0" if db.session.get_bind().dialect.name == "postgresql" else "instr(raw, :{0}) > 0"
    )
    return sa.or_(
        *(
            sa.text(found.format(f"needle{n}")).bindparams(sa.bindparam(f"needle{n}", needle.encode(), sa.LargeBinary))
            for n, needle in enumerate((email, name))
        )
    )


def forget_mail(where) -> int:
    """Empty the bodies of the emails that match, keeping each as a record; one still
    waiting to go is not sent. Return how many. In the caller's transaction."""
    ids = list(db.session.scalars(sa.select(OutboundMail.id).where(where)))
    if ids:
        db.session.execute(
            sa.update(OutboundMail)
            .where(OutboundMail.id.in_(ids))
            .values(subject=REMOVED, text_body="", html_body="", calendar=None)
        )
        db.session.execute(
            sa.update(OutboundMail)
            .where(OutboundMail.id.in_(ids), OutboundMail.status.in_([MailStatus.QUEUED, MailStatus.FAILED]))
            .values(status=MailStatus.SUPPRESSED, last_error=NOT_SENT)
        )
    return len(ids)


def replace_in_mail(where, old: str, new: str) -> int:
    """Replace a name, an address or a text, as a whole, wherever the matching emails show
    it (subject, name, text and HTML bodies, calendar); return how many emails changed."""
    if not old.strip():
        return 0
    shown = [old, str(escape(old))]
    unfolded = sa.func.replace(OutboundMail.calendar, "\r\n ", "")
    mentions = sa.or_(
        *(
            column.icontains(text, autoescape=True)
            for text in shown
            for column in (
                OutboundMail.subject,
                OutboundMail.to_name,
                OutboundMail.text_body,
                OutboundMail.html_body,
                unfolded,
            )
        )
    )
    changed = 0
    for mail in db.session.scalars(sa.select(OutboundMail).where(where, mentions)):
        mail.subject = replace_words(mail.subject, old, new)
        mail.to_name = replace_words(mail.to_name, old, new)
        mail.text_body = replace_words(mail.text_body, old, new)
        mail.html_body = replace_words(replace_words(mail.html_body, str(escape(old)), str(escape(new))), old, new)
        if mail.calendar:
            mail.calendar = _fold(replace_words(mail.calendar.replace("\r\n ", ""), old, new))
        changed += 1
    return changed


def replace_words(text: str | None, old: str, new: str) -> str | None:
    """The text with `old` replaced where it stands as a whole (not inside a longer word):
    an address whatever its case, a name or a text as it is written."""
    if not text or not old:
        return text
    return re.sub(rf"(?<![\w.+-]){re.escape(old)}(?![\w-])", lambda _: new, text, flags=_case(old))


def _replace_bytes(raw: bytes, old: str, new: str) -> bytes:
    if not old:
        return raw
    return re.sub(
        rb"(?<![\w.+-])" + re.escape(old.encode()) + rb"(?![\w-])", lambda _: new.encode(), raw, flags=_case(old)
    )


def _case(old: str) -> int:
    return re.IGNORECASE if "@" in old else 0


def _fold(calendar: str) -> str:
    """Fold an iCalendar text's lines at 75 octets again, as RFC 5545 wants them."""
    lines = []
    for line in calendar.split("\r\n"):
        parts, current = [], ""
        for char in line:
            if len((current + char).encode()) > (ICAL_LINE if not parts else ICAL_LINE - 1):
                parts.append(current)
                current = ""
            current += char
        lines.append("\r\n ".join([*parts, current]))
    return "\r\n".join(lines)


def register(app) -> None:
    register_personal_data(app, "mail", covers=COVERS, export=export_mail, erase=erase_mail)
