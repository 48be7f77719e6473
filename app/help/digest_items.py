"""What a digest email says: each question with its asker, skills, how long it has waited,
its deadline and its links, and a subject that names the one question or counts them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.help import digest_replies, mail_links
from app.help.duplicates import RepeatMark, repeat_for
from app.help.models import Attempt, Question
from app.notices.core import Button, Card
from app.people.models import User
from app.times import time_with_zone
from app.urls import external_url

SUBJECT_GOAL_CHARS = 60
# The questions a chat digest names one by one; the page lists them all.
CARD_ITEMS = 10


@dataclass(frozen=True)
class Item:
    """One question in a digest, as the templates show it."""

    attempt: Attempt
    question: Question
    asker: str
    skills: str
    waited: str
    updated: bool
    reply_address: str
    reply_subject: str
    reply_mailto: str
    thread_url: str
    take_url: str
    pass_url: str
    deadline: str
    repeat: RepeatMark | None = None  # set when it repeats a question this mentor answered


def item_of(
    attempt: Attempt, asker: str, skills: list[str], updated: bool, address: str, mentor: User, now: datetime
) -> Item:
    """The question of an attempt as the digest shows it to the mentor (`skills`: its
    skills' names, in order)."""
    question = attempt.question
    subject = digest_replies.subject_for(question)
    return Item(
        attempt=attempt,
        question=question,
        asker=asker,
        skills=", ".join(skills),
        waited=waited_words(now - question.created_at),
        updated=updated,
        reply_address=address,
        reply_subject=subject,
        reply_mailto=digest_replies.mailto(address, subject),
        thread_url=external_url("help.thread", question_id=question.id),
        take_url=mail_links.take_link(attempt),
        pass_url=mail_links.pass_link(attempt),
        deadline=time_with_zone(attempt.deadline_at, mentor.timezone),
        repeat=repeat_for(question, mentor.id, external=True),
    )


def subject_of(items: list[Item]) -> str:
    """The digest's subject: the one question's goal, or how many are new and updated."""
    new = sum(1 for i in items if not i.updated)
    updated = len(items) - new
    if len(items) == 1:
        item = items[0]
        return f"{'Updated: ' if item.updated else ''}{item.asker} asks: {_short(item.question.goal)}"
    parts = [f"{new} new question{'s' if new != 1 else ''}"] if new else []
    if updated:
        parts.append(f"{updated} updated")
    return f"Your Unstuck digest: {' and '.join(parts)}"


def digest_card(items: list[Item]) -> Card:
    """A digest as one chat message: each question with its asker, how long it has waited and
    by when to answer, and the page where the mentor takes, passes or answers them."""
    inbox = external_url("help.inbox")
    shown = items[:CARD_ITEMS]
    facts = tuple(
        (
            f"{'Updated: ' if i.updated else ''}{i.asker}",
            f"{_short(i.question.goal)} (waited {i.waited}, answer by {i.deadline})",
        )
        for i in shown
    )
    more = len(items) - len(shown)
    text = f"And {more} more on your questions page." if more else ""
    buttons = (Button("Open your questions", url=inbox, style="primary"),)
    return Card(
        title=subject_of(items), text=text, facts=facts, buttons=buttons, link=inbox, link_label="Questions for you"
    )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUBJECT_GOAL_CHARS else text[: SUBJECT_GOAL_CHARS - 1].rstrip() + "…"


def waited_words(waited: timedelta) -> str:
    """How long a question has waited, in words: "5 minutes", "3 hours", "2 days"."""
    minutes = max(0, int(waited.total_seconds() // 60))
    if minutes < 1:
        return "less than a minute"
    for size, unit in ((24 * 60, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size * (2 if unit == "day" else 1):
            count = minutes // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "less than a minute"  # pragma: no cover
