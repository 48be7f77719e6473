"""Taking a question holds it: "I'll take it" keeps it with the taker for the taken window
(in their working time), one reminder comes before the window ends, the taker can release
it on the web or by the mail's link, and when the window ends the taker and the asker are
told where it went. Driven through the worker, the SMTP server and HTTP.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.jobs import route_question_job, sweep
from app.help.mail_links import take_link
from app.help.models import Attempt, AttemptState, Urgency
from app.jobs import enqueue
from tests.help.routing_scenes import ALWAYS, ask, attempts_of, live_of, mails_to, mentor, overdue, text_of
from tests.help.test_ask_mail_links import links_in
from tests.help.threads import sign_in


def path(url: str) -> str:
    return url.removeprefix("http://localhost")


LINK = re.compile(r"(http://localhost/help/email/release/\S+)")


def asked(app, make, jobs, smtp, urgency=Urgency.BLOCKING):
    """Nina's question, mailed to Ari (the best fit); Ben teaches SQL too, and is next."""
    ari = mentor(make, "Ari First", {"SQL": 5}, password=None)
    ben = mentor(make, "Ben Second", {"SQL": 3}, password=None)
    nina = make.user(name="Nina New", password=None, **ALWAYS)
    question = ask(nina, urgency=urgency)
    enqueue(route_question_job, question.id)
    jobs.run()
    return ari, ben, nina, question


def took(client, jobs, smtp, ari) -> Attempt:
    """Ari takes the question with the link in the mail asking him."""
    [mail] = [m for m in mails_to(smtp, ari) if "is stuck" in m["Subject"]]
    assert client.post(links_in(mail)["take"]).status_code == 200
    jobs.run()
    db.session.expire_all()
    return db.session.scalar(sa.select(Attempt).where(Attempt.mentor_id == ari.id))


def test_a_question_taken_seconds_after_it_was_asked_stays_with_the_taker_for_the_taken_window(
    app, make, jobs, smtp, client, auth
):
    ari, ben, nina, question = asked(app, make, jobs, smtp)
    attempt = took(client, jobs, smtp, ari)

    # Two working hours from the take (Ari works around the clock), not the 15 minutes left.
    assert attempt.deadline_at - attempt.taken_at == timedelta(hours=2)
    assert "keeps the question with you for 2 working hours" in text_of(mails_to(smtp, ari)[0])
    # The first check, at the old deadline, leaves it with Ari; the sweeper too.
    worker = app.extensions["jobs"].worker(simple=True)
    worker.work(burst=True, with_scheduler=True)
    assert sweep() == 0
    assert (live_of(question).mentor_id, live_of(question).state) == (ari.id, AttemptState.WAITING)
    sign_in(auth, ari)
    assert question.goal in client.get("/help/for-you").get_data(as_text=True)
    auth.sign_out()
    sign_in(auth, nina)
    page = html.unescape(client.get(f"/help/questions/{question.id}").get_data(as_text=True))
    since = attempt.taken_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    assert f"Ari First is on it since {since}" in page


def test_one_reminder_before_the_window_ends_with_a_release_link(app, make, jobs, smtp, client):
    app.config.update(TAKEN_HOURS_BLOCKING=0.5, TAKEN_REMINDER_MINUTES=30)  # the reminder is due at once
    ari, ben, nina, question = asked(app, make, jobs, smtp)
    attempt = took(client, jobs, smtp, ari)

    worker = app.extensions["jobs"].worker(simple=True)
    worker.work(burst=True, with_scheduler=True)  # the scheduled reminder
    jobs.run()  # its mail
    assert sweep() == 0  # reminded once: the sweeper sends no second one
    jobs.run()
    [reminder] = [m for m in mails_to(smtp, ari) if m["Subject"].startswith("Reminder:")]
    assert reminder["Subject"] == "Reminder: Nina New is waiting for your answer: Run the billing migration"
    assert "It stays with you until" in text_of(reminder)
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).reminded_at is not None

    # "I can't after all" from the reminder: a GET only asks, the POST releases it.
    url = LINK.search(text_of(reminder)).group(1).removeprefix("http://localhost")
    assert "Release this question?" in client.get(url).get_data(as_text=True)
    assert live_of(question).mentor_id == ari.id
    done = html.unescape(client.post(url, data={"hint": "ask Ben"}).get_data(as_text=True))
    assert "Released. We asked Ben Second now." in done
    assert [(a.mentor_id, a.state, a.hint) for a in attempts_of(question)] == [
        (ari.id, AttemptState.RELEASED, "ask Ben"),
        (ben.id, AttemptState.WAITING, ""),
    ]
    jobs.run()
    [moved] = [m for m in mails_to(smtp, nina) if m["Subject"] == "Your question went to Ben Second"]
    assert "Ari First took your question but cannot answer it after all." in text_of(moved)
    assert "- Ari First: ask Ben" in text_of(mails_to(smtp, ben)[0])


