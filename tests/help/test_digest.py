"""Digests of questions that can wait, end to end: routed questions, the periodic job on a
real worker, the mail through a real SMTP server, and what the mentor reads in it."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help import thread
from app.help.digest import due_mentors, send_digests, send_due_digests, waited_words
from app.help.digest_schedule import local_moment, zone
from app.help.jobs import route_question_job
from app.help.models import Attempt, DigestFrequency, DigestSetting, Question, Urgency
from app.help.notices import local_time
from app.help.routing import route_question
from app.jobs import enqueue
from app.mail.addresses import find_reply_address
from app.mail.models import OutboundMail
from app.mail.unsubscribe import opt_out
from app.urls import external_url
from tests.help.routing_scenes import ask, attempts_of, mails_to, mentor, text_of

STILL_SENT = "You will still get an email at once when a question is blocking someone."


# Helpers

def choose(person, frequency: DigestFrequency, minute_of_day: int = 9 * 60, weekday: int = 0, **fields):
    """Save the person's digest setting."""
    db.session.add(DigestSetting(user_id=person.id, frequency=frequency, minute_of_day=minute_of_day,
                                 weekday=weekday, **fields))
    db.session.commit()


def can_wait(asker, goal: str, **fields) -> Question:
    """A question that can wait, routed (to whoever fits best)."""
    question = ask(asker, urgency=Urgency.CAN_WAIT, goal=goal, **fields)
    route_question(question.id)
    return question


def digests(smtp, person=None) -> list:
    """The digests the SMTP server received (for one person), in order."""
    ids = set(db.session.scalars(sa.select(OutboundMail.message_id).where(OutboundMail.kind == "digest")))
    return [m for m in (mails_to(smtp, person) if person else smtp.messages()) if m["Message-ID"] in ids]


def html_of(mail) -> str:
    return mail.get_body(("html",)).get_content()


def run_digests(jobs) -> int:
    """Run the periodic job as the scheduler does; return how many jobs ran (itself included)."""
    enqueue(send_due_digests)
    return jobs.run()


def hour_passes(person) -> None:
    """Move the person's last digest an hour and more into the past."""
    db.session.execute(sa.update(DigestSetting).where(DigestSetting.user_id == person.id)
                       .values(last_sent_at=utcnow() - timedelta(hours=2)))
    db.session.commit()


def backdate(question: Question, by: timedelta) -> None:
    """Make the question and its attempts older, as if asked and routed `by` ago."""
    db.session.expire_all()
    for row in [db.session.get(Question, question.id), *attempts_of(question)]:
        row.created_at -= by
    db.session.commit()


def goals_in(mail) -> list[str]:
    return re.findall(r"^\d+\. (.+?)(?: \[updated\])?$", text_of(mail).replace("\r\n", "\n"), flags=re.M)


# What a digest says

