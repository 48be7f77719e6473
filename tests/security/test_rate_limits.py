"""Rate limits on asking, links to sign in and mail in, and the waits failed sign-ins earn:
the shipped numbers (config.Config), counted
in the suite's real Redis, answered with a clear 429 that says when to try again, and with
nothing saved past the limit. The suite's own settings raise the limits so that other tests
never meet them; here they are set back to what production runs with.
"""

from __future__ import annotations

import re
import socket

import pytest
import sqlalchemy as sa
from limits import parse

from app.auth.models import ApiToken
from app.extensions import db
from app.factory import create_app
from app.help.models import Question
from app.mail.addresses import reply_address
from app.mail.models import IncomingMail
from app.people.models import Role
from app.security import reset_rate_limits
from config import Config, TestConfig
from tests.auth.test_guessing import refused_until
from tests.factories import Factories

SHIPPED = {
    name: getattr(Config, name)
    for name in (
        "RATELIMIT_ASK",
        "RATELIMIT_INBOUND_MAIL",
        "RATELIMIT_SIGN_IN_LINK",
        "RATELIMIT_SIGN_IN_LINK_ADDRESS",
        "SIGN_IN_FREE_FAILURES",
        "SIGN_IN_FREE_FAILURES_PER_ADDRESS",
        "SIGN_IN_MAX_WAIT_SECONDS",
    )
}
SECRET = "inbound-secret"
WRONG = {"password": "not the password"}
RAW_MAIL = (
    b"From: Mia <mia@example.com>\r\nTo: reply@localhost\r\nSubject: Re: hi\r\n"
    b"Message-ID: <m-1@example.com>\r\n\r\nThanks!\r\n"
)


def amount(setting: str) -> int:
    """How many requests a limit setting lets through in its window."""
    return parse(SHIPPED[setting]).amount


@pytest.fixture
def limits(app):
    """The production limits, on counters that start at zero."""
    app.config.update(SHIPPED, INBOUND_MAIL_SECRET=SECRET)
    reset_rate_limits(app)
    yield
    reset_rate_limits(app)


