"""The "Questions for you" page: who sees it, what it shows, and passing a question on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db, utcnow
from app.help.models import Attempt, AttemptState, Urgency
from app.people.models import Role
from app.times import time_with_zone
from tests.help.routing_scenes import ask, attempts_of, mentor

INBOX = "/help/for-you"


def pass_url(attempt) -> str:
    return f"/help/for-you/{attempt.id}/pass"


def asked(question, person, number: int = 1, state: AttemptState = AttemptState.WAITING, **fields) -> Attempt:
    """Record that the person was asked the question."""
    attempt = Attempt(
        question_id=question.id,
        mentor_id=person.id,
        number=number,
        state=state,
        deadline_at=fields.pop("deadline_at", utcnow() + timedelta(hours=1)),
        **fields,
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", INBOX, 302),
        ("post", "/help/for-you/1/pass", 401),
    ],
)
def test_signed_out_people_are_sent_to_sign_in(client, method, url, status):
    response = getattr(client, method)(url)
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"].startswith("/sign-in")


def test_a_mentor_sees_only_the_questions_waiting_for_them_with_deadlines_in_their_zone(make, client, auth):
    mia = mentor(make, "Mia Mentor", timezone="America/New_York")
    max_ = mentor(make, "Max Other")
    asker = make.user(name="Nina New")
    blocking = ask(asker, goal="Deploy the billing service")
    later = ask(asker, goal="Tune the report query", urgency=Urgency.CAN_WAIT)
    moved_on = ask(asker, goal="Rotate the signing keys")
    theirs = ask(asker, goal="Fix the flaky login test")
    mine = asked(blocking, mia)
    asked(later, mia, tier="your mentor")
    asked(moved_on, mia, state=AttemptState.TIMED_OUT)
    asked(theirs, max_)

    auth.sign_in(mia)
    page = client.get(INBOX).get_data(as_text=True)

    assert "Deploy the billing service" in page and "Tune the report query" in page
    assert "Rotate the signing keys" not in page and "Fix the flaky login test" not in page
    assert time_with_zone(mine.deadline_at, "America/New_York") in page
    assert "(America/New_York)" in page
    assert "asked because you are their mentor" in page
    assert page.index("Deploy the billing service") < page.index("Tune the report query")


def test_someone_with_nothing_waiting_sees_an_empty_page(make, client, auth):
    auth.sign_in(make.user())
    assert "No questions are waiting for you." in client.get(INBOX).get_data(as_text=True)


@pytest.mark.parametrize("who", ["another mentor", "the asker", "the team lead", "an admin"])
def test_only_the_asked_mentor_can_pass(make, client, auth, who):
    lead = make.user(roles=(Role.LEAD,))
    team = make.team(lead=lead)
    mia, other = mentor(make, "Mia Mentor"), mentor(make, "Max Other")
    asker = make.user(team=team)
    question = ask(asker)
    attempt = asked(question, mia)
    people = {"another mentor": other, "the asker": asker, "the team lead": lead, "an admin": make.admin()}

    auth.sign_in(people[who])
    response = client.post(pass_url(attempt), data={"hint": "ask Dana"})

    assert response.status_code == 404
    assert [(a.mentor_id, a.state, a.hint) for a in attempts_of(question)] == [(mia.id, AttemptState.WAITING, "")]


def test_passing_with_a_hint_moves_the_question_on_and_the_next_mentor_sees_the_hint(make, client, auth):
    mia = mentor(make, "Mia Mentor", {"SQL": 5})
    ben = mentor(make, "Ben Next", {"SQL": 2})
    question = ask(make.user(), goal="Deploy the billing service")
    attempt = asked(question, mia)

    auth.sign_in(mia)
    response = client.post(pass_url(attempt), data={"hint": "ask Dana"}, follow_redirects=True)

    assert "Passed on." in response.get_data(as_text=True)
    assert "Deploy the billing service" not in response.get_data(as_text=True)
    assert [(a.mentor_id, a.state, a.hint) for a in attempts_of(question)] == [
        (mia.id, AttemptState.PASSED, "ask Dana"),
        (ben.id, AttemptState.WAITING, ""),
    ]
    auth.sign_out()
    auth.sign_in(ben)
    page = client.get(INBOX).get_data(as_text=True)
    assert "Deploy the billing service" in page and "Hint from Mia Mentor: ask Dana" in page


@pytest.mark.parametrize(
    ("hint", "state", "message"),
    [
        ("ask Dana", AttemptState.TIMED_OUT, "This question has moved on already."),
        ("x" * 301, AttemptState.WAITING, "Field cannot be longer than 300 characters."),
    ],
)
def test_a_pass_that_cannot_happen_says_why_and_changes_nothing(make, client, auth, hint, state, message):
    mia = mentor(make, "Mia Mentor")
    mentor(make, "Ben Next")
    question = ask(make.user())
    attempt = asked(question, mia, state=state)

    auth.sign_in(mia)
    response = client.post(pass_url(attempt), data={"hint": hint}, follow_redirects=True)

    assert message in response.get_data(as_text=True)
    assert [(a.mentor_id, a.state, a.hint) for a in attempts_of(question)] == [(mia.id, state, "")]
