"""The feedback API: task feedback, check-ins and question clarity; bad input and other
people's ids; every answer as the OpenAPI document says."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help import thread
from feedback.checkins import send_due_checkins
from feedback.models import Checkin, ClarityRating, TaskFeedback
from matching.models import MentorshipState
from tests.feedback.test_checkins import mentorship
from tests.help.threads import api_headers, documented_calls, error_fields, question, scene

API = "/api/v1/feedback"
TASK = {
    "title": "Add VAT to invoices",
    "rating": 4,
    "time_taken": "as_expected",
    "helped": ["knowledge_base"],
    "skills": ["postgres"],
    "link": "https://tracker.example.com/PAY-42",
    "missing": "",
    "signed": True,
}


@pytest.fixture
def s(make):
    make.skill("PostgreSQL", aliases=["postgres"])
    return scene(make)


@pytest.fixture
def call(client):
    """Call the API as a person and check the answer against the OpenAPI document."""
    return documented_calls(client, API)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_task_feedback_is_sent_read_back_and_kept_to_its_author(call, s):
    sent = call(s.asker, "POST", "/tasks", {**TASK, "question_id": s.question.id, "request_key": "k1"}, 201).get_json()
    assert (sent["title"], sent["rating"], sent["time_taken"], sent["via"]) == (
        "Add VAT to invoices",
        4,
        "as_expected",
        "api",
    )
    assert [skill["name"] for skill in sent["skills"]] == ["PostgreSQL"] and sent["question_id"] == s.question.id
    again = call(s.asker, "POST", "/tasks", {**TASK, "question_id": s.question.id, "request_key": "k1"}, 201)
    assert again.get_json()["id"] == sent["id"] and count(TaskFeedback) == 1

    listed = call(s.asker, "GET", "/tasks", status=200)
    assert [f["id"] for f in listed.get_json()] == [sent["id"]]
    assert call(s.asker, "GET", f"/tasks/{sent['id']}", status=200).get_json()["signed"] is True

    # Someone else: not in their list, and by id as if there were none.
    assert call(s.other_new_hire, "GET", "/tasks", status=200).get_json() == []
    call(s.other_new_hire, "GET", f"/tasks/{sent['id']}", status=404)
    # Nor may they hang feedback on Nina's question.
    call(s.other_new_hire, "POST", "/tasks", {**TASK, "question_id": s.question.id}, 404)
    assert count(TaskFeedback) == 1
    call(None, "GET", "/tasks", status=401)


BAD = [
    ({"rating": 6}, "rating", "from 1 (badly) to 5"),
    ({"rating": 0}, "rating", "from 1 (badly) to 5"),
    ({"rating": "4"}, "rating", "Not a valid integer."),
    ({"title": "t" * 121}, "title", "under 120 characters"),
    ({"link": "ftp://files.example.com/x"}, "link", "http:// or https://"),
    ({"skills": ["Kubernetes"]}, "skills", "Kubernetes is not a known skill."),
    ({"missing": "m" * 1001}, "missing", "under 1,000 characters"),
    ({"time_taken": "ages"}, "time_taken", "less, about or more"),
    ({"helped": ["luck"]}, "helped", "Choose what helped from"),
    ({"signed": "yes"}, "signed", "Not a valid boolean."),
]


def test_each_bad_value_answers_422_naming_it_and_saves_nothing(call, client, s):
    for change, field, words in BAD:
        response = call(s.asker, "POST", "/tasks", {**TASK, **change}, 422)
        assert words in " ".join(error_fields(response)[field]), field
    broken = client.post(
        API + "/tasks", data="{not json", content_type="application/json", headers=api_headers(s.asker)
    )
    assert broken.status_code == 400 and set(broken.get_json()) == {"error"}
    assert count(TaskFeedback) == 0


def test_check_ins_are_listed_and_answered_by_their_own_person_only(call, s):
    m = mentorship(s.asker, s.mentor, 15)
    send_due_checkins()
    [mine] = call(s.asker, "GET", "/checkins", status=200).get_json()
    assert (mine["other"]["name"], mine["side"], mine["round"], mine["score"]) == ("Mia Mentor", "new_hire", 1, None)

    assert "score" in error_fields(call(s.asker, "POST", f"/checkins/{mine['id']}", {"score": 9}, 422))
    assert "change" in error_fields(
        call(s.asker, "POST", f"/checkins/{mine['id']}", {"score": 3, "change": "c" * 1001}, 422)
    )
    call(s.mentor, "POST", f"/checkins/{mine['id']}", {"score": 1}, 404)  # Mia's own is another id
    answered = call(s.asker, "POST", f"/checkins/{mine['id']}", {"score": 4, "change": "Fine"}, 200).get_json()
    assert (answered["score"], answered["change"]) == (4, "Fine")

    m.state = MentorshipState.ENDED
    db.session.commit()
    call(s.asker, "POST", f"/checkins/{mine['id']}", {"score": 1}, 409)
    db.session.expire_all()
    assert db.session.get(Checkin, mine["id"]).score == 4


def test_clarity_is_rated_by_a_mentor_who_answered_and_shown_to_the_asker_from_three(call, s):
    call(s.mentor, "POST", f"/questions/{s.question.id}/clarity", {"score": 4}, 403)  # not answered yet
    thread.post_answer(s.question.id, s.mentor.id, "Run the upgrade first.")
    assert "score" in error_fields(call(s.mentor, "POST", f"/questions/{s.question.id}/clarity", {"score": 0}, 422))
    call(s.other_new_hire, "POST", f"/questions/{s.question.id}/clarity", {"score": 4}, 404)
    call(s.mentor, "POST", f"/questions/{s.question.id}/clarity", {"score": 4}, 200)
    rated = call(s.mentor, "POST", f"/questions/{s.question.id}/clarity", {"score": 5}, 200).get_json()
    assert rated["score"] == 5 and count(ClarityRating) == 1

    hidden = call(s.asker, "GET", "/clarity", status=200).get_json()
    assert (hidden["shown"], hidden["mean"], hidden["min_responses"]) == (False, None, 3)
    for goal in ("Second question", "Third question"):
        q = question(s.asker, [s.mentor], goal=goal, live=False)
        thread.post_answer(q.id, s.mentor.id, "An answer.")
        call(s.mentor, "POST", f"/questions/{q.id}/clarity", {"score": 2}, 200)
    shown = call(s.asker, "GET", "/clarity", status=200).get_json()
    assert (shown["shown"], shown["responses"], shown["mean"]) == (True, 3, 3.0)
    assert "counts" not in shown  # how many of each score would single ratings out
    assert shown["tip"]
