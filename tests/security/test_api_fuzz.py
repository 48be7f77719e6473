"""The API fuzzed from its own OpenAPI document with Schemathesis.

Every operation of /api/v1/openapi.json gets requests made from the document, valid ones
and broken ones (wrong types, missing and unknown fields, values past every limit, other
methods, a missing or wrong token), sent by a new hire of a small team: a lead, mentors,
skills, questions with a thread, a mentorship with its check-ins and task feedback; and
sent again by an admin, who may call every operation (people, teams and skills too), on
PostgreSQL where the suite has it (its columns refuse what SQLite would keep). No answer may
be a 5xx, and each must be one the document describes: its status, its content type and
its body.

Path ids name one of the new hire's world's rows half the time, so bodies are also tried
on real questions, mentorships and check-ins, not only on ids that answer 404.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import marshmallow as ma
import pytest
import schemathesis
import sqlalchemy as sa
from flask_smorest.pagination import PaginationMetadataSchema
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.extensions import db
from app.factory import create_app
from app.help import thread
from app.help.models import QuestionState, Visibility
from app.help.search import index_question
from app.people.models import SkillKind
from app.security import reset_rate_limits
from config import TestConfig
from feedback.checkins import send_due_checkins
from feedback.models import Checkin
from feedback.tasks import TaskInput, record_task_feedback
from matching.models import MentorshipState
from tests.api.test_openapi import DOC_URL
from tests.conftest import BACKENDS
from tests.feedback.test_checkins import mentorship
from tests.help.threads import api_headers, question, scene

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# Read from an app of its own, so the operations are known when the tests are collected:
# each is a test of its own, calling the app of the database it runs on.
schema = schemathesis.openapi.from_wsgi(DOC_URL, create_app(TestConfig))


@dataclass
class World:
    """What the fuzzing new hire sends, and the ids of the rows around them."""

    headers: dict[str, str] = field(default_factory=dict)
    admin_headers: dict[str, str] = field(default_factory=dict)
    ids: dict[str, list[int]] = field(default_factory=dict)


WORLD = World()  # the current test's; read while requests are generated


@pytest.fixture
def world(make, jobs) -> World:
    """Nina, a new hire in Payments with an active mentorship (check-ins sent) and a
    declined one, questions asked of mentors (one answered, one resolved into the knowledge
    base), task feedback and a skill to learn; and the people around her, one of them with
    a proposal of their own."""
    s = scene(make)
    postgres = make.skill("PostgreSQL", category="Databases", aliases=["postgres"])
    python = make.skill("Python", category="Languages", aliases=["py"])
    make.user_skill(s.mentor, postgres, SkillKind.TEACH, 4)
    make.user_skill(s.asker, python, SkillKind.LEARN, 1)
    answered = question(
        s.asker, [s.mentor], goal="Add VAT to invoices", stuck="Which rate for Norway?", skills=[postgres]
    )
    thread.post_answer(answered.id, s.mentor.id, "25 %, see the `vat_rates` table.", via="api")
    resolved = question(
        s.asker,
        [s.mentor],
        goal="Export the deal list",
        stuck="The button is grey.",
        skills=[python],
        state=QuestionState.RESOLVED,
        visibility=Visibility.NAMED,
        live=False,
    )
    index_question(resolved.id)
    active = mentorship(s.asker, s.earlier_mentor, 15)
    declined = mentorship(s.asker, s.unrelated_mentor, 30, state=MentorshipState.DECLINED)
    others = mentorship(s.other_new_hire, s.lead, 0, state=MentorshipState.PROPOSED)
    send_due_checkins()
    task = record_task_feedback(
        s.asker.id,
        TaskInput(
            title="Add VAT to invoices",
            rating=4,
            time_taken="as_expected",
            skills=("postgres",),
            question_id=answered.id,
            signed=True,
        ),
        via="api",
    )
    db.session.commit()
    WORLD.headers = api_headers(s.asker)
    WORLD.admin_headers = api_headers(s.admin)
    WORLD.ids = {
        "person_id": [s.asker.id, s.mentor.id, s.lead.id, s.admin.id],
        "team_id": [s.team.id, s.other_team.id],
        "skill_id": [postgres.id, python.id],
        "question_id": [s.question.id, answered.id, resolved.id],
        "mentorship_id": [active.id, declined.id, others.id],
        "feedback_id": [task.id],
        "checkin_id": list(db.session.scalars(sa.select(Checkin.id).where(Checkin.mentorship_id == active.id))),
    }
    return WORLD


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Keep the generated ids, or name one of the world's rows instead."""
    real = [
        st.sampled_from(WORLD.ids[name]).map(lambda id_, name=name: {**path_parameters, name: id_})
        for name in path_parameters or {}
        if WORLD.ids.get(name)
    ]
    return st.one_of(st.just(path_parameters), *real)


