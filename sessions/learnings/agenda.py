"""The agenda a week builds for its session, and who sees which part of it.

Plain Python over plain values: no Flask, no database. `sessions.learnings.services.load_agenda`
reads the rows and hands them here as the small records below.

The agenda has four parts, in the order the retro walks them:

1. open action items from earlier sessions, the one due first at the top: they come back
   every week until they are done;
2. the learnings people brought, by kind: anonymous unless the lead turned names on, and
   each visible only to its author until the session starts;
3. the questions the team got answered since the session before, grouped by skill with the
   most asked skill first; a viewer sees the titles of the questions they may read, and
   only counts for the rest;
4. task feedback its writers shared with the team: what was missing or helped in their tasks
   that week, shown like learnings from the session's start (before it, only how many), never
   with a rating, and named only where the writer signed it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sessions.series.schedule import Series, occurrence

KINDS = ("learned", "want", "stuck")
# How the agenda heads each kind: the team's words, where the form says "I".
KIND_TITLES = {"learned": "What we learned", "want": "What we want to learn", "stuck": "Where we got stuck"}
NO_SKILL = "Without a skill"
# When a series has no earlier session, its first agenda looks back this far for questions.
FIRST_WINDOW = timedelta(days=7)


# -- what the agenda is made from ------------------------------------------------------------


@dataclass(frozen=True)
class LearningNote:
    """A learning as stored: its author's name is known here, and shown only when allowed."""

    id: int
    kind: str  # learned, want, stuck
    text: str
    author_id: int | None
    author_name: str | None = None
    group_id: int | None = None


@dataclass(frozen=True)
class ActionNote:
    """An action item as stored: the regular date of the week it was raised in, and of the
    week it was marked done in, if it was."""

    id: int
    text: str
    owner_name: str | None
    due_date: date
    raised_on: date
    done: bool = False
    done_on: date | None = None


@dataclass(frozen=True)
class AnsweredQuestion:
    """A question of the team that got its first answer in the agenda's window. `readable`
    says whether the viewer may read the question (and so see its title)."""

    id: int
    title: str
    skills: tuple[str, ...]
    answered_at: datetime
    readable: bool


# -- what the agenda shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class ShownLearning:
    """A learning as the viewer sees it: `author` is None when names are not shown."""

    id: int
    kind: str
    text: str
    author: str | None
    group_id: int | None = None


@dataclass(frozen=True)
class KindSection:
    kind: str
    title: str
    items: tuple[ShownLearning, ...]


@dataclass(frozen=True)
class CarriedAction:
    """An action item from an earlier session; `done` when it was ticked off in this one."""

    id: int
    text: str
    owner_name: str | None
    due_date: date
    raised_on: date
    overdue: bool
    done: bool = False


@dataclass(frozen=True)
class QuestionLink:
    id: int
    title: str


@dataclass(frozen=True)
class SkillCount:
    """How many answered questions were about one skill, and the ones the viewer may read."""

    skill: str
    count: int
    questions: tuple[QuestionLink, ...]


@dataclass(frozen=True)
class Agenda:
    """One week's agenda as one viewer may see it."""

    day: date  # the week's regular date
    starts_at: datetime  # when the session starts (moved weeks at their new time), aware
    open: bool  # the session has started: everyone's learnings show
    actions: tuple[CarriedAction, ...]
    learnings: tuple[KindSection, ...]  # what the viewer may see: only their own before the start
    learning_count: int  # everyone's entries, seen or not
    own_count: int
    hidden_count: int  # others' entries the viewer cannot see yet
    names_shown: bool
    questions: tuple[SkillCount, ...]
    questions_answered: int
    questions_since: datetime  # the window of the questions, aware (UTC)
    feedback: tuple = ()  # shared task feedback, as lines (names only where signed); empty until open
    feedback_waiting: int = 0  # shared task feedback that shows once the session starts

    @property
    def visible_learnings(self) -> int:
        return sum(len(s.items) for s in self.learnings)


# -- the rules --------------------------------------------------------------------------------


def learnings_open(now: datetime, starts_at: datetime, started_at: datetime | None = None) -> bool:
    """Whether everyone's learnings show: from the session's start, or earlier when the lead
    started it early."""
    return started_at is not None or now >= starts_at


def visible_to(note: LearningNote, viewer_id: int | None, is_open: bool) -> bool:
    """Whether the viewer may see a learning: its author always, everyone else once open."""
    return is_open or (viewer_id is not None and note.author_id == viewer_id)


