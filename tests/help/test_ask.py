"""Asking a stuck question: checks, saving, one question per form, routing after the commit."""

import re

import pytest
import sqlalchemy as sa

from app import jobs as job_glue
from app.errors import InvalidInput
from app.extensions import db
from app.help import ask as asking
from app.help.access import can_see, visible_questions
from app.help.ask import AskInput, ask_question
from app.help.models import Question, Urgency, Visibility

GOOD = {
    "goal": "Add a column to the invoices table",
    "stuck": "The migration fails with `relation invoices does not exist`.",
    "link": "https://wiki.example.com/billing",
    "urgency": "can_wait",
    "skills": "postgres, Python",
    "visibility": "anonymous",
    "request_key": "form-1",
}


@pytest.fixture
def team(make):
    return make.team("Payments")


@pytest.fixture
def asker(make, team, jobs):
    nina = make.user(name="Nina", team=team)
    jobs.connection.flushdb()  # a new hire sets off a mentor proposal; only routing counts here
    return nina


@pytest.fixture
def skills(make):
    return {"postgres": make.skill("PostgreSQL", aliases=["postgres", "psql"]), "python": make.skill("Python")}


def questions() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question))


def queued(app, name: str) -> int:
    return app.extensions["jobs"].queues[name].count


def good_input(**changes) -> AskInput:
    values = {**GOOD, "skills": ("postgres", "Python"), **changes}
    return AskInput(**values)


def test_a_good_question_is_saved_with_team_and_skills_then_routed(app, jobs, asker, team, skills):
    question = ask_question(asker.id, good_input(page_title="  Billing   wiki  "))

    db.session.expire_all()
    saved = db.session.get(Question, question.id)
    assert (saved.asker_id, saved.team_id) == (asker.id, team.id)
    assert saved.goal == GOOD["goal"] and saved.link == GOOD["link"] and saved.page_title == "Billing wiki"
    assert [s.name for s in saved.skills] == ["PostgreSQL", "Python"]  # found by alias too
    assert saved.urgency == Urgency.CAN_WAIT and saved.visibility == Visibility.ANONYMOUS
    assert saved.created_at is not None and saved.state.value == "open"
    assert jobs.count() == 1 and queued(app, "default") == 1
    job = app.extensions["jobs"].queues["default"].jobs[0]
    assert job.func_name.endswith("route_question_job") and job.args == (question.id,)


def test_a_blocking_question_goes_on_the_urgent_queue(app, jobs, asker, skills):
    ask_question(asker.id, good_input(urgency="blocking"))
    assert queued(app, "urgent") == 1 and jobs.count() == 1


def test_the_routing_job_is_sent_only_once_the_question_is_committed(app, jobs, asker, skills, monkeypatch):
    seen = []
    send = job_glue.enqueue

    def spy(func, *args, **options):
        with db.engine.connect() as other:  # another connection sees only committed rows
            seen.append(other.scalar(sa.select(sa.func.count()).select_from(Question).where(Question.id == args[0])))
        return send(func, *args, **options)

    monkeypatch.setattr(job_glue, "enqueue", spy)
    ask_question(asker.id, good_input())
    assert seen == [1]


def test_the_asker_sees_their_question_and_a_teammate_does_not(app, make, asker, team, skills):
    question = ask_question(asker.id, good_input())
    teammate = make.user(team=team)
    assert can_see(question, asker) and not can_see(question, teammate)
    assert question.id in db.session.scalars(visible_questions(asker).with_only_columns(Question.id)).all()


