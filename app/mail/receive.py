"""Receiving email: replies to reply addresses become actions of the feature that owns them.

    receive(raw, via="smtp", mail_from=..., rcpt_to=[...])  # keep it; the job reads it
    process_inbound(inbound_id)                              # the job: post it, or refuse it

A feature registers a handler for the purpose of its reply addresses (app.mail.reply_handlers):

    register_reply_handler(app, "question", post_reply)

    def post_reply(reply: Reply) -> None:
        ...  # act for reply.user_id on reply.object_id with reply.text, and commit;
        ...  # raise ReplyRefused("why, in words for the sender") when it cannot

The kernel never imports a feature: it finds the handler by the purpose of the address.

A feature whose addresses take answers from people's calendars (the ORGANIZER address of an
invitation) registers with `calendar=True`. Mail to such an address that carries a calendar
answer (a text/calendar part with METHOD:REPLY, iMIP) is not refused as automatic, even
though calendar software marks it so (Google's come with Auto-Submitted: auto-generated);
it needs no text of its own, since calendars send none or only their own boilerplate; and
its calendar parts are the answer itself, not files the person is told were not kept.
`Reply.calendar` holds the calendar part for the handler.

The rule for handlers, which makes a reply post once even when a worker dies:
- Before the handler is called, the email is already marked posted in the open
  transaction. Whatever the handler commits, that mark commits with it; if the handler
  does not commit, the job commits after it. A run after a crash finds the email posted.
- So a handler checks first and commits after: ReplyRefused (or any error) raised before
  its first commit undoes everything, and the sender is told why. Once a handler has
  committed, the reply counts as posted, whatever it raises later. A handler that rolls
  back and returns (it found the email posted already) is taken at its word.
- `Reply.message_id` is the email's identity (its Message-ID, or a digest of it); a
  feature that keeps it with what it made can refuse a second copy of the same email.

Mail is refused, in this order, when it cannot be read (reason "unreadable"), is a bounce
("bounce"; the bounced addresses are counted in MailBounce), is an automatic reply
("auto-reply"; a calendar's answer to a calendar address is not one), is not to a live
reply address ("unknown-address", for unknown and revoked keys alike), is not from that
address's own person ("wrong-sender"), failed our mail server's DMARC or SPF check
("unauthenticated", when MAIL_AUTHSERV_ID names that server; see app.mail.authenticity),
has no handler ("no-handler"), has no text of the sender's own ("empty"; a calendar address
leaves that to its feature), or the handler refuses it ("handler") or fails ("error").
Only the address's own person is ever told of a refusal, never a sender who may be forged,
and never for bounces or automatic replies.
Files attached to a reply are not kept: the text is posted, and the person told so.

Each outcome is logged with the sender, the Message-ID and the first characters of the
reply key, never the whole key: the key is what lets mail in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from app.database import insert_unless_exists
from app.extensions import db, utcnow
from app.jobs import enqueue, enqueue_after_commit
from app.mail.addresses import find_reply_address, key_of
from app.mail.authenticity import authentication_failure
from app.mail.compose import send_mail
from app.mail.automatic import auto_reply_reason, bounce_reason, bounce_recipients
from app.mail.bounces import count_bounces
from app.mail.inbound import InboundMessage, UnreadableMail, identify, parse_message, raw_digest
from app.mail.models import InboundMail, InboundStatus, ReplyAddress
from app.mail.reply_handlers import MESSAGE_ID_CHARS, Reply, ReplyRefused, reply_handler, takes_calendar_answers
from app.mail.reply_text import reply_from_bodies
from app.people.models import User

log = logging.getLogger(__name__)

# A worker that took an email this long ago and never finished is taken to have died.
CLAIM_TIMEOUT = timedelta(minutes=10)
# Received mail whose job has not started after this long is enqueued again.
UNREAD_AFTER = timedelta(minutes=5)
ADDRESS_CHARS = 254
MAX_RECIPIENTS = 100
KEY_SHOWN = 6  # characters of a reply key that the log shows


# -- keeping what arrives --------------------------------------------------------------


def receive(raw: bytes, via: str, mail_from: str = "", rcpt_to: Iterable[str] = ()) -> InboundMail | None:
    """Keep a received email and enqueue the job that reads it; return its row, or None if
    the same email (by Message-ID) was received before.

    `mail_from` and `rcpt_to` are the SMTP envelope, where there was one ("<>" for an empty
    sender). Commits: the sender may be told the mail is accepted once this returns.
    """
    header_id, subject = identify(raw)
    message_id = inbound_message_id(header_id, raw)
    values = dict(
        message_id=message_id, mail_from=(mail_from or "")[:ADDRESS_CHARS],
        rcpt_to=[str(r)[:ADDRESS_CHARS] for r in list(rcpt_to)[:MAX_RECIPIENTS]],
        subject=subject[:2000], raw=bytes(raw), via=via, status=InboundStatus.RECEIVED,
        reason="", detail="", received_at=utcnow(),
    )
    inbound_id = insert_unless_exists(InboundMail.__table__, values, "message_id")
    if inbound_id is None:
        db.session.rollback()
        log.info("mail received: duplicate via=%s message_id=%s", via, message_id)
        return None
    enqueue_after_commit(process_inbound, inbound_id, queue="default")
    db.session.commit()
    log.info("mail received: id=%s via=%s message_id=%s size=%s", inbound_id, via, message_id, len(raw))
    return db.session.get(InboundMail, inbound_id)


def inbound_message_id(header_id: str, raw: bytes) -> str:
    """The identity of a received email: its Message-ID, or a digest when it has none
    (of the raw bytes) or one too long to keep (of the Message-ID)."""
    if not header_id:
        return raw_digest(raw)
    return header_id if len(header_id) <= MESSAGE_ID_CHARS else raw_digest(header_id)


def requeue_unread_mail(older_than: timedelta = UNREAD_AFTER) -> int:
    """Enqueue reading of received emails whose job was lost; return how many were enqueued.

    That is emails still waiting long after they arrived (Redis was down at the commit),
    and emails a worker took and never finished.
    """
    now = utcnow()
    ids = db.session.scalars(sa.select(InboundMail.id).where(sa.or_(
        sa.and_(InboundMail.status == InboundStatus.RECEIVED, InboundMail.received_at < now - older_than),
        _stale_claim(now),
    )).order_by(InboundMail.id)).all()
    for inbound_id in ids:
        enqueue(process_inbound, inbound_id, queue="default")
    return len(ids)


# -- reading it ------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why an email is not acted on; `note` is what its person is told, if they are told."""

    reason: str
    detail: str = ""
    note: str | None = None


