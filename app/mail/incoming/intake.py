"""Receiving email: replies to reply addresses become actions of the feature that owns them.

    receive(raw, via="smtp", mail_from=..., rcpt_to=[...])  # keep it; the job reads it
    read_incoming_mail(incoming_id)                         # the job: post it, or refuse it

A feature registers a handler for the purpose of its reply addresses (app.mail.incoming.handlers):

    register_reply_handler(app, "question", post_reply)

    def post_reply(reply: Reply) -> None:
        ...  # act for reply.user_id on reply.object_id with reply.text (intake commits);
        ...  # raise ReplyRefused("why, in words for the sender") when it cannot

The kernel never imports a feature: it finds the handler by the purpose of the address.

A feature whose addresses take answers from people's calendars (the ORGANIZER address of an
invitation) registers with `calendar=True`. Mail to such an address that carries a calendar
answer (a text/calendar part with METHOD:REPLY, iMIP) is not refused as automatic, even
though calendar software marks it so (Google's come with Auto-Submitted: auto-generated);
it needs no text of its own, since calendars send none or only their own boilerplate; and
its calendar parts are the answer itself, not files the person is told were not kept.
`Reply.calendar` holds the calendar part for the handler.

Intake owns its transactions, several of them, as few other flows in Unstuck do
(app/unit_of_work.py): an email is claimed in a transaction of its own, so that two runs
never act on it at once, and its outcome is recorded in another. The rule for handlers,
which makes a reply post once even when a worker dies:
- Before the handler is called, the email is already marked posted in the open
  transaction, which intake commits after the handler (a handler need not commit). A
  run after a crash finds the email posted.
- So ReplyRefused (or any error) raised by a handler undoes everything, and the sender is
  told why; should a handler commit anyway, the reply counts as posted from then on,
  whatever it raises later. A handler that rolls back and returns (it found the email
  posted already) is taken at its word.
- `Reply.message_id` is the email's identity (its Message-ID, or a digest of it); a
  feature that keeps it with what it made can refuse a second copy of the same email.

Mail is refused, in this order, when it cannot be read (reason "unreadable"), is a bounce
("bounce"; counted against an address only when it proves it answers mail we sent there:
see app.mail.incoming.checks), is an automatic reply
("auto-reply"; a calendar's answer to a calendar address is not one), is not to a live
reply address ("unknown-address", for unknown and revoked keys alike), is not from that
address's own person ("wrong-sender"), failed our mail server's DMARC or SPF check
("unauthenticated", when MAIL_AUTHSERV_ID names that server; see app.mail.incoming.parse.authenticity),
has no handler ("no-handler"), has no text of the sender's own ("empty"; a calendar address
leaves that to its feature), or the handler refuses it ("handler") or fails ("error").
Only a person of ours is ever told of a refusal, with their own words and the links they
need (a feature's ReplyRefused names them): the address's own person, or a known, active
person who wrote to an address of the form of a reply address that is not live (a key
mistyped or gone). Never a sender who may be forged (a wrong sender, an unauthenticated
one), never for bounces or automatic replies, and nobody more than once an hour
(outcomes.ANSWER_EVERY), so that two mail programs never answer each other in a
loop. That holds for mail whose body cannot be read too (more than MAX_PARTS parts, nested
deeper than MAX_DEPTH): its header says who wrote it to which address. Files attached to a
reply are not kept: the text is posted, and the person told so.

Mail whose reading fails READ_ATTEMPTS times (a worker that dies on it, a fault in the
database) is not tried again: it ends as failed, admins see it on the mail problems page,
and its person is told, as for a refusal. Once read, and MAIL_RAW_KEEP_DAYS old, received
mail keeps its record but not its raw bytes (drop_old_raw_mail, run by `flask cron`).

Each outcome is logged with the sender, the Message-ID and the first characters of the
reply key, never the whole key: the key is what lets mail in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from app.database import insert_unless_exists
from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit, requeue_lost
from app.mail.incoming.checks import Reading, Refusal, check_reply, check_sender
from app.mail.incoming.handlers import MESSAGE_ID_CHARS
from app.mail.incoming.outcomes import ANSWER_KIND, may_answer, post, refuse, tell
from app.mail.incoming.parse.message import (
    IncomingMessage,
    UnreadableMail,
    identify,
    parse_header,
    parse_message,
    raw_digest,
)
from app.mail.incoming.parse.text import clean_text
from app.mail.models import IncomingMail, IncomingStatus

log = logging.getLogger(__name__)

# A worker that took an email this long ago and never finished is taken to have died.
CLAIM_TIMEOUT = timedelta(minutes=10)
# Received mail whose job has not started after this long is enqueued again.
UNREAD_AFTER = timedelta(minutes=5)
# A reading of an email that failed this often (a claim gone stale, an error) is not tried again.
READ_ATTEMPTS = 5
ADDRESS_CHARS = 254
MAX_RECIPIENTS = 10  # a reply goes to one address; the receiver refuses more at RCPT
FINISHED = (IncomingStatus.POSTED, IncomingStatus.REFUSED, IncomingStatus.FAILED)


# -- keeping what arrives --------------------------------------------------------------


def receive(raw: bytes, via: str, mail_from: str = "", rcpt_to: Iterable[str] = ()) -> IncomingMail | None:
    """Keep a received email and enqueue the job that reads it; return its row, or None if
    the same email (by Message-ID) was received before.

    `mail_from` and `rcpt_to` are the SMTP envelope, where there was one ("<>" for an empty
    sender); who may send what to which address is for the receiver and the endpoint to
    check first (app.mail.addresses.takes_mail_for). Commits: the sender may be told the
    mail is accepted once this returns.
    """
    header_id, subject = identify(raw)
    message_id = incoming_message_id(header_id, raw)
    values = dict(
        message_id=message_id,
        mail_from=clean_text(mail_from or "")[:ADDRESS_CHARS],
        rcpt_to=[clean_text(str(r))[:ADDRESS_CHARS] for r in list(rcpt_to)[:MAX_RECIPIENTS]],
        subject=subject[:2000],
        raw=bytes(raw),
        via=via,
        status=IncomingStatus.RECEIVED,
        reason="",
        detail="",
        received_at=utcnow(),
    )
    incoming_id = insert_unless_exists(IncomingMail.__table__, values, "message_id")
    if incoming_id is None:
        db.session.rollback()
        log.info("mail received: duplicate via=%s message_id=%s", via, message_id)
        return None
    enqueue_after_commit(read_incoming_mail, incoming_id, queue="default")
    db.session.commit()
    log.info("mail received: id=%s via=%s message_id=%s size=%s", incoming_id, via, message_id, len(raw))
    return db.session.get(IncomingMail, incoming_id)


def incoming_message_id(header_id: str, raw: bytes) -> str:
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
    waiting = sa.and_(IncomingMail.status == IncomingStatus.RECEIVED, IncomingMail.received_at < now - older_than)
    return requeue_lost(IncomingMail.id, sa.or_(waiting, _stale_claim(now)), read_incoming_mail, queue="default")


def drop_old_raw_mail() -> int:
    """Drop the raw bytes of received mail that was read and is MAIL_RAW_KEEP_DAYS old, and
    commit; return how many. The record of each (sender, subject, outcome) stays."""
    cutoff = utcnow() - timedelta(days=current_app.config["MAIL_RAW_KEEP_DAYS"])
    dropped = db.session.execute(
        sa.update(IncomingMail)
        .where(
            IncomingMail.status.in_(FINISHED), IncomingMail.received_at < cutoff, sa.func.length(IncomingMail.raw) > 0
        )
        .values(raw=b"")
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if dropped:
        log.info("raw mail dropped: %s received before %s", dropped, cutoff.isoformat())
    return dropped


# -- reading it ------------------------------------------------------------------------


def read_incoming_mail(incoming_id: int) -> str:
    """Read a received email and act on it once; return its status afterwards.

    Another run that has the email, or has finished it, makes this one do nothing; a run
    that finds it tried READ_ATTEMPTS times gives up on it (status failed). Commits.
    """
    claimed_at = claim(incoming_id)
    if claimed_at is None:
        given_up = _give_up(incoming_id)
        if given_up is not None:
            return given_up
        row = db.session.get(IncomingMail, incoming_id)
        db.session.rollback()
        return row.status.value if row is not None else "missing"
    try:
        return _read_claimed(incoming_id, claimed_at)
    except SQLAlchemyError as exc:
        # The database may be back later: the claim goes stale and the sweep retries, up
        # to READ_ATTEMPTS times. The error is kept for the admins, if it can be.
        _note_error(incoming_id, exc)
        raise


def _read_claimed(incoming_id: int, claimed_at: datetime) -> str:
    row = db.session.get(IncomingMail, incoming_id)
    reading = Reading(incoming_id, claimed_at, row.message_id)
    null_sender, envelope = row.mail_from == "<>", list(row.rcpt_to or [])
    try:
        msg = parse_message(row.raw)
    except UnreadableMail as exc:
        return refuse(reading, _unreadable(reading, row.raw, null_sender, envelope, str(exc)))
    reading.sender, reading.subject = msg.from_addr or "-", msg.subject
    try:
        outcome = check_reply(reading, msg, null_sender, envelope)
    except SQLAlchemyError:
        raise
    except Exception as exc:  # a bug would fail every retry: record it instead
        db.session.rollback()
        log.exception("could not read received mail: message_id=%s", reading.message_id)
        outcome = Refusal("error", f"{type(exc).__name__}: {exc}"[:2000])
    if isinstance(outcome, Refusal):
        return refuse(reading, outcome)
    return post(reading, msg, outcome)


def _unreadable(reading: Reading, raw: bytes, null_sender: bool, envelope: list[str], why: str) -> Refusal:
    """Refuse mail whose body cannot be read; its person is told why, when its header shows
    them writing to their own reply address (as for any other refusal)."""
    header = parse_header(raw)
    if header is None or _checked_sender(reading, header, null_sender, envelope) is not None:
        reading.address, reading.person_id = None, None  # nobody is told
        return Refusal("unreadable", why)
    return Refusal(
        "unreadable",
        why,
        note=f"Unstuck could not read your email: {why}. Please write "
        "your answer again in a new, plain email, or answer in "
        "Unstuck.",
    )


def _checked_sender(
    reading: Reading, header: IncomingMessage, null_sender: bool, envelope: list[str]
) -> Refusal | None:
    """check_sender on the header alone, which also names the sender and subject for the record."""
    reading.sender, reading.subject = header.from_addr or "-", header.subject
    return check_sender(reading, header, null_sender, envelope)


def claim(incoming_id: int) -> datetime | None:
    """Take an email to read it, and commit; return the time of the claim, or None if it is
    not to be read now (another worker has it, it is done, or it was tried too often).

    A claim older than CLAIM_TIMEOUT belonged to a worker that died, and is taken over.
    """
    now = utcnow()
    statement = (
        sa.update(IncomingMail)
        .where(
            IncomingMail.id == incoming_id,
            IncomingMail.attempts < READ_ATTEMPTS,
            sa.or_(IncomingMail.status == IncomingStatus.RECEIVED, _stale_claim(now)),
        )
        .values(status=IncomingStatus.READING, claimed_at=now, attempts=IncomingMail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    taken = db.session.execute(statement).rowcount == 1
    db.session.commit()
    return now if taken else None


def _give_up(incoming_id: int) -> str | None:
    """End an email that was tried READ_ATTEMPTS times as failed, tell its person if its
    header shows who they are, and commit; return "failed", or None if it was not due."""
    now = utcnow()
    due = (
        IncomingMail.id == incoming_id,
        IncomingMail.attempts >= READ_ATTEMPTS,
        sa.or_(IncomingMail.status == IncomingStatus.RECEIVED, _stale_claim(now)),
    )
    row = db.session.scalar(sa.select(IncomingMail).where(*due).with_for_update())
    if row is None:
        db.session.rollback()
        return None
    detail = f"gave up after {row.attempts} attempts to read it"
    if row.detail:
        detail += f"; last error: {row.detail}"
    reading = Reading(incoming_id, row.claimed_at, row.message_id)
    try:
        header = parse_header(row.raw)
        envelope = list(row.rcpt_to or [])
        if (
            header is not None
            and _checked_sender(reading, header, row.mail_from == "<>", envelope) is None
            and may_answer(reading.person_id)
        ):
            tell(
                reading,
                ANSWER_KIND,
                "Your reply was not posted",
                "mail/reply_refused",
                {
                    "why": "Your email could not be read, because of a fault on our side. "
                    "Please answer in Unstuck instead.",
                    "text": "",
                },
            )
    except Exception:  # telling must not keep the email from ending: it would never end
        log.exception("could not tell the person of failed mail: message_id=%s", row.message_id)
        db.session.rollback()
        row = db.session.scalar(sa.select(IncomingMail).where(*due).with_for_update())
        if row is None:
            db.session.rollback()
            return None
    row.status, row.reason, row.detail, row.processed_at = IncomingStatus.FAILED, "failed", detail[:2000], now
    db.session.commit()
    log.error("mail failed: message_id=%s from=%s %s", row.message_id, reading.sender, detail)
    return IncomingStatus.FAILED.value


def _note_error(incoming_id: int, exc: Exception) -> None:
    """Keep the error of a failed reading with the email, for the admins; never raises."""
    try:
        db.session.rollback()
        db.session.execute(
            sa.update(IncomingMail)
            .where(IncomingMail.id == incoming_id, IncomingMail.status == IncomingStatus.READING)
            .values(detail=clean_text(f"{type(exc).__name__}: {exc}")[:2000])
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except Exception:
        db.session.rollback()


def _stale_claim(now: datetime):
    return sa.and_(IncomingMail.status == IncomingStatus.READING, IncomingMail.claimed_at < now - CLAIM_TIMEOUT)
