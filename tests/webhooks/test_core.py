"""The pure rules of webhooks out: the retry schedule, what counts as delivered, the body,
the signatures (checked with the standardwebhooks package), addresses, and rotation."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.webhooks import core

NOW = datetime(2026, 12, 7, 9, 30, 15, 123456, tzinfo=UTC)


def test_the_schedule_retries_seven_times_over_a_day_then_gives_up():
    waits = []
    attempts = 1
    while (when := core.next_try(attempts, NOW)) is not None:
        waits.append(when - NOW)
        attempts += 1
    assert waits == [
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
        timedelta(hours=10),
    ]
    assert attempts == 8  # the first try and seven retries
    assert sum(waits, timedelta()) > core.FAILING_TOO_LONG == timedelta(days=1)
    assert core.next_try(0, NOW) == NOW


@pytest.mark.parametrize(
    "code, ok", [(200, True), (204, True), (299, True), (301, False), (302, False), (404, False), (500, False)]
)
def test_only_a_2xx_is_delivered(code, ok):
    assert core.delivered(code) is ok
    assert core.delivered(None) is False


def test_a_day_of_failures_is_too_long():
    assert not core.failing_too_long(None, NOW)
    assert not core.failing_too_long(NOW - timedelta(hours=23, minutes=59), NOW)
    assert core.failing_too_long(NOW - timedelta(hours=24), NOW)


def test_the_body_is_type_timestamp_and_data_in_a_stable_form():
    body = core.body("question.asked", NOW, {"question_id": 12, "asked_at": "x"})

    assert json.loads(body) == {
        "type": "question.asked",
        "timestamp": "2026-12-07T09:30:15Z",
        "data": {"question_id": 12, "asked_at": "x"},
    }
    assert body == core.body("question.asked", NOW, {"asked_at": "x", "question_id": 12})
    with pytest.raises(ValueError):
        core.body("question.deleted", NOW, {})


def test_a_signature_verifies_with_the_library_and_fails_for_a_changed_body():
    secret = core.new_secret()
    body = core.body("question.asked", NOW, {"question_id": 12})
    headers = core.sign("msg_1", datetime.now(UTC), body, [secret])

    assert Webhook(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"12", b"13"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(core.new_secret()).verify(body, headers)


def test_two_secrets_sign_side_by_side_during_a_rotation():
    old, new = core.new_secret(), core.new_secret()
    body = b'{"type":"question.asked"}'
    headers = core.sign("msg_1", datetime.now(UTC), body, core.signing_secrets(new, old, NOW + timedelta(hours=1), NOW))

    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(body, headers)
    Webhook(new).verify(body, headers)
    assert core.signing_secrets(new, old, NOW, NOW) == [new]  # the overlap is over
    assert core.signing_secrets(new, None, None, NOW) == [new]


def test_ids_and_secrets_are_fresh_each_time():
    assert core.new_message_id() != core.new_message_id()
    assert core.new_message_id().startswith("msg_")
    secret = core.new_secret()
    assert secret.startswith("whsec_") and len(Webhook(secret)._whsecret) == 32


@pytest.mark.parametrize(
    "url, allow_private, problem",
    [
        ("https://hooks.example.com/unstuck", False, None),
        ("http://hooks.example.com/unstuck", False, "Give an https:// address"),
        ("http://127.0.0.1:8080/unstuck", True, None),
        ("hooks.example.com/unstuck", True, "Give an https:// address"),
        ("https:///nohost", False, "Give an https:// address"),
        ("https://user:pw@hooks.example.com/", False, "Leave the user name and password out"),
        ("https://hooks.example.com:99999/", False, "That is not a web address."),
        ("https://hooks.example.com/" + "a" * 2000, False, "That address is too long."),
    ],
)
def test_an_address_must_be_https_with_a_host(url, allow_private, problem):
    found = core.address_problem(url, allow_private)
    assert (found is None) if problem is None else found.startswith(problem)


@pytest.mark.parametrize(
    "addresses, private",
    [
        (["93.184.215.14"], None),
        (["2606:2800:21f:cb07:6820:80da:af6b:8b2c"], None),
        (["93.184.215.14", "127.0.0.1"], "127.0.0.1"),
        (["10.1.2.3"], "10.1.2.3"),
        (["192.168.0.10"], "192.168.0.10"),
        (["169.254.169.254"], "169.254.169.254"),  # the cloud's metadata service
        (["::1"], "::1"),
        (["fe80::1%eth0"], "fe80::1%eth0"),
        (["fd00::1"], "fd00::1"),
        (["0.0.0.0"], "0.0.0.0"),
        (["224.0.0.1"], "224.0.0.1"),
    ],
)
def test_addresses_off_the_internet_are_found(addresses, private):
    assert core.private_address(addresses) == private
