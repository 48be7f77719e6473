"""Routing in people's working time, and the order for a question naming no skill.

Deadlines and pings run in the mentor's working time: a blocking question nobody fitting is
working for goes to someone who is (in another zone), or waits for the first working
morning, and the asker hears which, with the time. A question with no skill goes to the
asker's own mentor, then the team's mentors, and the lead last; the lead's mail says who
was asked before, for how long, and why it reached them.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.jobs import route_question_job, sweep
from app.help.models import Attempt, Urgency
from app.help.routing import route_question, tell_mentor
from app.jobs import enqueue
from app.people.models import User
from app.times import time_with_zone
from tests.help.routing_scenes import ALWAYS, ask, attempts_of, mails_to, mentor, mentored_by, text_of, time_out
from tests.help.threads import sign_in

BERLIN = ZoneInfo("Europe/Berlin")


def off_today() -> dict:
    """Working every hour of every day but today (in Berlin): their work starts at midnight."""
    today = utcnow().astimezone(BERLIN).weekday()
    return {**ALWAYS, "work_days": ",".join(str(d) for d in range(7) if d != today)}


def next_midnight() -> datetime:
    local = utcnow().astimezone(BERLIN)
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tzinfo=BERLIN).astimezone(UTC)


def test_a_blocking_question_when_nobody_fitting_works_waits_for_their_morning_and_the_asker_hears_when(
    app, make, jobs, smtp
):
    ari = mentor(make, "Ari First", {"SQL": 5}, **off_today())
    nina = make.user(name="Nina New", timezone="America/New_York")
    question = ask(nina)

    enqueue(route_question_job, question.id)
    jobs.run()

    [attempt] = attempts_of(question)
    starts = next_midnight()
    assert attempt.mentor_id == ari.id
    assert attempt.deadline_at == starts + timedelta(minutes=15)  # fifteen minutes of Ari's working time
    assert attempt.notified_at is None and mails_to(smtp, ari) == []  # no ping on a day off
    [told] = mails_to(smtp, nina)
    assert told["Subject"] == "Nobody who can answer is working now: Ari First will see it first"
    assert f"Ari First is the first to start: at {time_with_zone(starts, 'America/New_York')}" in text_of(told)
    urgent = app.extensions["jobs"].queues["urgent"]
    scheduled = {
        urgent.fetch_job(j).func_name: urgent.scheduled_job_registry.get_scheduled_time(j)
        for j in urgent.scheduled_job_registry.get_job_ids()
    }
    assert abs(scheduled["app.help.routing.tell_mentor"] - starts) < timedelta(seconds=1)

    # At the start of Ari's day the job mails him, once however often it runs.
    for _ in range(2):
        enqueue(tell_mentor, attempt.id)
        jobs.run()
    [asked] = mails_to(smtp, ari)
    assert asked["Subject"] == "Nina New is stuck: Run the billing migration"


def test_the_sweeper_mails_the_person_asked_once_their_work_started_if_the_scheduled_mail_was_lost(
    app, make, jobs, smtp
):
    ari = mentor(make, "Ari First", {"SQL": 5}, **off_today())
    question = ask(make.user(name="Nina New"))
    enqueue(route_question_job, question.id)
    jobs.run()
    jobs.connection.flushdb()  # the scheduled mail is lost
    assert sweep() == 0 and mails_to(smtp, ari) == []  # not yet: Ari's work has not started

    attempt = attempts_of(question)[0]
    db.session.execute(
        sa.update(Attempt).where(Attempt.id == attempt.id).values(deadline_at=utcnow() + timedelta(minutes=14))
    )  # as if it started a minute ago
    db.session.commit()
    assert sweep() == 1
    assert sweep() == 0
    jobs.run()
    assert [m["Subject"] for m in mails_to(smtp, ari)] == ["Nina New is stuck: Run the billing migration"]


def test_a_blocking_question_goes_to_someone_working_now_in_another_zone_and_the_asker_hears_so(app, make, jobs, smtp):
    mentor(make, "Ari First", {"SQL": 5}, **off_today())
    ben = mentor(make, "Ben Boston", {"SQL": 2}, timezone="America/New_York")
    nina = make.user(name="Nina New")
    question = ask(nina)

    enqueue(route_question_job, question.id)
    jobs.run()

    [attempt] = attempts_of(question)
    assert attempt.mentor_id == ben.id and attempt.deadline_at - attempt.created_at == timedelta(minutes=15)
    assert len(mails_to(smtp, ben)) == 1
    [told] = mails_to(smtp, nina)
    assert told["Subject"] == "Ben Boston has your question now"
    assert (
        "Some mentors who could answer are not working right now, so we asked Ben Boston, who is working "
        "now in another time zone (America/New_York)"
    ) in text_of(told)


def test_a_question_naming_no_skill_goes_to_the_own_mentor_then_the_team_by_load_and_the_lead_last(
    app, make, jobs, smtp
):
    app.config["ROUTING_ATTEMPTS"] = 3
    lead = make.user(name="Lena Lead", roles=("lead",), **ALWAYS)
    team = make.team(lead=lead)
    own = mentor(make, "Omar Own", {"Go": 5})  # another team, teaches no skill of the question
    busy = mentor(make, "Bea Busy", {"CSS": 4}, team=team)
    free = mentor(make, "Fay Free", {"CSS": 1}, team=team)
    mentor(make, "Olga Outsider", {"CSS": 5})
    asker = make.user(name="Nina New", team=team)
    mentored_by(asker, own)
    other = ask(make.user(), skills=("CSS",), urgency=Urgency.CAN_WAIT)
    db.session.add(
        Attempt(question_id=other.id, mentor_id=busy.id, number=1, deadline_at=utcnow() + timedelta(hours=1))
    )
    db.session.commit()
    question = ask(asker, skills=())

    route_question(question.id)
    for _ in range(3):
        time_out(question)

    attempts = attempts_of(question)
    assert [(a.mentor_id, a.tier) for a in attempts] == [
        (own.id, "your mentor"),
        (free.id, "available in your team"),
        (busy.id, "available in your team"),
        (lead.id, "team lead"),
    ]
    jobs.run()
    [to_lead] = mails_to(smtp, lead)
    body = text_of(to_lead).replace("\r\n", "\n")
    assert "the 3 mentors asked so far did not answer it" in body
    assert re.search(
        r"Asked before you:\n- Omar Own \(their mentor\): asked for \d+ min, did not answer in time\n"
        r"- Fay Free \(in their team\): asked for \d+ min, did not answer in time\n"
        r"- Bea Busy \(in their team\): asked for \d+ min, did not answer in time\n",
        body,
    ), body


def test_a_lead_asked_first_is_told_nobody_was_asked_before_them(app, make, jobs, smtp):
    lead = make.user(name="Lena Lead", roles=("lead",), **ALWAYS)
    team = make.team(lead=lead)
    question = ask(make.user(name="Nina New", team=team), skills=())

    enqueue(route_question_job, question.id)
    jobs.run()

    [to_lead] = mails_to(smtp, lead)
    body = text_of(to_lead)
    assert "nobody was asked before you: no mentor of the team (no skill was named) can take it now" in body
    assert "asked so far" not in body and "Asked before you" not in body


def test_working_days_and_holidays_are_set_on_the_profile_and_bad_ones_get_a_form_message(app, make, client, auth):
    mia = make.mentor(name="Mia Mentor")
    sign_in(auth, mia)
    form = {"timezone": "Europe/Berlin", "work_start": "08:00", "work_end": "16:00", "work_days_shown": "1"}
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="work_days"' in page and 'name="holiday_country"' in page

    saved = client.post(
        "/profile", data={**form, "work_days": ["0", "1", "3"], "holiday_country": "de", "holiday_region": "by"}
    )
    assert saved.status_code == 302
    db.session.expire_all()
    person = db.session.get(User, mia.id)
    assert (person.work_days, person.holiday_country, person.holiday_region) == ("0,1,3", "DE", "BY")

    for data, message in (
        ({"work_days": ["0"], "holiday_country": "XX"}, "does not know the public holidays of 'XX'"),
        ({"work_days": ["0"], "holiday_country": "DE", "holiday_region": "ZZ"}, "DE has no region 'ZZ'"),
        ({"holiday_country": "DE"}, "Choose at least one working day."),
        ({"work_days": ["9"], "holiday_country": "DE"}, "is not a valid choice"),
    ):
        refused = client.post("/profile", data={**form, **data})
        assert refused.status_code == 400 and message in html.unescape(refused.get_data(as_text=True)), data
    db.session.expire_all()
    assert db.session.get(User, mia.id).holiday_country == "DE"
    # A form without the days (an older page) keeps them.
    assert (
        client.post("/profile", data={"timezone": "UTC", "work_start": "09:00", "work_end": "17:00"}).status_code == 302
    )
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.work_days).where(User.id == mia.id)) == "0,1,3"
