"""Routes whose address carries a token (links in mails, calendar feeds, unsubscribing) or
whose request carries a secret (received mail): the token is the key, for anyone signed in
or not, and only a good one opens the route. Their rows are Token(...) in
tests/security/access_table.py."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.security.access_requests import good_tokens, sign_in, url
from tests.security.access_scene import Scene, build_scene, changed_tables, database_state
from tests.security.access_table import GET, TABLE, Token, routes


@pytest.fixture
def s(make, jobs) -> Scene:
    return build_scene(make)


def bad_tokens(good: str, other_purpose: str) -> list[str]:
    """Tokens that must not work: made up, tampered with, and a good one for another purpose."""
    return ["made-up", good[:-2] + ("AA" if not good.endswith("AA") else "BB"), other_purpose]


def test_a_route_whose_token_is_the_key_opens_with_it_for_anyone_and_only_with_it(app, client, auth, s):
    good = good_tokens(s)
    db.session.commit()
    token_rules = [
        (rule, method, row)
        for rule in routes(app)
        for method, row in TABLE[rule.rule].items()
        if isinstance(row, Token) and rule.endpoint in good
    ]
    assert {rule.endpoint for rule, _, _ in token_rules} == set(good)
    wrong = []
    for role in ("anonymous", "other_new_hire"):
        sign_in(auth, s, role)
        for rule, method, row in token_rules:
            if row.valid is not None:
                response = client.open(url(app, s, rule, good), method=method)
                if response.status_code != row.valid:
                    wrong.append(f"{method} {rule.rule} with its token as {role}: {response.status_code}")
            others = [g["token"] for endpoint, g in good.items() if endpoint != rule.endpoint]
            for bad in bad_tokens(good[rule.endpoint]["token"], others[0]):
                before = database_state() if method != GET else None
                given = {rule.endpoint: {**good[rule.endpoint], "token": bad}}
                response = client.open(url(app, s, rule, given), method=method)
                if response.status_code != row.invalid:
                    wrong.append(
                        f"{method} {rule.rule} with token {bad[:12]}… as {role}: "
                        f"{response.status_code}, not {row.invalid}"
                    )
                if before is not None and (tables := changed_tables(before, database_state())):
                    wrong.append(f"{method} {rule.rule} with a bad token changed {', '.join(tables)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    "endpoint, action",
    [("help.email_action", "delete"), ("matching.email_action", "delete"), ("mail.unsubscribe", "no-such-topic")],
)
def test_an_action_or_topic_a_link_cannot_name_is_not_found(app, client, s, endpoint, action):
    good = good_tokens(s)
    name = "topic_name" if endpoint == "mail.unsubscribe" else "action"
    [rule] = [r for r in routes(app) if r.endpoint == endpoint]
    given = {endpoint: {**good[endpoint], name: action}}
    assert client.get(url(app, s, rule, given)).status_code == 404
    assert client.post(url(app, s, rule, given)).status_code == 404


def test_received_mail_is_taken_only_with_the_providers_secret(app, client, auth, s):
    app.config["INBOUND_MAIL_SECRET"] = "provider-secret"
    raw = b"From: nina@example.com\r\nTo: reply@example.com\r\nSubject: hi\r\n\r\nHello\r\n"
    mail = {"data": raw, "content_type": "message/rfc822"}
    before = database_state()
    auth.sign_in(s.people["admin"])  # a web session is no secret
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic provider-secret"},
        {"Authorization": "Bearer provider-secre"},
    ):
        response = client.post("/mail/inbound", headers=headers, **mail)
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    assert database_state() == before
    # With the secret the provider gets past the door: a body that is no email is refused as such.
    wrong_type = client.post(
        "/mail/inbound", headers={"Authorization": "Bearer provider-secret"}, data=raw, content_type="text/html"
    )
    assert wrong_type.status_code == 415
    app.config["INBOUND_MAIL_SECRET"] = ""
    assert client.post("/mail/inbound", headers={"Authorization": "Bearer "}, **mail).status_code == 404
