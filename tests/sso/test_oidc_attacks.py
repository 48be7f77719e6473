"""Answers that must not sign anyone in: a state or nonce that does not match, a code used
twice, another application's token, a forged signature, the provider saying no or being
down; and a provider that rotates its keys, which must go on working."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.sso.openid_provider import (
    CLIENT_ID,
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    OTHER_REDIRECT_URI,
    signed_in_name,
    until_callback,
)

NOBODY_SAVED = {"users": [], "external_identities": [], "sign_in_sessions": []}


@pytest.fixture
def ada(make):
    return make.user(name="Ada L.", email="ada@example.com")


def started(openid_provider, url: str, account: str = "ada") -> tuple[requests.Session, str]:
    """A browser that pressed "Sign in with ..." and is at the provider; and the provider's URL."""
    openid_provider.sign_in_as(account)
    browser = requests.Session()
    response = browser.get(f"{url}/sso/oidc/start", allow_redirects=False, timeout=10)
    assert response.status_code == 302
    return browser, response.headers["Location"]


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def test_an_answer_this_browser_did_not_ask_for_is_refused(ada, openid_provider, sso_server, caplog):
    url = sso_server()
    browser, at_provider = started(openid_provider, url)
    callback = until_callback(browser, at_provider)
    victim = requests.Session()  # login CSRF: someone else's answer, pushed to this browser

    page = victim.get(callback, timeout=10)

    assert page.status_code == 400
    assert "This sign-in was not started in this browser, or it was used already." in page.text
    assert signed_in_name(victim, url) is None
    assert victim.get(f"{url}/sso/oidc/callback", timeout=10).status_code == 400  # no state at all
    assert "no such state in the session" in caplog.text


def test_an_id_token_with_another_nonce_is_refused(app, ada, openid_provider, sso_server, committed_rows, caplog):
    url = sso_server()
    browser, at_provider = started(openid_provider, url)
    callback = until_callback(browser, at_provider)
    cookies = app.session_interface.get_signing_serializer(app)
    session = cookies.loads(browser.cookies["session"])
    (key,) = [name for name in session if name.startswith("_state_")]
    session[key]["data"]["nonce"] = "not-the-nonce-the-provider-was-given"
    browser.cookies.set("session", cookies.dumps(session), domain="127.0.0.1", path="/")

    page = browser.get(callback, timeout=10)

    assert page.status_code == 403
    assert "could not confirm this sign-in with Example Login" in page.text
    assert signed_in_name(browser, url) is None
    assert committed_rows(["external_identities", "sign_in_sessions"]) == {
        "external_identities": [],
        "sign_in_sessions": [],
    }
    assert "Invalid claim: 'nonce'" in caplog.text


def test_a_code_used_once_does_not_sign_in_again(ada, openid_provider, sso_server, caplog):
    url = sso_server()
    browser, at_provider = started(openid_provider, url)
    callback = until_callback(browser, at_provider)
    copy = requests.Session()
    copy.cookies.update(browser.cookies)  # the same browser's cookies, before the callback
    assert browser.get(callback, timeout=10).status_code == 200

    page = copy.get(callback, timeout=10)

    assert page.status_code == 403
    assert signed_in_name(copy, url) is None
    assert "invalid_grant" in caplog.text


def test_a_token_made_for_another_application_is_refused(ada, openid_provider, sso_server, caplog):
    url = sso_server()
    browser, at_provider = started(openid_provider, url)
    nonce = query(at_provider)["nonce"]
    # The same person signs in to the company's wiki, with the same nonce: a real token of
    # the provider, for another audience, is what the token answer now carries.
    openid_provider.answer_with_id_token(other_applications_id_token(openid_provider, nonce))

    page = browser.get(until_callback(browser, at_provider), timeout=10)

    assert page.status_code == 403
    assert signed_in_name(browser, url) is None
    assert "Invalid claim: 'aud'" in caplog.text


@pytest.mark.parametrize(
    ("kid", "reason"),
    [("the provider's", "bad_signature"), ("a-key-the-provider-never-had", "invalid_key_id")],
)
def test_a_token_signed_with_another_key_is_refused(ada, openid_provider, sso_server, caplog, kid, reason):
    url = sso_server()
    browser, at_provider = started(openid_provider, url)
    now = int(time.time())
    claims = {
        "iss": openid_provider.issuer,
        "sub": "ada",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 300,
        "nonce": query(at_provider)["nonce"],
        "email": "ada@example.com",
        "email_verified": True,
    }
    # Signed with a key of the forger's own, under the provider's key id or one it never had
    # (which makes Unstuck fetch the provider's keys again, in case they were rotated).
    header = {"alg": "RS256", "kid": openid_provider.key_ids()[0] if kid == "the provider's" else kid}
    openid_provider.answer_with_id_token(jwt.encode(header, claims, RSAKey.generate_key(2048)))

    page = browser.get(until_callback(browser, at_provider), timeout=10)

    assert page.status_code == 403
    assert signed_in_name(browser, url) is None
    assert reason in caplog.text


