"""The SMTP server refuses mail (4xx, then 5xx), drops the connection, then is not there at
all, for a while: each email is tried again with growing back-off, is never marked sent
while it was not, and is delivered exactly once when the server is back.

A real `flask worker` sends; its scheduler brings each retry back. The back-off is read
from RQ's schedule, then the clock is moved on by making the retry due now.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from rq.registry import ScheduledJobRegistry

from app.extensions import db
from app.help.routing import route_question
from app.mail.models import MailStatus, OutboundMail
from app.mail.outgoing.jobs import RETRY
from tests.faults._processes import settled, wait_until
from tests.help.routing_scenes import ask, mentor

pytestmark = pytest.mark.faults

MAILS = 4


def refuse_451(server) -> None:
    server.refuse_data = "451 4.3.0 Mailbox busy, try again later"


def refuse_554(server) -> None:
    server.refuse_data = "554 5.7.1 Rejected for now"


def drop_connections(server) -> None:
    server.refuse_data = None
    server.drop_connections = True


def stop(server) -> None:
    server.drop_connections = False
    server.stop()


def come_back(server) -> None:
    server.refuse_data, server.drop_connections = None, False
    if not server.running():
        server.start()


OUTAGE = [refuse_451, refuse_554, drop_connections, stop]


def test_mail_refused_or_cut_off_for_a_while_is_retried_with_back_off_and_sent_once(
    app, make, processes, smtp_server, fault, record_property
):
    people = [(mentor(make, f"Mentor {n}", {"SQL": 4}), make.user(f"Asker {n}")) for n in range(MAILS)]
    processes.drop_queued_jobs()
    worker = processes.worker()
    registry = ScheduledJobRegistry("mail", connection=app.extensions["jobs"].connection)

    back_off: list[int] = []
    for attempt, fail in enumerate(OUTAGE, start=1):
        fail(smtp_server)
        if attempt == 1:
            for _, asker in people:  # a blocking question each: its mentor is mailed at once
                route_question(ask(asker, goal=f"Question {asker.name}").id)
        else:
            _retry_now(registry)
        wait_until(
            lambda attempt=attempt: _failed_attempts() == [attempt] * MAILS,
            30,
            lambda attempt=attempt: f"attempt {attempt} did not fail for every mail: {_failed_attempts()}",
            [worker],
        )
        wait_until(lambda: len(registry) == MAILS, 30, "the retries were not scheduled", [worker])
        assert _sent_rows() == 0 and not smtp_server.received  # nothing marked sent that was not
        back_off.append(_back_off(registry))
    transactions_while_failing = smtp_server.transactions

    come_back(smtp_server)
    _retry_now(registry)
    wait_until(lambda: _sent_rows() == MAILS, 30, "the mails were not sent once the server was back", [worker])
    wait_until(lambda: settled(app, [worker]), 30, "the jobs did not finish", [worker])

    received = smtp_server.received_ids()
    sent_ids = set(db.session.scalars(sa.select(OutboundMail.message_id).where(OutboundMail.status == MailStatus.SENT)))
    all_ids = set(db.session.scalars(sa.select(OutboundMail.message_id)))
    lost = sum(1 for message_id in all_ids if received[message_id] == 0) + len(sent_ids - set(received))
    duplicated = sum(count - 1 for count in received.values())
    fault("smtp_outage", attempted=len(all_ids), lost=lost, duplicated=duplicated)
    record_property("figure", f"smtp_outage_back_off_s: {' '.join(map(str, back_off))}")

    assert len(all_ids) == MAILS
    assert back_off == RETRY.intervals[: len(OUTAGE)]  # 1, 5, 15 and 60 minutes
    # Refused and dropped attempts reached the server; while it was away, none could.
    assert transactions_while_failing == 3 * MAILS
    assert received == {message_id: 1 for message_id in all_ids}
    assert sent_ids == all_ids
    assert db.session.scalars(sa.select(OutboundMail.attempts)).all() == [len(OUTAGE) + 1] * MAILS
    assert lost == duplicated == 0


def _failed_attempts() -> list[int]:
    """How often each mail was tried, if every one is marked failed now, else []."""
    rows = db.session.execute(sa.select(OutboundMail.status, OutboundMail.attempts, OutboundMail.sent_at)).all()
    db.session.rollback()
    if not rows or any(status != MailStatus.FAILED or sent_at is not None for status, _, sent_at in rows):
        return []
    return [attempts for _, attempts, _ in rows]


def _sent_rows() -> int:
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboundMail)
        .where(sa.or_(OutboundMail.status == MailStatus.SENT, OutboundMail.sent_at.is_not(None)))
    )
    db.session.rollback()
    return count


def _back_off(registry: ScheduledJobRegistry) -> int:
    """The wait before the next try, in seconds, the same for every mail: from the try that
    failed (when the mail was claimed) to when RQ has the retry scheduled."""
    claimed = dict(db.session.execute(sa.select(OutboundMail.id, OutboundMail.claimed_at)).all())
    db.session.rollback()
    waits = set()
    for job_id in registry.get_job_ids():
        job = registry.job_class.fetch(job_id, connection=registry.connection)
        due = registry.get_scheduled_time(job)
        waits.add(round((due - claimed[job.args[0]]).total_seconds() / 10) * 10)  # to 10 s
    assert len(waits) == 1, f"the mails wait differently: {waits}"
    return waits.pop()


def _retry_now(registry: ScheduledJobRegistry) -> None:
    """Move the clock on: make every scheduled retry due now, for the worker's scheduler."""
    now = datetime.now(UTC)
    for job_id in registry.get_job_ids():
        registry.schedule(registry.job_class.fetch(job_id, connection=registry.connection), now)
