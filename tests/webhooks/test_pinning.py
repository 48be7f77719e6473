"""The address an endpoint's host name has is looked up once per try, checked, and the very
address checked is the one connected to: a name answering a public address to the check and
a loopback one to a second look-up (DNS rebinding) reaches nothing private. The name still
goes as the Host header and SNI, and the certificate is verified for it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.webhooks import pinned
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.outbox import publish
from app.webhooks.services import add_endpoint
from app.webhooks.verification import send_verification
from tests.webhooks.conftest import HOOKS_NAME, drop_queued

PUBLIC = "93.184.215.14"  # an address on the internet


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def named_endpoint(app, receiver, ca_file, verified: bool = True) -> WebhookEndpoint:
    """An endpoint at HOOKS_NAME on the receiver's port, whose secret the receiver checks;
    taken as verified, or with its verification queued."""
    app.config["WEBHOOKS_CA_BUNDLE"] = str(ca_file)
    app.config["WEBHOOKS_TIMEOUT_SECONDS"] = 10  # a handshake on a busy machine takes its time
    endpoint, secret = add_endpoint(f"https://{HOOKS_NAME}:{receiver.port}/ok", ["question.asked"])
    db.session.commit()
    receiver.check_with(main=secret)
    if verified:
        drop_queued(app, send_verification)
        mark_verified(endpoint.id)
    return endpoint


def mark_verified(endpoint_id: int) -> None:
    db.session.execute(
        sa.update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id).values(verified_at=utcnow(), challenge=None)
    )
    db.session.commit()


def asked(question_id: int) -> None:
    publish("question.asked", f"question:{question_id}", {"question_id": question_id})
    db.session.commit()


def test_a_name_that_rebinds_to_loopback_after_the_check_reaches_nothing(app, https_receiver, dns, jobs):
    receiver, ca_file = https_receiver
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    endpoint = named_endpoint(app, receiver, ca_file, verified=False)
    app.config["WEBHOOKS_TIMEOUT_SECONDS"] = 1
    dns.answer([PUBLIC], ["127.0.0.1"])  # public to the first look-up, loopback to any after

    jobs.run()  # the verification
    endpoint = db.session.get(WebhookEndpoint, endpoint.id)
    assert endpoint.verified_at is None
    assert PUBLIC in endpoint.verification_error or endpoint.verification_error.startswith("no answer in time")
    assert dns.lookups == 1

    mark_verified(endpoint.id)  # and a delivery
    dns.answer([PUBLIC], ["127.0.0.1"])
    asked(7)
    jobs.run()

    assert receiver.received(verifications=True) == []
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert dns.lookups == 1
    assert PUBLIC in delivery.last_error or delivery.last_error.startswith("no answer in time")


def test_the_connection_goes_to_the_address_looked_up_with_the_name_as_host_and_certificate(
    app, https_receiver, dns, jobs
):
    receiver, ca_file = https_receiver
    named_endpoint(app, receiver, ca_file, verified=False)
    # One look-up for the verification, one for the delivery; a third would lead nowhere.
    dns.answer(["127.0.0.1"], ["127.0.0.1"], ["127.0.0.2"])

    jobs.run()  # the verification
    asked(7)
    jobs.run()

    [verification] = receiver.verifications()
    [got] = receiver.received()
    assert got["verified"] == {"main": True} and got["json"]["data"] == {"question_id": 7}
    assert got["headers"]["host"] == verification["headers"]["host"] == f"{HOOKS_NAME}:{receiver.port}"
    assert [d.status for d in deliveries()] == [DeliveryStatus.DELIVERED]
    assert dns.lookups == 2


def test_at_the_pinned_address_the_certificate_must_name_the_host(app, https_receiver):
    receiver, ca_file = https_receiver  # its certificate names 127.0.0.1 and HOOKS_NAME only
    elsewhere = pinned.Target("https", "other.example.test", "other.example.test", receiver.port, "/ok", "127.0.0.1")

    answer = pinned.post(elsewhere, b"{}", {}, 10, str(ca_file), 100)

    assert answer.status_code is None and "hostname 'other.example.test' doesn't match" in answer.error
    assert receiver.received() == []


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "fe80::1", "192.168.0.9"])
def test_off_the_internet_addresses_are_refused_when_private_ones_are_not_allowed(
    app, https_receiver, dns, jobs, address
):
    receiver, ca_file = https_receiver
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    named_endpoint(app, receiver, ca_file)
    dns.answer([PUBLIC, address])  # one private address among public ones is enough

    asked(7)
    jobs.run()

    assert receiver.received() == []
    [delivery] = deliveries()
    assert delivery.last_error == f"refused: {HOOKS_NAME} is {address}, not on the internet"
    assert delivery.status == DeliveryStatus.PENDING