def test_sign_in_goes_on_working_when_the_provider_rotates_its_keys(ada, openid_provider, sso_server):
    url = sso_server()
    browser, at_provider = started(openid_provider, url)
    assert browser.get(at_provider, timeout=10).status_code == 200
    old_keys = openid_provider.key_ids()

    openid_provider.rotate_keys()
    browser, at_provider = started(openid_provider, url)
    page = browser.get(at_provider, timeout=10)

    assert set(openid_provider.key_ids()).isdisjoint(old_keys)
    assert page.status_code == 200
    assert signed_in_name(browser, url) == "Ada L."


def test_the_provider_saying_no_shows_what_it_said(ada, openid_provider, sso_server):
    url = sso_server()
    browser, at_provider = started(openid_provider, url, account=None)
    login_page = browser.get(at_provider, timeout=10)
    assert "/interaction/" in login_page.url

    page = browser.get(f"{login_page.url}/abort", timeout=10)  # the provider's "Cancel"

    assert page.status_code == 403
    assert "Example Login did not sign you in (access_denied: End-User aborted interaction)." in page.text
    assert signed_in_name(browser, url) is None


def test_a_provider_that_is_down_gets_a_clear_page_and_nothing_is_saved(openid_provider, sso_server, committed_rows):
    url = sso_server(SSO_CREATE_PEOPLE=True)
    openid_provider.stop()

    page = requests.get(f"{url}/sso/oidc/start", timeout=10)

    assert page.status_code == 502
    assert "Example Login is not answering" in page.text
    assert "Unstuck could not reach Example Login to sign you in." in page.text
    assert 'href="/sign-in"' in page.text
    assert committed_rows(list(NOBODY_SAVED)) == NOBODY_SAVED


def test_a_provider_gone_before_the_code_is_exchanged_adds_nobody(openid_provider, sso_server, committed_rows, caplog):
    url = sso_server(SSO_CREATE_PEOPLE=True)
    browser, at_provider = started(openid_provider, url)
    callback = until_callback(browser, at_provider)
    openid_provider.stop()

    page = browser.get(callback, timeout=10)

    assert page.status_code == 502
    assert signed_in_name(browser, url) is None
    assert committed_rows(list(NOBODY_SAVED)) == NOBODY_SAVED
    assert "token endpoint" in caplog.text


def test_a_provider_that_hangs_is_given_up_on_after_the_timeout(openid_provider, sso_server, committed_rows, caplog):
    url = sso_server(SSO_CREATE_PEOPLE=True, OIDC_TIMEOUT_SECONDS=1)
    browser, at_provider = started(openid_provider, url)
    callback = until_callback(browser, at_provider)
    openid_provider.pause()

    began = time.monotonic()
    page = browser.get(callback, timeout=30)

    assert page.status_code == 502
    assert time.monotonic() - began < 5
    assert committed_rows(list(NOBODY_SAVED)) == NOBODY_SAVED
    assert "Read timed out" in caplog.text


def other_applications_id_token(openid_provider, nonce: str) -> str:
    """Sign ada in to the other client (the code flow with PKCE, as that application does)
    and return the ID token the provider gives it."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    authorize = requests.Request(
        "GET",
        f"{openid_provider.issuer}/auth",
        params={
            "client_id": OTHER_CLIENT_ID,
            "response_type": "code",
            "scope": "openid email",
            "redirect_uri": OTHER_REDIRECT_URI,
            "state": "wiki-state",
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    ).prepare()
    code = query(until_callback(requests.Session(), authorize.url))["code"]
    answer = requests.post(
        f"{openid_provider.issuer}/token",
        auth=(OTHER_CLIENT_ID, OTHER_CLIENT_SECRET),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OTHER_REDIRECT_URI,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    answer.raise_for_status()
    id_token = answer.json()["id_token"]
    claims = json.loads(base64.urlsafe_b64decode(id_token.split(".")[1] + "=="))
    assert (claims["aud"], claims["nonce"]) == (OTHER_CLIENT_ID, nonce)
    return id_token
