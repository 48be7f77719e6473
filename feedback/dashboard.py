"""A team lead's dashboard: for one team and one period, how fast help arrives, whether it
helps, where people get stuck, who carries the answering and how mentorships go, each
figure beside the same figure for the period before.

    teams = dashboard_teams(user)                       # None: not for this person (403)
    period = choose_period("quarter", "2026-11-21", timezone="Europe/Berlin")
    board = build_dashboard(team.id, period, utcnow())  # what the page and the CSV show

The figures are the pure functions of `feedback.metrics` over the rows of `feedback.rows`;
this module loads them once, names them, rounds them as people read them and draws the
charts. Names appear only for mentors' load (it is about who does the work, not how they
are rated) and on comments whose writers signed them; ratings only as aggregates over at
least MIN_RESPONSES responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter

import sqlalchemy as sa

from app.errors import InvalidInput
from app.extensions import db
from app.people.models import Role, Skill, Team, User
from feedback import metrics
from feedback.comments import Comment, comments_for_leads
from feedback.counts import answers_by_mentor, asked_by_skill, checkin_score_counts, task_rating_counts
from feedback.dashboard_charts import draw_charts
from feedback.metrics import NOT_ENOUGH_RESPONSES, Compared
from feedback.periods import (
    DAY,
    MONTH,
    QUARTER,
    RANGE,
    WEEK,
    Period,
    parse_period,
    period_between,
    period_containing,
)
from feedback.rows import load_rows

# How the page may ask for a period: these kinds with a day in it, or a range of days.
PERIOD_KINDS = {WEEK: "Week", MONTH: "Month", QUARTER: "Quarter", RANGE: "Range of days"}
MAX_RANGE_DAYS = 366  # a longer range would read years of rows for one page
# The units figures are shown in; a figure's change is in the same unit (percentage points for %).
COUNT, MINUTES, PERCENT, MEAN = "", "min", "%", "of 5"
DIGITS = {COUNT: 0, MINUTES: 1, PERCENT: 1, MEAN: 2}
URGENCY_LABELS = {"blocking": "Blocking", "can_wait": "Can wait", metrics.ALL: "All questions"}
# A mentor giving at least this share of a team's answers, where several could, is carrying it.
CARRYING_SHARE = 0.5
SKILL_GAPS_SHOWN = 10
COMMENTS_SHOWN = 50  # the newest on the page; the CSV has them all


class BadPeriod(InvalidInput):
    """The period asked for cannot be shown; the message says why, `field` where."""

    def __init__(self, message: str, field: str = "period"):
        super().__init__({field: message}, message)
        self.field = field


# Who sees which team


def dashboard_teams(user: User) -> list[Team] | None:
    """The teams whose dashboard the person may open, by name: every team for an admin, the
    teams they lead for a lead. None for anyone else, who may not see dashboards at all."""
    query = sa.select(Team).order_by(Team.name, Team.id)
    if user.has_role(Role.ADMIN):
        return list(db.session.scalars(query))
    led = list(db.session.scalars(query.where(Team.lead_id == user.id)))
    return led if led or user.has_role(Role.LEAD) else None


# Which period


def choose_period(
    period: str | None,
    at: str | None = "",
    first: str | None = "",
    last: str | None = "",
    *,
    timezone: str,
    today: date,
) -> Period:
    """The period a dashboard's address asks for: a kind ("week", "month", "quarter") and a
    day in it (`at`, today if empty), "range" with its `first` and `last` day, or a period's
    key such as 2026-Q4 or 2026-11-01..2026-11-20. BadPeriod says what is wrong."""
    text = (period or MONTH).strip()
    try:
        if text in (WEEK, MONTH, QUARTER):
            chosen = period_containing(text, _day(at, "at") if (at or "").strip() else today, timezone)
        elif text == RANGE:
            if not (first or "").strip() or not (last or "").strip():
                raise BadPeriod(
                    "Give the first and the last day of the range.", "first" if not (first or "").strip() else "last"
                )
            chosen = period_between(_day(first, "first"), _day(last, "last"), timezone)
        else:
            chosen = parse_period(text, timezone)
        chosen.previous()  # a period at the edge of the calendar has none
    except BadPeriod:
        raise
    except OverflowError:
        raise BadPeriod(
            "That period is too far in the past or the future to show.",
            "period" if text not in (WEEK, MONTH, QUARTER) else "at",
        ) from None
    except ValueError as error:
        message = str(error)
        raise BadPeriod(
            message[:1].upper() + message[1:] + ".", "last" if "before it starts" in message else "period"
        ) from None
    if chosen.days > MAX_RANGE_DAYS:
        raise BadPeriod(f"A range can be at most {MAX_RANGE_DAYS} days; this one has {chosen.days}.", "last")
    return chosen


def _day(text: str | None, field: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise BadPeriod(
            f"{(text or '').strip()!r} is not a date: write it as year-month-day, such as 2026-11-21.", field
        ) from None


def next_period(period: Period) -> Period:
    """The period of the same kind just after this one."""
    if period.kind in (WEEK, MONTH, QUARTER):
        return period_containing(period.kind, period.end_day, period.timezone)
    return Period(period.kind, period.end_day, period.end_day + (period.end_day - period.first_day), period.timezone)


def step_name(period: Period) -> str:
    """What each point of the period's trend line stands for: "day", "week" or "month"."""
    return next((step.kind for step in period.steps() if step.kind != RANGE), DAY)


