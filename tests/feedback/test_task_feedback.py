"""Task feedback on the web: the form, its errors, the person's own list, and the form a
"How did the task go?" mail opens, filled in from the question, without signing in."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.models import QuestionState
from app.people.models import Skill, SkillKind
from app.people.skills import merge_skills
from app.tokens import make_token
from feedback.links import TASK, task_link
from feedback.models import TaskFeedback, TimeTaken
from tests.help.threads import question, sign_in

GOOD = {
    "title": "Add VAT to invoices",
    "rating": "4",
    "time_taken": "more",
    "helped": ["mentor", "doc"],
    "helped_note": "The tax wiki page",
    "missing": "A test invoice to try it on",
    "link": "https://tracker.example.com/PAY-42",
    "skills": "postgres, Billing",
    "request_key": "key-1",
}


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def saved() -> list[TaskFeedback]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(TaskFeedback).order_by(TaskFeedback.id)))


@pytest.fixture
def people(make):
    """Nina (a new hire in Payments) and Omar (another new hire); two skills, one with an alias."""
    team = make.team(name="Payments")
    make.skill("PostgreSQL", aliases=["postgres"])
    make.skill("Billing")
    nina = make.user(name="Nina New", team=team, password=None)
    omar = make.user(name="Omar Other", team=team, password=None)
    return nina, omar


def test_a_person_tells_how_a_task_went_and_finds_it_in_their_list(client, auth, people, make):
    nina, omar = people
    sign_in(auth, nina)

    form = client.get("/feedback/tasks/new")
    assert form.status_code == 200
    assert "How did the task go?" in page(form) and 'name="request_key"' in page(form)

    sent = client.post("/feedback/tasks/new", data=GOOD)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/feedback/tasks")

    [feedback] = saved()
    assert (feedback.author_id, feedback.team_id, feedback.title, feedback.rating) == (
        nina.id,
        nina.team_id,
        "Add VAT to invoices",
        4,
    )
    assert feedback.time_taken == TimeTaken.MORE
    assert feedback.helped == ["mentor", "doc"] and feedback.helped_note == "The tax wiki page"
    assert feedback.missing == "A test invoice to try it on" and feedback.signed is False
    assert [s.name for s in feedback.skills] == ["Billing", "PostgreSQL"]  # "postgres" is an alias
    assert (feedback.via, feedback.question_id) == ("web", None)

    mine = page(client.get("/feedback/tasks"))
    assert "Add VAT to invoices" in mine and "4 of 5" in mine and "Longer than I expected" in mine
    assert "A mentor's answer, A doc" in mine

    # Merging a skill away keeps the feedback tagged, with the skill it went into.
    invoicing = make.skill("Invoicing")
    merge_skills(db.session.scalar(sa.select(Skill).where(Skill.name == "Billing")).id, invoicing.id)
    db.session.commit()
    assert [s.name for s in saved()[0].skills] == ["Invoicing", "PostgreSQL"]

    home = page(client.get("/feedback/"))
    assert "Add VAT to invoices — 4 of 5" in home and 'href="/feedback/"' in home  # and the nav links here

    auth.sign_out()
    sign_in(auth, omar)
    assert "Add VAT to invoices" not in page(client.get("/feedback/tasks"))


def test_the_form_needs_a_sign_in_and_a_csrf_token_saves_once_and_shows_text_escaped(app, client, auth, people):
    for url in ("/feedback/", "/feedback/tasks", "/feedback/tasks/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    sign_in(auth, people[0])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/feedback/tasks/new", data=GOOD)
        assert response.status_code == 400 and "The CSRF token is missing." in page(response)
        assert saved() == []
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page(client.get("/feedback/tasks/new")))
        assert client.post("/feedback/tasks/new", data={**GOOD, "csrf_token": token[1]}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert len(saved()) == 1

    tricky = {**GOOD, "title": "<script>alert(1)</script>", "request_key": "key-2"}
    client.post("/feedback/tasks/new", data=tricky)
    client.post("/feedback/tasks/new", data=tricky)  # a double click
    assert len(saved()) == 2
    body = client.get("/feedback/tasks").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


BAD = [
    ("rating", "0", "from 1 (badly) to 5 (very well)"),
    ("rating", "6", "from 1 (badly) to 5 (very well)"),
    ("rating", "", "from 1 (badly) to 5 (very well)"),
    ("title", "", "Give the task a short title."),
    ("title", "x" * 121, "Please keep the title under 120 characters (this has 121)."),
    ("link", "javascript:alert(1)", "must be a web address starting with http:// or https://"),
    ("skills", "Postgres, Kubernetes", "Kubernetes is not a known skill."),
    ("missing", "y" * 1001, "Please keep what was missing under 1,000 characters (this has 1,001)."),
    ("time_taken", "forever", "Say whether it took less, about or more time than you expected."),
    ("helped", ["mentor", "luck"], "Choose what helped from: mentor, knowledge_base, doc, other."),
]


def test_each_bad_value_is_named_on_the_form_and_nothing_is_saved(client, auth, people):
    sign_in(auth, people[0])
    for name, value, message in BAD:
        response = client.post("/feedback/tasks/new", data={**GOOD, name: value})
        assert response.status_code == 400, name
        text = page(response)
        assert message in text, name
        assert name == "title" or 'value="Add VAT to invoices"' in text  # what was typed stays
    assert saved() == []


def test_the_form_starts_from_ones_own_question_and_not_from_anyone_elses(client, auth, people, make):
    nina, omar = people
    mentor = make.mentor(name="Mia Mentor", password=None)
    billing = db.session.scalar(sa.select(Skill).where(Skill.name == "Billing"))
    asked = question(
        nina, [mentor], goal="Run the billing migration", link="https://wiki.example.com/billing", skills=[billing]
    )
    sign_in(auth, nina)
    text = page(client.get(f"/feedback/tasks/new?question={asked.id}"))
    assert 'value="Run the billing migration"' in text
    assert 'value="https://wiki.example.com/billing"' in text and 'value="Billing"' in text

    client.post(f"/feedback/tasks/new?question={asked.id}", data={**GOOD, "title": "Billing migration"})
    assert saved()[0].question_id == asked.id

    auth.sign_out()
    sign_in(auth, omar)
    assert client.get(f"/feedback/tasks/new?question={asked.id}").status_code == 404
    assert client.post(f"/feedback/tasks/new?question={asked.id}", data=GOOD).status_code == 404
    assert len(saved()) == 1


# From the mail


@pytest.fixture
def resolved(people, make):
    """Nina's question, answered by Mia and resolved."""
    nina, _ = people
    mentor = make.mentor(name="Mia Mentor", password=None)
    make.user_skill(mentor, make.skill("SQL"), SkillKind.TEACH, 4)
    asked = question(nina, [mentor], goal="Run the billing migration", state=QuestionState.RESOLVED, live=False)
    asked.first_reply_at = asked.resolved_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    return asked