@dataclass
class _Reading:
    """One run of the job over one email: what it has found out so far."""

    inbound_id: int
    claimed_at: datetime
    message_id: str
    sender: str = "-"
    key: str | None = None
    subject: str = ""
    address: ReplyAddress | None = None
    text: str = ""


def process_inbound(inbound_id: int) -> str:
    """Read a received email and act on it once; return its status afterwards.

    Another run that has the email, or has finished it, makes this one do nothing. Commits.
    """
    claimed_at = claim(inbound_id)
    if claimed_at is None:
        row = db.session.get(InboundMail, inbound_id)
        db.session.rollback()
        return row.status.value if row is not None else "missing"
    row = db.session.get(InboundMail, inbound_id)
    reading = _Reading(inbound_id, claimed_at, row.message_id)
    try:
        msg = parse_message(row.raw)
    except UnreadableMail as exc:
        return _refuse(reading, Refusal("unreadable", str(exc)))
    reading.sender, reading.subject = msg.from_addr or "-", msg.subject
    try:
        outcome = _check(reading, msg, null_sender=row.mail_from == "<>", envelope=list(row.rcpt_to or []))
    except SQLAlchemyError:
        raise  # the database may be back later: the claim goes stale and the sweep retries
    except Exception as exc:  # a bug would fail every retry: record it instead
        db.session.rollback()
        log.exception("could not read received mail: message_id=%s", reading.message_id)
        outcome = Refusal("error", f"{type(exc).__name__}: {exc}"[:2000])
    if isinstance(outcome, Refusal):
        return _refuse(reading, outcome)
    return _post(reading, msg, outcome)


