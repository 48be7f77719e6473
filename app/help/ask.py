"""Asking a stuck question: check it, save it with its skills, then route it after the commit."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.errors import InvalidInput
from app.extensions import db
from app.help import duplicates
from app.help.access import PERSON_ALONE
from app.help.jobs import route_question_job
from app.help.models import Question, QuestionState, Urgency, Visibility, question_skills
from app.help.search import kb_text
from app.help.suggest import CatalogueSkill, Example, infer_skills, learn
from app.jobs import enqueue_after_commit
from app.people.models import Skill, User
from app.people.skills import find_skills, skills_error
from app.webhooks import events as webhook_events

GOAL_MIN, GOAL_MAX = 3, 300
STUCK_MIN = 10
LINK_MAX = 2000
TITLE_MAX = 300
KEY_MAX = 64
SKILLS_MAX = 20
INFERRED_MAX = 3  # skills given to a question that names none: the most telling few
EXAMPLES = 300  # the team's latest answered questions the suggester learns from


@dataclass(frozen=True)
class AskInput:
    """What a person fills in when they are stuck."""

    goal: str  # what I am trying to do
    stuck: str  # where I am stuck
    link: str = ""
    page_title: str = ""
    urgency: str = "can_wait"
    skills: tuple[str, ...] = ()  # skill names, as suggested and corrected
    visibility: str = "anonymous"
    request_key: str | None = None  # the form's one-time key, so a double submit asks once
    ask_anyway: bool = False  # asked again on purpose: the same question open or recent is no reason to stop


@dataclass(frozen=True)
class _Checked:
    goal: str
    stuck: str
    link: str
    page_title: str
    urgency: Urgency
    skills: list[Skill]
    visibility: Visibility
    request_key: str | None


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def valid_link(value) -> str:
    """Return the link, empty or an http(s) URL; raise ValueError saying what is wrong."""
    link = _text(value)
    if not link:
        return ""
    if len(link) > LINK_MAX:
        raise ValueError(f"A link is at most {LINK_MAX:,} characters.")
    try:
        parts = urlsplit(link)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in {"http", "https"}
        or not parts.hostname
        or any(c.isspace() for c in link)
    ):
        raise ValueError("The link must be a web address starting with http:// or https://.")
    return link


def _check(data: AskInput, team_id: int | None = None) -> _Checked:
    """The checked values; skills, when none are given, inferred from the text."""
    errors: dict[str, str] = {}
    limit = current_app.config["QUESTION_MAX_CHARS"]
    goal = " ".join(_text(data.goal).split())  # one line
    stuck = _text(data.stuck)
    if len(goal) < GOAL_MIN:
        errors["goal"] = f"Say what you are trying to do (at least {GOAL_MIN} characters)."
    elif len(goal) > GOAL_MAX:
        errors["goal"] = f"Keep what you are trying to do under {GOAL_MAX} characters (this has {len(goal):,})."
    if len(stuck) < STUCK_MIN:
        errors["stuck"] = f"Say where you are stuck (at least {STUCK_MIN} characters)."
    elif len(stuck) > limit:
        errors["stuck"] = (
            f"Please keep where you are stuck under {limit:,} characters "
            f"(this has {len(stuck):,}); link to a longer log instead."
        )
    try:
        link = valid_link(data.link)
    except ValueError as exc:
        errors["link"], link = str(exc), ""
    # The title comes from the page the person was on: shortened, never refused.
    page_title = " ".join(_text(data.page_title).split())[:TITLE_MAX]
    try:
        urgency = Urgency(data.urgency or Urgency.CAN_WAIT)
    except ValueError:
        errors["urgency"], urgency = "Choose whether it can wait or is blocking you.", Urgency.CAN_WAIT
    try:
        visibility = Visibility(data.visibility or Visibility.ANONYMOUS)
    except ValueError:
        errors["visibility"], visibility = "Choose named, anonymous or private.", Visibility.ANONYMOUS
    names = data.skills or tuple(s.name for s in suggested_skills(f"{goal}\n{stuck}", team_id, INFERRED_MAX))
    skills, unknown = find_skills(names)
    if problem := skills_error(skills, unknown, SKILLS_MAX):
        errors["skills"] = problem
    request_key = _text(data.request_key) or None
    if request_key is not None and len(request_key) > KEY_MAX:
        errors["request_key"] = f"A request key is at most {KEY_MAX} characters."
    if errors:
        raise InvalidInput(errors)
    return _Checked(goal, stuck, link, page_title, urgency, skills, visibility, request_key)


def _asked_before(asker_id: int, request_key: str | None) -> Question | None:
    """The question this person already sent with this key, if any."""
    if request_key is None:
        return None
    return db.session.scalar(
        sa.select(Question).where(Question.asker_id == asker_id, Question.request_key == request_key)
    )


def ask_question(asker_id: int, data: AskInput) -> Question:
    """Save the question, then route it after the commit; raise InvalidInput if wrong.

    Sending the same request key again returns the first question and routes nothing new.
    Raises duplicates.AskedBefore, saving nothing, when the asker's own open or recent
    question says nearly the same, unless they ask anyway. Raises LookupError for an unknown
    asker and PermissionError for one no longer active. Commits itself: the same form sent
    twice at once shows only as the insert fails, and the first question is then the answer.
    """
    asker = db.session.get(User, asker_id, options=PERSON_ALONE)
    if asker is None:
        raise LookupError("There is no such person.")
    if not asker.active:
        raise PermissionError("This account is no longer active, so it cannot ask.")
    earlier = _asked_before(asker_id, _text(data.request_key) or None)
    if earlier is not None:
        return earlier
    checked = _check(data, asker.team_id)
    if not data.ask_anyway and (same := duplicates.asked_before(asker, checked.goal, checked.stuck)):
        if checked.request_key is not None and same.request_key == checked.request_key:
            return same  # this very form, saved by a double click that just committed
        raise duplicates.AskedBefore(same, asker)
    question = Question(
        asker_id=asker.id,
        team_id=asker.team_id,
        goal=checked.goal,
        stuck=checked.stuck,
        link=checked.link,
        page_title=checked.page_title,
        urgency=checked.urgency,
        visibility=checked.visibility,
        request_key=checked.request_key,
        skills=checked.skills,
        kb_text=kb_text(checked.goal, checked.stuck),
        repeat_of_id=duplicates.answered_before(asker, checked.goal, checked.stuck),
    )
    db.session.add(question)
    try:
        db.session.flush()
        queue = "urgent" if checked.urgency == Urgency.BLOCKING else "default"
        enqueue_after_commit(route_question_job, question.id, queue=queue)
        webhook_events.question("question.asked", question)
        db.session.commit()
    except IntegrityError:
        # The same form sent twice at once: the other request saved it (and routes it).
        db.session.rollback()
        earlier = _asked_before(asker_id, checked.request_key)
        if earlier is None:
            raise
        return earlier
    return question


def catalogue() -> list[CatalogueSkill]:
    """The skill catalogue as plain values, for suggesting skills."""
    skills = db.session.scalars(sa.select(Skill).order_by(Skill.name))
    return [CatalogueSkill(s.id, s.name, tuple(s.alias_names)) for s in skills]


def team_examples(team_id: int | None) -> list[Example]:
    """The team's latest answered and resolved questions with their skills, to learn from.

    Private ones stay out: their askers chose that nobody else reads them.
    """
    if team_id is None:
        return []
    rows = db.session.execute(
        sa.select(Question.id, Question.goal, Question.stuck)
        .where(
            Question.team_id == team_id,
            Question.visibility != Visibility.PRIVATE,
            Question.state.in_((QuestionState.ANSWERED, QuestionState.RESOLVED)),
        )
        .order_by(Question.id.desc())
        .limit(EXAMPLES)
    ).all()
    skills: dict[int, list[int]] = {}
    for question_id, skill_id in db.session.execute(
        sa.select(question_skills.c.question_id, question_skills.c.skill_id).where(
            question_skills.c.question_id.in_([row.id for row in rows])
        )
    ):
        skills.setdefault(question_id, []).append(skill_id)
    return [Example(f"{row.goal}\n{row.stuck}", tuple(skills.get(row.id, ()))) for row in rows]


def suggested_skills(text: str, team_id: int | None = None, limit: int = 8) -> list[CatalogueSkill]:
    """The known skills a text is about, the most telling first: by name or alias, their
    stems and misspellings, and the words that go with a skill in the team's answered questions."""
    skills = catalogue()
    return infer_skills(text or "", skills, learn(skills, team_examples(team_id)), limit)
