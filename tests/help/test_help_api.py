"""The help desk's JSON API: asking, the thread, resolving, rating, passing, the knowledge
base and skill suggestions; bad input; every answer as the OpenAPI document says."""

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help import routing, search, thread
from app.help.models import Attempt, AttemptState, Question, QuestionState, Visibility
from tests.help.threads import api_headers, documented_calls, error_fields, question, record_calls, scene

API = "/api/v1"


@pytest.fixture
def s(make, monkeypatch):
    record_calls(monkeypatch, routing, "answer_arrived")
    record_calls(monkeypatch, search, "index_question")
    return scene(make)


@pytest.fixture
def call(client):
    """Call the API as a person and check the answer against the OpenAPI document."""
    return documented_calls(client, API)


# Asking


def test_a_new_hire_asks_once_even_when_the_request_is_sent_twice(call, s, jobs):
    body = {
        "goal": "Export the deal list",
        "stuck": "The export button is grey.",
        "urgency": "blocking",
        "link": "https://crm.example.com/deals",
        "page_title": "Deals",
        "request_key": "abc-1",
    }
    first = call(s.asker, "POST", "/questions", body, 201).get_json()
    again = call(s.asker, "POST", "/questions", body, 201).get_json()
    assert first["id"] == again["id"]
    assert (first["goal"], first["urgency"], first["asker"]["id"]) == ("Export the deal list", "blocking", s.asker.id)
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Question).where(Question.goal == "Export the deal list")
        )
        == 1
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"stuck": "no goal"}, "goal"),
        ({"goal": "x", "stuck": "y", "urgency": "whenever"}, "urgency"),
        ({"goal": "x", "stuck": "y", "colour": "red"}, "colour"),
        ({"goal": "x", "stuck": "y", "skills": "SQL"}, "skills"),
    ],
)
def test_asking_with_a_wrong_body_names_the_field_and_saves_nothing(call, s, body, field):
    response = call(s.asker, "POST", "/questions", body, 422)
    assert field in error_fields(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 1


def test_asking_with_a_body_that_is_not_json_is_a_400(client, s):
    response = client.post(
        f"{API}/questions", data="{goal:", content_type="application/json", headers=api_headers(s.asker)
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "The request body is not valid JSON."


# Reading


def test_the_list_is_newest_first_and_filters_by_state_and_by_mine(call, s):
    mine_later = question(s.asker, [s.mentor], goal="Second question", state=QuestionState.ANSWERED)
    routed = question(s.other_new_hire, [s.mentor], goal="Olli asks Mia")
    all_ = call(s.mentor, "GET", "/questions", status=200)
    assert [q["id"] for q in all_.get_json()] == [routed.id, mine_later.id, s.question.id]
    assert json.loads(all_.headers["X-Pagination"])["total"] == 3
    answered = call(s.mentor, "GET", "/questions?state=answered", status=200).get_json()
    assert [q["id"] for q in answered] == [mine_later.id]
    mine = call(s.asker, "GET", "/questions?mine=true", status=200).get_json()
    assert [q["id"] for q in mine] == [mine_later.id, s.question.id]
    call(s.asker, "GET", "/questions?state=lost", status=422)


def test_a_question_shows_its_skills_and_its_thread_oldest_first(call, make, s):
    s.question.skills = [make.skill("PostgreSQL"), make.skill("Alembic")]
    db.session.commit()
    thread.post_answer(s.question.id, s.mentor.id, "Which version?")
    thread.post_answer(s.question.id, s.asker.id, "16.")
    shown = call(s.asker, "GET", f"/questions/{s.question.id}", status=200).get_json()
    assert [k["name"] for k in shown["skills"]] == ["Alembic", "PostgreSQL"]
    assert [(p["author"]["name"], p["body"]) for p in shown["posts"]] == [
        ("Mia Mentor", "Which version?"),
        ("Nina New", "16."),
    ]
    assert shown["state"] == "answered" and shown["first_reply_at"]


# Posting, resolving, rating


def test_a_mentor_answers_through_the_api(call, s):
    posted = call(s.mentor, "POST", f"/questions/{s.question.id}/posts", {"body": "Run `make db`."}, 201)
    assert (posted.get_json()["via"], posted.get_json()["author"]["id"]) == ("api", s.mentor.id)
    assert db.session.get(Question, s.question.id).state == QuestionState.ANSWERED


@pytest.mark.parametrize(
    "body, message",
    [
        ({"body": "  "}, "Please write something before posting."),
        ({"body": "x" * 10_001}, "Please keep a post under 10,000 characters (this one has 10,001)."),
    ],
)
def test_an_empty_or_huge_post_names_the_limit(call, s, body, message):
    response = call(s.mentor, "POST", f"/questions/{s.question.id}/posts", body, 422)
    assert error_fields(response) == {"body": [message]}


def test_the_asker_resolves_and_publishes_with_their_name(call, s):
    resolved = call(s.asker, "POST", f"/questions/{s.question.id}/resolve", {"visibility": "named"}, 200)
    assert (resolved.get_json()["state"], resolved.get_json()["visibility"]) == ("resolved", "named")
    assert resolved.get_json()["resolved_at"]


def test_resolve_needs_no_body(client, s):
    response = client.post(f"{API}/questions/{s.question.id}/resolve", headers=api_headers(s.asker))
    assert response.status_code == 200


def test_a_mentor_who_answered_resolves_but_may_not_publish_the_askers_question(call, s):
    thread.post_answer(s.question.id, s.mentor.id, "Done.")
    refused = call(s.mentor, "POST", f"/questions/{s.question.id}/resolve", {"visibility": "named"}, 403)
    assert "chooses how" in refused.get_json()["error"]["message"]
    resolved = call(s.mentor, "POST", f"/questions/{s.question.id}/resolve", {}, 200).get_json()
    assert resolved["visibility"] == Visibility.ANONYMOUS.value


def test_resolving_with_an_unknown_choice_is_a_422(call, s):
    assert "visibility" in error_fields(
        call(s.asker, "POST", f"/questions/{s.question.id}/resolve", {"visibility": "public"}, 422)
    )


def test_the_asker_rates_the_answer(call, s):
    call(s.asker, "POST", f"/questions/{s.question.id}/rating", {"helpful": True}, 409)
    thread.post_answer(s.question.id, s.mentor.id, "Done.")
    rated = call(
        s.asker, "POST", f"/questions/{s.question.id}/rating", {"helpful": False, "note": "Still fails."}, 200
    ).get_json()
    assert (rated["helpful"], rated["helpful_note"]) == (False, "Still fails.")
    call(s.mentor, "POST", f"/questions/{s.question.id}/rating", {"helpful": True}, 403)


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "helpful"),
        ({"helpful": "yes"}, "helpful"),
        ({"helpful": 1}, "helpful"),
        ({"helpful": True, "note": "n" * 301}, "note"),
    ],
)
def test_a_wrong_rating_is_a_422(call, s, body, field):
    thread.post_answer(s.question.id, s.mentor.id, "Done.")
    assert field in error_fields(call(s.asker, "POST", f"/questions/{s.question.id}/rating", body, 422))
    assert db.session.get(Question, s.question.id).helpful is None