def test_a_digest_lists_each_waiting_question_with_its_own_reply_address_and_links(make, jobs, smtp):
    ari = mentor(make, "Ari Mentor", {"SQL": 4}, max_open_questions=9, timezone="America/New_York")
    nina, omar = make.user(name="Nina New"), make.user(name="Omar Other")
    first = can_wait(nina, "Tune the <b>report</b> query & co",
                     stuck="It takes **40 s**.\n\n<script>alert(1)</script> `EXPLAIN` says seq scan.")
    second = can_wait(omar, "Add an index to invoices")
    backdate(first, timedelta(hours=3, minutes=10))
    jobs.run()  # the new hires' own jobs

    assert run_digests(jobs) == 3  # the periodic job, one batch of mentors, one delivery job

    [mail] = digests(smtp, ari)
    text, html = text_of(mail), html_of(mail)
    assert mail["Subject"] == "Your Unstuck digest: 2 new questions"
    assert mail["List-Unsubscribe"].startswith("<http://localhost/mail/unsubscribe/digest/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Reply-To"] is None  # the digest itself is no answer channel
    assert "reply to its own address (below), not to this email" in text
    assert goals_in(mail) == ["Tune the <b>report</b> query & co", "Add an index to invoices"]  # oldest first

    for question, asker in ((first, nina), (second, omar)):
        attempt = attempts_of(question)[0]
        [address] = re.findall(rf"Answer by email: (reply\+\w+@localhost) \(subject \"Re: {re.escape(question.goal)}\"\)",
                               text)
        found = find_reply_address([address])
        assert (found.purpose, found.object_id, found.user_id) == ("question", question.id, ari.id)
        mailto = f"mailto:{address}?subject=" + "Re%3A%20" + question.goal.replace(" ", "%20")
        assert unquote(mailto) in unquote(html.replace("&amp;", "&"))
        assert f"Answer in Unstuck: {external_url('help.thread', question_id=question.id)}" in text
        assert f"From {asker.name}, waiting for" in text
        assert local_time(attempt.deadline_at, "America/New_York") in text
        assert attempt.notified_at is not None
        take = re.search(r"I'll take it: (\S+)", text.split(question.goal, 1)[1]).group(1)
        pass_ = re.search(r"Pass: (\S+)", text.split(question.goal, 1)[1]).group(1)
        assert urlsplit(take).path.startswith("/help/email/take/")
        assert urlsplit(pass_).path.startswith("/help/email/pass/")
        assert f'href="{take}"' in html and f'href="{pass_}"' in html
    # Each question gets its own address.
    assert len(set(re.findall(r"reply\+\w+@localhost", text))) == 2

    assert "From Nina New, waiting for 3 hours. Skills: SQL" in text
    # The question's words as written, in the text and, escaped, in the HTML.
    assert "It takes **40 s**." in text
    assert "It takes **40 s**." in html and "`EXPLAIN` says seq scan" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tune the &lt;b&gt;report&lt;/b&gt; query &amp; co" in html
    # How to change it, and how to stop it.
    assert "You get these digests hourly" in text
    assert f"Change how often: {external_url('help.mail_settings')}" in text
    assert f'href="{external_url("help.mail_settings")}"' in html
    assert "Unsubscribe from question digests: http://localhost/mail/unsubscribe/digest/" in text
    assert db.session.get(DigestSetting, ari.id).last_sent_at is not None


def test_each_mentor_gets_one_digest_of_their_own_questions_over_one_connection(make, jobs, smtp):
    ari = mentor(make, "Ari", {"SQL": 4}, max_open_questions=9)
    ben = mentor(make, "Ben", {"Go": 4}, max_open_questions=9)
    for n in range(3):
        can_wait(make.user(), f"SQL question {n}")
    can_wait(make.user(), "Go question", skills=("Go",))
    jobs.run()  # the new hires' own jobs

    assert run_digests(jobs) == 3  # the periodic job, one batch of both mentors, one delivery job
    assert run_digests(jobs) == 1  # again at once: nothing due, no batch, no mail

    [to_ari], [to_ben] = digests(smtp, ari), digests(smtp, ben)
    assert goals_in(to_ari) == ["SQL question 0", "SQL question 1", "SQL question 2"]
    assert goals_in(to_ben) == ["Go question"]
    assert to_ben["Subject"].startswith("Person ") and to_ben["Subject"].endswith(" asks: Go question")
    assert len(smtp.received) == 2
    assert len({envelope.peer for envelope in smtp.received}) == 1  # one SMTP connection


def test_no_digest_when_there_is_nothing_to_tell(make, jobs, smtp):
    ari = mentor(make, "Ari", max_open_questions=9)
    make.mentor(name="Idle Ida")
    answered = can_wait(make.user(), "Answered already")
    thread.post_answer(answered.id, ari.id, "Use an index.")
    ask(make.user(), goal="Blocking", urgency=Urgency.BLOCKING)
    route_question(db.session.scalar(sa.select(Question.id).where(Question.goal == "Blocking")))
    jobs.run()  # the blocking question's mail and the answer's
    smtp.received.clear()

    assert due_mentors(utcnow()) == []
    assert run_digests(jobs) == 1
    assert digests(smtp) == []


