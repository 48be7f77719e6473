"""When digests come, and when a question does not wait for one: the mentor's own local
time, answer times that start when the mentor hears, blocking and at-once mails, and
unsubscribing, end to end through a real worker and a real SMTP server."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.digest import due_mentors, send_digests
from app.help.digest_schedule import local_moment, zone
from app.help.jobs import route_question_job
from app.help.models import DigestFrequency, DigestSetting, Urgency
from app.help.routing import route_question
from app.jobs import enqueue
from app.mail.outgoing.unsubscribe import opt_out
from tests.help.digest_scenes import STILL_SENT, backdate, can_wait, choose, digests, goals_in, hour_passes, run_digests
from tests.help.routing_scenes import ask, attempts_of, mails_to, mentor, text_of

# When


def test_a_daily_digest_comes_at_the_mentors_local_time_only(make, jobs, smtp):
    now = utcnow()
    # Each teaches a skill of their own, so that routing asks each one whatever the hour.
    ny = mentor(make, "Nat York", {"SQL": 5}, timezone="America/New_York")
    tokyo = mentor(make, "Toki Tokyo", {"Kafka": 4}, timezone="Asia/Tokyo")

    def clock(person, moment):  # the person's wall-clock minute at that moment
        local = moment.astimezone(zone(person.timezone))
        return local.hour * 60 + local.minute

    choose(ny, DigestFrequency.DAILY, clock(ny, now - timedelta(hours=1)))  # its time passed an hour ago
    choose(tokyo, DigestFrequency.DAILY, clock(tokyo, now + timedelta(hours=1)))  # its time comes in an hour
    for person, skill in ((ny, "SQL"), (tokyo, "Kafka")):
        question = ask(make.user(), skills=(skill,), urgency=Urgency.CAN_WAIT, goal=f"For {person.name}")
        attempt = route_question(question.id)
        assert attempt.mentor_id == person.id
        backdate(question, timedelta(hours=2))  # asked before the New York time came

    run_digests(jobs)
    assert [goals_in(m) for m in digests(smtp, ny)] == [["For Nat York"]]
    assert digests(smtp, tokyo) == []
    assert "You get these digests daily at" in text_of(digests(smtp, ny)[0])

    # Tokyo's comes at its time, and not a minute before.
    tokyo_time = local_moment(
        (now + timedelta(hours=1)).astimezone(zone("Asia/Tokyo")).date(),
        clock(tokyo, now + timedelta(hours=1)),
        zone("Asia/Tokyo"),
    )
    assert due_mentors(tokyo_time - timedelta(minutes=1)) == []
    assert due_mentors(tokyo_time) == [tokyo.id]
    assert send_digests([tokyo.id, ny.id], tokyo_time) == 1
    jobs.run()
    assert [goals_in(m) for m in digests(smtp, tokyo)] == [["For Toki Tokyo"]]


def test_a_question_that_can_wait_gets_its_answer_time_from_the_digest_on_within_a_day(app, make):
    weekly = mentor(make, "Wes Weekly", {"SQL": 5}, timezone="America/New_York")
    choose(weekly, DigestFrequency.WEEKLY, 17 * 60, 4)  # Fridays 17:00
    question = ask(make.user(), urgency=Urgency.CAN_WAIT)
    attempt = route_question(question.id)

    friday = attempt.created_at.astimezone(zone("America/New_York")).date()
    friday += timedelta(days=(4 - friday.weekday()) % 7)
    digest_at = local_moment(friday, 17 * 60, zone("America/New_York"))
    if digest_at <= attempt.created_at:
        digest_at = local_moment(friday + timedelta(days=7), 17 * 60, zone("America/New_York"))
    # A digest days away does not hold the question: a day at most, then the answer time.
    told_by = min(digest_at, attempt.created_at + timedelta(days=1))
    assert attempt.deadline_at == told_by + timedelta(minutes=app.config["ANSWER_MINUTES_CAN_WAIT"])
    assert attempt.notified_at is None


def test_a_daily_digest_later_today_sets_the_deadline_from_it(app, make):
    daily = mentor(make, "Dana Daily", {"SQL": 5}, timezone="Europe/Berlin")
    soon = (utcnow() + timedelta(hours=3)).astimezone(zone("Europe/Berlin"))
    choose(daily, DigestFrequency.DAILY, soon.hour * 60 + soon.minute)
    attempt = route_question(ask(make.user(), urgency=Urgency.CAN_WAIT).id)
    digest_at = local_moment(soon.date(), soon.hour * 60 + soon.minute, zone("Europe/Berlin"))
    assert attempt.deadline_at == digest_at + timedelta(minutes=app.config["ANSWER_MINUTES_CAN_WAIT"])


# At once, and blocking


def test_a_blocking_question_never_waits_for_the_digest(make, jobs, smtp):
    ari = mentor(make, "Ari", {"SQL": 5})
    choose(ari, DigestFrequency.WEEKLY, 9 * 60, 0)
    question = ask(make.user(name="Nina New"), urgency=Urgency.BLOCKING)
    enqueue(route_question_job, question.id)
    jobs.run()

    [mail] = mails_to(smtp, ari)
    assert mail["Subject"] == "Nina New is stuck: Run the billing migration"
    [attempt] = attempts_of(question)
    assert attempt.notified_at is not None
    assert attempt.deadline_at - attempt.created_at == timedelta(minutes=15)
    run_digests(jobs)
    assert digests(smtp) == []


def test_mentors_who_chose_at_once_get_each_question_that_can_wait_at_once(app, make, jobs, smtp):
    ari = mentor(make, "Ari", {"SQL": 5})
    choose(ari, DigestFrequency.AT_ONCE)
    question = ask(make.user(name="Nina New"), urgency=Urgency.CAN_WAIT, goal="Tune the report query")
    enqueue(route_question_job, question.id)
    jobs.run()

    [mail] = mails_to(smtp, ari)
    assert mail["Subject"] == "Nina New is stuck: Tune the report query"
    assert "it is blocking them" not in text_of(mail)
    [attempt] = attempts_of(question)
    assert attempt.notified_at is not None
    assert attempt.deadline_at - attempt.created_at == timedelta(minutes=app.config["ANSWER_MINUTES_CAN_WAIT"])
    hour_passes(ari)
    run_digests(jobs)
    assert digests(smtp) == []


def test_a_question_from_before_a_mentor_chose_at_once_is_still_told(make, jobs, smtp):
    ari = mentor(make, "Ari", {"SQL": 5})
    choose(ari, DigestFrequency.WEEKLY, 9 * 60, 0)
    can_wait(make.user(), "Asked while weekly")
    db.session.execute(sa.update(DigestSetting).values(frequency=DigestFrequency.AT_ONCE))
    db.session.commit()

    run_digests(jobs)
    assert [goals_in(m) for m in digests(smtp, ari)] == [["Asked while weekly"]]
    run_digests(jobs)
    assert len(digests(smtp, ari)) == 1


# Unsubscribing


def test_one_click_unsubscribe_stops_digests_but_not_blocking_mails(app, make, client, jobs, smtp):
    ari = mentor(make, "Ari", {"SQL": 5}, max_open_questions=9)
    can_wait(make.user(), "Before")
    run_digests(jobs)
    [mail] = digests(smtp, ari)
    url = urlsplit(mail["List-Unsubscribe"].strip("<>"))

    page = client.get(url.path).get_data(as_text=True)
    assert "Unsubscribe from question digests?" in page and STILL_SENT in page
    # What a mail provider sends for RFC 8058: a POST with this body, no cookie, no CSRF token.
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(
        url.path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert f"You will get no more question digests. {STILL_SENT}" in response.get_data(as_text=True)

    hour_passes(ari)
    later = can_wait(make.user(), "After")
    [attempt] = attempts_of(later)
    # Unsubscribed, they see it in their web inbox at once: the answer time starts now.
    assert attempt.deadline_at - attempt.created_at == timedelta(minutes=app.config["ANSWER_MINUTES_CAN_WAIT"])
    assert due_mentors(utcnow()) == []
    run_digests(jobs)
    assert len(digests(smtp, ari)) == 1

    blocking = ask(make.user(name="Nina New"), urgency=Urgency.BLOCKING, goal="Deploy is down")
    route_question(blocking.id)
    jobs.run()
    assert [m["Subject"] for m in mails_to(smtp, ari)][-1] == "Nina New is stuck: Deploy is down"


def test_unsubscribed_and_deactivated_mentors_are_not_due(make):
    ari, ben = mentor(make, "Ari", max_open_questions=9), mentor(make, "Ben", max_open_questions=9)
    for _ in range(2):
        can_wait(make.user(), "Question")
    assert sorted(due_mentors(utcnow())) == sorted({ari.id, ben.id})
    opt_out(ari.id, "digest")
    ben.active = False
    db.session.commit()
    assert due_mentors(utcnow()) == []
    assert send_digests([ari.id, ben.id], utcnow()) == 0
