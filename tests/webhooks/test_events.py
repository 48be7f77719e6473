"""Each feature publishes its events where the thing happens: a question's life reaches a
real receiver in order, verified, with no words of the question in it; mentorships, people,
flags and weekly sessions record theirs."""

from __future__ import annotations

import json
from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.help.ask import AskInput, ask_question
from app.help.holds import take_question
from app.help.models import Attempt
from app.help.thread import post_answer, resolve
from app.people.invitations import invite, mark_joined
from app.people.leavers import leave
from app.people.models import Role
from app.webhooks import core
from app.webhooks.models import WebhookDelivery
from feedback.checkins import _raise_flag
from feedback.models import Side
from matching import services as matching
from matching.choosing import choose_mentor
from tests.help.routing_scenes import mentor
from tests.sessions.weekly import weekly_series

EVERY_EVENT = list(core.EVENTS)


def published() -> list[tuple[str, dict]]:
    """The events recorded so far, oldest first: (type, data)."""
    db.session.expire_all()
    rows = db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    return [(row.event_type, json.loads(row.payload)["data"]) for row in rows]


def test_a_questions_life_reaches_the_receiver_in_order_without_its_words(make, hooks, jobs):
    hooks.endpoint("/ok", events=EVERY_EVENT)
    mia = mentor(make, "Mia Mentor")
    nina = make.user(name="Nina New", email="nina@example.com", team=make.team("Payments"))

    question = ask_question(
        nina.id, AskInput(goal="Ship the private ledger", stuck="Secret stack trace", skills=("SQL",))
    )
    jobs.run()  # routes it, and sends "asked" and "routed"
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.question_id == question.id))
    take_question(attempt.id, mia.id)
    post_answer(question.id, mia.id, "Raise the pool size")
    db.session.commit()
    resolve(question.id, nina.id)
    db.session.commit()
    resolve(question.id, nina.id)  # again: nothing new to tell
    db.session.commit()
    jobs.run()

    received = hooks.receiver.received()
    assert [r["json"]["type"] for r in received] == [
        "question.asked",
        "question.routed",
        "question.taken",
        "question.answered",
        "question.resolved",
    ]
    assert all(r["verified"] == {"main": True} for r in received)
    assert {r["json"]["data"]["question_id"] for r in received} == {question.id}
    assert received[0]["json"]["data"]["url"] == f"http://localhost/help/questions/{question.id}"
    assert received[1]["json"]["data"]["mentor_id"] == mia.id
    assert received[3]["json"]["data"]["mentor_id"] == mia.id
    for words in ("ledger", "Secret", "pool size"):
        assert not any(words in r["body"] for r in received)


def test_a_mentorships_life_is_published(make, hooks):
    hooks.endpoint("/ok", events=EVERY_EVENT)
    mia = mentor(make, "Mia Mentor")
    max_ = mentor(make, "Max Mentor")
    nina = make.user(name="Nina New", email="nina@example.com")

    declined = matching.create_proposal(nina.id, max_.id, 1.0, [], "join", 7)
    db.session.commit()
    matching.decline(declined.id, max_.id)
    accepted = matching.create_proposal(nina.id, mia.id, 1.0, [], "rematch", 7)
    db.session.commit()
    matching.accept(accepted.id, mia.id)
    db.session.commit()
    matching.end(accepted.id, nina.id, "We are done")
    db.session.commit()

    mine = [(kind, data["mentorship_id"], data["mentor_id"]) for kind, data in published()]
    assert [m for m in mine if m[0] != "mentorship.proposed" or m[1] in (declined.id, accepted.id)] == [
        ("mentorship.proposed", declined.id, max_.id),
        ("mentorship.declined", declined.id, max_.id),
        ("mentorship.proposed", accepted.id, mia.id),
        ("mentorship.accepted", accepted.id, mia.id),
        ("mentorship.ended", accepted.id, mia.id),
    ]


def test_an_admin_choosing_another_mentor_publishes_the_old_one_ended(make, hooks):
    hooks.endpoint("/ok", events=EVERY_EVENT)
    mia, max_ = mentor(make, "Mia Mentor"), mentor(make, "Max Mentor")
    admin = make.user(name="Ann Admin", roles=(Role.ADMIN,))
    nina = make.user(name="Nina New", email="nina@example.com")
    first = matching.create_proposal(nina.id, mia.id, 1.0, [], "join", 7)
    db.session.commit()

    second = choose_mentor(nina.id, max_.id, admin.id, reason="Max knows the team", replace=True)
    db.session.commit()

    mine = [(kind, data["mentorship_id"], data["state"]) for kind, data in published()][-2:]
    assert mine == [("mentorship.ended", first.id, "withdrawn"), ("mentorship.proposed", second.id, "proposed")]


def test_joining_and_leaving_are_published(make, hooks):
    hooks.endpoint("/ok", events=["person.joined", "person.deactivated"])
    admin = make.admin(name="Ada Admin")
    team = make.team("Payments")
    nina = make.user(name="Nina New", email="nina@example.com", team=team)
    invite(nina.id, admin.id)
    mark_joined(nina.id)
    mark_joined(nina.id)  # once
    db.session.commit()
    leave(nina.id)
    db.session.commit()

    assert [(kind, data["person_id"], data["team_id"]) for kind, data in published()] == [
        ("person.joined", nina.id, team.id),
        ("person.deactivated", nina.id, None),
    ]


def test_a_flag_and_a_weekly_session_are_published(make, hooks):
    hooks.endpoint("/ok", events=["feedback.flag_raised", "session.scheduled"])
    lead = make.user(name="Lena Lead", email="lena@example.com")
    team = make.team("Payments", lead=lead)
    mia = mentor(make, "Mia Mentor")
    m = matching.create_proposal(lead.id, mia.id, 1.0, [], "join", 7)
    _raise_flag(m.id, Side.NEW_HIRE)
    _raise_flag(m.id, Side.NEW_HIRE)  # a flag open already: not raised again
    series_id = weekly_series(team.id, lead.id, date.today() + timedelta(days=7))
    db.session.commit()

    assert [(kind, data.get("mentorship_id"), data.get("series_id")) for kind, data in published()] == [
        ("feedback.flag_raised", m.id, None),
        ("session.scheduled", None, series_id),
    ]