# Never twice, unless it changed

def test_a_question_is_told_once_and_again_only_when_the_asker_adds_to_it(make, jobs, smtp):
    ari = mentor(make, "Ari", max_open_questions=9)
    nina = make.user(name="Nina New")
    old = can_wait(nina, "Tune the report query")
    run_digests(jobs)
    assert [goals_in(m) for m in digests(smtp, ari)] == [["Tune the report query"]]

    hour_passes(ari)
    run_digests(jobs)
    assert len(digests(smtp, ari)) == 1  # nothing new: no second digest

    new = can_wait(make.user(), "Add an index")
    hour_passes(ari)
    run_digests(jobs)
    assert goals_in(digests(smtp, ari)[-1]) == ["Add an index"]

    thread.post_answer(old.id, nina.id, "It is the `invoices` join, I think.")  # the asker adds to it
    hour_passes(ari)
    run_digests(jobs)
    latest = digests(smtp, ari)[-1]
    assert goals_in(latest) == ["Tune the report query"]
    assert "1. Tune the report query [updated]" in text_of(latest)
    assert "Nina New added to the question since you last heard of it." in text_of(latest)
    assert latest["Subject"] == "Updated: Nina New asks: Tune the report query"
    assert ">updated</span>" in html_of(latest)
    assert len(digests(smtp, ari)) == 3
    assert new.id  # told once, in the second digest only


def test_the_hourly_digest_comes_at_most_once_an_hour(make, jobs, smtp):
    ari = mentor(make, "Ari", max_open_questions=9)
    can_wait(make.user(), "First")
    run_digests(jobs)
    can_wait(make.user(), "Second")
    run_digests(jobs)
    assert [goals_in(m) for m in digests(smtp, ari)] == [["First"]]

    hour_passes(ari)
    run_digests(jobs)
    assert [goals_in(m) for m in digests(smtp, ari)] == [["First"], ["Second"]]


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
    tokyo_time = local_moment((now + timedelta(hours=1)).astimezone(zone("Asia/Tokyo")).date(),
                              clock(tokyo, now + timedelta(hours=1)), zone("Asia/Tokyo"))
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
    response = client.post(url.path, data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
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


# Odds and ends

def test_a_digest_job_running_twice_at_once_records_one_digest(make, jobs, smtp):
    ari = mentor(make, "Ari", max_open_questions=9)
    can_wait(make.user(), "Question")
    now = utcnow()
    assert send_digests([ari.id], now) == 1
    # A second run that read the old state records under the same key: no second email.
    db.session.execute(sa.update(DigestSetting).values(last_sent_at=None))
    db.session.execute(sa.update(Attempt).values(notified_at=None))
    db.session.commit()
    send_digests([ari.id], now)
    jobs.run()
    assert len(digests(smtp, ari)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail)
                             .where(OutboundMail.kind == "digest")) == 1


def test_the_digest_mailto_link_opens_a_reply_with_the_question_as_subject(make, jobs, smtp):
    ari = mentor(make, "Ari", max_open_questions=9)
    question = can_wait(make.user(), "Fix the flaky login test")
    run_digests(jobs)
    [mail] = digests(smtp, ari)
    [href] = re.findall(r'href="(mailto:[^"]+)"', html_of(mail))
    link = urlsplit(href.replace("&amp;", "&"))
    assert parse_qs(link.query) == {"subject": ["Re: Fix the flaky login test"]}
    assert find_reply_address([link.path]).object_id == question.id


@pytest.mark.parametrize(("waited", "words"), [
    (timedelta(seconds=20), "less than a minute"), (timedelta(minutes=1), "1 minute"),
    (timedelta(minutes=59), "59 minutes"), (timedelta(minutes=61), "1 hour"),
    (timedelta(hours=47), "47 hours"), (timedelta(days=2, hours=5), "2 days"), (timedelta(days=-1), "less than a minute"),
])
def test_waiting_times_in_words(waited, words):
    assert waited_words(waited) == words