# The view model


@dataclass(frozen=True)
class FigureRow:
    """One figure as the page shows it: rounded, in its unit, beside the period before's.

    A value is a number, None (nothing to show) or the reason it is not shown."""

    label: str
    unit: str
    value: float | str | None
    previous: float | str | None
    change: float | None
    group: str = ""  # the urgency, in the reply-time table


@dataclass(frozen=True)
class SkillGapRow:
    skill_id: int
    skill: str
    questions: int
    previous: int
    change: int
    taught: bool  # some mentor in the team teaches it


@dataclass(frozen=True)
class MentorLoadRow:
    mentor_id: int
    mentor: str
    open_questions: int  # waiting for this mentor's reply now
    answers: int  # questions answered in the period
    previous: int
    change: int
    share: float | None  # percent of the team's answers in the period
    helpful: float | str | None  # percent found helpful, or why it is not shown
    carrying: bool


@dataclass(frozen=True)
class TrendRow:
    step: str  # the step's first day, as an axis says it: "5 Oct"
    first_day: date
    asked: int
    median_minutes: float | None
    so_far: bool = False  # the step runs on today: its figures are not final


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard page and its CSV exports show, as plain values."""

    team_id: int
    team: str
    period: Period
    previous: Period
    step: str  # "day", "week" or "month": what each point of the trends stands for
    reply_times: list[FigureRow]
    questions: list[FigureRow]
    feedback: list[FigureRow]
    responses: dict[str, int]  # how many answers each feedback figure of the period is over
    skill_gaps: list[SkillGapRow]
    mentor_load: list[MentorLoadRow]
    mentorships: list[FigureRow]
    comments: list[Comment]
    trend: list[TrendRow]  # the steps begun by now: the future is not shown
    charts: dict[str, str]  # SVG text by name: asked, reply, skills, mentors
    chart_tables: dict[str, str]  # each chart's numbers as an HTML table, by the same names

    @property
    def newest_comments(self) -> list[Comment]:
        """The comments the page lists: a busy team writes more than anyone reads at once."""
        return self.comments[:COMMENTS_SHOWN]


def build_dashboard(team_id: int, period: Period, now: datetime) -> Dashboard:
    """The team's dashboard for the period, with the period before beside each figure."""
    team = db.session.get(Team, team_id)
    if team is None:
        raise LookupError(f"no team {team_id}")
    previous = period.previous()
    # Figures that only count are counted by the database, so the rows leave those out.
    rows = load_rows(team_id, previous.start, period.end, detailed=False)

    reply_rows = [
        row
        for r in metrics.reply_times(rows.questions, period, now)
        for row in (
            figure("Questions answered", COUNT, r.answered, URGENCY_LABELS[r.urgency]),
            figure("Median time to first reply", MINUTES, r.median_minutes, URGENCY_LABELS[r.urgency]),
            figure("90th percentile of time to first reply", MINUTES, r.p90_minutes, URGENCY_LABELS[r.urgency]),
            figure("Answered within the deadline", PERCENT, r.within_deadline, URGENCY_LABELS[r.urgency]),
        )
    ]
    counts = metrics.question_counts(rows.questions, rows.self_solved_at, period)
    question_rows = [
        figure("Questions asked", COUNT, counts.asked),
        figure("Resolved", COUNT, counts.resolved),
        figure("Escalated to the lead", COUNT, counts.escalated),
        figure("Answered from the knowledge base, no mentor asked", COUNT, counts.self_solved),
    ]
    task_counts, checkin_counts = task_rating_counts(team_id, period), checkin_score_counts(team_id, period)
    task_summary, task_mean = metrics.ratings_compared(*task_counts)
    checkin_summary, checkin_mean = metrics.ratings_compared(*checkin_counts)
    feedback_rows = [
        figure("Answers found helpful", PERCENT, metrics.helpfulness(rows.questions, period), rating=True),
        figure("Task feedback: how it went", MEAN, task_mean, rating=True),
        figure("Check-ins: is the mentorship useful", MEAN, checkin_mean, rating=True),
    ]
    responses = {
        "helpful": sum(q.helpful is not None and period.contains(q.resolved_at) for q in rows.questions),
        "tasks": sum(task_counts[0].values()),
        "checkins": sum(checkin_counts[0].values()),
    }

    gaps = metrics.rank_skill_gaps(*asked_by_skill(team_id, period), rows.taught_skill_ids, limit=SKILL_GAPS_SHOWN)
    skill_names = _names(Skill, [g.skill_id for g in gaps])
    gap_rows = [
        SkillGapRow(
            g.skill_id,
            skill_names.get(g.skill_id, "?"),
            int(g.questions.value),
            int(g.questions.previous),
            int(g.questions.change),
            g.taught,
        )
        for g in gaps
    ]

    loads = metrics.rank_mentor_load(answers_by_mentor(team_id, period), rows.open_by_mentor, rows.mentor_ids)
    mentor_names = _names(User, [load.mentor_id for load in loads])
    several = len(loads) > 1
    load_rows_ = [
        MentorLoadRow(
            load.mentor_id,
            mentor_names.get(load.mentor_id, "?"),
            load.open_questions,
            int(load.answers.value),
            int(load.answers.previous),
            int(load.answers.change),
            _rounded(load.share_of_answers, PERCENT),
            NOT_ENOUGH_RESPONSES if load.helpful is None else _rounded(load.helpful, PERCENT),
            several and (load.share_of_answers or 0) >= CARRYING_SHARE,
        )
        for load in loads
    ]

    ships = metrics.mentorship_counts(rows.mentorships, period, now)
    mentorship_rows = [
        figure("Active", COUNT, ships.active),
        figure("Proposed, waiting for the mentor", COUNT, ships.waiting),
        figure("Ended early", COUNT, ships.ended_early),
    ]

    asked = metrics.trend(period, rows.questions, attrgetter("asked_at"))
    reply = metrics.reply_trend(rows.questions, period)
    trend_rows = [
        TrendRow(a.period.short_label, a.period.first_day, int(a.value), _rounded(r.value, MINUTES), now < a.period.end)
        for a, r in zip(asked, reply, strict=True)
        if a.period.start <= now
    ]
    step = step_name(period)
    drawn = draw_charts(step, trend_rows, gap_rows, load_rows_)
    return Dashboard(
        team_id=team.id,
        team=team.name,
        period=period,
        previous=previous,
        step=step,
        reply_times=reply_rows,
        questions=question_rows,
        feedback=feedback_rows,
        responses=responses,
        skill_gaps=gap_rows,
        mentor_load=load_rows_,
        mentorships=mentorship_rows,
        comments=words_for_leads(team_id, period),
        trend=trend_rows,
        charts={name: svg for name, (svg, _) in drawn.items()},
        chart_tables={name: table for name, (_, table) in drawn.items()},
    )


def words_for_leads(team_id: int, period: Period) -> list[Comment]:
    """The team's free text of the period, by the week it was written in, named only where
    signed (see feedback.comments)."""
    return comments_for_leads(team_id, period.start, period.end, period.timezone)


def figure(label: str, unit: str, compared: Compared, group: str = "", rating: bool = False) -> FigureRow:
    """A metric's figure rounded in its unit (a share as a percentage), with its change.

    For a rating (`rating`), a missing value is one over too few responses, and says so."""
    value, previous = _rounded(compared.value, unit), _rounded(compared.previous, unit)
    change = None if value is None or previous is None else round(value - previous, DIGITS[unit])
    if rating:
        value = NOT_ENOUGH_RESPONSES if value is None else value
        previous = NOT_ENOUGH_RESPONSES if previous is None else previous
    return FigureRow(label, unit, value, previous, change, group)


def _rounded(value: float | None, unit: str) -> float | int | None:
    if value is None:
        return None
    if unit == PERCENT:
        value *= 100
    return int(value) if DIGITS[unit] == 0 else round(value, DIGITS[unit])


def _names(model, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(model.id, model.name).where(model.id.in_(ids))).all())
