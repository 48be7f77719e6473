"""Bodies no parser, column or check should fail on: JSON nested deeper than any request needs
or holding text that is not text (a lone UTF-16 surrogate), on every route, and numbers no
column can hold in the people API. Each is a clear 400 or 422 in the JSON error shape, and
nothing is saved. (A NUL in a CSV upload: tests/people/test_import_entry_points.py; NUL
characters and ids elsewhere: test_hostile_values.py.)"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.request_checks import MAX_JSON_DEPTH
from tests.security.access_requests import good_tokens, url
from tests.security.access_scene import Browser, build_scene, changed_tables, database_state
from tests.security.access_table import methods, routes

API = "/api/v1"
BIG = [2**31, 2**63, 10**30]  # the first is one more than an INTEGER column holds


@pytest.fixture
def scene(make, jobs):
    return build_scene(make)


def json_error(response, status: int) -> dict:
    """The error of an answer in the JSON error shape, after checking its status."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    assert set(response.json) == {"error"} and set(response.json["error"]) == {"code", "message", "fields"}
    return response.json["error"]


def send_raw(client, scene, app, rule, method: str, body: str, tokens: dict):
    """Send `body` as a JSON body to the rule's address, as the admin (with their token on the API)."""
    headers = scene.api_headers("admin") if rule.rule.startswith("/api/") else {}
    return client.open(
        url(app, scene, rule, tokens), method=method, data=body, content_type="application/json", headers=headers
    )


def error_message(response) -> str:
    """The reason a JSON error gives: the API's `{"error": {...}}`, or directory sync's SCIM
    Error (`application/scim+json`, its reason in `detail`)."""
    if response.mimetype == "application/scim+json":
        return response.get_json(force=True)["detail"]
    return response.json["error"]["message"] if response.mimetype == "application/json" else ""


@pytest.mark.parametrize(
    "what, body, message",
    [
        ("nested far too deep", "[" * 100_000 + "]" * 100_000, f"nested more than {MAX_JSON_DEPTH} levels deep"),
        (
            "nested one level too deep",
            "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
            f"nested more than {MAX_JSON_DEPTH} levels deep",
        ),
        ("a lone surrogate", '{"goal": "stuck \\ud800 here", "stuck": "x"}', "not text"),
        ("a lone surrogate in a name", '{"\\udc00": 1}', "not text"),
    ],
)
def test_a_json_body_no_request_needs_is_refused_on_every_route(app, scene, what, body, message):
    admin = Browser(app, scene.people["admin"])
    tokens = good_tokens(scene)
    db.session.commit()
    before = database_state()
    wrong = []
    for rule in routes(app):
        for method in sorted(methods(rule)):
            response = send_raw(admin, scene, app, rule, method, body, tokens)
            if response.status_code != 400 or message not in error_message(response):
                wrong.append(f"{method} {rule.rule}: {response.status_code} {response.get_data(as_text=True)[:120]}")
    assert not wrong, f"{what}:\n" + "\n".join(wrong)
    assert not changed_tables(before, database_state())


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_health_answers_a_deep_body_with_the_json_error(client, method):
    deep = "[" * 50_000 + "]" * 50_000
    error = json_error(client.open("/health", method=method, data=deep, content_type="application/json"), 400)
    assert error["code"] == "bad_request" and "nested more than" in error["message"]


def test_json_as_deep_as_a_request_can_be_is_read(app, scene):
    """The limit leaves room: a body nested to the limit is read, and its field checked."""
    admin = Browser(app, scene.people["admin"])
    deep = {"name": "Deep team"}
    for _ in range(MAX_JSON_DEPTH - 2):  # and the body around it: MAX_JSON_DEPTH levels in all
        deep = {"nested": deep}
    response = admin.open(
        f"{API}/teams", method="POST", json={"name": "Deep", "x": deep}, headers=scene.api_headers("admin")
    )
    assert json_error(response, 422)["fields"] == {"x": ["Unknown field."]}


@pytest.mark.parametrize("big", BIG)
def test_numbers_no_column_holds_are_refused_by_each_field_of_the_people_api(app, scene, big):
    admin = Browser(app, scene.people["admin"])
    headers = scene.api_headers("admin")
    person = scene.people["new_hire"]
    before = database_state()
    wrong = []
    for name in ("level", "max_mentees", "max_open_questions", "manager_id", "team_id"):
        for method, path, body in (
            ("POST", f"{API}/people", {"email": "big@example.com", "name": "Big", name: big}),
            ("PATCH", f"{API}/people/{person.id}", {name: big}),
        ):
            response = admin.open(path, method=method, json=body, headers=headers)
            if response.status_code != 422 or name not in response.json["error"]["fields"]:
                wrong.append(f"{method} {path} {name}={big}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert not changed_tables(before, database_state())
