"""Passwords: "Forgot password?" mails a single-use link to set a new one (the answer the
same for any address, rate-limited); changing one's own needs the current one; every new
password ends the person's other sign-ins and remember cookies; weak passwords are refused
with zxcvbn's advice; with single sign-on required, passwords are refused.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.auth.models import ApiToken
from app.extensions import db, utcnow
from app.security import reset_rate_limits
from app.tokens import make_token
from config import Config
from tests.auth.test_sign_in_sessions import REMEMBER, copy_of, sign_in, signed_in
from tests.factories import Factories
from tests.security.test_rate_limits import assert_refused_for

LINK = re.compile(r"http://localhost(/password/reset/[A-Za-z0-9._-]+)")
STRONG = "tulip orbit canyon 42"


def ask(client, email: str, address: str = "127.0.0.1"):
    return client.post("/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": address})


def reset_links(smtp, email: str) -> list[str]:
    found = []
    for message in smtp.messages():
        if message["To"].addresses[0].addr_spec == email:
            found += LINK.findall(message.get_body(("plain",)).get_content())
    return found


def new_password(client, link: str, password: str = STRONG):
    return client.post(link, data={"new_password": password, "confirm": password})


def test_the_sign_in_page_offers_a_way_in_for_a_forgotten_password(client):
    assert 'href="/password/forgot">Forgot password?</a>' in client.get("/sign-in").get_data(as_text=True)


def test_forgot_password_answers_alike_for_any_address_and_mails_only_known_people(app, make, smtp, jobs):
    ada = make.user(email="ada@example.com")
    gone = make.user(email="gone@example.com", active=False)
    answers = {email: ask(app.test_client(), email) for email in (ada.email, "nobody@example.com", gone.email)}
    texts = {email: response.get_data(as_text=True).replace(email, "EMAIL") for email, response in answers.items()}
    assert {response.status_code for response in answers.values()} == {200}
    assert len(set(texts.values())) == 1
    jobs.run()
    assert [m["To"].addresses[0].addr_spec for m in smtp.messages()] == [ada.email]
    assert smtp.messages()[0]["Subject"] == "Set a new password for Unstuck"
    assert ask(app.test_client(), "not an address").status_code == 400


def test_a_reset_signs_out_every_browser_then_signs_in_afresh(app, make, smtp, jobs):
    ada = make.user(email="ada@example.com")
    elsewhere = app.test_client()
    sign_in(elsewhere, ada, remember=True)
    kept = copy_of(app, elsewhere, REMEMBER)
    _, secret = ApiToken.issue(ada, "script")
    db.session.commit()
    ask(app.test_client(), ada.email)
    jobs.run()
    [link] = reset_links(smtp, ada.email)
    browser = app.test_client()
    page = browser.get(link)
    assert page.status_code == 200 and "Choose a new password for ada@example.com" in page.get_data(as_text=True)
    weak = new_password(browser, link, "password1234")
    assert weak.status_code == 400 and "This is a very common password." in weak.get_data(as_text=True)
    assert new_password(browser, link).status_code == 302
    assert signed_in(browser)
    assert not signed_in(elsewhere) and not signed_in(kept)
    sign_in(app.test_client(), ada, password=STRONG)
    assert app.test_client().get("/api/v1/people/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert new_password(app.test_client(), link, "another tulip orbit 43").status_code == 410


def test_a_reset_link_too_old_altered_or_for_someone_deactivated_changes_nothing(app, client, make):
    ada = make.user(email="ada@example.com")
    old = make_token(
        "password-reset",
        ada.id,
        user_id=ada.id,
        single_use=True,
        issued_at=utcnow() - timedelta(minutes=Config.PASSWORD_RESET_MINUTES + 1),
    )
    assert new_password(client, f"/password/reset/{old}").status_code == 410
    good = make_token("password-reset", ada.id, user_id=ada.id, single_use=True)
    assert new_password(client, f"/password/reset/{good[:-2]}xx").status_code == 400
    sign_in_link = make_token("sign-in", ada.id, user_id=ada.id, single_use=True)
    assert new_password(client, f"/password/reset/{sign_in_link}").status_code == 400
    ada.active = False
    db.session.commit()
    assert new_password(client, f"/password/reset/{good}").status_code == 400
    ada.active = True
    db.session.commit()
    sign_in(app.test_client(), ada)  # the old password still works


def change(client, current: str, new: str = STRONG, again: str | None = None):
    data = {"current_password": current, "new_password": new, "confirm": new if again is None else again}
    return client.post("/profile/password", data=data)


def test_changing_ones_password_needs_the_current_one_and_keeps_only_this_browser(app, make):
    nina = make.user(email="nina@example.com", name="Nina New")
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, nina)
    sign_in(elsewhere, nina, remember=True)
    kept = copy_of(app, elsewhere, REMEMBER)
    assert 'action="/profile/password"' in here.get("/profile").get_data(as_text=True)

    wrong = change(here, "not my password")
    assert wrong.status_code == 400 and "That is not your current password." in wrong.get_data(as_text=True)
    weak = change(here, Factories.PASSWORD, "nina new 2024")
    assert weak.status_code == 400 and "This password is too easy to guess." in weak.get_data(as_text=True)
    assert change(here, Factories.PASSWORD, again="something else entirely").status_code == 400
    assert signed_in(elsewhere)

    done = change(here, Factories.PASSWORD)
    assert done.status_code == 302 and done.headers["Location"] == "/profile#password"
    assert signed_in(here)
    assert not signed_in(elsewhere) and not signed_in(kept)
    sign_in(app.test_client(), nina, password=STRONG)


def test_someone_without_a_password_sets_one_without_a_current_one(app, client, make):
    nina = make.user(email="nina@example.com")
    sign_in(client, nina)
    nina.password_hash = None
    db.session.commit()
    assert 'name="current_password"' not in client.get("/profile").get_data(as_text=True)
    assert change(client, "").status_code == 302
    sign_in(app.test_client(), nina, password=STRONG)


def test_weak_passwords_are_refused_by_the_api_with_the_policys_words(app, make):
    ada = make.admin()
    _, secret = ApiToken.issue(ada, "script")
    db.session.commit()
    api = {"Authorization": f"Bearer {secret}"}
    made = app.test_client().post(
        "/api/v1/people", json={"email": "p@example.com", "name": "Pat", "password": "password1234"}, headers=api
    )
    assert made.status_code == 422
    error = made.get_json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]["password"][0].startswith("This password is too easy to guess.")
    short = app.test_client().patch(f"/api/v1/people/{ada.id}", json={"password": "short"}, headers=api)
    assert short.status_code == 422 and short.get_json()["error"]["fields"] == {
        "password": ["A password has at least 10 characters."]
    }


def test_with_single_sign_on_required_passwords_are_refused_but_for_break_glass_admins(app, make, smtp, jobs):
    app.config.update(OIDC_ISSUER="https://id.example.com", SSO_REQUIRED=True, SSO_BREAK_GLASS="boss@example.com")
    nina = make.user(email="nina@example.com")
    boss = make.admin(email="boss@example.com")
    refused = app.test_client().post("/sign-in", data={"email": nina.email, "password": Factories.PASSWORD})
    assert refused.status_code == 400
    assert "use the \u201cSign in with your company account\u201d button" in refused.get_data(as_text=True)
    wrong = app.test_client().post("/sign-in", data={"email": nina.email, "password": "not it"})
    assert "That email and password do not match an account." in wrong.get_data(as_text=True)
    sign_in(app.test_client(), boss)
    assert ask(app.test_client(), nina.email).status_code == 200
    jobs.run()
    assert smtp.messages() == []


@pytest.fixture
def shipped(app):
    app.config.update(
        RATELIMIT_PASSWORD_RESET=Config.RATELIMIT_PASSWORD_RESET,
        RATELIMIT_PASSWORD_RESET_ADDRESS=Config.RATELIMIT_PASSWORD_RESET_ADDRESS,
    )
    reset_rate_limits(app)
    yield
    reset_rate_limits(app)


def test_links_asked_for_past_the_shipped_limits_are_refused_alike_for_any_address(app, make, smtp, jobs, shipped):
    assert (Config.RATELIMIT_PASSWORD_RESET, Config.RATELIMIT_PASSWORD_RESET_ADDRESS) == (
        "3 per 15 minutes",
        "20 per hour",
    )
    ada = make.user(email="ada@example.com")
    for email in (ada.email, "nobody@example.com"):
        for n in range(3):
            assert ask(app.test_client(), email, address=f"10.8.{n}.1").status_code == 200
        refused = ask(app.test_client(), email, address="10.8.99.1")
        assert_refused_for(refused, "Many links to set a password were asked for this email address")
    jobs.run()
    assert len(reset_links(smtp, ada.email)) == 3
    for n in range(20):
        assert ask(app.test_client(), f"someone{n}@example.com", address="10.9.0.1").status_code == 200
    refused = ask(app.test_client(), "someone.else@example.com", address="10.9.0.1")
    assert_refused_for(refused, "Many links to set a password were asked for from your address.")
    assert ask(app.test_client(), "someone.else@example.com", address="10.9.0.2").status_code == 200


@pytest.mark.parametrize(
    "path, data",
    [
        ("/password/forgot", {"email": "ada@example.com"}),
        ("/profile/password", {"current_password": Factories.PASSWORD, "new_password": STRONG, "confirm": STRONG}),
    ],
)
def test_password_forms_need_the_csrf_token(app, make, smtp, jobs, path, data):
    ada = make.user(email="ada@example.com")
    browser = app.test_client()
    if path.startswith("/profile"):
        sign_in(browser, ada)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert browser.post(path, data=data).status_code == 400
        jobs.run()
        assert smtp.messages() == []
        assert not ada.check_password(STRONG)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_a_link_page_needs_the_csrf_token_too(app, make):
    ada = make.user(email="ada@example.com")
    token = make_token("password-reset", ada.id, user_id=ada.id, single_use=True)
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        browser = app.test_client()
        assert new_password(browser, f"/password/reset/{token}").status_code == 400
        db.session.refresh(ada)
        assert not ada.check_password(STRONG)
        page = browser.get(f"/password/reset/{token}").get_data(as_text=True)
        csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        sent = browser.post(
            f"/password/reset/{token}", data={"new_password": STRONG, "confirm": STRONG, "csrf_token": csrf}
        )
        assert sent.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
