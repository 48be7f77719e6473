"""The home page shows each person what waits for them at the help desk: a new hire their
open questions and where each stands, a mentor the questions waiting for them or taken by
them (deadlines in their own time zone), the lead the questions that came up to them; nobody
sees other people's questions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import utcnow
from app.help.choosing import LEAD_TIER
from app.help.models import AttemptState, QuestionState
from app.people.models import Role
from app.times import time_with_zone
from tests.help.routing_scenes import ask, mentor
from tests.help.test_inbox_pages import asked

NOTHING = "Nothing waits for you."


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def thread_link(question) -> str:
    return f'href="/help/questions/{question.id}"'


@pytest.fixture
def people(make):
    class People:
        nina = make.user(name="Nina New")
        omar = make.user(name="Omar Other")
        mia = mentor(make, "Mia Mentor", timezone="America/New_York")
        max_ = mentor(make, "Max Mentor")
        lena = make.user(name="Lena Lead", roles=(Role.LEAD,), timezone="Asia/Tokyo")

    return People


def test_a_new_hire_sees_each_open_question_where_it_stands_with_links(people, client, auth):
    fresh = ask(people.nina, goal="Deploy the billing service")
    routed = ask(people.nina, goal="Tune the report query")
    taken = ask(people.nina, goal="Rotate the signing keys")
    answered = ask(people.nina, goal="Fix the flaky login test", state=QuestionState.ANSWERED)
    done = ask(people.nina, goal="Name the new queue", state=QuestionState.RESOLVED)
    asked(routed, people.mia)
    asked(taken, people.mia, taken_at=utcnow())
    theirs = ask(people.omar, goal="Omar's secret question")

    auth.sign_in(people.nina)
    page = home(client)

    rows = {q.goal: page[page.index(q.goal) :].split("</tr>")[0] for q in (fresh, routed, taken, answered)}
    assert ">Asked<" in rows["Deploy the billing service"]
    assert ">With a mentor<" in rows["Tune the report query"]
    assert ">Taken<" in rows["Rotate the signing keys"]
    assert ">Answered<" in rows["Fix the flaky login test"]
    for question in (fresh, routed, taken, answered):
        assert thread_link(question) in page
    assert done.goal not in page
    assert theirs.goal not in page and thread_link(theirs) not in page
    assert 'href="/help/ask"' in page and "Ask a question" in page


def test_a_new_hire_without_open_questions_is_told_nothing_waits_and_can_ask(people, client, auth):
    ask(people.omar, goal="Omar's secret question")
    auth.sign_in(people.nina)
    page = home(client)
    assert 'id="panel-my-questions"' in page
    assert NOTHING in page and "You have no open questions." in page
    assert "Omar's secret question" not in page
    assert 'href="/help/ask"' in page


def test_a_mentor_sees_questions_waiting_for_them_and_taken_with_deadlines_in_their_zone(people, client, auth):
    waiting = asked(ask(people.nina, goal="Deploy the billing service"), people.mia)
    taken = asked(
        ask(people.nina, goal="Rotate the signing keys"),
        people.mia,
        taken_at=utcnow(),
        deadline_at=utcnow() + timedelta(hours=5),
    )
    asked(ask(people.nina, goal="Gone elsewhere"), people.mia, state=AttemptState.TIMED_OUT)
    asked(ask(people.omar, goal="Routed to Max"), people.max_)

    auth.sign_in(people.mia)
    page = home(client)

    panel = page[page.index('id="panel-questions-for-you"') :]
    assert (
        panel.index("Deploy the billing service") < panel.index("Taken by you") < panel.index("Rotate the signing keys")
    )
    assert time_with_zone(waiting.deadline_at, "America/New_York") in page
    assert time_with_zone(taken.deadline_at, "America/New_York") in page
    assert thread_link(waiting.question) in page and thread_link(taken.question) in page
    assert "Gone elsewhere" not in page and "Routed to Max" not in page
    assert 'href="/help/for-you"' in page
    assert client.get(f"/help/questions/{waiting.question_id}").status_code == 200  # the link opens
    assert 'id="panel-my-questions"' not in page  # not a new hire


def test_a_mentor_with_nothing_routed_to_them_is_told_nothing_waits(people, client, auth):
    asked(ask(people.nina, goal="Routed to Max"), people.max_)
    auth.sign_in(people.mia)
    page = home(client)
    panel = page[page.index('id="panel-questions-for-you"') :]
    assert NOTHING in panel
    assert "Routed to Max" not in page and "Taken by you" not in page


def test_the_lead_sees_the_questions_that_came_up_to_them_and_finds_them_in_the_navigation(people, client, auth):
    escalation = asked(ask(people.nina, goal="Nobody could answer this", escalated=True), people.lena, tier=LEAD_TIER)
    asked(ask(people.omar, goal="Routed to Max"), people.max_)

    auth.sign_in(people.lena)
    page = home(client)

    panel = page[page.index('id="panel-questions-for-the-lead"') :]
    assert "Nobody could answer this" in panel
    assert time_with_zone(escalation.deadline_at, "Asia/Tokyo") in panel
    assert thread_link(escalation.question) in panel
    assert "Routed to Max" not in page
    assert '<a href="/help/for-you">Questions for you</a>' in page  # in the navigation
    assert client.get("/help/for-you").status_code == 200
    assert "Nobody could answer this" in client.get("/help/for-you").get_data(as_text=True)


def test_a_lead_with_no_escalations_is_told_nothing_waits(people, client, auth):
    auth.sign_in(people.lena)
    panel = home(client).split('id="panel-questions-for-the-lead"')[1]
    assert NOTHING in panel and "No question came up to you." in panel


def test_a_person_with_several_roles_sees_the_panels_of_each(make, people, client, auth):
    both = make.user(name="Mo Both", roles=(Role.NEW_HIRE, Role.MENTOR))
    ask(both, goal="My own question")
    asked(ask(people.nina, goal="Nina asks Mo"), both)

    auth.sign_in(both)
    page = home(client)

    assert 'id="home-new_hire"' in page and 'id="home-mentor"' in page
    assert page.index("My own question") < page.index("Nina asks Mo")
    assert "As new hire" in page and "As mentor" in page


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
