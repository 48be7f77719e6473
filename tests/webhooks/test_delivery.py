"""Webhooks delivered to a real receiver process on loopback, which verifies every signature
with the standardwebhooks package: sent after the commit, logged, retried, in order per
object, never twice, and never for a transaction that rolled back."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.webhooks import core
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.outbox import publish
from app.webhooks.sender import send_delivery
from app.webhooks.services import webhook_upkeep


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def asked(question_id: int = 7) -> None:
    publish("question.asked", f"question:{question_id}", {"question_id": question_id})


def make_due(delivery_id: int) -> None:
    """Move a delivery's next try into the past: its backoff has passed."""
    db.session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def test_a_delivery_arrives_signed_after_the_commit_and_is_logged(hooks, jobs):
    hooks.endpoint("/ok", events=["question.asked", "question.answered"])

    asked(7)
    publish("mentorship.accepted", "mentorship:3", {"mentorship_id": 3})  # not chosen: not sent
    assert jobs.count() == 0  # nothing goes before the commit
    db.session.commit()
    assert jobs.run() == 1

    [got] = hooks.receiver.received()
    assert got["verified"] == {"main": True}
    assert got["json"]["type"] == "question.asked"
    assert got["json"]["data"] == {"question_id": 7}
    [delivery] = deliveries()
    assert got["id"] == delivery.message_id
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.last_status_code, delivery.last_answer) == (1, 200, "thanks")
    assert delivery.last_duration_ms is not None and delivery.delivered_at is not None


def test_a_rolled_back_transaction_sends_nothing(hooks, jobs):
    hooks.endpoint("/ok")

    asked(7)
    db.session.rollback()

    assert jobs.count() == 0
    assert jobs.run() == 0
    assert deliveries() == []
    assert hooks.receiver.received() == []


def test_a_delivered_delivery_is_not_sent_again(hooks, jobs):
    hooks.endpoint("/ok")
    asked(7)
    db.session.commit()
    jobs.run()
    [delivery] = deliveries()

    assert send_delivery(delivery.id) == "done"
    assert len(hooks.receiver.received()) == 1


def test_a_500_is_retried_on_the_backoff_schedule_and_the_answer_kept_short(hooks, jobs):
    hooks.endpoint("/fail")
    asked(7)
    db.session.commit()
    before = utcnow()
    jobs.run()

    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.PENDING
    assert (delivery.attempts, delivery.last_status_code) == (1, 500)
    assert delivery.last_error == "answered 500"
    assert len(delivery.last_answer) == core.KEPT_ANSWER_BYTES  # of 10,000 bytes sent
    assert before + timedelta(seconds=4) < delivery.next_attempt_at < utcnow() + timedelta(seconds=6)
    endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
    assert endpoint.failing_since is not None

    # Not due yet: the upkeep leaves it; due: the upkeep sends it, with the same webhook-id.
    assert webhook_upkeep()["enqueued"] == 0
    make_due(delivery.id)
    assert webhook_upkeep()["enqueued"] == 1
    db.session.commit()
    jobs.run()
    first, second = hooks.receiver.received()
    assert first["id"] == second["id"] == delivery.message_id
    assert deliveries()[0].attempts == 2
    assert deliveries()[0].next_attempt_at - deliveries()[0].last_attempt_at == timedelta(minutes=5)


def test_after_the_last_try_the_delivery_has_failed(hooks, jobs):
    hooks.endpoint("/fail")
    asked(7)
    db.session.commit()
    jobs.run()
    [delivery] = deliveries()
    db.session.execute(
        sa.update(WebhookDelivery).where(WebhookDelivery.id == delivery.id).values(attempts=len(core.BACKOFF))
    )
    make_due(delivery.id)

    assert send_delivery(delivery.id) == "failed"
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == len(core.BACKOFF) + 1
    assert delivery.next_attempt_at is None


def test_a_slow_endpoint_times_out(hooks, jobs):
    hooks.endpoint("/slow")
    asked(7)
    db.session.commit()
    jobs.run()

    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code is None
    assert delivery.last_error == "no answer in time (1 s)"
    assert delivery.last_duration_ms < 2900  # given up on before the receiver's 3 seconds


def test_an_endpoint_that_is_down_is_retried(hooks, jobs):
    hooks.endpoint(url=hooks.closed_port_url())
    asked(7)
    db.session.commit()
    jobs.run()

    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_error.startswith("could not connect")


def test_a_redirect_is_not_followed_and_counts_as_a_failure(hooks, jobs):
    hooks.endpoint("/redirect")
    asked(7)
    db.session.commit()
    jobs.run()

    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_status_code == 302
    assert delivery.last_error == "redirected to /ok/redirected (not followed)"
    assert [r["path"] for r in hooks.receiver.received()] == ["/redirect"]


