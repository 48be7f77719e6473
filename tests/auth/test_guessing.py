"""Guessing passwords is slowed down, and nobody can lock a person out by guessing at their
account: failures make the next attempt wait longer each time (a 429 that says until when),
for the account from browsers that never signed in to it and for the address they came
from; a browser that signed in to the account before counts only its own failures. With the
shipped settings (config.Config), counted in the suite's real Redis; each attempt by a
stranger comes from a browser of its own, as a botnet's would.
"""

from __future__ import annotations

import re
import time

import pytest

from app.auth.backoff import wait_after
from app.security import reset_rate_limits
from config import Config
from tests.factories import Factories

SHIPPED = {
    name: getattr(Config, name)
    for name in ("SIGN_IN_FREE_FAILURES", "SIGN_IN_FREE_FAILURES_PER_ADDRESS", "SIGN_IN_MAX_WAIT_SECONDS")
}
WRONG = "not the password"
DEVICE = "device"


@pytest.fixture
def policy(app):
    """The shipped settings, on counts that start at zero."""
    app.config.update(SHIPPED)
    reset_rate_limits(app)
    yield
    reset_rate_limits(app)


def attempt(app, email: str, password: str = Factories.PASSWORD, address: str = "127.0.0.1", browser=None):
    """One sign-in attempt, from a browser of its own unless one is given."""
    browser = browser or app.test_client()
    return browser.post("/sign-in", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def refused_until(response, reason: str) -> int:
    """The 429 says why and how long to wait, in words and in Retry-After; return the wait."""
    assert response.status_code == 429, response.status_code
    wait = int(response.headers["Retry-After"])
    page = response.get_data(as_text=True)
    assert reason in page
    said = re.search(r"Please try again in (\d+) (second|minute|hour)s?\.", page)
    assert said and int(said[1]) * {"second": 1, "minute": 60, "hour": 3600}[said[2]] >= wait
    assert "Email me a link to sign in" in page  # and how to get in at once
    return wait


@pytest.mark.parametrize(
    "failures, wait", [(0, 0), (5, 0), (6, 1), (7, 2), (8, 4), (14, 256), (15, 512), (16, 900), (10_000, 900)]
)
def test_each_failure_past_the_free_ones_doubles_the_wait_up_to_the_longest(failures, wait):
    assert wait_after(failures, free=5, longest=900) == wait


def test_shipped_settings_are_the_documented_ones():
    assert SHIPPED == {
        "SIGN_IN_FREE_FAILURES": 5,
        "SIGN_IN_FREE_FAILURES_PER_ADDRESS": 20,
        "SIGN_IN_MAX_WAIT_SECONDS": 900,
    }


def test_a_stranger_guessing_from_many_addresses_does_not_lock_the_person_out_of_their_own_browser(app, make, policy):
    ada = make.admin(email="ada@example.com")
    laptop = app.test_client()
    assert attempt(app, ada.email, browser=laptop).status_code == 302
    assert laptop.get_cookie(DEVICE) is not None
    laptop.post("/sign-out")
    answers = [attempt(app, ada.email, WRONG, address=f"10.0.{n}.1").status_code for n in range(60)]
    free = SHIPPED["SIGN_IN_FREE_FAILURES"]
    assert answers[: free + 1] == [400] * (free + 1)
    # Then the guesser waits, and gets a password tried only when a wait (1 s, 2 s ...) is over.
    assert answers[free + 1] == 429 and answers.count(400) <= free + 3
    assert attempt(app, ada.email, browser=laptop).status_code == 302  # Ada does not
    assert laptop.get("/admin/people").status_code == 200


def test_failures_for_an_account_make_new_browsers_wait_longer_each_time_but_never_lock_it(app, make, policy):
    ada = make.user(email="ada@example.com")
    free = SHIPPED["SIGN_IN_FREE_FAILURES"]
    for n in range(free + 1):
        assert attempt(app, " Ada@Example.com ", WRONG, address=f"10.1.0.{n}").status_code == 400
    first = refused_until(
        attempt(app, ada.email, address="10.2.0.1"),  # the right password, too early
        "Too many failed sign-in attempts for this account.",
    )
    assert first == 1
    time.sleep(first)  # as the answer said
    assert attempt(app, ada.email, WRONG, address="10.2.0.2").status_code == 400
    second = refused_until(
        attempt(app, ada.email, WRONG, address="10.2.0.3"), "Too many failed sign-in attempts for this account."
    )
    assert second == 2 * first
    time.sleep(second)
    browser = app.test_client()
    assert attempt(app, ada.email, address="10.2.0.4", browser=browser).status_code == 302  # no hard lock
    assert browser.get("/").status_code == 200
    # Signing in with the password forgets the account's failures: the next mistake is free.
    browser.post("/sign-out")
    assert attempt(app, ada.email, WRONG, address="10.2.0.5").status_code == 400
    assert attempt(app, ada.email, address="10.2.0.6").status_code == 302


def test_many_accounts_tried_from_one_address_make_that_address_wait(app, make, policy):
    people = [make.user() for _ in range(3)]
    known = app.test_client()
    assert attempt(app, people[0].email, address="10.9.9.9", browser=known).status_code == 302
    known.post("/sign-out")
    for n in range(SHIPPED["SIGN_IN_FREE_FAILURES_PER_ADDRESS"] + 1):  # a few tries for each of many
        assert attempt(app, f"someone{n // 4}@example.com", WRONG, address="10.9.9.9").status_code == 400
    refused_until(
        attempt(app, people[1].email, address="10.9.9.9"), "Too many failed sign-in attempts from your address."
    )
    assert attempt(app, people[1].email, address="10.9.9.10").status_code == 302  # another address
    # A browser that signed in to its account before, behind the same address, goes on.
    assert attempt(app, people[0].email, address="10.9.9.9", browser=known).status_code == 302


def test_a_known_browser_counts_its_own_failures_only_and_for_its_own_account(app, make, policy):
    ada, mallory = make.user(email="ada@example.com"), make.user(email="mallory@example.com")
    free = SHIPPED["SIGN_IN_FREE_FAILURES"]
    adas = app.test_client()
    assert attempt(app, ada.email, browser=adas).status_code == 302
    adas.post("/sign-out")
    for _ in range(free + 1):
        assert attempt(app, ada.email, WRONG, browser=adas).status_code == 400
    refused_until(attempt(app, ada.email, browser=adas), "Too many failed sign-in attempts from this browser.")
    assert attempt(app, ada.email, address="10.3.0.1").status_code == 302  # elsewhere, nothing holds her

    # Mallory's browser knows Mallory's account, not Ada's; an altered cookie knows nothing.
    mallorys = app.test_client()
    assert attempt(app, mallory.email, browser=mallorys).status_code == 302
    mallorys.post("/sign-out")
    for _ in range(free + 1):
        assert attempt(app, ada.email, WRONG, address="10.4.0.1", browser=mallorys).status_code == 400
    refused_until(
        attempt(app, ada.email, address="10.4.0.1", browser=mallorys),
        "Too many failed sign-in attempts for this account.",
    )
    forged = app.test_client()
    value = adas.get_cookie(DEVICE).value
    forged.set_cookie(DEVICE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    refused_until(
        attempt(app, ada.email, address="10.4.0.2", browser=forged),
        "Too many failed sign-in attempts for this account.",
    )
