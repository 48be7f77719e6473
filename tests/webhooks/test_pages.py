"""The admins' webhook pages: adding an endpoint (its secret shown once), bad addresses,
events, rotating the secret, switching off and on, removing, the delivery log and "send
again"; and the switch-off after a day of failures, with one mail to the admins."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.models import OutboundMail
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from app.webhooks.outbox import publish
from app.webhooks.services import webhook_upkeep


@pytest.fixture
def admin(make, auth):
    person = make.admin(name="Ada Admin", email="ada@example.com")
    auth.sign_in(person)
    return person


def endpoints() -> list[WebhookEndpoint]:
    db.session.expire_all()
    return db.session.scalars(sa.select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()


def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(admin, client):
    response = client.post(
        "/admin/webhooks",
        data={"url": "https://hooks.example.com/unstuck", "events": ["question.asked", "mentorship.accepted"]},
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    [endpoint] = endpoints()
    assert endpoint.url == "https://hooks.example.com/unstuck"
    assert endpoint.events == ["question.asked", "mentorship.accepted"]
    assert re.search(r'id="new-secret">whsec_[A-Za-z0-9+/=]{40,}<', page)
    assert endpoint.secret in page
    assert endpoint.secret not in client.get("/admin/webhooks").get_data(as_text=True)
    assert endpoint.secret not in client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://hooks.example.com/x", "Give an https:// address"),
        ("not an address", "Give an https:// address"),
        ("https://ada:pw@hooks.example.com/x", "Leave the user name and password out"),
        ("https://hooks.example.com:port/x", "That is not a web address."),
    ],
)
def test_a_bad_address_is_refused_with_a_message(admin, client, url, message):
    response = client.post("/admin/webhooks", data={"url": url, "events": ["question.asked"]})

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert endpoints() == []


def test_without_an_event_nothing_is_added(admin, client):
    response = client.post("/admin/webhooks", data={"url": "https://hooks.example.com/x"})

    assert response.status_code == 400
    assert "Choose at least one event." in response.get_data(as_text=True)
    assert endpoints() == []


def test_in_production_plain_http_and_private_addresses_are_refused(admin, client, app):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    response = client.post("/admin/webhooks", data={"url": "http://hooks.example.com/x", "events": ["question.asked"]})
    assert response.status_code == 400
    assert endpoints() == []

    from app.webhooks.sender import refused_address

    assert refused_address("https://127.0.0.1:8443/x") == "refused: 127.0.0.1 is 127.0.0.1, not on the internet"
    assert refused_address("https://localhost/x").startswith("refused: localhost is ")


def test_a_new_hire_cannot_open_or_use_the_pages(make, auth, client):
    auth.sign_in(make.user(email="nina@example.com"))

    assert client.get("/admin/webhooks").status_code == 403
    response = client.post("/admin/webhooks", data={"url": "https://hooks.example.com/x", "events": ["question.asked"]})
    assert response.status_code == 403
    assert endpoints() == []


def test_a_form_without_its_csrf_token_is_refused(admin, client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/admin/webhooks", data={"url": "https://hooks.example.com/x", "events": ["question.asked"]})

    assert response.status_code == 400
    assert endpoints() == []


def test_an_admin_changes_events_rotates_switches_and_removes(admin, client):
    client.post("/admin/webhooks", data={"url": "https://hooks.example.com/x", "events": ["question.asked"]})
    [endpoint] = endpoints()
    old = endpoint.secret

    response = client.post(f"/admin/webhooks/{endpoint.id}", data={"events": ["question.resolved"]})
    assert response.status_code == 302
    assert endpoints()[0].events == ["question.resolved"]
    assert client.post(f"/admin/webhooks/{endpoint.id}", data={}).status_code == 400

    page = client.post(f"/admin/webhooks/{endpoint.id}/rotate").get_data(as_text=True)
    [endpoint] = endpoints()
    assert endpoint.secret != old and endpoint.secret in page and old not in page
    assert endpoint.previous_secret == old
    assert endpoint.previous_secret_until > utcnow() + timedelta(hours=23)

    client.post(f"/admin/webhooks/{endpoint.id}/switch", data={"on": "0"})
    assert endpoints()[0].active is False
    assert "Switched off" in client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    client.post(f"/admin/webhooks/{endpoint.id}/switch", data={"on": "1"})
    assert endpoints()[0].active is True

    assert client.post(f"/admin/webhooks/{endpoint.id}/delete").status_code == 302
    assert endpoints() == []
    assert client.get(f"/admin/webhooks/{endpoint.id}").status_code == 404


def test_the_log_shows_a_failure_and_send_again_sends_it_with_the_same_id(admin, client, hooks, jobs):
    endpoint, _ = hooks.endpoint("/fail")
    publish("question.asked", "question:7", {"question_id": 7})
    db.session.commit()
    jobs.run()
    # Every try failed: the delivery has failed.
    db.session.execute(sa.update(WebhookDelivery).values(status=DeliveryStatus.FAILED, next_attempt_at=None))
    db.session.commit()

    page = client.get(f"/admin/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "question.asked" in page and "question:7" in page and "500" in page and "answered 500" in page
    [delivery] = db.session.scalars(sa.select(WebhookDelivery)).all()

    db.session.execute(sa.update(WebhookEndpoint).values(url=hooks.receiver.url("/ok")))
    db.session.commit()
    response = client.post(f"/admin/webhooks/deliveries/{delivery.id}/again")
    assert response.status_code == 302
    jobs.run()

    assert [r["id"] for r in hooks.receiver.received()] == [delivery.message_id] * 2
    db.session.expire_all()
    assert db.session.get(WebhookDelivery, delivery.id).status == DeliveryStatus.DELIVERED
    # Delivered: nothing to send again.
    client.post(f"/admin/webhooks/deliveries/{delivery.id}/again", follow_redirects=True)
    assert len(hooks.receiver.received()) == 2


def test_after_a_day_of_failures_the_endpoint_is_switched_off_and_admins_told_once(app, make, hooks, jobs):
    ada = make.admin(name="Ada Admin", email="ada@example.com")
    make.admin(name="Gone Admin", email="gone@example.com", active=False)
    endpoint, _ = hooks.endpoint("/fail")
    publish("question.asked", "question:7", {"question_id": 7})
    db.session.commit()
    jobs.run()

    assert webhook_upkeep()["switched_off"] == 0  # failing for seconds only
    db.session.execute(sa.update(WebhookEndpoint).values(failing_since=utcnow() - timedelta(hours=24, minutes=1)))
    db.session.commit()
    assert webhook_upkeep()["switched_off"] == 1
    db.session.commit()
    assert webhook_upkeep()["switched_off"] == 0
    db.session.commit()

    [endpoint] = endpoints()
    assert endpoint.active is False
    [delivery] = db.session.scalars(sa.select(WebhookDelivery)).all()
    assert delivery.status == DeliveryStatus.FAILED
    mails = db.session.scalars(sa.select(OutboundMail).where(OutboundMail.kind == "webhook_switched_off")).all()
    assert [m.to_email for m in mails] == [ada.email]
    assert endpoint.url in mails[0].text_body
    assert f"/admin/webhooks/{endpoint.id}" in mails[0].text_body


def test_a_success_ends_the_failing_streak(hooks, jobs):
    endpoint, _ = hooks.endpoint("/fail")
    publish("question.asked", "question:7", {"question_id": 7})
    db.session.commit()
    jobs.run()
    assert endpoints()[0].failing_since is not None

    db.session.execute(sa.update(WebhookEndpoint).values(url=hooks.receiver.url("/ok")))
    db.session.execute(sa.update(WebhookDelivery).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    webhook_upkeep()
    db.session.commit()
    jobs.run()
    assert endpoints()[0].failing_since is None
