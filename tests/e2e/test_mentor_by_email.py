"""A mentor who never opens Unstuck: they pass a question, answer one by replying, and
accept a mentee, all from their inbox.

Everything is real: the mails go out through an SMTP server on loopback, the replies come
back through Unstuck's own SMTP receiver, and a real worker runs every job in between.
"""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.help.models import Post, Question, QuestionState
from app.mail.incoming.smtp import start_receiver
from app.people.models import Role, SkillKind
from matching.models import Mentorship, MentorshipState
from tests.help.routing_scenes import mentor, skill
from tests.mail.incoming_messages import reply_to
from tests.matching.mentorship_cast import bearer
from tests.smtp import free_port

LINK = re.compile(r"http://localhost(/[^\s<>\"]+)")


@pytest.fixture
def receiver(app):
    controller = start_receiver(app, "127.0.0.1", free_port())
    yield controller
    controller.stop()


def mails_to(smtp, person) -> list[EmailMessage]:
    return [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == person.email]


def text_of(mail: EmailMessage) -> str:
    return mail.get_body(("plain",)).get_content()


def link_to(mail: EmailMessage, words: str) -> str:
    """The path of the link on the line of the mail's text that says `words`."""
    line = next(line for line in text_of(mail).splitlines() if words in line)
    return LINK.search(line).group(1)


class _Form(HTMLParser):
    """The fields of the first form on a page, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.action, self.fields, self.done = None, {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None and not self.done:
            self.action = attrs.get("action", "")
        elif tag == "input" and self.action is not None and not self.done and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form" and self.action is not None:
            self.done = True


def press_button(client, path: str, **fields) -> str:
    """Open a one-click link as a person does: the page asks, the button acts."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    form = _Form()
    form.feed(page.text)
    response = client.post(urlsplit(form.action).path or path, data={**form.fields, **fields})
    assert response.status_code == 200, response.text
    return response.text


def reply(receiver, mentor_user, to_mail: EmailMessage, words: str) -> EmailMessage:
    """Reply to a mail from a mail client, quoting it, through Unstuck's SMTP receiver."""
    msg = reply_to(to_mail, mentor_user.name, mentor_user.email, words)
    send(receiver, msg)
    return msg


def send(receiver, msg: EmailMessage) -> None:
    with smtplib.SMTP(receiver.hostname, receiver.port) as smtp:
        smtp.send_message(msg)


def test_a_mentor_passes_answers_and_accepts_from_email_alone(app, make, jobs, smtp, client, receiver):
    ada = mentor(make, "Ada Best", {"SQL": 5}, password=None)
    ben = mentor(make, "Ben Next", {"SQL": 4}, password=None)
    nina = make.user(name="Nina New", roles=(Role.NEW_HIRE,), password=None)
    make.user_skill(nina, skill(make, "SQL"), SkillKind.LEARN, 1)
    jobs.run()  # Nina joined: a mentor is proposed to her

    # Nina is blocked and asks; the best mentor is mailed at once.
    asked = client.post(
        "/api/v1/questions",
        headers=bearer(nina),
        json={
            "goal": "Run the billing migration",
            "stuck": "It fails with `relation does not exist`.",
            "urgency": "blocking",
            "skills": ["SQL"],
        },
    )
    assert asked.status_code == 201, asked.text
    question_id = asked.json["id"]
    jobs.run()
    [ask_ada] = [m for m in mails_to(smtp, ada) if "is stuck" in m["Subject"]]

    # Ada passes from the mail, with a hint; the question moves on to Ben.
    done = press_button(client, link_to(ask_ada, "Pass"), hint="Ben knows the billing schema")
    assert "Passed on" in done
    jobs.run()
    [ask_ben] = [m for m in mails_to(smtp, ben) if "is stuck" in m["Subject"]]
    assert "Ben knows the billing schema" in text_of(ask_ben)

    # Ben answers by replying to the mail; only his words are posted.
    answer = reply(receiver, ben, ask_ben, "Run `flask db upgrade` first, then retry.\n\nBen")
    jobs.run()
    posts = db.session.scalars(sa.select(Post).where(Post.question_id == question_id)).all()
    assert [(p.author_id, p.body, p.via) for p in posts] == [
        (ben.id, "Run `flask db upgrade` first, then retry.\n\nBen", "email")
    ]
    assert db.session.get(Question, question_id).state == QuestionState.ANSWERED
    [answer_mail] = [m for m in mails_to(smtp, nina) if m["Subject"].startswith("Ben Next answered")]
    assert "Run `flask db upgrade` first" in text_of(answer_mail)

    # A mail server that delivers the same reply again posts nothing new.
    send(receiver, answer)
    jobs.run()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post).where(Post.question_id == question_id)) == 1

    # The mentor proposed to Nina accepts her from the proposal mail.
    proposal = db.session.scalar(sa.select(Mentorship).where(Mentorship.new_hire_id == nina.id))
    chosen = ada if proposal.mentor_id == ada.id else ben
    [proposal_mail] = [m for m in mails_to(smtp, chosen) if m["Subject"] == "Would you mentor Nina New?"]
    assert "now Nina New&#39;s mentor" in press_button(client, link_to(proposal_mail, "Accept"))
    db.session.expire_all()
    assert db.session.get(Mentorship, proposal.id).state == MentorshipState.ACTIVE
