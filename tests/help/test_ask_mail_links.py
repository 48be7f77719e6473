"""The help desk's mails as people get them, through a real SMTP server: the mentor's ask
mail answers by reply and takes or passes with one click; the asker's answer mail rates
the answer with one click and follows up by reply."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.help import thread
from app.help.models import AttemptState, Post, Question, QuestionState
from app.help.routing import route_question
from app.mail.addresses import find_reply_address
from app.mail.incoming.intake import receive
from app.people.models import Team
from tests.help.routing_scenes import ALWAYS, ask, attempts_of, live_of, mails_to, mentor, text_of
from tests.mail.incoming_messages import reply_to as reply_to_mail

LINK = re.compile(r"http://localhost(/help/email/([a-z-]+)/[A-Za-z0-9._-]+)")


def links_in(mail) -> dict[str, str]:
    """The one-click links of a mail's text body, by action; the HTML body has the same ones."""
    found = {action: path for path, action in LINK.findall(text_of(mail))}
    html = mail.get_body(("html",)).get_content()
    for path in found.values():
        assert f'href="http://localhost{path}"' in html
    return found


def reply_to(mail) -> str:
    return mail["Reply-To"].addresses[0].addr_spec


def asked(make, jobs, smtp):
    """Nina asks a blocking question; Ari, who teaches SQL, is mailed at once."""
    lead = make.user(name="Lena Lead", password=None, **ALWAYS)
    team = make.team(name="Payments", lead=lead)
    ari = mentor(make, "Ari First", password=None)
    mentor(make, "Bea Second", teaches={"SQL": 3}, password=None)
    nina = make.user(name="Nina New", team=team, password=None)
    question = ask(nina)
    route_question(question.id)
    jobs.run()
    [mail] = mails_to(smtp, ari)
    return ari, nina, question, mail


def test_the_ask_mail_answers_by_reply_and_takes_or_passes_with_one_click(app, make, jobs, smtp, client):
    ari, nina, question, mail = asked(make, jobs, smtp)
    assert mail["Subject"] == "Nina New is stuck: Run the billing migration"
    assert mail["References"] == f"<thread-question-{question.id}@{app.config['MAIL_DOMAIN']}>"

    address = find_reply_address([reply_to(mail)])
    assert (address.purpose, address.object_id, address.user_id) == ("question", question.id, ari.id)
    body = text_of(mail)
    assert "Reply to this email to answer" in body
    assert f"Answer in Unstuck: http://localhost/help/questions/{question.id}" in body
    links = links_in(mail)
    assert set(links) == {"take", "pass"}

    assert client.get(links["take"]).status_code == 200
    assert live_of(question).taken_at is None
    assert client.post(links["take"]).status_code == 200
    assert live_of(question).taken_at is not None

    # Taken, and then it turns out someone else knows better: the pass link still works.
    assert client.post(links["pass"], data={"hint": "Bea wrote the migration"}).status_code == 200
    first, second = attempts_of(question)
    assert (first.mentor_id, first.state, first.hint) == (ari.id, AttemptState.PASSED, "Bea wrote the migration")
    assert second.state == AttemptState.WAITING and second.mentor_id != ari.id

    jobs.run()
    [taken] = [m for m in mails_to(smtp, nina) if m["Subject"] == "Ari First is on your question"]
    assert taken["References"] == mail["References"]
    [to_next] = mails_to(smtp, second.mentor)
    assert "Bea wrote the migration" in text_of(to_next)
    assert set(links_in(to_next)) == {"take", "pass"}


def test_the_askers_answer_mail_rates_with_one_click_and_follows_up_by_reply(make, jobs, smtp, client):
    ari, nina, question, _ = asked(make, jobs, smtp)
    thread.post_answer(question.id, ari.id, "Run `flask db upgrade` first.", via="email")
    db.session.commit()  # the test owns its transaction, as a request or job would
    jobs.run()

    [answer] = mails_to(smtp, nina)
    assert answer["Subject"] == "Ari First answered: Run the billing migration"
    address = find_reply_address([reply_to(answer)])
    assert (address.purpose, address.object_id, address.user_id) == ("question", question.id, nina.id)
    body = text_of(answer)
    assert "Reply to this email to follow up" in body
    links = links_in(answer)
    assert set(links) == {"helpful", "not-helpful"}

    assert client.get(links["helpful"]).status_code == 200
    assert db.session.get(Question, question.id).helpful is None
    assert client.post(links["helpful"], data={"note": "Spot on."}).status_code == 200
    db.session.expire_all()
    rated = db.session.get(Question, question.id)
    assert (rated.helpful, rated.helpful_note) == (True, "Spot on.")

    # Nina follows up on the thread: Ari hears of it with his own reply address, and no rating links.
    thread.post_answer(question.id, nina.id, "It worked, thanks! Why was it needed?")
    db.session.commit()  # the test owns its transaction, as a request or job would
    jobs.run()
    [follow_up] = [m for m in mails_to(smtp, ari) if "followed up" in m["Subject"]]
    address = find_reply_address([reply_to(follow_up)])
    assert (address.object_id, address.user_id) == (question.id, ari.id)
    assert "Reply to this email to answer" in text_of(follow_up)
    assert links_in(follow_up) == {}


def test_replying_to_the_ask_mail_posts_the_answer(app, make, jobs, smtp):
    ari, nina, question, mail = asked(make, jobs, smtp)
    answer = reply_to_mail(mail, "Ari First", ari.email, "Run `flask db upgrade` before the migration.")

    for _ in range(2):  # the same email, delivered twice
        receive(answer.as_bytes(), via="smtp", mail_from=ari.email, rcpt_to=[reply_to(mail)])
        jobs.run()

    [post] = db.session.scalars(sa.select(Post).where(Post.question_id == question.id)).all()
    assert (post.author_id, post.via, post.body) == (ari.id, "email", "Run `flask db upgrade` before the migration.")
    assert db.session.get(Question, question.id).state == QuestionState.ANSWERED
    [told] = [m for m in mails_to(smtp, nina) if "answered" in m["Subject"]]
    assert "Run `flask db upgrade` before the migration." in text_of(told)


def test_the_lead_asked_in_the_end_gets_the_same_links(app, make, jobs, smtp, client):
    app.config["ROUTING_ATTEMPTS"] = 1
    ari, nina, question, _ = asked(make, jobs, smtp)
    client.post(links_in(mails_to(smtp, ari)[0])["pass"])
    jobs.run()
    lead = db.session.scalar(sa.select(Team).where(Team.name == "Payments")).lead
    [to_lead] = mails_to(smtp, lead)
    assert to_lead["Subject"].startswith("Nobody has answered Nina New yet")
    assert set(links_in(to_lead)) == {"take", "pass"}
    assert find_reply_address([reply_to(to_lead)]).user_id == lead.id
