"""Routing a stuck question end to end: a real worker routes it, a real SMTP server gets the
mails, deadlines pass (set in the past) and the question moves on, to the team lead at the end.

Questions are written straight into the database, so these tests depend on the models and
on routing only, not on how asking saves a question.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help import routing
from app.help.jobs import route_question_job, sweep
from app.help.models import Attempt, AttemptState, Question, QuestionState, Urgency
from app.help.routing import answer_arrived, check_deadline, pass_question, route_question
from app.jobs import enqueue
from app.people.models import Team, User
from app.times import local_day, time_with_zone
from app.urls import external_url
from tests.help.routing_scenes import (
    ALWAYS,
    ask,
    attempts_of,
    live_of,
    mails_to,
    mentor,
    mentored_by,
    overdue,
    skill,
    text_of,
    time_out,
)
from tests.lock_waits import together


def test_the_askers_own_mentor_is_asked_first_when_they_teach_the_skill(make, jobs):
    team = make.team()
    mentor(make, "Sam Star", {"SQL": 5}, team=team)
    own = mentor(make, "Omar Own", {"SQL": 2}, team=team)
    asker = make.user(name="Nina New", team=team)
    mentored_by(asker, own)
    db.session.commit()
    question = ask(asker)

    enqueue(route_question_job, question.id)
    jobs.run()

    [first] = attempts_of(question)
    assert (first.mentor_id, first.number, first.tier, first.state) == (own.id, 1, "your mentor", AttemptState.WAITING)
    assert first.deadline_at - first.created_at == timedelta(minutes=15)
    assert db.session.get(Question, question.id).first_routed_at == first.created_at


def test_then_mentors_who_teach_the_skill_best_first_each_asked_once(app, make):
    app.config["ROUTING_ATTEMPTS"] = 9
    team = make.team()  # no lead
    own = mentor(make, "Omar Own", {"Go": 5}, team=team)  # their mentor, but not for SQL
    low, high, mid = (
        mentor(make, name, {"SQL": level}) for name, level in (("Lou Low", 1), ("Hana High", 5), ("Mo Mid", 3))
    )
    mentor(make, "Gus Go", {"Go": 5})
    asker = make.user(team=team)
    mentored_by(asker, own)
    db.session.commit()
    question = ask(asker, urgency=Urgency.CAN_WAIT)

    first = route_question(question.id)
    assert first.deadline_at - first.created_at == timedelta(hours=4)
    for _ in range(2):
        time_out(question)
    assert time_out(question) is None  # nobody else teaches SQL, and there is no lead

    attempts = attempts_of(question)
    assert [(a.mentor_id, a.tier) for a in attempts] == [
        (high.id, "teaches the skill"),
        (mid.id, "teaches the skill"),
        (low.id, "teaches the skill"),
    ]
    assert [a.state for a in attempts] == [AttemptState.TIMED_OUT] * 3
    assert db.session.get(Question, question.id).state == QuestionState.OPEN  # kept, for the sweeper


def test_related_skills_and_then_the_team_after_the_configured_times(app, make):
    app.config.update(RELAX_TO_RELATED_MINUTES=30, RELAX_TO_TEAM_MINUTES=120)
    skill(make, "SQL", "Databases")
    skill(make, "PostgreSQL", "Databases")
    team = make.team()  # no lead, so nobody is asked until the net widens
    related = mentor(make, "Pia Postgres", {"PostgreSQL": 4})
    teammate = mentor(make, "Cas Css", {"CSS": 4}, team=team)
    mentor(make, "Olga Outsider", {"CSS": 5})
    question = ask(make.user(team=team))

    assert route_question(question.id) is None
    assert attempts_of(question) == []

    question.created_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    attempt = route_question(question.id)
    assert (attempt.mentor_id, attempt.tier) == (related.id, "teaches a related skill")
    assert time_out(question) is None  # not yet two hours

    question = db.session.get(Question, question.id)
    question.created_at = utcnow() - timedelta(minutes=121)
    db.session.commit()
    assert sweep() == 1
    assert (live_of(question).mentor_id, live_of(question).tier) == (teammate.id, "available in your team")


# Caps and away mentors


def _busy(make, person: User, count: int, state: AttemptState = AttemptState.WAITING) -> None:
    """Give the mentor `count` attempts today on other people's open questions."""
    for _ in range(count):
        other = ask(make.user(), urgency=Urgency.CAN_WAIT)
        db.session.add(
            Attempt(
                question_id=other.id,
                mentor_id=person.id,
                number=1,
                state=state,
                deadline_at=utcnow() + timedelta(hours=1),
            )
        )
    db.session.commit()


