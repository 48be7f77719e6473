"""Each feature publishes its events where the thing happens: a question's life reaches a
real receiver in order, verified, with no words of the question in it; mentorships, people,
flags and weekly sessions record theirs."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.ask import AskInput, ask_question
from app.help.holds import take_question
from app.help.models import Attempt
from app.help.thread import post_answer, resolve
from app.people.invitations import invite, mark_joined
from app.people.leavers import leave
from app.people.models import Role
from app.sso.accounts import Identity, person_for
from app.webhooks import core
from app.webhooks.models import WebhookDelivery
from feedback.checkins import _raise_flag
from feedback.models import Side
from matching import services as matching
from matching.choosing import choose_mentor
from sessions.models import SessionSeries
from sessions.series import services as series
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


def test_a_proposal_left_unanswered_and_a_mentorship_run_its_length_are_published(make, hooks):
    hooks.endpoint("/ok", events=["mentorship.declined", "mentorship.ended"])
    mia, max_ = mentor(make, "Mia Mentor"), mentor(make, "Max Mentor")
    nina = make.user(name="Nina New", email="nina@example.com")
    olli = make.user(name="Olli New", email="olli@example.com")
    unanswered = matching.create_proposal(nina.id, max_.id, 1.0, [], "join", 7)
    finished = matching.create_proposal(olli.id, mia.id, 1.0, [], "join", 7)
    db.session.commit()
    matching.accept(finished.id, mia.id)
    db.session.commit()
    later = utcnow() + timedelta(days=400)  # past the proposal's days and the programme's length

    matching.expire_proposals(later)
    matching.complete_finished(later)
    db.session.commit()

    mine = [(kind, data["mentorship_id"], data["state"]) for kind, data in published()]
    assert ("mentorship.declined", unanswered.id, "expired") in mine
    assert ("mentorship.ended", finished.id, "completed") in mine


def test_a_series_moved_to_another_time_or_one_week_moved_is_published_as_scheduled(make, hooks):
    hooks.endpoint("/ok", events=["session.scheduled"])
    lead = make.user(name="Lena Lead", email="lena@example.com")
    team = make.team("Payments", lead=lead)
    first = date.today() + timedelta(days=7)
    series_id = weekly_series(team.id, lead.id, first)
    db.session.commit()
    row = db.session.get(SessionSeries, series_id)
    fields = {name: getattr(row, name) for name in series.SeriesFields.__dataclass_fields__}

    series.change_series(series_id, series.SeriesFields(**{**fields, "location": "Room Delta"}))  # not a new time
    series.change_series(series_id, series.SeriesFields(**{**fields, "start_time": time(15, 0)}))
    series.move_week(series_id, first + timedelta(days=7), datetime.combine(first + timedelta(days=8), time(9, 0)))
    db.session.commit()

    assert [(kind, data["series_id"], data["day"]) for kind, data in published()] == [
        ("session.scheduled", series_id, None),
        ("session.scheduled", series_id, None),
        ("session.scheduled", series_id, (first + timedelta(days=7)).isoformat()),
    ]


def test_someone_added_at_their_first_single_sign_on_is_published_as_joined(make, hooks):
    hooks.endpoint("/ok", events=["person.joined"])
    team = make.team("Payments")
    who = Identity(
        issuer="https://login.example.com",
        subject="sub-9",
        email="ana@example.com",
        email_verified=True,
        team="Payments",
    )

    ana = person_for(who, create_people=True, group_roles={})
    db.session.commit()

    assert [(kind, data["person_id"], data["team_id"]) for kind, data in published()] == [
        ("person.joined", ana.id, team.id)
    ]
