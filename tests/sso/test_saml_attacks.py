"""Answers Unstuck must refuse from a SAML provider, or from someone posing as one: each gets
a page saying why, and nothing is created or signed in."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.people.models import User
from app.sso import saml_checks
from app.sso.models import ExternalIdentity
from tests.sso.saml_flow import Browser


def assert_nothing_happened(browser: Browser, people_before: int = 0) -> None:
    """No account, no link, no sign-in."""
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == people_before
    assert db.session.scalar(sa.select(sa.func.count(ExternalIdentity.id))) == 0
    assert browser.home().headers["Location"].startswith("/sign-in")


def assert_refused(answer, status: int, reason: str) -> None:
    assert answer.status_code == status, answer.text
    assert "did not work" in answer.text
    assert reason.replace("'", "&#39;") in answer.text
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("spoiled", "reason"),
    [
        ("audience", saml_checks.NOT_FOR_US),
        # pysaml2 alone would take these two: one restriction of several naming us, or none.
        ("other-audience-too", saml_checks.NOT_FOR_US),
        ("no-audience", saml_checks.NOT_FOR_US),
        ("expired", saml_checks.OUT_OF_TIME),
        ("not-yet", saml_checks.OUT_OF_TIME),
        ("recipient", saml_checks.WRONG_PLACE),
        ("destination", saml_checks.WRONG_PLACE),
        ("unsigned", saml_checks.NOT_SIGNED),
        ("other-key", saml_checks.UNREADABLE),
        ("tampered", saml_checks.UNREADABLE),
        ("transient", saml_checks.TRANSIENT),
    ],
)
def test_a_spoiled_answer_is_refused_and_nobody_is_added(saml_idp, saml_server, browser_http, spoiled, reason):
    saml_server.app.config["SSO_CREATE_PEOPLE"] = True  # even when the provider may add people
    saml_idp.misbehave.add(spoiled)

    assert_refused(browser_http.sign_in("ada"), 400, reason)
    assert_nothing_happened(browser_http)


def test_an_answer_posted_again_is_refused(make, saml_idp, saml_server, browser_http):
    make.user(email="ada@example.com")
    answer = browser_http.provider_answer("ada")
    started = browser_http.http.cookies.copy()
    assert browser_http.post_answer(answer).status_code == 302

    # The same browser: its request was answered, so it waits for no answer any more.
    assert_refused(browser_http.post_answer(answer), 400, saml_checks.NOT_ASKED)
    # Someone who copied the answer and the cookie that went with it, into another browser.
    thief = Browser(saml_server)
    thief.http.cookies.update(started)
    assert_refused(thief.post_answer(answer), 400, saml_checks.USED)
    assert thief.home().headers["Location"].startswith("/sign-in")


def test_an_answer_nobody_here_asked_for_is_refused(saml_idp, saml_server, browser_http):
    """A provider-started (IdP-initiated) sign-in, or a forged post from another site: no
    request of this browser's waits for it."""
    saml_server.app.config["SSO_CREATE_PEOPLE"] = True
    answer = browser_http.provider_answer("ada")
    stranger = Browser(saml_server)

    assert_refused(stranger.post_answer(answer), 400, saml_checks.NOT_ASKED)
    # Nor does it answer a later request of the same browser.
    browser_http.provider_answer("ben")
    assert_refused(browser_http.post_answer(answer), 400, saml_checks.NOT_ASKED)
    assert_nothing_happened(browser_http)


def test_an_unknown_email_is_refused_when_people_are_not_added(saml_idp, browser_http):
    answer = browser_http.sign_in("ada")

    assert answer.status_code == 403
    assert "There is no Unstuck account for ada@example.com" in answer.text
    assert_nothing_happened(browser_http)


def test_the_email_of_someone_linked_to_another_account_is_refused(make, saml_idp, browser_http):
    make.user(email="ada@example.com")
    assert browser_http.sign_in("ada").status_code == 302
    saml_idp.accounts["ben"]["email"] = "ada@example.com"  # Ben gives himself Ada's address
    bens = Browser(browser_http.served)

    answer = bens.sign_in("ben")

    assert answer.status_code == 403
    assert "linked to another sign-in" in answer.text
    assert bens.home().headers["Location"].startswith("/sign-in")
    assert db.session.scalar(sa.select(sa.func.count(ExternalIdentity.id))) == 1


def test_a_deactivated_person_is_refused(make, saml_idp, browser_http):
    make.user(email="ada@example.com", active=False)

    answer = browser_http.sign_in("ada")

    assert answer.status_code == 403
    assert "deactivated" in answer.text
    assert_nothing_happened(browser_http, people_before=1)


def test_a_response_signed_only_inside_is_refused_when_the_whole_must_be_signed(make, saml_idp, saml_server):
    make.user(email="ada@example.com")
    saml_idp.misbehave.add("assertion-only")
    assert Browser(saml_server).sign_in("ada").status_code == 302  # the assertion's signature is enough

    saml_server.app.config["SAML_WANT_RESPONSE_SIGNED"] = True
    browser = Browser(saml_server)

    assert_refused(browser.sign_in("ada"), 400, saml_checks.NOT_SIGNED)
    assert browser.home().headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("posted", ["", "not base64 at all!", "PHNhbWxwOlJlc3BvbnNl", "PGZvbz48L2Zvbz4="])
def test_an_answer_that_is_no_saml_response_is_refused(saml_server, browser_http, posted):
    browser_http.provider_answer("ada")  # a request waits, so the answer itself is read

    assert_refused(browser_http.post_answer({"SAMLResponse": posted}), 400, saml_checks.UNREADABLE)
    assert_nothing_happened(browser_http)
