"""A new hire leaves, through the API as directory tools call it: their mentor is told, and
the question they were waiting on is withdrawn, so no mentor is asked it any more."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.models import Attempt, AttemptState, QuestionState, Visibility
from matching.models import MentorshipState
from tests.help.routing_scenes import ask
from tests.leavers.scene import live_mentor, mentorships_of, received, subjects, token_of
from tests.security.access_scene import Browser

API = "/api/v1/people"


def waiting_on(question, mentor, taken: bool = False) -> None:
    now = utcnow()
    db.session.add(
        Attempt(
            question_id=question.id,
            mentor_id=mentor.id,
            number=1,
            tier="teaches the skill",
            deadline_at=now + timedelta(hours=2),
            notified_at=now,
            taken_at=now if taken else None,
            created_at=now,
        )
    )
    db.session.commit()


def test_a_new_hire_who_leaves_ends_their_mentorship_and_withdraws_their_question(app, office, smtp, jobs):
    question = ask(office.nina, goal="Nina's deploy")
    waiting_on(question, office.max, taken=True)
    admin = token_of(office.admin)
    response = Browser(app).open(f"{API}/{office.nina.id}", method="PATCH", json={"active": False}, headers=admin)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["active"] is False
    jobs.run()

    # Her mentor hears it; nobody is proposed to mentor someone who left.
    assert subjects(smtp, office.mia) == ["Your mentorship has ended: Nina New has left"]
    body = received(smtp, office.mia)[0].get_body(("plain",)).get_content()
    assert "Nina New has left the team" in body and "looking for a new mentor" not in body
    ended = [m for m in mentorships_of(office.nina)]
    assert [m.state for m in ended] == [MentorshipState.ENDED]
    # Her question is closed and kept out of the knowledge base; the mentor who took it
    # hears that no answer is needed, and nobody else is asked.
    db.session.expire_all()
    question = db.session.get(type(question), question.id)
    assert question.state == QuestionState.RESOLVED and question.visibility == Visibility.PRIVATE
    assert live_mentor(question) is None
    assert subjects(smtp, office.max) == ["No answer needed: Nina's deploy"]
    assert db.session.scalars(sa.select(Attempt.state).where(Attempt.question_id == question.id)).all() == [
        AttemptState.CLOSED
    ]
    for other in (office.mo, office.lead, office.noah):
        assert received(smtp, other) == []
    # Mia still mentors Noah.
    assert [m.state for m in mentorships_of(office.noah)] == [MentorshipState.ACTIVE]


def test_the_api_says_the_same_twice_and_sends_nothing_more(app, office, smtp, jobs):
    admin = token_of(office.admin)
    sent = []
    for _ in range(2):
        response = Browser(app).open(f"{API}/{office.nina.id}", method="PATCH", json={"active": False}, headers=admin)
        assert response.status_code == 200 and response.get_json()["active"] is False
        jobs.run()
        sent.append(sorted(str(m["Subject"]) for m in smtp.messages()))
    assert sent[0] == sent[1] == ["Cancelled: What did we learn?", "Your mentorship has ended: Nina New has left"]


def test_the_api_brings_a_leaver_back(app, office, jobs):
    admin = token_of(office.admin)
    client = Browser(app)
    client.open(f"{API}/{office.nina.id}", method="PATCH", json={"active": False}, headers=admin)
    response = client.open(f"{API}/{office.nina.id}", method="PATCH", json={"active": True}, headers=admin)
    assert response.status_code == 200 and response.get_json()["active"] is True
    jobs.run()
    assert [m.state for m in mentorships_of(office.nina)][0] == MentorshipState.ENDED
