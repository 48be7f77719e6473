"""The mails of routing: asking a mentor, or the team lead, to answer a stuck question.

Every mail has a key per attempt, so a job that runs twice sends it once; mails about one
question thread together in the reader's mail client.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.help.models import Attempt, AttemptState, Question
from app.mail import send_mail
from app.urls import external_url

SUBJECT_GOAL_CHARS = 80
# The ranking names its tiers for the asker; the person asked reads why it is them.
REASONS = {"your mentor": "you are their mentor", "teaches the skill": "you teach the skill",
           "teaches a related skill": "you teach a related skill",
           "available in your team": "you are in their team", "team lead": "you lead their team"}


def local_time(moment: datetime, timezone: str) -> str:
    """A moment as the person reads it: "14:30 Wednesday 18 November (Europe/Berlin)"."""
    try:
        zone = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone, timezone = ZoneInfo("UTC"), "UTC"
    return f"{moment.astimezone(zone):%H:%M %A %d %B} ({timezone})"


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
    """Mail the person asked now, with the question, any hints, their deadline and the reply link."""
    question, person = attempt.question, attempt.mentor
    asker = question.asker
    if escalated:
        subject = f"Nobody has answered {asker.name} yet: {_short(question.goal)}"
    else:
        subject = f"{asker.name} is stuck: {_short(question.goal)}"
    send_mail(
        key=f"question-ask:{attempt.id}", kind="question_ask", to=person, subject=subject,
        template="help/email/routing_ask", thread=f"question-{question.id}",
        about=("question", question.id),
        context={"question": question, "attempt": attempt, "asker": asker, "escalated": escalated,
                 "reason": reason_for(attempt), "hints": hints_for(question),
                 "deadline": local_time(attempt.deadline_at, person.timezone),
                 "thread_url": external_url("help.thread", question_id=question.id),
                 "inbox_url": external_url("help.inbox")},
    )


def reply(question: Question, post, to) -> None:
    """Tell one person that a reply was posted on a question they are part of."""
    author = post.author.name if post.author else "Someone"
    if to.id == question.asker_id:
        subject = f"{author} answered: {_short(question.goal)}"
    else:
        subject = f"{author} followed up: {_short(question.goal)}"
    send_mail(
        key=f"question-reply:{post.id}:{to.id}", kind="question_reply", to=to, subject=subject,
        template="help/email/reply", thread=f"question-{question.id}", about=("question", question.id),
        context={"question": question, "post": post, "author": author, "person": to,
                 "for_asker": to.id == question.asker_id,
                 "thread_url": external_url("help.thread", question_id=question.id)},
    )
