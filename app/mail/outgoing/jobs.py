"""The jobs that send recorded emails: each email is claimed, sent once, and logged.

These jobs commit several times, as few flows in Unstuck do (app/unit_of_work.py): a batch
is claimed and committed before it is handed to the mail server, and each outcome is
committed as it comes, so that an email is never sent twice nor left claimed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from rq import Retry

from app.extensions import db, utcnow
from app.jobs import enqueue_after_commit, requeue_lost
from app.mail.addresses import bounce_address
from app.mail.models import MailStatus, OutboundMail
from app.mail.outgoing.bounces import mail_paused, mail_pauses, paused_mail_handler
from app.mail.outgoing.transport import outgoing_message, send_batch

log = logging.getLogger(__name__)

# A failed send is tried again after 1 minute, 5, 15, 1 hour and 3 hours.
RETRY = Retry(max=5, interval=[60, 300, 900, 3600, 3 * 3600])
# A worker that claimed an email this long ago and never finished is taken to have died.
CLAIM_TIMEOUT = timedelta(minutes=10)
# An email still queued this long after it was recorded has lost its job: a job normally
# starts within seconds, and a blocking question's mentor must not wait for a slow sweep.
LOST_JOB_AFTER = timedelta(minutes=2)


class MailNotSent(Exception):
    """Some emails of a batch could not be sent; they are marked failed for a retry."""


def deliver(mail_id: int) -> bool:
    """Send a recorded email unless it is sent or being sent; return whether it went now.

    If the server refuses it or cannot be reached, the email is marked failed with the
    error, and the error is raised again so that the queue retries the job. It commits
    the session, so it runs as a job, not inside a caller's transaction.
    """
    sent, errors = _deliver([mail_id])
    if errors:
        raise errors[0]
    return sent == 1


def deliver_batch(mail_ids: list[int]) -> int:
    """Send many recorded emails over one connection; return how many went now.

    Emails already sent or being sent are skipped. Raises MailNotSent if any failed, so
    that the queue retries the job, which then sends only the ones still unsent.
    """
    sent, errors = _deliver(mail_ids)
    if errors:
        raise MailNotSent(f"{len(errors)} email(s) not sent; first error: {describe(errors[0])}")
    return sent


def requeue_unsent_mail(older_than: timedelta = LOST_JOB_AFTER) -> int:
    """Enqueue delivery of emails whose job was lost; return how many were enqueued.

    That is emails still queued a while after they were recorded (Redis was down at the
    commit), and emails a worker claimed and never finished. Enqueueing one whose job was
    only slow is harmless: claiming lets one job send it.
    """
    now = utcnow()
    waiting = sa.and_(OutboundMail.status == MailStatus.QUEUED, OutboundMail.created_at < now - older_than)
    return requeue_lost(OutboundMail.id, sa.or_(waiting, _stale_claim(now)), deliver, queue="mail", retry=RETRY)


def claim(mail_ids: Iterable[int]) -> list[int]:
    """Mark the emails that may be sent now as being sent, and commit; return their ids.

    The conditional UPDATE lets only one worker take an email: a second one finds it
    already 'sending' or 'sent' and leaves it alone.
    """
    now = utcnow()
    statement = (
        sa.update(OutboundMail)
        .where(
            OutboundMail.id.in_(list(mail_ids)),
            sa.or_(OutboundMail.status.in_([MailStatus.QUEUED, MailStatus.FAILED]), _stale_claim(now)),
        )
        .values(status=MailStatus.SENDING, claimed_at=now, attempts=OutboundMail.attempts + 1)
        .returning(OutboundMail.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(db.session.scalars(statement))
    db.session.commit()
    return ids


def _stale_claim(now):
    return sa.and_(OutboundMail.status == MailStatus.SENDING, OutboundMail.claimed_at < now - CLAIM_TIMEOUT)


def _deliver(mail_ids: Iterable[int]) -> tuple[int, list[Exception]]:
    """Claim, send and record the outcome of each email; return (sent, errors)."""
    ids = claim(mail_ids)
    if not ids:
        return 0, []
    mails = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.id.in_(ids)).order_by(OutboundMail.id)).all()
    mails = _without_bouncing(mails)
    outcomes: dict[int, Exception | None] = {}
    ready: list[_Sending] = []
    messages = []
    for mail in mails:
        try:
            messages.append(outgoing_message(mail))
        except ValueError as exc:  # a header the email package refuses; retrying cannot help
            outcomes[mail.id] = exc
        else:
            ready.append(_Sending(mail.id, mail.to_email, mail.kind, mail.about, mail.message_id))
    attempts = {mail.id: mail.attempts for mail in mails}
    # What was decided so far (suppressed addresses) is kept before anything is sent; the
    # session then holds no write lock while the server takes the batch.
    db.session.commit()
    if ready:
        with _sent_marker() as mark_sent:
            # Each email the server accepts is marked sent, in a statement that commits on
            # its own, before the next one goes: if the worker dies later in the batch, the
            # unsent-mail sweep must not find it still claimed and send it again.
            def record_sent(index: int) -> None:
                ready[index].sent_at = mark_sent(ready[index].id)

            # Each email's own return path: a report sent there proves which email failed, to whom.
            paths = [bounce_address(r.id) for r in ready]
            errors_by_index = send_batch(messages, sent=record_sent, return_paths=paths)
        outcomes.update(zip((r.id for r in ready), errors_by_index, strict=True))
    errors = []
    for sending in ready:
        if outcomes[sending.id] is None:
            log.info(
                "mail sent: to=%s kind=%s about=%s message_id=%s sent_at=%s",
                sending.to_email,
                sending.kind,
                sending.about,
                sending.message_id,
                sending.sent_at.isoformat() if sending.sent_at else "-",
            )
    failed = {mail_id: error for mail_id, error in outcomes.items() if error is not None}
    for mail in db.session.scalars(sa.select(OutboundMail).where(OutboundMail.id.in_(list(failed)))) if failed else ():
        error = failed[mail.id]
        mail.status, mail.last_error = MailStatus.FAILED, describe(error)
        errors.append(error)
        log.warning(
            "mail not sent: to=%s kind=%s about=%s message_id=%s attempt=%s error=%s",
            mail.to_email,
            mail.kind,
            mail.about,
            mail.message_id,
            attempts.get(mail.id, mail.attempts),
            mail.last_error,
        )
    db.session.commit()
    return len(mails) - len(errors), errors


@dataclass
class _Sending:
    """What the log says of an email being sent (the session's rows expire at the commit)."""

    id: int
    to_email: str
    kind: str
    about: str
    message_id: str
    sent_at: datetime | None = None


@contextmanager
def _sent_marker() -> Iterator[Callable[[int], datetime]]:
    """Yield a function that marks one email sent, durably, and returns when it was sent.

    It runs one plain UPDATE on a connection of its own in autocommit mode: a single round
    trip to the database that is committed (and on disk) when it returns, with nothing of
    the session's unit of work around it.
    """
    table = OutboundMail.__table__
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("mail_id"))
        .values(status=MailStatus.SENT, sent_at=sa.bindparam("sent_at"), last_error=None)
    )
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")

        def mark_sent(mail_id: int) -> datetime:
            sent_at = utcnow()
            connection.execute(statement, {"mail_id": mail_id, "sent_at": sent_at})
            return sent_at

        yield mark_sent


def _without_bouncing(mails: list[OutboundMail]) -> list[OutboundMail]:
    """Mark the emails to addresses whose mail is paused (they keep bouncing) as suppressed,
    and return the others: sending on to a dead address harms the mail of everyone else.
    The feature that wrote such an email, if it asked to know, hears of it after the commit."""
    paused = mail_pauses(m.to_email for m in mails)
    for mail in mails:
        pause = paused.get(mail.to_email.lower())
        if pause is not None:
            mail.status, mail.last_error = MailStatus.SUPPRESSED, pause.describe()
            if paused_mail_handler(mail.kind) is not None:
                enqueue_after_commit(mail_paused, mail.id, queue="urgent")
            log.warning(
                "mail not sent: to=%s kind=%s about=%s message_id=%s: the address bounced %s times; paused until %s",
                mail.to_email,
                mail.kind,
                mail.about,
                mail.message_id,
                pause.count,
                pause.until.isoformat(),
            )
    return [m for m in mails if m.status != MailStatus.SUPPRESSED]


def describe(error: Exception) -> str:
    """Return a short description of a sending error, for the record."""
    return f"{type(error).__name__}: {error}"[:2000]