# The requests of one operation share its world, as requests to a running app do; the same
# examples on every run, however fast the machine.
FUZZING = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@FUZZING
def test_every_answer_is_documented_and_none_is_a_server_error(case, app, world):
    case.call_and_validate(app=app, headers=world.headers, checks=CHECKS)


@schema.parametrize()
@FUZZING
def test_every_answer_to_an_admin_is_documented_and_none_is_a_server_error(case, app, backend, world):
    if backend != BACKENDS[-1]:
        pytest.skip("the admin's run is on PostgreSQL when the suite has it: one run keeps the time down")
    case.call_and_validate(app=app, headers=world.admin_headers, checks=CHECKS)


def unbounded_numbers(doc: dict) -> list[str]:
    """Where a request sends a whole number with no documented maximum: the fuzzer tries
    numbers past a documented maximum on purpose, and past none only by chance."""
    schemas = doc["components"]["schemas"]
    found, stack = [], []
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            where = f"{method.upper()} {path}"
            stack += [
                (p["schema"], f"{where} {p['in']} {p['name']}")
                for p in operation.get("parameters", [])
                if "schema" in p and p["name"] not in UNBOUNDED_ON_PURPOSE
            ]
            stack += [
                (c["schema"], f"{where} body") for c in operation.get("requestBody", {}).get("content", {}).values()
            ]
    while stack:
        part, where = stack.pop()
        while "$ref" in part:
            part = schemas[part["$ref"].rsplit("/", 1)[-1]]
        if (
            "integer" in (part.get("type") if isinstance(part.get("type"), list) else [part.get("type")])
            and "maximum" not in part
        ):
            found.append(where)
        stack += [(sub, f"{where}.{name}") for name, sub in part.get("properties", {}).items()]
        stack += [(part["items"], f"{where}[]")] if "items" in part else []
        stack += [(sub, where) for key in ("allOf", "anyOf", "oneOf") for sub in part.get(key, [])]
    return sorted(found)


# A page past the last is empty, however far past (app.api.paginated).
UNBOUNDED_ON_PURPOSE = {"page"}


def test_every_whole_number_a_request_sends_has_a_documented_maximum(client):
    assert unbounded_numbers(client.get(DOC_URL).json) == []


# What fuzzing does not reach by chance


@pytest.fixture
def headers(make) -> dict[str, str]:
    """The API headers of a new hire in a team."""
    return api_headers(make.user(name="Nina New", team=make.team(name="Payments"), password=None))


@pytest.fixture
def one_ask_an_hour(app):
    """The asking limit down to one question an hour, on counters that start at zero."""
    app.config["RATELIMIT_ASK"] = "1 per hour"
    reset_rate_limits(app)
    yield
    reset_rate_limits(app)


def test_past_the_asking_limit_the_429_is_the_documented_one(app, headers, one_ask_an_hour):
    ask = schema["/api/v1/questions"]["POST"]
    body = {"goal": "Deploy the worker", "stuck": "The queue name is unknown."}
    assert ask.Case(body=body).call_and_validate(app=app, headers=headers, checks=CHECKS).status_code == 201
    refused = ask.Case(body=body).call_and_validate(app=app, headers=headers, checks=CHECKS)
    assert refused.status_code == 429 and int(refused.headers["retry-after"][0]) >= 1


def test_the_pagination_header_is_the_documented_json(app, client, world):
    # Schemathesis leaves a header documented by its media type unchecked: checked here.
    header = client.get(DOC_URL).json["components"]["headers"]["PAGINATION"]
    assert header["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PaginationMetadata"}
    listed = client.get("/api/v1/questions?page_size=1", headers=world.headers)
    metadata = PaginationMetadataSchema(unknown=ma.RAISE).load(json.loads(listed.headers["X-Pagination"]))
    assert metadata["total"] == 3 and metadata["page"] == 1 and metadata["next_page"] == 2


@pytest.mark.parametrize("given", ["09:00+01:00", "09:00Z", "09:00:00.5", "9:00", "0900", 900])
def test_a_working_hour_is_a_plain_time_of_day(app, headers, given):
    change = schema["/api/v1/people/me"]["PATCH"].Case(body={"work_start": given})
    response = change.call_and_validate(app=app, headers=headers, checks=CHECKS)
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["work_start"]
