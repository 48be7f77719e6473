"""The notices that ask for feedback: a mentorship's check-in, and "how did it go?" once a
question is resolved. Each has a key, so a job that runs twice sends it once, and each can
be unsubscribed from by email; the same questions can always be answered in Unstuck itself.
In a chat, the card's buttons open the same one-click links.
"""

from __future__ import annotations

from app.help import mail_links
from app.help.models import Question
from app.notices.channels import tell
from app.notices.core import Button, Card, Notice
from app.people.models import User
from app.urls import external_url
from feedback import TOPIC, links
from feedback.models import Checkin
from matching.models import Mentorship


def checkin(checkin: Checkin, mentorship: Mentorship, person: User) -> None:
    """Ask one side of a mentorship the two check-in questions, with a link per score."""
    other = mentorship.new_hire if person.id == mentorship.mentor_id else mentorship.mentor
    subject = f"Two questions about your mentorship with {other.name}"
    scores = links.checkin_links(checkin.id, person.id)
    page = external_url("feedback.checkins")
    mail = dict(
        kind="mentorship_checkin",
        subject=subject,
        template="feedback/email/checkin",
        thread=f"mentorship-{mentorship.id}",
        about=("mentorship", mentorship.id),
        unsubscribe=TOPIC,
        context={"other": other, "is_mentor": person.id == mentorship.mentor_id, "scores": scores, "page": page},
    )
    card = Card(
        title=subject,
        text="Is this mentorship useful? Pick a score from 1 (not at all) to 5 (very); the page it opens lets you add a note.",
        buttons=tuple(Button(str(score), url=url) for score, url in scores.items()),
        link=page,
    )
    tell(person, Notice(f"feedback-checkin:{checkin.id}", "mentorship", card, mail, mail["thread"]))


def resolved(question: Question) -> None:
    """Ask the asker of a resolved question whether the answer helped (unless they said so
    already) and how the task went, each a click away."""
    asker = question.asker
    rate = question.helpful is None and question.first_reply_at is not None
    helped = mail_links.rate_link(question, True) if rate else None
    not_helped = mail_links.rate_link(question, False) if rate else None
    task = links.task_link(question.id, asker.id)
    thread_url = external_url("help.thread", question_id=question.id)
    mail = dict(
        kind="question_resolved_feedback",
        subject=f"How did it go? {_short(question.goal)}",
        template="feedback/email/resolved",
        thread=f"question-{question.id}",
        about=("question", question.id),
        unsubscribe=TOPIC,
        context={
            "question": question,
            "helped_url": helped,
            "not_helped_url": not_helped,
            "task_url": task,
            "thread_url": thread_url,
        },
    )
    buttons = [Button("The answer helped", url=helped), Button("It did not help", url=not_helped)] if rate else []
    card = Card(
        title="How did it go?",
        text=_short(question.goal),
        buttons=(*buttons, Button("Tell us about the task", url=task)),
        link=thread_url,
        link_label="Open the question",
    )
    notice = Notice(
        f"feedback-resolved:{question.id}", "answers", card, mail, mail["thread"], ("question", question.id)
    )
    tell(asker, notice)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
