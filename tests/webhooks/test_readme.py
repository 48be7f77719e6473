"""The README's webhook example is real: its signature checks out with its secret, and its
code reads a real delivery from Unstuck."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from standardwebhooks.webhooks import Webhook

from app.extensions import db
from app.webhooks import core
from app.webhooks.outbox import publish

README = Path(__file__).parents[2] / "README.md"


def section() -> str:
    text = README.read_text()
    return text[text.index("### Webhooks") : text.index("## Privacy and security")]


def test_the_example_delivery_is_signed_with_the_example_secret():
    text = section()
    secret = re.search(r"with the secret\s+`(whsec_[^`]+)`", text).group(1)
    example = re.search(r"```\nPOST .*?\n\n(\{.*?\})\n```", text, re.S)
    headers = dict(line.split(": ", 1) for line in example.group(0).splitlines()[2:6])
    body = example.group(1).encode()

    sent_at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    assert Webhook(secret).sign(headers["webhook-id"], sent_at, body) == headers["webhook-signature"]


def test_the_examples_code_reads_a_real_delivery_and_refuses_a_forged_one(hooks, jobs):
    code = re.search(r"```python\n(.*?)```", section(), re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102  (the README's own example)
    read_unstuck_event = namespace["read_unstuck_event"]
    _, secret = hooks.endpoint("/ok", events=["question.answered"])
    publish("question.answered", "question:412", {"question_id": 412})
    db.session.commit()
    jobs.run()
    [got] = hooks.receiver.received()
    body = got["body"].encode()

    event = read_unstuck_event(body, got["headers"], secret)
    assert event["type"] == "question.answered" and event["data"] == {"question_id": 412}
    assert read_unstuck_event(body.replace(b"412", b"413"), got["headers"], secret) is None


def test_the_example_receiver_answers_a_real_verification_with_its_challenge(hooks, jobs):
    code = re.findall(r"```python\n(.*?)```", section(), re.S)[1]
    namespace: dict = {"__name__": __name__}  # as if it were this module
    exec(code, namespace)  # noqa: S102  (the README's own example)
    endpoint, secret = hooks.endpoint("/ok", verified=False)
    jobs.run()
    [verification] = hooks.receiver.verifications()
    namespace["SECRET"] = secret
    client = namespace["receiver"].test_client()
    headers = {name: verification["headers"][name] for name in ("webhook-id", "webhook-timestamp", "webhook-signature")}

    answer = client.post("/unstuck", data=verification["body"], headers=headers)

    challenge = verification["json"]["data"]["challenge"]
    assert answer.status_code == 200
    assert core.verification_problem(answer.status_code, answer.get_data(as_text=True), challenge) is None
    assert client.post("/unstuck", data=verification["body"].replace("1", "2"), headers=headers).status_code == 401
    assert namespace["handled"] == []