@pytest.mark.parametrize("situation", ["away today", "at their cap of open questions", "pinged enough today"])
def test_away_capped_and_over_pinged_mentors_are_never_chosen(app, make, situation):
    app.config["MAX_PINGS_PER_DAY"] = 2
    today = local_day(utcnow(), "Europe/Berlin")
    best = mentor(make, "Bea Best", {"SQL": 5}, max_open_questions=2)
    fallback = mentor(make, "Fay Fallback", {"SQL": 1})
    if situation == "away today":
        best.away_from, best.away_until = today - timedelta(days=1), today + timedelta(days=1)
        db.session.commit()
    elif situation == "at their cap of open questions":
        _busy(make, best, 2)
    else:
        _busy(make, best, 2, AttemptState.TIMED_OUT)

    assert route_question(ask(make.user()).id).mentor_id == fallback.id


def test_the_cap_of_open_questions_holds_across_questions(make):
    only = mentor(make, "Uno Only", max_open_questions=1)
    first, second = ask(make.user()), ask(make.user())

    assert route_question(first.id).mentor_id == only.id
    assert route_question(second.id) is None
    answer_arrived(first.id, only.id)
    assert route_question(second.id).mentor_id == only.id  # a slot is free again


def test_two_routings_racing_for_a_mentors_last_slot_cannot_both_take_it(app, make):
    """Two workers route two questions at the same moment, on either database: both are let
    go together from the mentor's lock (SQLite's write lock), and only one takes her slot."""
    only = mentor(make, "Uno Only", max_open_questions=1)
    question_ids = [ask(make.user()).id, ask(make.user()).id]

    def route(question_id: int) -> None:
        with app.app_context():
            try:
                route_question(question_id)
            finally:
                db.session.remove()

    together(
        db.engine, sa.select(User.id).where(User.id == only.id), [lambda qid=qid: route(qid) for qid in question_ids]
    )

    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt).where(Attempt.mentor_id == only.id)) == 1
    assert sweep() == 0  # still full: the other question waits for a free slot


# Escalation


def test_after_the_configured_attempts_the_team_lead_is_asked(app, make, jobs, smtp):
    app.config["ROUTING_ATTEMPTS"] = 2
    lead = make.user(name="Lena Lead", roles=("lead",), **ALWAYS)
    team = make.team(lead=lead)
    first, second, third = (
        mentor(make, name, {"SQL": level}) for name, level in (("Ari First", 5), ("Ben Second", 4), ("Cy Third", 3))
    )
    question = ask(make.user(name="Nina New", team=team))

    route_question(question.id)
    time_out(question)
    escalation = time_out(question)

    assert (escalation.mentor_id, escalation.number, escalation.tier) == (lead.id, 3, "team lead")
    assert db.session.get(Question, question.id).escalated is True
    jobs.run()
    [mail] = mails_to(smtp, lead)
    assert mail["Subject"] == "Nobody has answered Nina New yet: Run the billing migration"
    assert "the 2 mentors asked so far did not answer it" in text_of(mail)

    # The lead is silent too: the question keeps moving rather than wait on nobody.
    assert time_out(question).mentor_id == third.id
    assert time_out(question) is None
    assert [a.mentor_id for a in attempts_of(question)] == [first.id, second.id, lead.id, third.id]
    assert db.session.get(Question, question.id).state == QuestionState.OPEN


def test_with_no_lead_it_stays_open_until_someone_can_take_it(app, make):
    app.config["ROUTING_ATTEMPTS"] = 1
    team = make.team()
    only = mentor(make, "Uno Only")
    question = ask(make.user(team=team))
    route_question(question.id)

    assert time_out(question) is None
    assert sweep() == 0
    assert db.session.get(Question, question.id).state == QuestionState.OPEN

    lead = make.user(name="Lena Lead", roles=("lead",), **ALWAYS)
    db.session.get(Team, team.id).lead_id = lead.id
    db.session.commit()
    assert sweep() == 1
    assert [(a.mentor_id, a.tier) for a in attempts_of(question)] == [
        (only.id, "teaches the skill"),
        (lead.id, "team lead"),
    ]


# Passing, deadlines and answers


def test_a_pass_with_a_hint_moves_it_on_at_once_and_the_next_mentor_reads_the_hint(make, jobs, smtp):
    ari = mentor(make, "Ari First", {"SQL": 5})
    ben = mentor(make, "Ben Second", {"SQL": 3})
    question = ask(make.user(name="Nina New"))
    first = route_question(question.id)

    second = pass_question(first.id, ari.id, "  ask   Dana,\nshe wrote it ")

    assert second.mentor_id == ben.id
    passed = attempts_of(question)[0]
    assert (passed.state, passed.hint) == (AttemptState.PASSED, "ask Dana, she wrote it")
    jobs.run()
    assert "- Ari First: ask Dana, she wrote it" in text_of(mails_to(smtp, ben)[0])
    with pytest.raises(routing.RoutingError, match="moved on"):
        pass_question(first.id, ari.id)
    with pytest.raises(routing.NotAsked):
        pass_question(second.id, ari.id)
    assert len(attempts_of(question)) == 2