def from_address(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def sign_in(client, email: str, password: str = Factories.PASSWORD, address: str = "127.0.0.1", **kw):
    return client.post("/sign-in", data={"email": email, "password": password}, **from_address(address), **kw)


def assert_refused_for(response, reason: str) -> int:
    """The 429 says why and when to try again, in words and in Retry-After; return the wait."""
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    if response.is_json:
        error = response.get_json()["error"]
        assert error["code"] == "too_many_requests" and error["fields"] == {}
        message = error["message"]
    else:
        message = response.get_data(as_text=True)
        assert "Slow down" in message
    assert reason in message
    said = re.search(r"Please try again in (\d+) (second|minute|hour)s?\.", message)
    assert said, message
    assert int(said[1]) * {"second": 1, "minute": 60, "hour": 3600}[said[2]] >= wait
    return wait


def test_shipped_limits_are_the_documented_ones():
    assert SHIPPED == {
        "RATELIMIT_ASK": "30 per hour",
        "RATELIMIT_INBOUND_MAIL": "600 per minute",
        "RATELIMIT_SIGN_IN_LINK": "3 per 15 minutes",
        "RATELIMIT_SIGN_IN_LINK_ADDRESS": "20 per hour",
        "SIGN_IN_FREE_FAILURES": 5,
        "SIGN_IN_FREE_FAILURES_PER_ADDRESS": 20,
        "SIGN_IN_MAX_WAIT_SECONDS": 900,
    }
    assert TestConfig.RATELIMIT_ENABLED


# Signing in: failures make the next attempt wait (tests/auth/test_guessing.py says the rest)


def fail_from(app, address: str | None = None, headers: dict | None = None, count: int | None = None) -> None:
    """Fail to sign in from an address, as often as it is free to, then once more: a few times
    for each of several accounts (none of them reaches its own count), each time in a new browser."""
    count = SHIPPED["SIGN_IN_FREE_FAILURES_PER_ADDRESS"] + 1 if count is None else count
    for n in range(count):
        response = sign_in(
            app.test_client(),
            f"someone{n // 4}@example.com",
            address=address or "127.0.0.1",
            headers=headers or {},
            **WRONG,
        )
        assert response.status_code == 400


def test_looking_at_the_form_and_signing_in_well_do_not_count(app, make, limits):
    # A whole office behind one address signs in on a Monday morning.
    people = [make.user() for _ in range(SHIPPED["SIGN_IN_FREE_FAILURES_PER_ADDRESS"] + 5)]
    for person in people:
        browser = app.test_client()
        assert browser.get("/sign-in").status_code == 200
        assert sign_in(browser, person.email).status_code == 302
    fail_from(app)
    refused_until(sign_in(app.test_client(), people[0].email), "Too many failed sign-in attempts from your address.")


def test_one_account_tried_from_many_addresses_waits_but_others_do_not(app, client, make, limits):
    target, other = make.user(email="target@example.com"), make.user(email="other@example.com")
    for n in range(SHIPPED["SIGN_IN_FREE_FAILURES"] + 1):
        assert sign_in(app.test_client(), " Target@Example.com ", address=f"10.1.0.{n + 1}", **WRONG).status_code == 400
    refused = sign_in(app.test_client(), target.email, address="10.2.0.1")
    refused_until(refused, "Too many failed sign-in attempts for this account.")
    assert sign_in(client, other.email, address="10.2.0.1").status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_wait(app, make, limits):
    ada = make.user()
    for n in range(SHIPPED["SIGN_IN_FREE_FAILURES_PER_ADDRESS"] + 1):
        sign_in(app.test_client(), f"someone{n // 4}@example.com", headers={"X-Forwarded-For": f"10.3.0.{n}"}, **WRONG)
    refused = sign_in(app.test_client(), ada.email, headers={"X-Forwarded-For": "10.3.0.99"})
    refused_until(refused, "Too many failed sign-in attempts from your address.")


@pytest.fixture
def other_app(app, backend, prepared_databases, redis_url):
    """Build an app of one's own on the test's database, with settings changed."""
    built = []

    def build(**settings):
        settings = {
            "SQLALCHEMY_DATABASE_URI": prepared_databases(backend),
            "REDIS_URL": redis_url,
            **SHIPPED,
            **settings,
        }
        other = create_app(TestConfig, **settings)
        built.append(other)
        if other.config["REDIS_URL"] == redis_url:
            reset_rate_limits(other)
        return other

    yield build
    for other in built:
        if other.config["REDIS_URL"] == redis_url:
            reset_rate_limits(other)
        with other.app_context():
            db.engine.dispose()
        other.extensions["jobs"].connection.close()


def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(make, other_app):
    ada = make.user()
    proxied = other_app(TRUSTED_PROXIES=1)
    fail_from(proxied, headers={"X-Forwarded-For": "203.0.113.5"})
    assert sign_in(proxied.test_client(), ada.email, headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 429
    assert sign_in(proxied.test_client(), ada.email, headers={"X-Forwarded-For": "203.0.113.6"}).status_code == 302


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_with_redis_gone_signing_in_works_and_failures_still_count_in_memory(make, other_app):
    ada = make.user()
    lost = other_app(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    assert sign_in(lost.test_client(), ada.email).status_code == 302
    for _ in range(SHIPPED["SIGN_IN_FREE_FAILURES"] + 1):
        assert sign_in(lost.test_client(), ada.email, **WRONG).status_code == 400
    refused_until(sign_in(lost.test_client(), ada.email), "Too many failed sign-in attempts for this account.")


# Asking


ASK = {
    "goal": "Export the invoices",
    "stuck": "The export button is grey.",
    "urgency": "can_wait",
    "visibility": "anonymous",
}


def questions() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question))


@pytest.fixture
def asker(make, jobs):
    return make.user(name="Nina", team=make.team("Payments"), roles=(Role.NEW_HIRE,))


def test_asking_over_the_limit_by_page_panel_and_api_together_is_refused_and_saves_nothing(
    app, client, auth, asker, limits
):
    auth.sign_in(asker)
    _, secret = ApiToken.issue(asker, "laptop")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    allowed = amount("RATELIMIT_ASK")
    form = {**ASK, "ask_anyway": "Ask anyway"}  # the same question again, on purpose
    for n in range(allowed):
        way = n % 3
        if way == 0:
            response = client.post("/help/ask", data={**form, "request_key": f"page-{n}"})
            assert response.status_code == 302
        elif way == 1:
            response = client.post("/help/embed", data={**form, "request_key": f"panel-{n}"})
            assert response.status_code == 200
        else:
            response = client.post(
                "/api/v1/questions", json={**ASK, "ask_anyway": True, "request_key": f"api-{n}"}, headers=headers
            )
            assert response.status_code == 201
    assert questions() == allowed

    reason = "You have asked many questions in a short time; this one was not saved."
    assert_refused_for(client.post("/help/ask", data={**form, "request_key": "page-late"}), reason)
    assert_refused_for(client.post("/help/embed", data={**form, "request_key": "panel-late"}), reason)
    late = client.post(
        "/api/v1/questions", json={**ASK, "ask_anyway": True, "request_key": "api-late"}, headers=headers
    )
    assert late.is_json and 0 < assert_refused_for(late, reason) <= 3600
    assert questions() == allowed
    # Reading is not asking.
    assert client.get("/help/ask").status_code == 200
    assert client.get("/api/v1/questions", headers=headers).status_code == 200


def test_only_a_saved_question_counts_against_the_asking_limit(client, auth, asker, limits):
    auth.sign_in(asker)
    for _ in range(amount("RATELIMIT_ASK") + 5):
        assert client.post("/help/ask", data={**ASK, "goal": ""}).status_code == 400  # a mistake
        assert client.post("/help/ask", data={**ASK, "check": "1"}).status_code == 200  # "look first"
    assert questions() == 0
    assert client.post("/help/ask", data={**ASK, "request_key": "k"}).status_code == 302
    assert questions() == 1


def test_each_person_has_an_asking_limit_of_their_own(app, client, auth, make, asker, limits):
    app.config["RATELIMIT_ASK"] = "1 per hour"
    auth.sign_in(asker)
    assert client.post("/help/ask", data={**ASK, "request_key": "a"}).status_code == 302
    assert client.post("/help/ask", data={**ASK, "request_key": "b"}).status_code == 429
    auth.sign_out()
    auth.sign_in(make.user(team=asker.team))
    assert client.post("/help/ask", data={**ASK, "request_key": "c"}).status_code == 302
    assert questions() == 2


# Mail in


def received() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(IncomingMail))


def test_mail_in_past_its_limit_gets_a_json_429_and_is_not_kept(app, client, limits, make):
    # To a live reply address: mail to any other is refused (422) whatever the limits.
    address = reply_address("question", 1, make.mentor(email="mia@example.com").id)
    db.session.commit()
    raw = RAW_MAIL.replace(b"reply@localhost", address.encode())
    post = dict(headers={"Authorization": "Bearer wrong", "Content-Type": "message/rfc822"}, data=raw)
    for _ in range(amount("RATELIMIT_INBOUND_MAIL")):
        assert client.post("/mail/inbound", **post).status_code == 401  # every knock counts
    good = {"Authorization": f"Bearer {SECRET}", "Content-Type": "message/rfc822"}
    refused = client.post("/mail/inbound", headers=good, data=raw)
    assert refused.is_json
    assert 0 < assert_refused_for(refused, "Too much mail was handed in from your address") <= 60
    assert received() == 0
    other = client.post("/mail/inbound", headers=good, data=raw, **from_address("10.9.9.9"))
    assert other.status_code == 202 and received() == 1