def path(url: str) -> str:
    return url.removeprefix("http://localhost")


def test_the_mail_link_opens_the_form_filled_in_and_works_once_without_a_sign_in(client, people, resolved):
    nina, _ = people
    url = path(task_link(resolved.id, nina.id))

    for _ in range(2):  # a mail scanner, then the person: opening saves nothing
        opened = client.get(url)
        assert opened.status_code == 200
    text = page(opened)
    assert 'value="Run the billing migration"' in text
    assert re.search(r'<input checked[^>]*value="mentor"', text)  # a mentor answered it
    assert not re.search(r'<input checked[^>]*value="doc"', text)
    assert saved() == []

    wrong = client.post(url, data={**GOOD, "rating": "9"})  # a mistake does not use the link up
    assert wrong.status_code == 400 and "from 1 (badly) to 5 (very well)" in page(wrong)
    assert saved() == []

    done = client.post(url, data={**GOOD, "title": "Billing migration", "request_key": ""})
    assert done.status_code == 200 and "Your feedback on the task is saved." in page(done)
    [feedback] = saved()
    assert (feedback.author_id, feedback.question_id, feedback.via) == (nina.id, resolved.id, "email")

    again = client.post(url, data=GOOD)
    assert again.status_code == 410 and "already used" in page(again)
    assert client.get(url).status_code == 410
    assert len(saved()) == 1


def test_a_link_that_is_altered_expired_or_for_another_question_does_not_work(client, people, resolved, make):
    nina, omar = people
    url = path(task_link(resolved.id, nina.id))
    assert client.get(url[:-3] + "abc").status_code == 400
    old = make_token(TASK, resolved.id, user_id=nina.id, single_use=True, issued_at=utcnow() - timedelta(days=31))
    assert client.get(f"/feedback/tasks/email/{old}").status_code == 410
    # A genuine link for a question that is not the person's own: as if there were none.
    assert client.get(path(task_link(resolved.id, omar.id))).status_code == 404
    assert client.post(path(task_link(resolved.id, omar.id)), data=GOOD).status_code == 404
    assert saved() == []