def claim(inbound_id: int) -> datetime | None:
    """Take an email to read it, and commit; return the time of the claim, or None if it is
    not to be read now (another worker has it, or it is done).

    A claim older than CLAIM_TIMEOUT belonged to a worker that died, and is taken over.
    """
    now = utcnow()
    statement = (
        sa.update(InboundMail)
        .where(InboundMail.id == inbound_id,
               sa.or_(InboundMail.status == InboundStatus.RECEIVED, _stale_claim(now)))
        .values(status=InboundStatus.READING, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    taken = db.session.execute(statement).rowcount == 1
    db.session.commit()
    return now if taken else None


def _stale_claim(now: datetime):
    return sa.and_(InboundMail.status == InboundStatus.READING,
                   InboundMail.claimed_at < now - CLAIM_TIMEOUT)


def _check(reading: _Reading, msg: InboundMessage, null_sender: bool,
           envelope: list[str]) -> Refusal | Callable[[Reply], None]:
    """Decide whether the email is a reply to act on: its handler, or why not."""
    candidates = [*envelope, *msg.recipients]
    reading.key = next((key for key in map(key_of, candidates) if key), None)
    bounced = bounce_recipients(msg)
    if bounced is not None:
        count_bounces(bounced, bounce_reason(msg))
        return Refusal("bounce", ", ".join(bounced) or "no address named")
    automatic = auto_reply_reason(msg, null_sender=null_sender)
    if automatic and not _calendar_answer(msg, candidates):
        return Refusal("auto-reply", automatic)
    address = find_reply_address(candidates)
    if address is None:
        return Refusal("unknown-address", "no live reply address among the recipients")
    reading.address, reading.key = address, address.key
    owner = db.session.get(User, address.user_id)
    if owner is None or msg.from_addr != owner.email.lower():
        return Refusal("wrong-sender", f"from {msg.from_addr or 'nobody'}")
    if failure := authentication_failure(msg.headers, msg.from_addr, current_app.config["MAIL_AUTHSERV_ID"]):
        return Refusal("unauthenticated", failure)  # told to nobody, as a wrong sender
    reading.text = reply_from_bodies(msg.text_body, msg.html_body).strip()
    handler = reply_handler(address.purpose)
    if handler is None:
        return Refusal("no-handler", f"purpose {address.purpose}",
                       note="Replies to this email cannot be posted. Please answer in Unstuck instead.")
    if not reading.text and not takes_calendar_answers(address.purpose):
        return Refusal("empty", "no text of the sender's own",
                       note="We found no text of your own in your email, only quoted text or a "
                            "signature, so there was nothing to post. Please write your answer "
                            "above the quoted email and send it again.")
    return handler


def _calendar_answer(msg: InboundMessage, candidates: list[str]) -> bool:
    """Whether the email is a calendar's answer to an invitation (METHOD:REPLY), sent to a
    reply address whose feature takes such answers: the person answered in their calendar,
    whatever the calendar software says about itself."""
    if msg.calendar_method != "REPLY":
        return False
    address = find_reply_address(candidates)
    return address is not None and takes_calendar_answers(address.purpose)


def _kept_out(msg: InboundMessage, purpose: str) -> tuple[str, ...]:
    """The names of the files of the email that the feature does not take: every file, less
    the calendar parts when the feature reads calendar answers."""
    calendar = takes_calendar_answers(purpose)
    return tuple(a.filename for a in msg.attachments if not (calendar and a.is_calendar))


def _post(reading: _Reading, msg: InboundMessage, handler: Callable[[Reply], None]) -> str:
    """Hand the reply to its feature, with the email marked posted in the same transaction."""
    address = reading.address
    files = _kept_out(msg, address.purpose)
    if not _mark_posted(reading, files):
        return _lost_claim(reading)
    reply = Reply(address.purpose, address.object_id, address.user_id, reading.text,
                  msg.subject, reading.message_id, files, msg.calendar)
    try:
        handler(reply)
    except ReplyRefused as refused:
        return _after_handler_error(reading, Refusal("handler", str(refused), note=str(refused)))
    except Exception as exc:
        log.exception("reply handler failed: purpose=%s message_id=%s", reply.purpose, reading.message_id)
        return _after_handler_error(reading, Refusal(
            "error", f"{type(exc).__name__}: {exc}"[:2000],
            note="Something went wrong on our side and your reply was not posted. "
                 "Please answer in Unstuck instead."))
    db.session.commit()
    if _status(reading) != InboundStatus.POSTED:
        # The handler rolled its transaction back (and the mark with it) yet returned as
        # done, as it may when it finds the same email posted already.
        if not _mark_posted(reading, files):
            return _lost_claim(reading)
        db.session.commit()
    log.info("mail posted: purpose=%s object=%s from=%s message_id=%s key=%s attachments=%s",
             reply.purpose, reply.object_id, reading.sender, reading.message_id,
             _shown(reading.key), len(files))
    return InboundStatus.POSTED.value


def _mark_posted(reading: _Reading, files: tuple[str, ...]) -> bool:
    """Write into the open transaction that the email is posted, the address used and,
    if it had files, the note that they were not kept; return False if the claim was lost."""
    address, now = reading.address, utcnow()
    if not _record(reading, InboundStatus.POSTED, "", f"{address.purpose}:{address.object_id}", now):
        return False
    address.last_used_at = now
    if files:
        _tell(reading, "reply_attachments", "Your reply was posted; its files were not kept",
              "mail/reply_attachments", {"filenames": files})
    db.session.flush()
    return True


def _status(reading: _Reading) -> InboundStatus | None:
    return db.session.scalar(sa.select(InboundMail.status).where(InboundMail.id == reading.inbound_id))


def _after_handler_error(reading: _Reading, refusal: Refusal) -> str:
    """Undo what the handler did and refuse, unless it had committed the post already."""
    db.session.rollback()
    if _status(reading) == InboundStatus.POSTED:
        log.error("reply handler failed after posting: purpose=%s message_id=%s detail=%s",
                  reading.address.purpose, reading.message_id, refusal.detail)
        db.session.rollback()
        return InboundStatus.POSTED.value
    return _refuse(reading, refusal)


def _refuse(reading: _Reading, refusal: Refusal) -> str:
    """Record why the email is not acted on, tell its person if they should hear, and commit."""
    if not _record(reading, InboundStatus.REFUSED, refusal.reason, refusal.detail, utcnow()):
        return _lost_claim(reading)
    if refusal.note and reading.address is not None:
        _tell(reading, "reply_refused", "Your reply was not posted", "mail/reply_refused",
              {"why": refusal.note, "text": reading.text})
    db.session.commit()
    log.info("mail refused: reason=%s from=%s message_id=%s key=%s detail=%s", refusal.reason,
             reading.sender, reading.message_id, _shown(reading.key), refusal.detail[:200])
    return InboundStatus.REFUSED.value


def _record(reading: _Reading, status: InboundStatus, reason: str, detail: str, now: datetime) -> bool:
    """Write the outcome, if this run still holds the claim; return whether it did.

    On PostgreSQL the row stays locked until the commit, so a worker taking over a claim
    it thinks stale waits, then finds the email done.
    """
    address = reading.address
    statement = (
        sa.update(InboundMail)
        .where(InboundMail.id == reading.inbound_id, InboundMail.status == InboundStatus.READING,
               InboundMail.claimed_at == reading.claimed_at)
        .values(status=status, reason=reason, detail=detail, processed_at=now,
                reply_address_id=address.id if address is not None else None)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).rowcount == 1


def _lost_claim(reading: _Reading) -> str:
    db.session.rollback()
    log.warning("mail taken over by another run: message_id=%s", reading.message_id)
    status = _status(reading)
    db.session.rollback()
    return status.value if status is not None else "missing"


def _tell(reading: _Reading, kind: str, subject: str, template: str, context: dict) -> None:
    """Mail the reply address's own person about their email, once per email and kind."""
    owner = db.session.get(User, reading.address.user_id)
    send_mail(f"inbound:{reading.inbound_id}:{kind}", kind, owner, subject, template,
              {"subject": reading.subject, **context}, about=("inbound_mail", reading.inbound_id))


def _shown(key: str | None) -> str:
    """The start of a reply key, enough to find it in the database; the log never has a whole key."""
    return f"{key[:KEY_SHOWN]}..." if key else "-"
