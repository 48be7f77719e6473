"""The mails that ask for feedback: a mentorship's check-in, and "how did it go?" once a
question is resolved. Each has a key, so a job that runs twice sends it once, and each can
be unsubscribed from; the same questions can always be answered in Unstuck itself.
"""

from __future__ import annotations

from app.help import mail_links
from app.help.models import Question
from app.mail.outgoing import send_mail
from app.people.models import User
from app.urls import external_url
from feedback import TOPIC, links
from feedback.models import Checkin
from matching.models import Mentorship


def checkin(checkin: Checkin, mentorship: Mentorship, person: User) -> None:
    """Ask one side of a mentorship the two check-in questions, with a link per score."""
    other = mentorship.new_hire if person.id == mentorship.mentor_id else mentorship.mentor
    send_mail(
        key=f"feedback-checkin:{checkin.id}",
        kind="mentorship_checkin",
        to=person,
        subject=f"Two questions about your mentorship with {other.name}",
        template="feedback/email/checkin",
        thread=f"mentorship-{mentorship.id}",
        about=("mentorship", mentorship.id),
        unsubscribe=TOPIC,
        context={
            "other": other,
            "is_mentor": person.id == mentorship.mentor_id,
            "scores": links.checkin_links(checkin.id, person.id),
            "page": external_url("feedback.checkins"),
        },
    )


def resolved(question: Question) -> None:
    """Ask the asker of a resolved question whether the answer helped (unless they said so
    already) and how the task went, each a click away."""
    asker = question.asker
    rate = question.helpful is None and question.first_reply_at is not None
    send_mail(
        key=f"feedback-resolved:{question.id}",
        kind="question_resolved_feedback",
        to=asker,
        subject=f"How did it go? {_short(question.goal)}",
        template="feedback/email/resolved",
        thread=f"question-{question.id}",
        about=("question", question.id),
        unsubscribe=TOPIC,
        context={
            "question": question,
            "helped_url": mail_links.rate_link(question, True) if rate else None,
            "not_helped_url": mail_links.rate_link(question, False) if rate else None,
            "task_url": links.task_link(question.id, asker.id),
            "thread_url": external_url("help.thread", question_id=question.id),
        },
    )


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
