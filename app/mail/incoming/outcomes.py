"""What becomes of a received email once it is read: handed to the feature behind its reply
address (marked posted in the same transaction), or refused; recorded once, by the run that
holds the claim; its person told when they should hear, at most once an hour
(ANSWER_EVERY) whatever they send. The rules are in app.mail.incoming.intake.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.incoming.checks import Reading, Refusal
from app.mail.incoming.handlers import Reply, ReplyRefused, takes_calendar_answers
from app.mail.incoming.parse.message import IncomingMessage
from app.mail.incoming.parse.text import clean_text
from app.mail.models import IncomingMail, IncomingStatus, OutboundMail
from app.mail.outgoing.compose import send_mail
from app.people.models import User

log = logging.getLogger("app.mail.incoming.intake")  # one log for everything received

KEY_SHOWN = 6  # characters of a reply key that the log shows
# A person hears why their email was not posted at most this often: one answer makes the
# point, and two mail programs answering each other (or a forged sender) never loop.
ANSWER_EVERY = timedelta(hours=1)
ANSWER_KIND = "reply_refused"


def _kept_out(msg: IncomingMessage, purpose: str) -> tuple[str, ...]:
    """The names of the files of the email that the feature does not take: every file, less
    the calendar parts when the feature reads calendar answers."""
    calendar = takes_calendar_answers(purpose)
    return tuple(a.filename for a in msg.attachments if not (calendar and a.is_calendar))


def post(reading: Reading, msg: IncomingMessage, handler: Callable[[Reply], None]) -> str:
    """Hand the reply to its feature, with the email marked posted in the same transaction."""
    address = reading.address
    files = _kept_out(msg, address.purpose)
    if not _mark_posted(reading, files):
        return _lost_claim(reading)
    reply = Reply(
        address.purpose,
        address.object_id,
        address.user_id,
        reading.text,
        msg.subject,
        reading.message_id,
        files,
        msg.calendar,
    )
    try:
        handler(reply)
    except ReplyRefused as refused:
        return _after_handler_error(
            reading, Refusal("handler", str(refused), note=str(refused), links=refused.links, subject=refused.subject)
        )
    except Exception as exc:
        log.exception("reply handler failed: purpose=%s message_id=%s", reply.purpose, reading.message_id)
        return _after_handler_error(
            reading,
            Refusal(
                "error",
                f"{type(exc).__name__}: {exc}"[:2000],
                note="Something went wrong on our side and your reply was not posted. "
                "Please answer in Unstuck instead.",
            ),
        )
    db.session.commit()
    if _status(reading) != IncomingStatus.POSTED:
        # The handler rolled its transaction back (and the mark with it) yet returned as
        # done, as it may when it finds the same email posted already.
        if not _mark_posted(reading, files):
            return _lost_claim(reading)
        db.session.commit()
    log.info(
        "mail posted: purpose=%s object=%s from=%s message_id=%s key=%s attachments=%s",
        reply.purpose,
        reply.object_id,
        reading.sender,
        reading.message_id,
        _shown(reading.key),
        len(files),
    )
    return IncomingStatus.POSTED.value


def _mark_posted(reading: Reading, files: tuple[str, ...]) -> bool:
    """Write into the open transaction that the email is posted, the address used and,
    if it had files, the note that they were not kept; return False if the claim was lost."""
    address, now = reading.address, utcnow()
    if not _record(reading, IncomingStatus.POSTED, "", f"{address.purpose}:{address.object_id}", now):
        return False
    address.last_used_at = now
    if files:
        tell(
            reading,
            "reply_attachments",
            "Your reply was posted; its files were not kept",
            "mail/reply_attachments",
            {"filenames": files},
        )
    db.session.flush()
    return True


def _status(reading: Reading) -> IncomingStatus | None:
    return db.session.scalar(sa.select(IncomingMail.status).where(IncomingMail.id == reading.incoming_id))


def _after_handler_error(reading: Reading, refusal: Refusal) -> str:
    """Undo what the handler did and refuse, unless it had committed the post already."""
    db.session.rollback()
    if _status(reading) == IncomingStatus.POSTED:
        log.error(
            "reply handler failed after posting: purpose=%s message_id=%s detail=%s",
            reading.address.purpose,
            reading.message_id,
            refusal.detail,
        )
        db.session.rollback()
        return IncomingStatus.POSTED.value
    return refuse(reading, refusal)


def refuse(reading: Reading, refusal: Refusal) -> str:
    """Record why the email is not acted on, tell its person if they should hear (and were
    not told of another email within ANSWER_EVERY), and commit."""
    if not _record(reading, IncomingStatus.REFUSED, refusal.reason, refusal.detail, utcnow()):
        return _lost_claim(reading)
    if refusal.note and reading.person_id is not None:
        if may_answer(reading.person_id):
            # A feature's words may quote what came in (a calendar's error): cleaned as mail is.
            tell(
                reading,
                ANSWER_KIND,
                refusal.subject or "Your reply was not posted",
                "mail/reply_refused",
                {"why": clean_text(refusal.note), "text": reading.text, "links": refusal.links},
            )
        else:
            _note_detail(reading, f"{refusal.detail}; not answered: answered within the hour")
    db.session.commit()
    log.info(
        "mail refused: reason=%s from=%s message_id=%s key=%s detail=%s",
        refusal.reason,
        reading.sender,
        reading.message_id,
        _shown(reading.key),
        refusal.detail[:200],
    )
    return IncomingStatus.REFUSED.value


def may_answer(person_id: int) -> bool:
    """Whether the person may be told of their email now: nobody told them of another one
    within ANSWER_EVERY. Their row stays locked until the commit, so two workers refusing two
    of their emails at once answer one."""
    db.session.execute(sa.select(User.id).where(User.id == person_id).with_for_update(key_share=True))
    return not db.session.scalar(
        sa.select(
            sa.exists().where(
                OutboundMail.user_id == person_id,
                OutboundMail.kind == ANSWER_KIND,
                OutboundMail.created_at > utcnow() - ANSWER_EVERY,
            )
        )
    )


def _note_detail(reading: Reading, detail: str) -> None:
    db.session.execute(
        sa.update(IncomingMail)
        .where(IncomingMail.id == reading.incoming_id)
        .values(detail=clean_text(detail)[:2000])
        .execution_options(synchronize_session=False)
    )


def _record(reading: Reading, status: IncomingStatus, reason: str, detail: str, now: datetime) -> bool:
    """Write the outcome, if this run still holds the claim; return whether it did.

    On PostgreSQL the row stays locked until the commit, so a worker taking over a claim
    it thinks stale waits, then finds the email done.
    """
    address = reading.address
    statement = (
        sa.update(IncomingMail)
        .where(
            IncomingMail.id == reading.incoming_id,
            IncomingMail.status == IncomingStatus.READING,
            IncomingMail.claimed_at == reading.claimed_at,
        )
        .values(
            status=status,
            reason=reason,
            detail=clean_text(detail),
            processed_at=now,
            reply_address_id=address.id if address is not None else None,
        )
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).rowcount == 1


def _lost_claim(reading: Reading) -> str:
    db.session.rollback()
    log.warning("mail taken over by another run: message_id=%s", reading.message_id)
    status = _status(reading)
    db.session.rollback()
    return status.value if status is not None else "missing"


def tell(reading: Reading, kind: str, subject: str, template: str, context: dict) -> None:
    """Mail the person who wrote the email about it, once per email and kind."""
    owner = db.session.get(User, reading.person_id)
    send_mail(
        f"inbound:{reading.incoming_id}:{kind}",
        kind,
        owner,
        subject,
        template,
        {"subject": reading.subject, **context},
        about=("inbound_mail", reading.incoming_id),
    )


def _shown(key: str | None) -> str:
    """The start of a reply key, enough to find it in the database; the log never has a whole key."""
    return f"{key[:KEY_SHOWN]}..." if key else "-"
