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
from app.help.digest import due_mentors, send_digests
from app.help.digest_items import waited_words
from app.help.models import Attempt, DigestSetting, Question, Urgency
from app.help.routing import route_question
from app.mail.addresses import find_reply_address
from app.mail.models import OutboundMail
from app.times import time_with_zone
from app.urls import external_url
from tests.help.digest_scenes import backdate, can_wait, digests, goals_in, hour_passes, html_of, run_digests
from tests.help.routing_scenes import ask, attempts_of, mentor, text_of

# What a digest says


def test_a_digest_lists_each_waiting_question_with_its_own_reply_address_and_links(make, jobs, smtp):
    ari = mentor(make, "Ari Mentor", {"SQL": 4}, max_open_questions=9, timezone="America/New_York")
    nina, omar = make.user(name="Nina New"), make.user(name="Omar Other")
    first = can_wait(
        nina,
        "Tune the <b>report</b> query & co",
        stuck="It takes **40 s**.\n\n<script>alert(1)</script> `EXPLAIN` says seq scan.",
    )
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
    # The digest's own address: a reply to it asks which question (tests/help/test_mail_we_cannot_act_on.py).
    digest_address = find_reply_address([mail["Reply-To"]])
    assert (digest_address.purpose, digest_address.user_id) == ("digest", ari.id)
    assert "reply to its own address (below)" in text and "cannot say which question" in text
    assert goals_in(mail) == ["Tune the <b>report</b> query & co", "Add an index to invoices"]  # oldest first

    for question, asker in ((first, nina), (second, omar)):
        attempt = attempts_of(question)[0]
        [address] = re.findall(
            rf"Answer by email: (reply\+\w+@localhost) \(subject \"Re: {re.escape(question.goal)}\"\)", text
        )
        found = find_reply_address([address])
        assert (found.purpose, found.object_id, found.user_id) == ("question", question.id, ari.id)
        mailto = f"mailto:{address}?subject=" + "Re%3A%20" + question.goal.replace(" ", "%20")
        assert unquote(mailto) in unquote(html.replace("&amp;", "&"))
        assert f"Answer in Unstuck: {external_url('help.thread', question_id=question.id)}" in text
        assert f"From {asker.name}, waiting for" in text
        assert time_with_zone(attempt.deadline_at, "America/New_York") in text
        assert attempt.notified_at is not None
        take = re.search(r"I'll take it: (\S+)", text.split(question.goal, 1)[1]).group(1)
        pass_ = re.search(r"Pass: (\S+)", text.split(question.goal, 1)[1]).group(1)
        assert urlsplit(take).path.startswith("/help/email/take/")
        assert urlsplit(pass_).path.startswith("/help/email/pass/")
        assert f'href="{take}"' in html and f'href="{pass_}"' in html
    # Each question gets its own address.
    assert len(set(re.findall(r"reply\+\w+@localhost", text))) == 2

    assert "From Nina New, waiting for 3 hours. Skills: SQL" in text
    # The question's words as written in the text, and in the HTML rendered as the thread does.
    assert "It takes **40 s**." in text
    assert "It takes <strong>40 s</strong>." in html and ">EXPLAIN</code> says seq scan" in html
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
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(OutboundMail).where(OutboundMail.kind == "digest"))
        == 1
    )


def test_the_digest_mailto_link_opens_a_reply_with_the_question_as_subject(make, jobs, smtp):
    ari = mentor(make, "Ari", max_open_questions=9)
    question = can_wait(make.user(), "Fix the flaky login test")
    run_digests(jobs)
    [mail] = digests(smtp, ari)
    [href] = re.findall(r'href="(mailto:[^"]+)"', html_of(mail))
    link = urlsplit(href.replace("&amp;", "&"))
    assert parse_qs(link.query) == {"subject": ["Re: Fix the flaky login test"]}
    assert find_reply_address([link.path]).object_id == question.id


@pytest.mark.parametrize(
    ("waited", "words"),
    [
        (timedelta(seconds=20), "less than a minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=59), "59 minutes"),
        (timedelta(minutes=61), "1 hour"),
        (timedelta(hours=47), "47 hours"),
        (timedelta(days=2, hours=5), "2 days"),
        (timedelta(days=-1), "less than a minute"),
    ],
)
def test_waiting_times_in_words(waited, words):
    assert waited_words(waited) == words
