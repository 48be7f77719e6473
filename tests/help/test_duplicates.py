"""Duplicates: the same asker's same or nearly the same open or recent question is caught on
the page, in the panel and in the API ("You asked this at 10:12: see it / ask anyway"), the
draft kept; and a mentor never gets a question repeating one they answered unmarked."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help import thread
from app.help.jobs import route_question_job
from app.help.models import DigestFrequency, Question, QuestionState
from app.jobs import enqueue
from app.people.models import SkillKind
from app.times import in_zone
from app.urls import external_url
from tests.help.digest_scenes import choose, digests, hour_passes, html_of, run_digests
from tests.help.routing_scenes import ALWAYS, mails_to, text_of
from tests.help.threads import api_headers, question

ASK = {
    "goal": "Run the billing migration",
    "stuck": "Postgres says relation invoices does not exist.",
    "urgency": "blocking",
    "visibility": "anonymous",
    "skills": "PostgreSQL",
    "request_key": "form-1",
}


@pytest.fixture
def team(make, jobs):
    postgres = make.skill("PostgreSQL", aliases=["postgres"])
    payments = make.team("Payments")
    noor = make.user(name="Noor Haddad", team=payments, timezone="Europe/Berlin")
    tomas = make.mentor(name="Tomás Ferreira", team=payments, timezone="UTC", **ALWAYS)
    make.user_skill(tomas, postgres, SkillKind.TEACH, 4)
    jobs.connection.flushdb()
    return {"noor": noor, "tomas": tomas, "postgres": postgres, "team": payments}


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question))


def asked_at(q: Question) -> str:
    return in_zone(q.created_at, "Europe/Berlin", "HH:mm")


def test_the_same_question_again_on_the_page_is_named_with_its_time_and_the_draft_kept(client, auth, team):
    auth.sign_in(team["noor"])
    assert client.post("/help/ask", data=ASK).status_code == 302
    first = db.session.scalars(sa.select(Question)).one()

    again = client.post(
        "/help/ask", data={**ASK, "request_key": "form-2", "stuck": "postgres says: relation invoices does not exist"}
    )
    page = again.text
    assert again.status_code == 409 and count() == 1
    assert f"You asked this at {asked_at(first)}" in page
    assert f'href="/help/questions/{first.id}">see it</a>' in page
    assert re.search(r'<input[^>]*name="ask_anyway"[^>]*value="Ask anyway"', page)
    assert 'value="Run the billing migration"' in page and "relation invoices does not exist</textarea>" in page

    anyway = client.post("/help/ask", data={**ASK, "request_key": "form-2", "ask_anyway": "Ask anyway"})
    assert anyway.status_code == 302 and count() == 2


def test_a_different_question_or_one_resolved_days_ago_is_asked_at_once(client, auth, team, make):
    auth.sign_in(team["noor"])
    client.post("/help/ask", data=ASK)
    other = {**ASK, "request_key": "form-2", "goal": "Export the deal list", "stuck": "The export button is grey."}
    assert client.post("/help/ask", data=other).status_code == 302
    db.session.execute(
        sa.update(Question).values(state=QuestionState.RESOLVED, created_at=utcnow() - timedelta(days=3))
    )
    db.session.commit()
    assert client.post("/help/ask", data={**ASK, "request_key": "form-3"}).status_code == 302
    assert count() == 3


def test_the_panel_names_the_earlier_question_and_asks_anyway_on_request(client, auth, team):
    auth.sign_in(team["noor"])
    client.post("/help/embed", data=ASK)
    again = client.post("/help/embed", data={**ASK, "request_key": "form-2"})
    assert again.status_code == 409 and "You asked this at" in again.text and count() == 1
    assert "relation invoices does not exist.</textarea>" in again.text
    anyway = client.post("/help/embed", data={**ASK, "request_key": "form-2", "ask_anyway": "Ask anyway"})
    assert anyway.status_code == 200 and "Your question is asked" in anyway.text and count() == 2


def test_the_api_answers_409_with_the_earlier_questions_link_unless_asked_anyway(client, team):
    headers = api_headers(team["noor"])
    body = {key: ASK[key] for key in ("goal", "stuck", "urgency")}
    first = client.post("/api/v1/questions", json=body, headers=headers)
    assert first.status_code == 201
    again = client.post("/api/v1/questions", json=body, headers=headers)
    assert again.status_code == 409 and count() == 1
    error = again.json["error"]
    assert error["code"] == "asked_before" and error["message"].startswith("You asked this at ")
    assert error["question"]["id"] == first.json["id"]
    assert error["question"]["url"] == external_url("help.thread", question_id=first.json["id"])
    anyway = client.post("/api/v1/questions", json={**body, "ask_anyway": True}, headers=headers)
    assert anyway.status_code == 201 and count() == 2


def test_a_mentor_gets_a_repeat_of_what_they_answered_marked_with_a_link_to_their_answer(
    app, client, auth, make, jobs, smtp, team
):
    ella = make.user(name="Ella Earlier", team=team["team"])
    earlier = question(ella, [team["tomas"]], goal=ASK["goal"], stuck=ASK["stuck"], skills=[team["postgres"]])
    thread.post_answer(earlier.id, team["tomas"].id, "Run `flask db upgrade` first.")
    db.session.commit()
    answer_id = db.session.scalar(sa.select(sa.func.max(thread.Post.id)))
    jobs.connection.flushdb()

    auth.sign_in(team["noor"])
    assert client.post("/help/ask", data=ASK).status_code == 302  # not hers: asked at once
    repeat = db.session.scalar(sa.select(Question).where(Question.asker_id == team["noor"].id))
    assert repeat.repeat_of_id == earlier.id
    enqueue(route_question_job, repeat.id)
    jobs.run()

    link = f"{external_url('help.thread', question_id=earlier.id)}#post-{answer_id}"
    mail = [m for m in mails_to(smtp, team["tomas"]) if "Noor Haddad" in m["Subject"]][0]
    assert f'Repeat: this repeats "{ASK["goal"]}", which you answered on' in text_of(mail)
    assert link in text_of(mail) and f'href="{link}"' in mail.get_body(("html",)).get_content()

    auth.sign_out()
    auth.sign_in(team["tomas"])
    inbox = client.get("/help/for-you").text
    assert "Repeat</strong> of “Run the billing migration”" in inbox
    assert f'href="/help/questions/{earlier.id}#post-{answer_id}">your answer</a>' in inbox


def test_a_question_like_none_answered_carries_no_repeat_mark(client, auth, team):
    auth.sign_in(team["noor"])
    client.post("/help/ask", data=ASK)
    assert db.session.scalars(sa.select(Question)).one().repeat_of_id is None


def test_a_repeat_that_can_wait_is_marked_in_the_mentors_digest_too(app, client, auth, make, jobs, smtp, team):
    ella = make.user(name="Ella Earlier", team=team["team"])
    earlier = question(ella, [team["tomas"]], goal=ASK["goal"], stuck=ASK["stuck"], skills=[team["postgres"]])
    thread.post_answer(earlier.id, team["tomas"].id, "Run `flask db upgrade` first.")
    db.session.commit()
    answer_id = db.session.scalar(sa.select(sa.func.max(thread.Post.id)))
    choose(team["tomas"], DigestFrequency.HOURLY)
    hour_passes(team["tomas"])
    jobs.connection.flushdb()

    auth.sign_in(team["noor"])
    assert client.post("/help/ask", data={**ASK, "urgency": "can_wait"}).status_code == 302
    repeat = db.session.scalar(sa.select(Question).where(Question.asker_id == team["noor"].id))
    enqueue(route_question_job, repeat.id)
    jobs.run()
    run_digests(jobs)

    link = f"{external_url('help.thread', question_id=earlier.id)}#post-{answer_id}"
    [digest] = digests(smtp, team["tomas"])
    assert f'Repeat: this repeats "{ASK["goal"]}", which you answered on' in text_of(digest)
    assert f'href="{link}"' in html_of(digest)