# Passing


def test_the_asked_mentor_passes_with_a_hint(call, s, monkeypatch):
    passed = record_calls(monkeypatch, routing, "pass_question")
    live = db.session.scalar(
        sa.select(Attempt).where(Attempt.question_id == s.question.id, Attempt.state == AttemptState.WAITING)
    )
    call(s.mentor, "POST", f"/questions/{s.question.id}/pass", {"hint": "Ask Dana"}, 200)
    assert passed == [(live.id, s.mentor.id, "Ask Dana")]


@pytest.mark.parametrize("who", ["earlier mentor", "lead", "asker", "admin"])
def test_only_the_mentor_asked_now_may_pass(call, s, monkeypatch, who):
    passed = record_calls(monkeypatch, routing, "pass_question")
    response = call(s.person(who), "POST", f"/questions/{s.question.id}/pass", {}, 403)
    assert "Only the mentor asked" in response.get_json()["error"]["message"]
    assert passed == []


def test_passing_someone_elses_question_is_a_404(call, s):
    call(s.unrelated_mentor, "POST", f"/questions/{s.question.id}/pass", {}, 404)


# The knowledge base and skill suggestions


def test_the_knowledge_base_finds_resolved_questions_by_words_and_skill(call, make, s):
    alembic = make.skill("Alembic")
    s.question.skills = [alembic]
    db.session.commit()
    thread.post_answer(s.question.id, s.mentor.id, "Run `alembic upgrade head`.")
    thread.resolve(s.question.id, s.asker.id, "named")
    other = question(s.asker, [s.mentor], goal="Style the invoice page", stuck="CSS grid", live=False)
    thread.post_answer(other.id, s.mentor.id, "Use flexbox.")
    thread.resolve(other.id, s.asker.id, "named")

    found = call(s.other_new_hire, "GET", "/knowledge?q=billing+migration", status=200).get_json()
    assert [e["id"] for e in found] == [s.question.id]
    assert found[0]["asker"]["name"] == "Nina New"
    assert found[0]["posts"][0]["body"] == "Run `alembic upgrade head`."
    by_skill = call(s.other_new_hire, "GET", f"/knowledge?skill={alembic.id}", status=200).get_json()
    assert [e["id"] for e in by_skill] == [s.question.id]
    call(s.other_new_hire, "GET", "/knowledge?limit=500", status=422)


def test_skills_are_suggested_from_the_text(call, make, s):
    make.skill("PostgreSQL", aliases=["Postgres"])
    make.skill("Python")
    make.skill("Go")
    suggested = call(s.asker, "POST", "/skills/suggest", {"text": "psql on postgres from python"}, status=200)
    assert [k["name"] for k in suggested.get_json()] == ["PostgreSQL", "Python"]
    call(s.asker, "POST", "/skills/suggest", {}, status=422)


def test_the_text_to_suggest_skills_for_goes_in_the_body_never_in_the_address(client, s):
    """A draft can hold a pasted secret: an address lands in access and proxy logs."""
    response = client.get(f"{API}/skills/suggest?text=token%3Dabc", headers=api_headers(s.asker))
    assert response.status_code == 405