def test_deliveries_about_one_object_keep_their_order(hooks, jobs):
    endpoint, _ = hooks.endpoint("/fail", events=["question.asked", "question.resolved"])
    asked(7)
    db.session.commit()
    jobs.run()  # "asked" fails and waits for its next try
    publish("question.resolved", "question:7", {"question_id": 7})
    asked(8)  # another question: not held up
    db.session.commit()
    jobs.run()

    assert [r["json"]["type"] for r in hooks.receiver.received()] == ["question.asked", "question.asked"]
    assert [r["json"]["data"]["question_id"] for r in hooks.receiver.received()] == [7, 8]
    first, resolved, _ = deliveries()
    assert resolved.attempts == 0  # waiting behind "asked"
    make_due(resolved.id)
    assert send_delivery(resolved.id) == "waiting"

    # The endpoint is mended; "asked" goes at its next try, and then "resolved" after it.
    db.session.execute(sa.update(WebhookEndpoint).values(url=hooks.receiver.url("/ok")))
    db.session.commit()
    make_due(first.id)
    assert webhook_upkeep()["enqueued"] == 1  # "asked" of 7; "resolved" is not first in line
    db.session.commit()
    jobs.run()
    sent = [(r["json"]["type"], r["json"]["data"]["question_id"]) for r in hooks.receiver.received("/ok")]
    assert sent.index(("question.asked", 7)) < sent.index(("question.resolved", 7))
    assert [d.status for d in deliveries()] == [
        DeliveryStatus.DELIVERED,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.PENDING,
    ]


def test_during_a_rotation_both_the_new_and_the_old_secret_verify(hooks, jobs, client, auth, make):
    from app.webhooks.services import rotate_secret

    endpoint, old = hooks.endpoint("/ok")
    new = rotate_secret(endpoint.id)
    db.session.commit()
    hooks.receiver.check_with(old=old, new=new)
    asked(7)
    db.session.commit()
    jobs.run()
    assert hooks.receiver.received()[-1]["verified"] == {"old": True, "new": True}

    # After the overlap only the new secret signs.
    db.session.execute(sa.update(WebhookEndpoint).values(previous_secret_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    asked(8)
    db.session.commit()
    jobs.run()
    assert hooks.receiver.received()[-1]["verified"] == {"old": False, "new": True}


def test_over_https_the_certificate_is_checked(app, https_receiver, jobs):
    from app.webhooks.services import add_endpoint, verify_again

    receiver, ca_file = https_receiver
    app.config["WEBHOOKS_TIMEOUT_SECONDS"] = 10  # a handshake on a busy machine takes its time
    endpoint, secret = add_endpoint(receiver.url("/ok"), ["question.asked"])
    db.session.commit()
    receiver.check_with(main=secret)

    jobs.run()  # the verification: our CA is not among the usual ones, so it is refused
    asked(7)
    db.session.commit()
    jobs.run()
    endpoint = db.session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.verified_at is None and "CERTIFICATE_VERIFY_FAILED" in endpoint.verification_error
    [waiting] = deliveries()
    assert waiting.status == DeliveryStatus.PENDING and waiting.attempts == 0
    assert receiver.received(verifications=True) == []

    app.config["WEBHOOKS_CA_BUNDLE"] = str(ca_file)
    verify_again(endpoint.id)
    db.session.commit()
    jobs.run()
    [got] = receiver.received()
    assert got["verified"] == {"main": True} and got["json"]["data"] == {"question_id": 7}
    assert deliveries()[0].status == DeliveryStatus.DELIVERED


def test_a_delivery_whose_worker_died_is_sent_by_the_upkeep_once(hooks, jobs):
    hooks.endpoint("/ok")
    asked(7)
    db.session.commit()
    jobs.connection.flushdb()  # the job is lost
    [delivery] = deliveries()
    held = utcnow() + timedelta(minutes=1)
    db.session.execute(sa.update(WebhookDelivery).values(claimed_until=held))  # a worker holds it...
    db.session.commit()
    assert send_delivery(delivery.id) == "claimed"
    assert webhook_upkeep()["enqueued"] == 0

    db.session.execute(sa.update(WebhookDelivery).values(claimed_until=utcnow() - timedelta(seconds=1)))  # ...and died
    db.session.commit()
    assert webhook_upkeep()["enqueued"] == 1
    db.session.commit()
    jobs.run()
    assert len(hooks.receiver.received()) == 1
    assert deliveries()[0].status == DeliveryStatus.DELIVERED
