"""Answer feedback: once a question is resolved, its asker gets one mail asking whether the
answer helped (one click, with an optional word) and how the task went; the rating is the
help desk's own (the asker only; rating again replaces it); leads read the words unnamed."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.help.models import Question, QuestionState
from app.mail.outgoing import OutboundMail
from app.mail.outgoing.unsubscribe import opt_out
from feedback import TOPIC
from feedback.answers import send_resolved_followups
from feedback.comments import ANSWER_NOTE, comments_for_leads
from tests.help.routing_scenes import mails_to, text_of
from tests.help.threads import question, scene, sign_in


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def path(url: str) -> str:
    return url.removeprefix("http://localhost")


def resolve(q: Question, ago: timedelta, replied: bool = True) -> Question:
    """Mark the question answered (unless not) and resolved `ago`."""
    q.state = QuestionState.RESOLVED
    q.resolved_at = utcnow() - ago
    q.first_reply_at = q.resolved_at - timedelta(minutes=5) if replied else None
    db.session.commit()
    return q


def links_in(mail) -> dict[str, str]:
    """The links of a "How did it go?" mail's text, by what they say (the footer's left out)."""
    found = {}
    for line in text_of(mail).splitlines():
        if line.rstrip() == "--":
            break
        label, _, url = line.rpartition(": ")
        if url.startswith("http://localhost/"):
            found[label.strip()] = path(url)
    return found


@pytest.fixture
def s(make):
    """Nina's question in Payments, answered by Mia (asked after Max)."""
    return scene(make)


def test_one_mail_asks_how_it_went_a_while_after_resolving_and_only_once(s, make, jobs, smtp):
    mentor = s.mentor
    recent = resolve(question(s.asker, [mentor], goal="Resolved just now"), timedelta(minutes=10))
    old = resolve(question(s.asker, [mentor], goal="Resolved long ago"), timedelta(days=3))
    resolve(s.question, timedelta(hours=2))

    assert send_resolved_followups() == 1
    assert send_resolved_followups() == 0  # the mail has a key: running again sends nothing
    jobs.run()
    [mail] = mails_to(smtp, s.asker)
    assert mail["Subject"] == "How did it go? Run the billing migration"
    assert set(links_in(mail)) == {
        "Yes, it helped",
        "No, it did not",
        "How did the task go? Tell us in under a minute",
        "The question",
    }
    assert mail["List-Unsubscribe"]  # these mails can be turned off
    assert not mails_to(smtp, mentor)

    # Later, the one resolved just now is due; the old one never is.
    assert send_resolved_followups(now=utcnow() + timedelta(hours=1)) == 1
    keys = set(db.session.scalars(sa.select(OutboundMail.key)))
    assert f"feedback-resolved:{recent.id}" in keys and f"feedback-resolved:{old.id}" not in keys


def test_one_click_from_the_mail_records_the_rating_and_an_optional_word(s, client, auth, jobs, smtp):
    resolve(s.question, timedelta(hours=2))
    send_resolved_followups()
    jobs.run()
    links = links_in(mails_to(smtp, s.asker)[0])

    opened = client.get(links["No, it did not"])  # a scanner or the person: nothing happens yet
    assert opened.status_code == 200 and "No, it did not help</button>" in page(opened)
    assert db.session.get(Question, s.question.id).helpful is None

    too_long = client.post(links["No, it did not"], data={"note": "x" * 301})
    assert too_long.status_code == 400
    db.session.expire_all()
    assert db.session.get(Question, s.question.id).helpful is None

    done = client.post(links["No, it did not"], data={"note": "It missed the staging step"})
    assert done.status_code == 200
    db.session.expire_all()
    rated = db.session.get(Question, s.question.id)
    assert (rated.helpful, rated.helpful_note) == (False, "It missed the staging step")
    assert client.post(links["No, it did not"], data={"note": "again"}).status_code == 410

    # Nobody else may rate it; the asker rating again on the thread replaces the rating.
    sign_in(auth, s.mentor)
    assert client.post(f"/help/questions/{s.question.id}/rating", data={"yes": "1"}).status_code == 403
    auth.sign_out()
    sign_in(auth, s.other_new_hire)  # cannot even see it
    assert client.post(f"/help/questions/{s.question.id}/rating", data={"yes": "1"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Question, s.question.id).helpful is False
    auth.sign_out()
    sign_in(auth, s.asker)
    client.post(f"/help/questions/{s.question.id}/rating", data={"yes": "1", "note": "Works now"})
    db.session.expire_all()
    rated = db.session.get(Question, s.question.id)
    assert (rated.helpful, rated.helpful_note) == (True, "Works now")

    # Leads read the asker's words without a name.
    now = utcnow()
    [comment] = comments_for_leads(s.team.id, now - timedelta(days=1), now)
    assert (comment.kind, comment.text, comment.author) == (ANSWER_NOTE, "Works now", None)
    assert comments_for_leads(s.other_team.id, now - timedelta(days=1), now) == []


def test_the_mail_leaves_out_what_is_already_known_or_unwanted(s, make, jobs, smtp):
    rated = resolve(s.question, timedelta(hours=2))
    rated.helpful = True
    db.session.commit()
    unanswered = resolve(question(s.asker, [s.mentor], goal="Solved it myself"), timedelta(hours=2), replied=False)
    quiet = make.user(name="Quinn Quiet", team=s.team, password=None)
    resolve(question(quiet, [s.mentor], goal="Quinn's question"), timedelta(hours=2))
    opt_out(quiet.id, TOPIC)
    db.session.commit()

    assert send_resolved_followups() == 2
    jobs.run()
    mails = {m["Subject"]: set(links_in(m)) for m in mails_to(smtp, s.asker)}
    task_only = {"How did the task go? Tell us in under a minute", "The question"}
    assert mails == {
        "How did it go? Run the billing migration": task_only,
        f"How did it go? {unanswered.goal}": task_only,
    }
    assert mails_to(smtp, quiet) == []
