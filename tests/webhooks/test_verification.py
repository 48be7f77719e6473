"""An endpoint gets no event until it proves it wants them: it is sent a signed
webhook.verification with a random challenge, and answers 2xx with the challenge in its
body. Until then (and again after its address changes) its deliveries wait: they go once it
is verified, in order, or fail after as long as a delivery's retries last."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.webhooks import core
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.outbox import publish
from app.webhooks.services import webhook_upkeep


@pytest.fixture
def admin(make, auth):
    person = make.admin(name="Ada Admin", email="ada@example.com")
    auth.sign_in(person)
    return person


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def fresh(endpoint_id: int) -> WebhookEndpoint:
    db.session.expire_all()
    return db.session.get(WebhookEndpoint, endpoint_id)


def asked(question_id: int) -> None:
    publish("question.asked", f"question:{question_id}", {"question_id": question_id})
    db.session.commit()


def test_a_new_endpoint_is_sent_a_signed_challenge_and_gets_events_once_it_answers_it(hooks, jobs):
    endpoint, _ = hooks.endpoint("/ok", events=["question.asked", "question.resolved"], verified=False)
    asked(7)
    publish("question.resolved", "question:7", {"question_id": 7})
    db.session.commit()
    assert fresh(endpoint.id).verified_at is None
    assert [d.attempts for d in deliveries()] == [0, 0]  # waiting

    jobs.run()

    [verification] = hooks.receiver.verifications()
    assert verification["verified"] == {"main": True}
    assert verification["json"]["type"] == "webhook.verification"
    challenge = verification["json"]["data"]["challenge"]
    assert len(challenge) >= 32 and verification["json"]["data"]["endpoint_id"] == endpoint.id
    assert fresh(endpoint.id).verified_at is not None and fresh(endpoint.id).challenge is None
    got = hooks.receiver.received()
    assert [r["json"]["type"] for r in got] == ["question.asked", "question.resolved"]
    assert [d.status for d in deliveries()] == [DeliveryStatus.DELIVERED] * 2


def test_a_2xx_without_the_challenge_does_not_verify_and_events_wait(hooks, jobs):
    endpoint, _ = hooks.endpoint("/deaf", verified=False)
    asked(7)
    jobs.run()

    assert len(hooks.receiver.verifications()) == 1
    endpoint = fresh(endpoint.id)
    assert endpoint.verified_at is None
    assert endpoint.verification_error == "the answer did not hold the challenge"
    assert hooks.receiver.received() == []
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0

    # The upkeep does not send it either, even when due.
    assert webhook_upkeep() == {"switched_off": 0, "expired": 0, "enqueued": 0}


def test_a_challenge_signed_with_another_secret_is_not_answered(hooks, jobs):
    endpoint, _ = hooks.endpoint("/ok", verified=False)
    hooks.receiver.check_with(other=core.new_secret())  # the receiver does not know our secret
    jobs.run()

    assert fresh(endpoint.id).verified_at is None
    assert fresh(endpoint.id).verification_error == "answered 401"


def test_events_waiting_longer_than_the_retries_last_fail(hooks, jobs):
    endpoint, _ = hooks.endpoint("/deaf", verified=False)
    asked(7)
    asked(8)
    jobs.run()
    old = utcnow() - core.WAIT_FOR_VERIFICATION - timedelta(seconds=1)
    first = deliveries()[0]
    db.session.execute(sa.update(WebhookDelivery).where(WebhookDelivery.id == first.id).values(created_at=old))
    db.session.commit()

    assert webhook_upkeep()["expired"] == 1
    db.session.commit()

    first, second = deliveries()
    assert first.status == DeliveryStatus.FAILED and first.last_error == "not sent: the endpoint was not verified"
    assert second.status == DeliveryStatus.PENDING


def test_the_page_shows_waiting_for_verification_and_verify_again_verifies(admin, client, hooks, jobs):
    endpoint, _ = hooks.endpoint("/deaf", verified=False)
    asked(7)
    jobs.run()

    page = client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "Waiting for verification" in page and "Verify again" in page
    assert "the answer did not hold the challenge" in page
    assert "waiting for verification" in client.get("/admin/webhooks").get_data(as_text=True)

    # The admin points it at an address that answers, and the events that waited go there.
    response = client.post(f"/admin/webhooks/{endpoint.id}/address", data={"url": hooks.receiver.url("/ok")})
    assert response.status_code == 302
    jobs.run()
    assert [r["path"] for r in hooks.receiver.verifications()] == ["/deaf", "/ok"]
    assert [r["json"]["data"] for r in hooks.receiver.received("/ok")] == [{"question_id": 7}]
    page = client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "Waiting for verification" not in page and "Verify again" not in page

    # Verified already: "verify again" says so, and sends nothing.
    client.post(f"/admin/webhooks/{endpoint.id}/verify")
    assert "The endpoint is verified already." in client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert jobs.run() == 0


def test_verify_again_sends_a_new_challenge(admin, client, hooks, jobs):
    endpoint, _ = hooks.endpoint("/ok", verified=False)
    hooks.receiver.check_with()  # it cannot check the signature yet: it refuses
    jobs.run()
    assert fresh(endpoint.id).verified_at is None

    hooks.receiver.check_with(main=endpoint.secret)
    response = client.post(f"/admin/webhooks/{endpoint.id}/verify")
    assert response.status_code == 302
    jobs.run()

    first, second = hooks.receiver.verifications()
    assert first["json"]["data"]["challenge"] != second["json"]["data"]["challenge"]
    assert fresh(endpoint.id).verified_at is not None


def test_a_verified_endpoint_moved_to_another_address_waits_for_it_to_verify(admin, client, hooks, jobs):
    endpoint, _ = hooks.endpoint("/ok")
    client.post(f"/admin/webhooks/{endpoint.id}/address", data={"url": hooks.receiver.url("/deaf/new")})
    asked(7)
    jobs.run()

    assert fresh(endpoint.id).verified_at is None
    assert [r["path"] for r in hooks.receiver.verifications()] == ["/ok", "/deaf/new"]
    assert hooks.receiver.received() == []

    # The same address again is no change: nothing to verify.
    client.post(f"/admin/webhooks/{endpoint.id}/address", data={"url": hooks.receiver.url("/deaf/new")})
    assert jobs.run() == 0


def test_a_bad_new_address_is_refused_with_a_message(admin, client, hooks):
    endpoint, _ = hooks.endpoint("/ok")
    response = client.post(f"/admin/webhooks/{endpoint.id}/address", data={"url": "ftp://x.example.com/"})

    assert response.status_code == 400
    assert "Give an https:// address" in response.get_data(as_text=True)
    assert fresh(endpoint.id).url == hooks.receiver.url("/ok") and fresh(endpoint.id).verified_at is not None