def test_check_deadline_does_nothing_when_answered_passed_early_or_run_twice(make):
    ari, ben = mentor(make, "Ari", {"SQL": 5}), mentor(make, "Ben", {"SQL": 3})
    mentor(make, "Cy", {"SQL": 1})
    answered = ask(make.user())
    attempt = route_question(answered.id)
    answer_arrived(answered.id, ari.id)
    assert check_deadline(overdue(attempt).id) is False
    assert [a.state for a in attempts_of(answered)] == [AttemptState.ANSWERED]

    moved = ask(make.user())
    attempt = route_question(moved.id)
    assert check_deadline(attempt.id) is False  # not due yet
    pass_question(attempt.id, ari.id)
    assert check_deadline(overdue(attempt).id) is False
    assert [a.mentor_id for a in attempts_of(moved)] == [ari.id, ben.id]

    twice = ask(make.user())
    attempt = overdue(route_question(twice.id))
    assert check_deadline(attempt.id) is True
    assert check_deadline(attempt.id) is False
    assert len(attempts_of(twice)) == 2


def test_an_answer_from_a_mentor_it_moved_away_from_closes_the_current_attempt(make):
    ari, ben = mentor(make, "Ari", {"SQL": 5}), mentor(make, "Ben", {"SQL": 3})
    asker = make.user()
    question = ask(asker)
    route_question(question.id)
    time_out(question)

    answer_arrived(question.id, asker.id)  # the asker's own follow-up is no answer
    assert live_of(question).mentor_id == ben.id
    answer_arrived(question.id, ari.id)

    assert [(a.mentor_id, a.state) for a in attempts_of(question)] == [
        (ari.id, AttemptState.TIMED_OUT),
        (ben.id, AttemptState.CLOSED),
    ]
    assert db.session.get(Question, question.id).state == QuestionState.ANSWERED
    assert sweep() == 0 and len(attempts_of(question)) == 2


def test_routing_does_nothing_for_a_resolved_question_or_one_already_waiting(make):
    mentor(make, "Ari")
    waiting = ask(make.user())
    assert route_question(waiting.id) is not None
    assert route_question(waiting.id) is None
    resolved = ask(make.user(), state=QuestionState.RESOLVED)
    assert route_question(resolved.id) is None
    assert route_question(10_000) is None
    assert len(attempts_of(waiting)) == 1 and attempts_of(resolved) == []


# Notices and the scheduled check


def test_a_blocking_question_mails_the_mentor_once_with_the_thread_link(app, make, jobs, smtp):
    ari = mentor(make, "Ari First", timezone="America/New_York")
    question = ask(make.user(name="Nina New"), link="https://wiki.example.com/billing", page_title="Billing runbook")

    for _ in range(2):
        enqueue(route_question_job, question.id)
        jobs.run()

    [mail] = mails_to(smtp, ari)
    attempt = attempts_of(question)[0]
    body = text_of(mail)
    assert mail["Subject"] == "Nina New is stuck: Run the billing migration"
    assert f"Answer in Unstuck: {external_url('help.thread', question_id=question.id)}" in body
    assert f'href="{external_url("help.thread", question_id=question.id)}"' in mail.get_body(("html",)).get_content()
    assert "It fails with `relation does not exist`." in body
    assert "Where: Billing runbook https://wiki.example.com/billing" in body
    assert time_with_zone(attempt.deadline_at, "America/New_York") in body
    assert "(America/New_York)" in body
    assert attempt.notified_at is not None


def test_a_question_that_can_wait_is_left_for_the_digest(make, jobs, smtp):
    ari = mentor(make, "Ari First")
    question = ask(make.user(), urgency=Urgency.CAN_WAIT)
    enqueue(route_question_job, question.id)
    jobs.run()
    attempt = attempts_of(question)[0]
    assert (attempt.mentor_id, attempt.notified_at) == (ari.id, None)
    assert mails_to(smtp, ari) == []


def test_the_deadline_check_is_scheduled_and_moves_the_question_on_when_due(app, make, jobs):
    ari, ben = mentor(make, "Ari", {"SQL": 5}), mentor(make, "Ben", {"SQL": 3})
    question = ask(make.user())
    first = route_question(question.id)

    urgent = app.extensions["jobs"].queues["urgent"]
    [job_id] = urgent.scheduled_job_registry.get_job_ids()
    assert (urgent.fetch_job(job_id).func_name, urgent.fetch_job(job_id).args) == (
        "app.help.routing.check_deadline",
        (first.id,),
    )
    assert abs(urgent.scheduled_job_registry.get_scheduled_time(job_id) - first.deadline_at) < timedelta(seconds=1)

    app.config["ANSWER_MINUTES_BLOCKING"] = 0  # the next one is due at once
    pass_question(first.id, ari.id)
    jobs.run()  # the mails; the checks wait for their time
    worker = app.extensions["jobs"].worker(simple=True)
    worker.work(burst=True, with_scheduler=True)

    assert [(a.mentor_id, a.state) for a in attempts_of(question)] == [
        (ari.id, AttemptState.PASSED),
        (ben.id, AttemptState.TIMED_OUT),
    ]