def shown_learnings(
    notes: Iterable[LearningNote], viewer_id: int | None, is_open: bool, names_shown: bool
) -> tuple[KindSection, ...]:
    """The learnings the viewer may see, by kind (learned, want, stuck), each kind in the order
    they were written (by id); authors named only when the lead turned names on."""
    by_kind: dict[str, list[ShownLearning]] = defaultdict(list)
    for note in sorted(notes, key=lambda n: n.id):
        if visible_to(note, viewer_id, is_open):
            author = (note.author_name or "Someone who has left") if names_shown else None
            by_kind[note.kind].append(ShownLearning(note.id, note.kind, note.text, author, note.group_id))
    return tuple(KindSection(kind, KIND_TITLES[kind], tuple(by_kind[kind])) for kind in KINDS)


def carried_actions(actions: Iterable[ActionNote], day: date) -> tuple[CarriedAction, ...]:
    """The action items this week's session reviews: those raised in an earlier week and still
    open, and those ticked off in this week's session (shown as done); the one due first at
    the top."""
    kept = [a for a in actions if a.raised_on < day and (not a.done or (a.done_on is not None and a.done_on == day))]
    kept.sort(key=lambda a: (a.due_date, a.raised_on, a.id))
    return tuple(
        CarriedAction(
            a.id, a.text, a.owner_name, a.due_date, a.raised_on, overdue=not a.done and a.due_date < day, done=a.done
        )
        for a in kept
    )


def questions_by_skill(questions: Iterable[AnsweredQuestion]) -> tuple[SkillCount, ...]:
    """The answered questions grouped by skill, the most asked skill first (ties by name);
    a question with several skills counts under each, and one with none under NO_SKILL,
    last. Each group lists only the questions the viewer may read, in the order answered."""
    groups: dict[str, list[AnsweredQuestion]] = defaultdict(list)
    for question in questions:
        for skill in sorted(set(question.skills)) or [NO_SKILL]:
            groups[skill].append(question)
    order = sorted(groups, key=lambda s: (s == NO_SKILL, -len(groups[s]), s.casefold(), s))
    return tuple(
        SkillCount(
            skill,
            len(groups[skill]),
            tuple(
                QuestionLink(q.id, q.title)
                for q in sorted(groups[skill], key=lambda q: (q.answered_at, q.id))
                if q.readable
            ),
        )
        for skill in order
    )


def question_window(series: Series, day: date) -> tuple[datetime, datetime]:
    """The time (UTC) whose answered questions a week's agenda shows: from the start of the
    series' session before (skipped weeks passed over, moved ones at their new time) to the
    start of this one. The first session looks back a week."""
    end = occurrence(series, day).start_utc
    earlier = day - timedelta(weeks=1)
    while earlier >= series.first_day:
        if earlier not in series.skipped:
            return min(occurrence(series, earlier).start_utc, end), end
        earlier -= timedelta(weeks=1)
    return end - FIRST_WINDOW, end


def build_agenda(
    *,
    day: date,
    starts_at: datetime,
    now: datetime,
    viewer_id: int | None,
    names_shown: bool,
    learnings: Iterable[LearningNote],
    actions: Iterable[ActionNote],
    questions: Iterable[AnsweredQuestion],
    questions_since: datetime,
    started_at: datetime | None = None,
    feedback: tuple = (),
) -> Agenda:
    """The week's agenda as this viewer may see it, at `now`; `feedback` is the task
    feedback shared with the team, shown, like everyone's learnings, from the start."""
    notes = list(learnings)
    questions = list(questions)
    is_open = learnings_open(now, starts_at, started_at)
    sections = shown_learnings(notes, viewer_id, is_open, names_shown)
    own = sum(1 for n in notes if viewer_id is not None and n.author_id == viewer_id)
    seen = sum(len(s.items) for s in sections)
    return Agenda(
        day=day,
        starts_at=starts_at,
        open=is_open,
        actions=carried_actions(actions, day),
        learnings=sections,
        learning_count=len(notes),
        own_count=own,
        hidden_count=len(notes) - seen,
        names_shown=names_shown,
        questions=questions_by_skill(questions),
        questions_answered=len(questions),
        questions_since=questions_since,
        feedback=tuple(feedback) if is_open else (),
        feedback_waiting=0 if is_open else len(feedback),
    )
