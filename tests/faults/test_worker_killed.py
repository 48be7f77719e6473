"""A worker is killed (SIGKILL, with its scheduler) in the middle of a job: routing a
question, sending an invite, sending a batch of digests. The job is done again by another
worker, and each person receives exactly one email.

The kill lands at a known point: routing waits on the mentor's row, which the test holds
locked; a mail waits on its DATA command, which the SMTP server holds until the worker is gone.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.digest import send_digest_batch
from app.help.jobs import route_question_job, sweep
from app.help.models import Attempt
from app.jobs import enqueue
from app.mail.models import MailStatus, OutboundMail
from app.mail.outgoing.jobs import CLAIM_TIMEOUT, deliver, requeue_unsent_mail
from app.people.models import Role, User
from tests.faults._postgres import waiting_on_locks
from tests.faults._processes import settled, wait_until
from tests.help.digest_scenes import can_wait
from tests.help.routing_scenes import ask, mentor
from tests.sessions.weekly import weekly_series

pytestmark = pytest.mark.faults


def test_a_worker_killed_while_routing_leaves_the_question_to_the_sweeper_and_one_email(
    app, make, processes, smtp_server, fault
):
    ada = mentor(make, "Ada Lovelace", {"SQL": 5})
    question_id = ask(make.user("Nina New")).id
    processes.drop_queued_jobs()
    first = processes.worker("worker-1")

    with db.engine.connect() as busy:
        busy.execute(sa.select(User.id).where(User.id == ada.id).with_for_update())
        enqueue(route_question_job, question_id, queue="urgent")  # as asking does
        wait_until(lambda: waiting_on_locks(db.engine) == 1, 30, "the worker did not start routing", [first])
        first.kill()
    replacement = processes.worker("worker-2")
    assert _attempts(question_id) == 0  # the killed job saved nothing

    enqueue(sweep)  # as `flask cron` does every minute
    wait_until(lambda: _sent(kind="question_ask") == 1, 30, "the mentor was not asked", [replacement])
    _settle(app, replacement)

    received = _received_by(smtp_server)
    fault(
        "worker_killed",
        attempted=1,
        lost=int(received[ada.email] == 0),
        duplicated=max(0, received[ada.email] - 1) + max(0, _attempts(question_id) - 1),
    )
    assert _attempts(question_id) == 1
    assert received == {ada.email: 1}


def test_a_worker_killed_while_sending_an_invite_has_it_sent_once_after_the_claim_lapses(
    app, make, processes, smtp_server, fault
):
    team = make.team("Payments")
    lead = make.user("Lea Lead", roles=(Role.LEAD, Role.MENTOR), team=team)
    team.lead = lead
    db.session.commit()
    invitees = [lead.email] + [make.user(name, team=team).email for name in ("Ana Alvarez", "Bo Berg")]
    processes.drop_queued_jobs()
    first = processes.worker("worker-1")

    smtp_server.hold_data()
    next_monday = date.today() + timedelta(days=7 - date.today().weekday())
    weekly_series(team.id, lead.id, next_monday + timedelta(days=1))
    db.session.commit()  # the invites go out from a job after this
    assert smtp_server.holding.wait(timeout=60), "no invite reached the SMTP server"
    first.kill()
    replacement = processes.worker("worker-2")
    wait_until(
        lambda: _sent(kind="session-request") == len(invitees) - 1, 30, "the other invites were not sent", [replacement]
    )
    [held] = _claimed(kind="session-request")

    # Another worker that runs the job again while the claim is fresh leaves the invite alone:
    # the killed worker might still have been sending it.
    enqueue(deliver, held, queue="mail")
    _settle(app, replacement)
    assert _status(held) == MailStatus.SENDING
    assert len(smtp_server.received) == len(invitees) - 1

    _claim_lapses()
    requeue_unsent_mail()  # as `flask cron` does every minute
    wait_until(lambda: _status(held) == MailStatus.SENT, 30, "the held invite was not sent", [replacement])
    _settle(app, replacement)

    received = _deliveries(smtp_server, invitees, fault)
    assert received == {email: 1 for email in invitees}
    assert _ids_sent_match(smtp_server)


def test_a_worker_killed_in_the_middle_of_a_digest_batch_sends_each_digest_once(
    app, make, processes, smtp_server, fault
):
    topics = {"Ari": "SQL", "Ben": "Go", "Cy": "CSS"}
    mentors = [mentor(make, name, {topic: 4}) for name, topic in topics.items()]
    for topic in topics.values():
        can_wait(make.user(f"Asker of {topic}"), f"A {topic} question", skills=(topic,))
    assert sorted(db.session.scalars(sa.select(Attempt.mentor_id))) == sorted(m.id for m in mentors)
    processes.drop_queued_jobs()
    first = processes.worker("worker-1")

    smtp_server.hold_data(after=1)  # the first digest goes through, the second is held
    enqueue(send_digest_batch, [m.id for m in mentors])  # as the periodic digest job does
    assert smtp_server.holding.wait(timeout=60), "the digests did not reach the SMTP server"
    first.kill()
    replacement = processes.worker("worker-2")
    assert len(smtp_server.received) == 1

    _claim_lapses()
    requeue_unsent_mail()  # as `flask cron` does every minute
    wait_until(lambda: _sent(kind="digest") == len(mentors), 30, "the digests were not all sent", [replacement])
    _settle(app, replacement)

    emails = [m.email for m in mentors]
    received = _deliveries(smtp_server, emails, fault)
    assert received == {email: 1 for email in emails}
    assert _ids_sent_match(smtp_server)


def _attempts(question_id: int) -> int:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Attempt).where(Attempt.question_id == question_id))
    db.session.rollback()
    return count


def _sent(kind: str) -> int:
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboundMail)
        .where(OutboundMail.kind == kind, OutboundMail.status == MailStatus.SENT)
    )
    db.session.rollback()
    return count


def _claimed(kind: str) -> list[int]:
    ids = list(
        db.session.scalars(
            sa.select(OutboundMail.id).where(OutboundMail.kind == kind, OutboundMail.status == MailStatus.SENDING)
        )
    )
    db.session.rollback()
    return ids


def _status(mail_id: int) -> MailStatus:
    status = db.session.scalar(sa.select(OutboundMail.status).where(OutboundMail.id == mail_id))
    db.session.rollback()
    return status


def _claim_lapses() -> None:
    """Let CLAIM_TIMEOUT pass for the emails the killed worker had claimed."""
    db.session.execute(
        sa.update(OutboundMail)
        .where(OutboundMail.status == MailStatus.SENDING)
        .values(claimed_at=utcnow() - CLAIM_TIMEOUT - timedelta(minutes=1))
    )
    db.session.commit()


def _settle(app, worker) -> None:
    """Wait until no job waits or runs, so that a late duplicate would have shown."""
    wait_until(lambda: settled(app, [worker]), 30, "the jobs did not finish", [worker])


def _received_by(smtp_server) -> Counter:
    return Counter(m["To"].addresses[0].addr_spec for m in smtp_server.messages())


def _deliveries(smtp_server, emails: list[str], fault) -> Counter:
    """The emails each address received, recorded as the fault's figures: one email to each
    address attempted, the addresses that got none lost, every extra one duplicated."""
    received = _received_by(smtp_server)
    fault(
        "worker_killed",
        attempted=len(emails),
        lost=sum(1 for e in emails if received[e] == 0),
        duplicated=sum(max(0, received[e] - 1) for e in emails),
    )
    return received


def _ids_sent_match(smtp_server) -> bool:
    """Every email marked sent arrived, and none arrived that is not marked sent."""
    sent = set(db.session.scalars(sa.select(OutboundMail.message_id).where(OutboundMail.status == MailStatus.SENT)))
    db.session.rollback()
    return sent == set(smtp_server.received_ids())