TOO_LONG = "x" * 5001


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"goal": ""}, "goal", "Say what you are trying to do (at least 3 characters)."),
        ({"goal": "   "}, "goal", "at least 3 characters"),
        ({"goal": "y" * 301}, "goal", "under 300 characters (this has 301)"),
        ({"stuck": ""}, "stuck", "Say where you are stuck (at least 10 characters)."),
        ({"stuck": TOO_LONG}, "stuck", "under 5,000 characters (this has 5,001)"),
        ({"skills": ("postgres", "Cobol")}, "skills", "Cobol is not a known skill."),
        ({"skills": ("Cobol", "Fortran")}, "skills", "Cobol, Fortran are not known skills."),
        ({"link": "javascript:alert(1)"}, "link", "starting with http:// or https://"),
        ({"link": "ftp://files.example.com/x"}, "link", "starting with http:// or https://"),
        ({"link": "wiki.example.com/billing"}, "link", "starting with http:// or https://"),
        ({"link": "https://"}, "link", "starting with http:// or https://"),
        ({"link": "https://example.com/a b"}, "link", "starting with http:// or https://"),
        ({"urgency": "whenever"}, "urgency", "can wait or is blocking"),
        ({"visibility": "public"}, "visibility", "named, anonymous or private"),
        ({"request_key": "k" * 65}, "request_key", "at most 64 characters"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(app, jobs, asker, skills, changes, field, message):
    with pytest.raises(InvalidInput) as caught:
        ask_question(asker.id, good_input(**changes))
    assert message in caught.value.fields[field]
    db.session.rollback()
    assert questions() == 0 and jobs.count() == 0


def test_an_inactive_person_cannot_ask(app, jobs, make, team):
    gone = make.user(team=team, active=False)
    jobs.connection.flushdb()
    with pytest.raises(PermissionError):
        ask_question(gone.id, good_input(skills=()))
    assert questions() == 0 and jobs.count() == 0


def test_a_double_submit_asks_once(app, jobs, asker, skills):
    first = ask_question(asker.id, good_input())
    second = ask_question(asker.id, good_input())
    assert second.id == first.id and questions() == 1 and jobs.count() == 1
    other = ask_question(asker.id, good_input(request_key="form-2", ask_anyway=True))  # on purpose
    assert other.id != first.id and questions() == 2


def test_two_submits_racing_with_one_key_make_one_question(app, jobs, asker, skills, monkeypatch):
    first = ask_question(asker.id, good_input())
    # The second request checked for the key before the first one had committed.
    monkeypatch.setattr(
        asking,
        "_asked_before",
        lambda *a, _real=asking._asked_before, _n=[0]: None if not _n.append(1) and len(_n) == 1 else _real(*a),
    )
    again = ask_question(asker.id, good_input())
    assert again.id == first.id and questions() == 1 and jobs.count() == 1


# The ask page


def test_signed_out_people_are_sent_to_sign_in_and_cannot_post(app, client, jobs):
    response = client.get("/help/ask")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert client.post("/help/ask", data=GOOD).status_code == 401
    assert questions() == 0 and jobs.count() == 0


def test_the_ask_page_takes_link_and_title_from_the_page_the_person_was_on(client, auth, asker):
    auth.sign_in(asker)
    page = client.get("/help/ask?link=https://crm.example.com/case/7&title=Case+7+%3Cb%3E").get_data(as_text=True)
    assert 'value="https://crm.example.com/case/7"' in page
    assert "Case 7 &lt;b&gt;" in page  # shown, escaped
    assert re.search(r'name="request_key" type="hidden" value="[\w-]{20,}"', page)
    # Scripts come from files only, so a Content-Security-Policy can forbid inline ones.
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
    assert 'src="/help/static/help/ask.js"' in page


def test_asking_on_the_page_saves_and_shows_the_thread(client, auth, jobs, asker, skills):
    auth.sign_in(asker)
    response = client.post("/help/ask", data=GOOD)
    question = db.session.scalars(sa.select(Question)).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/help/questions/{question.id}")
    assert [s.name for s in question.skills] == ["PostgreSQL", "Python"]
    assert jobs.count() == 1


def test_a_double_click_on_the_page_asks_once(client, auth, jobs, asker, skills):
    auth.sign_in(asker)
    first = client.post("/help/ask", data=GOOD)
    second = client.post("/help/ask", data=GOOD)
    assert first.headers["Location"] == second.headers["Location"]
    assert questions() == 1 and jobs.count() == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"stuck": TOO_LONG}, "under 5,000 characters (this has 5,001)"),
        ({"goal": ""}, "Say what you are trying to do"),
        ({"skills": "Postgres, Cobol"}, "Cobol is not a known skill."),
        ({"link": "javascript:alert(1)"}, "starting with http:// or https://"),
        ({"request_key": "k" * 65}, "at most 64 characters"),  # hidden: shown above the form
    ],
)
def test_bad_input_on_the_page_is_explained_and_kept(client, auth, jobs, asker, skills, changes, message):
    auth.sign_in(asker)
    response = client.post("/help/ask", data={**GOOD, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert "invoices" in page  # what was written is not lost
    assert questions() == 0 and jobs.count() == 0


def test_without_javascript_the_check_button_suggests_skills_and_saves_nothing(client, auth, jobs, asker, skills):
    auth.sign_in(asker)
    response = client.post(
        "/help/ask", data={**GOOD, "skills": "", "check": "1", "stuck": "My Python script gets an error from psql."}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="skills" type="text" value="Python, PostgreSQL"' in page
    assert questions() == 0 and jobs.count() == 0


def test_new_hires_find_the_ask_page_in_the_menu(client, auth, asker):
    auth.sign_in(asker)
    assert 'href="/help/ask">Ask for help</a>' in client.get("/").get_data(as_text=True)


def test_merging_skills_keeps_the_questions_tags(app, make):
    from app.help.models import Question
    from app.people.skills import merge_skills

    postgres = make.skill("PostgreSQL")
    typo = make.skill("Postgress")
    asker = make.user()
    tagged = Question(asker_id=asker.id, goal="Speed up a report", stuck="The query takes a minute.", skills=[typo])
    both = Question(
        asker_id=asker.id, goal="Tune an index", stuck="Which index fits this query?", skills=[typo, postgres]
    )
    db.session.add_all([tagged, both])
    db.session.commit()
    merge_skills(typo.id, postgres.id)
    db.session.expire_all()
    assert [s.name for s in db.session.get(Question, tagged.id).skills] == ["PostgreSQL"]
    assert [s.name for s in db.session.get(Question, both.id).skills] == ["PostgreSQL"]
