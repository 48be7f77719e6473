"""Markdown in mail: every HTML mail that carries what someone wrote (the question in the
ask mail and the digest, an answer, a reply that could not be posted) renders it the way the
thread page does, with the same cleaning; the text part keeps it as written. So does the
"Questions for you" page, which showed the question raw too."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.help import thread
from app.help.models import Urgency
from app.help.notices import REPLY_PURPOSE
from app.help.routing import route_question
from app.mail.addresses import reply_address
from app.mail.incoming.intake import receive
from tests.help.digest_scenes import digests, html_of, run_digests
from tests.help.routing_scenes import ask, mails_to, mentor, text_of
from tests.help.threads import scene, sign_in
from tests.mail import incoming_messages as mails

WRITTEN = (
    "It fails here:\n\n```python\nprint('<b>hi</b>')\n```\n\n"
    "<script>alert(1)</script> <img src=x onerror=alert(2)> and **bold** words"
)


def assert_rendered_safely(html: str) -> None:
    """The Markdown rendered (no fence shown raw) and the markup in it shown as text."""
    assert "```" not in html
    assert re.search(r"<pre[^>]*><code[^>]*>print\(", html), html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img" not in html and "onerror=alert" not in html.replace("&lt;img src=x onerror=alert", "")


def assert_as_written(text: str) -> None:
    assert "```python\nprint('<b>hi</b>')\n```" in text.replace("\r\n", "\n")


def test_the_ask_mail_renders_the_question(make, jobs, smtp):
    ari = mentor(make, "Ari Mentor")
    question = ask(make.user(name="Nina New"), stuck=WRITTEN, urgency=Urgency.BLOCKING)
    route_question(question.id)
    jobs.run()
    [mail] = mails_to(smtp, ari)
    assert_rendered_safely(html_of(mail))
    assert_as_written(text_of(mail))


def test_the_digest_renders_each_question(make, jobs, smtp):
    ari = mentor(make, "Ari Mentor", max_open_questions=9)
    question = ask(make.user(name="Nina New"), stuck=WRITTEN, urgency=Urgency.CAN_WAIT)
    route_question(question.id)
    jobs.run()
    run_digests(jobs)
    [mail] = digests(smtp, ari)
    assert_rendered_safely(html_of(mail))
    assert_as_written(text_of(mail))


def test_an_answer_mail_renders_the_answer(make, jobs, smtp):
    s = scene(make)
    thread.post_answer(s.question.id, s.mentor.id, WRITTEN)
    db.session.commit()  # the test owns its transaction, as a request or job would
    jobs.run()
    [mail] = mails_to(smtp, s.asker)
    assert_rendered_safely(html_of(mail))
    assert_as_written(text_of(mail))


@pytest.mark.parametrize("who", ["unrelated_mentor"])
def test_a_reply_that_could_not_be_posted_comes_back_rendered(make, jobs, smtp, who):
    s = scene(make)
    person = s.person(who)
    address = reply_address(REPLY_PURPOSE, s.question.id, person.id)
    db.session.commit()
    receive(
        mails.gmail_reply(person.email, address, text=WRITTEN.replace("\n", "\r\n"), name=person.name),
        "smtp",
        person.email,
        [address],
    )
    jobs.run()
    [mail] = mails_to(smtp, person)
    assert mail["Subject"] == "Your reply was not posted"
    assert_rendered_safely(html_of(mail))


def test_a_picture_in_mail_is_a_link_and_loads_nothing():
    from app.mail.outgoing.markdown import mail_markdown

    html = mail_markdown('See ![the "plan"](https://img.example.com/plan.png) and ![](https://img.example.com/x.png)')
    assert "<img" not in html
    assert '<a href="https://img.example.com/plan.png" rel="nofollow noopener">the &quot;plan&quot;</a>' in html
    assert '<a href="https://img.example.com/x.png" rel="nofollow noopener">https://img.example.com/x.png</a>' in html
    assert "href" not in mail_markdown("![x](javascript:alert(1))")


def test_questions_for_you_renders_the_question_as_the_thread_does(make, client, auth, jobs):
    ari = mentor(make, "Ari Mentor", max_open_questions=9)
    question = ask(make.user(name="Nina New"), stuck=WRITTEN, urgency=Urgency.CAN_WAIT)
    route_question(question.id)
    sign_in(auth, ari)
    page = client.get("/help/for-you").get_data(as_text=True)
    assert_rendered_safely(page.split('id="questions-for-you"')[1])
