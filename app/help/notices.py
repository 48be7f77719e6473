"""The help desk's mails: asking a mentor (or the team lead) to answer, telling the asker
a mentor took their question, and telling people of new posts on a thread.

Every mail has a key per attempt or post, so a job that runs twice sends it once; mails
about one question thread together in the reader's mail client. Each carries the reader's
own reply address, so answering is replying, and one-click links for the rest.
"""

from __future__ import annotations

from app.help import mail_links
from app.help.clock import local_time
from app.help.duplicates import repeat_for
from app.help.models import Attempt, AttemptState, Question
from app.mail import send_mail
from app.mail.addresses import reply_address
from app.urls import external_url

# The purpose of the help desk's reply addresses; app.help.replies handles what comes back.
REPLY_PURPOSE = "question"
# The kind of the mail that asks a mentor (or the lead); routing hears when it is not sent.
ASK_KIND = "question_ask"
ASK_KEY = "question-ask:"

SUBJECT_GOAL_CHARS = 80
# The ranking names its tiers for the asker; the person asked reads why it is them.
REASONS = {"your mentor": "you are their mentor", "teaches the skill": "you teach the skill",
           "teaches a related skill": "you teach a related skill",
           "available in your team": "you are in their team", "team lead": "you lead their team"}


def hints_for(question: Question) -> list[dict]:
    """What the mentors who passed the question on suggested, oldest first."""
    return [{"name": a.mentor.name, "hint": a.hint} for a in question.attempts
            if a.state == AttemptState.PASSED and a.hint]


def reason_for(attempt: Attempt) -> str:
    """Why this person was asked, worded for them."""
    return REASONS.get(attempt.tier, attempt.tier)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUBJECT_GOAL_CHARS else text[:SUBJECT_GOAL_CHARS - 1].rstrip() + "…"


def ask(attempt: Attempt, escalated: bool = False) -> None:
    """Mail the person asked now, with the question, any hints and their deadline; they
    answer by replying, and take or pass the question with one click."""
    question, person = attempt.question, attempt.mentor
    asker = question.asker
    if escalated:
        subject = f"Nobody has answered {asker.name} yet: {_short(question.goal)}"
    else:
        subject = f"{asker.name} is stuck: {_short(question.goal)}"
    send_mail(
        key=f"{ASK_KEY}{attempt.id}", kind=ASK_KIND, to=person, subject=subject,
        template="help/email/routing_ask", thread=f"question-{question.id}",
        about=("question", question.id), reply_to=reply_address(REPLY_PURPOSE, question.id, person.id),
        context={"question": question, "attempt": attempt, "asker": asker, "escalated": escalated,
                 "reason": reason_for(attempt), "hints": hints_for(question),
                 "deadline": local_time(attempt.deadline_at, person.timezone),
                 "thread_url": external_url("help.thread", question_id=question.id),
                 "take_url": mail_links.take_link(attempt), "pass_url": mail_links.pass_link(attempt),
                 "inbox_url": external_url("help.inbox"),
                 "repeat": repeat_for(question, person.id, external=True)},
    )


def asked_attempt_id(key: str) -> int | None:
    """The attempt that an ask mail (by its key) told its person of; None for another key."""
    number = key.removeprefix(ASK_KEY) if key.startswith(ASK_KEY) else ""
    return int(number) if number.isdigit() else None


def taken(attempt: Attempt) -> None:
    """Tell the asker that the person asked is on their question, and by when to expect a reply."""
    question, mentor = attempt.question, attempt.mentor
    asker = question.asker
    send_mail(
        key=f"question-taken:{attempt.id}", kind="question_taken", to=asker,
        subject=f"{mentor.name} is on your question", template="help/email/taken",
        thread=f"question-{question.id}", about=("question", question.id),
        reply_to=reply_address(REPLY_PURPOSE, question.id, asker.id),
        context={"question": question, "mentor": mentor,
                 "deadline": local_time(attempt.deadline_at, asker.timezone),
                 "thread_url": external_url("help.thread", question_id=question.id)},
    )


def reply(question: Question, post, to) -> None:
    """Tell one person that a reply was posted on a question they are part of.

    They can reply to the mail to post on the thread; the asker, told of an answer, can
    also say with one click whether it helped.
    """
    author = post.author.name if post.author else "Someone"
    for_asker = to.id == question.asker_id
    rate = for_asker and post.author_id != question.asker_id
    if for_asker:
        subject = f"{author} answered: {_short(question.goal)}"
    else:
        subject = f"{author} followed up: {_short(question.goal)}"
    send_mail(
        key=f"question-reply:{post.id}:{to.id}", kind="question_reply", to=to, subject=subject,
        template="help/email/reply", thread=f"question-{question.id}", about=("question", question.id),
        reply_to=reply_address(REPLY_PURPOSE, question.id, to.id),
        context={"question": question, "post": post, "author": author, "person": to, "for_asker": for_asker,
                 "helped_url": mail_links.rate_link(question, True) if rate else None,
                 "not_helped_url": mail_links.rate_link(question, False) if rate else None,
                 "thread_url": external_url("help.thread", question_id=question.id)},
    )