def test_when_the_window_ends_the_taker_and_the_asker_hear_where_it_went(app, make, jobs, smtp, client):
    ari, ben, nina, question = asked(app, make, jobs, smtp)
    attempt = took(client, jobs, smtp, ari)

    overdue(attempt)
    assert sweep() == 1
    jobs.run()
    assert [(a.mentor_id, a.state) for a in attempts_of(question)] == [
        (ari.id, AttemptState.TIMED_OUT),
        (ben.id, AttemptState.WAITING),
    ]
    [to_ari] = [m for m in mails_to(smtp, ari) if "moved on" in m["Subject"]]
    assert to_ari["Subject"] == "Nina New's question moved on: Run the billing migration"
    assert "it has now gone to Ben Second. Nina New knows." in text_of(to_ari)
    [to_nina] = [m for m in mails_to(smtp, nina) if m["Subject"] == "Your question went to Ben Second"]
    assert "Ari First took your question at" in text_of(to_nina)
    assert "did not answer while it was theirs" in text_of(to_nina)
    sweep()
    jobs.run()
    assert len([m for m in mails_to(smtp, nina) if m["Subject"].startswith("Your question went")]) == 1


def test_releasing_in_the_inbox_moves_it_on_and_only_a_taken_question_can_be_released(
    app, make, jobs, smtp, client, auth
):
    ari, ben, nina, question = asked(app, make, jobs, smtp)
    sign_in(auth, ari)
    attempt = live_of(question)
    refused = client.post(f"/help/for-you/{attempt.id}/release", follow_redirects=True)
    assert "You have not taken this question: pass it on instead." in html.unescape(refused.get_data(as_text=True))
    assert live_of(question).state == AttemptState.WAITING

    client.post(f"/help/for-you/{attempt.id}/take")
    inbox = html.unescape(client.get("/help/for-you").get_data(as_text=True))
    assert f'action="/help/for-you/{attempt.id}/release"' in inbox and "You are on it since" in inbox
    released = html.unescape(
        client.post(f"/help/for-you/{attempt.id}/release", follow_redirects=True).get_data(as_text=True)
    )
    assert "Released. We asked Ben Second now." in released
    assert live_of(question).mentor_id == ben.id
    again = client.post(f"/help/for-you/{attempt.id}/release", follow_redirects=True)
    assert "This question has moved on already." in html.unescape(again.get_data(as_text=True))
    assert client.post("/help/for-you/99999/release").status_code == 404
    jobs.run()
    assert [m["Subject"] for m in mails_to(smtp, nina)] == [
        "Ari First is on your question",
        "Your question went to Ben Second",
    ]


def test_a_question_that_can_wait_is_held_one_working_day_of_the_taker(app, make, jobs, smtp, client):
    ari, ben, nina, question = asked(app, make, jobs, smtp, urgency=Urgency.CAN_WAIT)
    db.session.execute(sa.update(Attempt).where(Attempt.id == live_of(question).id).values(notified_at=utcnow()))
    db.session.commit()
    assert client.post(path(take_link(live_of(question)))).status_code == 200

    taken = live_of(question)
    assert taken.deadline_at - taken.taken_at == timedelta(days=1)  # around the clock: a working day is 24 h


def test_a_taker_who_passes_it_on_instead_is_heard_of_by_the_asker_too(app, make, jobs, smtp, client, auth):
    ari, ben, nina, question = asked(app, make, jobs, smtp)
    sign_in(auth, ari)
    attempt = live_of(question)
    client.post(f"/help/for-you/{attempt.id}/take")
    client.post(f"/help/for-you/{attempt.id}/pass", data={"hint": "Ben wrote it"})

    assert [(a.mentor_id, a.state) for a in attempts_of(question)] == [
        (ari.id, AttemptState.PASSED),
        (ben.id, AttemptState.WAITING),
    ]
    jobs.run()
    assert [m["Subject"] for m in mails_to(smtp, nina)] == [
        "Ari First is on your question",
        "Your question went to Ben Second",
    ]
    assert "- Ari First: Ben wrote it" in text_of(mails_to(smtp, ben)[0])
