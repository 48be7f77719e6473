"""Task feedback: after finishing a task, how it went, how long it took against what was
expected, what helped and what was missing. Under a minute to fill in.

Services take ids and plain values, check every value (InvalidInput names what is wrong,
and nothing is saved), and commit.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.exc import IntegrityError

from app.errors import InvalidInput, NotFound
from app.extensions import db
from app.help.ask import valid_link
from app.help.models import Question
from app.people.models import User
from app.people.signals import move_skill_tags
from app.people.skills import find_skills, skills_error
from feedback.models import HELPED, TaskFeedback, TimeTaken, task_feedback_skills

TITLE_MAX = 120
MISSING_MAX = 1000
HELPED_NOTE_MAX = 300
SKILLS_MAX = 10
KEY_MAX = 64
VIA = ("web", "api", "email")


@dataclass(frozen=True)
class TaskInput:
    """What a person fills in about a finished task."""

    title: str
    rating: int  # how it went, 1 to 5
    time_taken: str  # a TimeTaken value
    link: str = ""
    skills: tuple[str, ...] = ()  # skill names or aliases
    helped: tuple[str, ...] = ()  # codes of HELPED
    helped_note: str = ""
    missing: str = ""
    signed: bool = False  # the name shows with the text, to the lead (and the team, if shared)
    shared: bool = False  # the team may read the text on the weekly session's agenda
    question_id: int | None = None  # the question the task was about, if any
    request_key: str | None = None  # the form's one-time key, so a double submit saves once


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _too_long(what: str, limit: int, text: str) -> str:
    return f"Please keep {what} under {limit:,} characters (this has {len(text):,})."


def _check(data: TaskInput) -> dict:
    """The values to save, or InvalidInput naming every field that is wrong."""
    errors: dict[str, str] = {}
    title = " ".join(_text(data.title).split())
    if not title:
        errors["title"] = "Give the task a short title."
    elif len(title) > TITLE_MAX:
        errors["title"] = _too_long("the title", TITLE_MAX, title)
    try:
        link = valid_link(data.link)
    except ValueError as exc:
        errors["link"], link = str(exc), ""
    if type(data.rating) is not int or not 1 <= data.rating <= 5:
        errors["rating"] = "Say how it went on the scale from 1 (badly) to 5 (very well)."
    try:
        time_taken = TimeTaken(data.time_taken)
    except ValueError:
        errors["time_taken"], time_taken = "Say whether it took less, about or more time than you expected.", None
    helped = tuple(data.helped or ())
    unknown = [code for code in helped if code not in HELPED]
    if unknown:
        errors["helped"] = f"Choose what helped from: {', '.join(HELPED)}."
    helped_note = " ".join(_text(data.helped_note).split())
    if len(helped_note) > HELPED_NOTE_MAX:
        errors["helped_note"] = _too_long("what helped", HELPED_NOTE_MAX, helped_note)
    missing = _text(data.missing)
    if len(missing) > MISSING_MAX:
        errors["missing"] = _too_long("what was missing", MISSING_MAX, missing)
    skills, unknown_skills = find_skills(data.skills)
    if problem := skills_error(skills, unknown_skills, SKILLS_MAX):
        errors["skills"] = problem
    for choice in ("signed", "shared"):
        if not isinstance(getattr(data, choice), bool):
            errors[choice] = "Say yes or no."
    request_key = _text(data.request_key) or None
    if request_key is not None and len(request_key) > KEY_MAX:
        errors["request_key"] = f"A request key is at most {KEY_MAX} characters."
    if errors:
        raise InvalidInput(errors)
    return dict(
        title=title,
        link=link,
        rating=data.rating,
        time_taken=time_taken,
        skills=skills,
        helped_note=helped_note,
        missing=missing,
        signed=data.signed,
        shared=data.shared,
        request_key=request_key,
        **{f"helped_{code}": code in helped for code in HELPED},
    )


def own_question(question_id: int, user_id: int) -> Question:
    """The person's own question; NotFound for any other, as if it did not exist."""
    question = db.session.get(Question, question_id)
    if question is None or question.asker_id != user_id:
        raise NotFound("There is no such question.")
    return question


def record_task_feedback(author_id: int, data: TaskInput, via: str = "web") -> TaskFeedback:
    """Save how a task went; raise InvalidInput (nothing saved) if a value is wrong.

    A `question_id` must name one of the author's own questions (NotFound otherwise).
    Sending the same request key again returns the first feedback and saves nothing new.
    Commits itself: the same form sent twice at once shows only as the insert fails, and
    the first feedback is then the answer.
    """
    if via not in VIA:
        raise ValueError(f"feedback comes from {', '.join(VIA)}, not {via!r}")
    author = db.session.get(User, author_id)
    if author is None or not author.active:
        raise NotFound("There is no such person.")
    earlier = _sent_before(author_id, _text(data.request_key) or None)
    if earlier is not None:
        return earlier
    values = _check(data)
    if data.question_id is not None:
        own_question(data.question_id, author_id)
    feedback = TaskFeedback(
        author_id=author_id, team_id=author.team_id, question_id=data.question_id, via=via, **values
    )
    db.session.add(feedback)
    try:
        db.session.commit()
    except IntegrityError:
        # The same form sent twice at once: the other request saved it.
        db.session.rollback()
        earlier = _sent_before(author_id, values["request_key"])
        if earlier is None:
            raise
        return earlier
    return feedback


def _sent_before(author_id: int, request_key: str | None) -> TaskFeedback | None:
    if request_key is None:
        return None
    return db.session.scalar(
        sa.select(TaskFeedback).where(TaskFeedback.author_id == author_id, TaskFeedback.request_key == request_key)
    )


def own_task_feedback(author_id: int) -> sa.Select:
    """A query for the person's own task feedback, newest first, with its skills."""
    return (
        sa.select(TaskFeedback)
        .where(TaskFeedback.author_id == author_id)
        .options(orm.selectinload(TaskFeedback.skills))
        .order_by(TaskFeedback.created_at.desc(), TaskFeedback.id.desc())
    )


def own_task(feedback_id: int, author_id: int) -> TaskFeedback:
    """One of the person's own task feedbacks; NotFound for anyone else's."""
    feedback = db.session.get(TaskFeedback, feedback_id)
    if feedback is None or feedback.author_id != author_id:
        raise NotFound("There is no such task feedback.")
    return feedback


def prefilled_from(question: Question) -> dict:
    """The form's starting values for a task that a question was about: its goal as the
    title, its link and skills, and a mentor's answer as what helped if one answered."""
    title = " ".join(question.goal.split())
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    return {
        "title": title,
        "link": question.link,
        "skills": ", ".join(skill.name for skill in question.skills),
        "helped": ["mentor"] if question.first_reply_at is not None else [],
    }


def move_skill_links(sender, source_id: int, target_id: int, **extra) -> None:
    """Task feedback tagged with a skill being merged away keeps the tag, as the target skill."""
    move_skill_tags(task_feedback_skills, "task_feedback_id", source_id, target_id)
