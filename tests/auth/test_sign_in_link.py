"""Signing in with a link by email: the way in for a person whose browser has to wait after
someone else's guesses (or who forgot their password). The link comes through the real
outbox and SMTP, works once and for a short time only, and asking for one never tells
whether an address has an account; asking is rate-limited alike for every address.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db, utcnow
from app.people.models import Role
from app.security import reset_rate_limits
from app.tokens import make_token
from config import Config
from tests.auth.test_guessing import WRONG, attempt, refused_until

LINK = re.compile(r"http://localhost(/sign-in/email/[A-Za-z0-9._-]+)")


@pytest.fixture
def shipped(app):
    app.config.update(
        {
            name: getattr(Config, name)
            for name in (
                "SIGN_IN_FREE_FAILURES",
                "SIGN_IN_FREE_FAILURES_PER_ADDRESS",
                "SIGN_IN_MAX_WAIT_SECONDS",
                "RATELIMIT_SIGN_IN_LINK",
                "RATELIMIT_SIGN_IN_LINK_ADDRESS",
            )
        }
    )
    reset_rate_limits(app)
    yield
    reset_rate_limits(app)


def ask_for_link(client, email: str, address: str = "127.0.0.1"):
    return client.post("/sign-in/email", data={"email": email}, environ_base={"REMOTE_ADDR": address})


def links_in(smtp, person) -> list[str]:
    """The sign-in links in the mail the person received, oldest first."""
    found = []
    for message in smtp.messages():
        if message["To"].addresses[0].addr_spec == person.email:
            found += LINK.findall(message.get_body(("plain",)).get_content())
    return found


def test_a_person_whose_browser_must_wait_signs_in_with_a_link_by_email(app, make, smtp, jobs, shipped):
    ada = make.admin(email="ada@example.com", name="Ada")
    for n in range(Config.SIGN_IN_FREE_FAILURES + 1):
        attempt(app, ada.email, WRONG, address=f"10.5.0.{n}")
    browser = app.test_client()
    refused = attempt(app, ada.email, browser=browser)
    refused_until(refused, "Too many failed sign-in attempts for this account.")
    assert 'href="/sign-in/email?email=ada@example.com"' in refused.get_data(as_text=True)

    sent = ask_for_link(browser, ada.email)
    assert sent.status_code == 200 and "a link to sign in is on its way" in sent.get_data(as_text=True)
    jobs.run()
    [link] = links_in(smtp, ada)
    message = smtp.messages()[-1]
    assert message["Subject"] == "Your link to sign in to Unstuck"

    page = browser.get(link)  # a mail scanner opening it signs nobody in
    assert page.status_code == 200 and "This link signs you in as ada@example.com" in page.get_data(as_text=True)
    assert browser.get("/").status_code == 302
    signed_in = browser.post(link)
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/"
    assert browser.get("/admin/people").status_code == 200
    assert browser.get_cookie("device") is not None  # a known browser from now on
    again = app.test_client().post(link)
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)


def test_asking_for_a_link_answers_alike_for_any_address_and_mails_only_active_people(
    app, client, make, smtp, jobs, shipped
):
    ada = make.user(email="ada@example.com")
    gone = make.user(email="gone@example.com", active=False)
    answers = {email: ask_for_link(client, email) for email in (ada.email, "nobody@example.com", gone.email)}
    texts = {email: response.get_data(as_text=True).replace(email, "EMAIL") for email, response in answers.items()}
    assert {response.status_code for response in answers.values()} == {200}
    assert len(set(texts.values())) == 1
    jobs.run()
    assert [m["To"].addresses[0].addr_spec for m in smtp.messages()] == [ada.email]
    assert ask_for_link(client, "not an address").status_code == 400


def test_a_link_that_is_too_old_or_altered_or_for_someone_deactivated_signs_nobody_in(app, client, make, shipped):
    ada = make.user(email="ada@example.com")
    old = make_token(
        "sign-in",
        ada.id,
        user_id=ada.id,
        single_use=True,
        issued_at=utcnow() - timedelta(minutes=Config.SIGN_IN_LINK_MINUTES + 1),
    )
    assert client.post(f"/sign-in/email/{old}").status_code == 410
    good = make_token("sign-in", ada.id, user_id=ada.id, single_use=True)
    assert client.post(f"/sign-in/email/{good[:-2]}xx").status_code == 400
    for_another_purpose = make_token("known-browser", ada.id, user_id=ada.id, single_use=True)
    assert client.post(f"/sign-in/email/{for_another_purpose}").status_code == 400
    ada.active = False
    db.session.commit()
    assert client.post(f"/sign-in/email/{good}").status_code == 400
    assert client.get("/").status_code == 302


def test_links_asked_for_past_the_limit_are_refused_alike_whether_or_not_the_address_is_known(
    app, make, smtp, jobs, shipped
):
    ada = make.user(email="ada@example.com", roles=(Role.MENTOR,))
    per_email = int(Config.RATELIMIT_SIGN_IN_LINK.split()[0])
    for email in (ada.email, "nobody@example.com"):
        for n in range(per_email):
            assert ask_for_link(app.test_client(), email, address=f"10.6.{n}.1").status_code == 200
        refused = ask_for_link(app.test_client(), email, address="10.6.99.1")
        assert refused.status_code == 429 and "Please try again in" in refused.get_data(as_text=True)
    jobs.run()
    links = links_in(smtp, ada)
    assert len(links) == per_email  # a stranger asking in Ada's name filled her mailbox with working links
    browser = app.test_client()
    assert browser.post(links[-1]).status_code == 302

    per_address = int(Config.RATELIMIT_SIGN_IN_LINK_ADDRESS.split()[0])
    for n in range(per_address):
        assert ask_for_link(app.test_client(), f"someone{n}@example.com", address="10.7.0.1").status_code == 200
    assert ask_for_link(app.test_client(), "someone.else@example.com", address="10.7.0.1").status_code == 429
    assert ask_for_link(app.test_client(), "someone.else@example.com", address="10.7.0.2").status_code == 200
