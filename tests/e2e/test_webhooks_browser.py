"""In a real browser, at a desktop's and a phone's size: an admin registers a webhook endpoint
(the real receiver of tests/webhooks, verifying signatures), copies its secret shown once,
the endpoint answers its verification, an event is delivered and shows in the log, and a
delivery that failed is sent again with "Send again" once the endpoint is mended."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db, utcnow
from app.webhooks import core
from app.webhooks.models import DeliveryStatus, WebhookDelivery
from app.webhooks.outbox import publish
from tests.e2e.signing_in import sign_in
from tests.webhooks.conftest import running_receiver

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def receiver(tmp_path):
    with running_receiver(tmp_path) as receiver:
        yield receiver


def open_webhooks(page, size: str) -> None:
    """Reach the webhook pages as an admin does: through the Admin entry of the menu."""
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    if size == "phone":
        page.locator("header.top summary", has_text="Menu").click()
    nav.get_by_text("Admin", exact=True).click()
    nav.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")


def asked(question_id: int) -> None:
    publish("question.asked", f"question:{question_id}", {"question_id": question_id})
    db.session.commit()


@pytest.mark.parametrize("size", SIZES)
def test_an_admin_registers_an_endpoint_that_verifies_and_gets_events(page, make, jobs, receiver, size):
    page.set_viewport_size(SIZES[size])
    admin = make.admin(name="Ada Admin", email="ada@example.com")
    sign_in(page, admin.email, make.PASSWORD)
    open_webhooks(page, size)

    page.get_by_label("Address (https://...)").fill(receiver.url("/ok"))
    page.get_by_label("A question was asked (question.asked)").check()
    page.get_by_role("button", name="Add the endpoint").click()
    secret = page.locator("#new-secret").inner_text()
    assert secret.startswith("whsec_")
    receiver.check_with(main=secret)
    row = page.get_by_role("row", name=receiver.url("/ok"))
    state = row.locator("td").nth(2)
    expect(state).to_have_text("waiting for verification")

    page.goto("/admin/webhooks")  # the secret is shown once
    expect(page.locator("#new-secret")).to_have_count(0)
    expect(page.get_by_text(secret)).to_have_count(0)
    jobs.run()  # the verification: the receiver answers with the challenge
    [verification] = receiver.verifications()
    assert verification["verified"] == {"main": True}
    page.goto("/admin/webhooks")
    expect(state).to_have_text("on")

    asked(7)
    jobs.run()
    row.get_by_role("link").click()
    expect(page.get_by_text("Waiting for verification")).to_have_count(0)
    log = page.locator("table tbody tr")
    expect(log).to_have_count(1)
    expect(log.first).to_contain_text("question.asked")
    expect(log.first).to_contain_text("delivered")
    expect(log.first).to_contain_text("200")

    # The endpoint breaks: a delivery fails all its tries.
    page.get_by_label("Address (https://...)").fill(receiver.url("/fail"))
    page.get_by_role("button", name="Change the address").click()
    expect(page.get_by_role("status")).to_contain_text("The address is changed")
    expect(page.get_by_text("Waiting for verification")).to_be_visible()
    expect(page.get_by_role("button", name="Verify again")).to_be_visible()
    jobs.run()  # it still answers its verification
    asked(8)
    jobs.run()
    failing = db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
    db.session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.id == failing.id)
        .values(attempts=len(core.BACKOFF), next_attempt_at=utcnow())
    )
    db.session.commit()
    jobs.connection.flushdb()  # its scheduled retry: the last try is made now
    from app.webhooks.sender import send_delivery

    assert send_delivery(failing.id) == "failed"
    page.reload()
    expect(log.first).to_contain_text("failed")
    expect(log.first).to_contain_text("answered 500")

    # Mended: back to /ok, verified, and the failed delivery is sent again.
    page.get_by_label("Address (https://...)").fill(receiver.url("/ok"))
    page.get_by_role("button", name="Change the address").click()
    jobs.run()
    page.reload()
    expect(page.get_by_text("Waiting for verification")).to_have_count(0)
    log.first.get_by_role("button", name="Send again").click()
    expect(page.get_by_role("status")).to_have_text("The delivery is being sent again.")
    jobs.run()
    page.reload()
    expect(log.first).to_contain_text("delivered")
    expect(log).to_have_count(2)
    sent = [r for r in receiver.received() if r["json"]["data"] == {"question_id": 8}]
    assert [r["path"] for r in sent][-1] == "/ok" and len({r["id"] for r in sent}) == 1
    db.session.expire_all()
    assert db.session.get(WebhookDelivery, failing.id).status == DeliveryStatus.DELIVERED
