"""The dashboard as CSV files: each table of the page, and, for admins only, the raw
feedback behind it with the names of the people who gave it.

    dashboard_table(board, "skill-gaps")          # the page's skill-gap table
    raw_export("task-feedback", team_id, period, by=admin)   # logged, every time

Every cell goes through `feedback.csv_export`, so text someone typed never runs as a
formula in a spreadsheet. Raw exports are the one way names next to ratings leave
Unstuck; each is logged (who, what, when, how many rows) at WARNING, so the line is kept
even where logging is not set up. There is no table for such records: the log is the record.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from app.extensions import db, utcnow
from app.help.models import Question
from app.people.models import Skill, Team, User
from feedback.csv_export import table_csv
from feedback.dashboard import Dashboard, FigureRow
from feedback.models import HELPED, Checkin, TaskFeedback, task_feedback_skills
from feedback.periods import Period
from matching.models import Mentorship

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Table:
    """One table of the page: its name in the CSV's address, its heading, header and rows."""

    key: str
    title: str
    header: list[str]
    rows: list[list]


def _figures(key: str, title: str, rows: list[FigureRow], board: Dashboard, grouped: bool = False) -> Table:
    header = (["Urgency"] if grouped else []) + ["Figure", "Unit", board.period.label, board.previous.label, "Change"]
    return Table(
        key,
        title,
        header,
        [([r.group] if grouped else []) + [r.label, r.unit, r.value, r.previous, r.change] for r in rows],
    )


def _skill_gaps(board: Dashboard) -> Table:
    return Table(
        "skill-gaps",
        "Skills people got stuck on",
        [
            "Skill",
            f"Questions {board.period.label}",
            f"Questions {board.previous.label}",
            "Change",
            "A mentor in the team teaches it",
        ],
        [[g.skill, g.questions, g.previous, g.change, g.taught] for g in board.skill_gaps],
    )


def _mentor_load(board: Dashboard) -> Table:
    return Table(
        "mentor-load",
        "Mentor load",
        [
            "Mentor",
            "Open questions now",
            f"Answered {board.period.label}",
            f"Answered {board.previous.label}",
            "Change",
            "Share of the team's answers (%)",
            "Found helpful (%)",
        ],
        [[m.mentor, m.open_questions, m.answers, m.previous, m.change, m.share, m.helpful] for m in board.mentor_load],
    )


def _trend(board: Dashboard) -> Table:
    return Table(
        "trend",
        f"Questions and reply times per {board.step}",
        [f"{board.step.capitalize()} starting", "Questions asked", "Median minutes to a first reply"],
        [[t.first_day, t.asked, t.median_minutes] for t in board.trend],
    )


def _comments(board: Dashboard) -> Table:
    return Table(
        "comments",
        "In their own words",
        ["Week", "Kind", "About", "Text", "Signed by"],
        [[c.week, c.label, c.about, c.text, c.author] for c in board.comments],
    )


TABLES: dict[str, Callable[[Dashboard], Table]] = {
    "reply-times": lambda b: _figures("reply-times", "Time to first reply", b.reply_times, b, grouped=True),
    "questions": lambda b: _figures("questions", "Questions", b.questions, b),
    "trend": _trend,
    "skill-gaps": _skill_gaps,
    "feedback": lambda b: _figures("feedback", "Does the help help?", b.feedback, b),
    "mentor-load": _mentor_load,
    "mentorships": lambda b: _figures("mentorships", "Mentorships", b.mentorships, b),
    "comments": _comments,
}


def dashboard_table(board: Dashboard, key: str) -> Table:
    """One of the page's tables by its key; KeyError for a table the page does not have."""
    return TABLES[key](board)


def dashboard_csv(board: Dashboard, key: str) -> tuple[str, str]:
    """One of the page's tables as (file name, CSV text)."""
    table = dashboard_table(board, key)
    return file_name(board.team, board.period, key), table_csv(table.header, table.rows)


def file_name(team: str, period: Period, what: str) -> str:
    """A download's name: team, period and table, in letters, digits and dashes only."""
    slug = re.sub(r"[^a-z0-9]+", "-", team.lower()).strip("-") or "team"
    return f"{slug}-{re.sub(r'[^A-Za-z0-9-]+', '-', period.key)}-{what}.csv"


# Raw data, for admins


def _raw_task_feedback(team_id: int, start: datetime, end: datetime) -> tuple[list[str], list[list]]:
    in_period = (TaskFeedback.team_id == team_id, TaskFeedback.created_at >= start, TaskFeedback.created_at < end)
    skills: dict[int, list[str]] = {}
    for feedback_id, name in db.session.execute(
        sa.select(task_feedback_skills.c.task_feedback_id, Skill.name)
        .join(Skill, Skill.id == task_feedback_skills.c.skill_id)
        .join(TaskFeedback, TaskFeedback.id == task_feedback_skills.c.task_feedback_id)
        .where(*in_period)
        .order_by(Skill.name)
    ):
        skills.setdefault(feedback_id, []).append(name)
    found = db.session.execute(
        sa.select(TaskFeedback, User.name, User.email)
        .join(User, User.id == TaskFeedback.author_id)
        .where(*in_period)
        .order_by(TaskFeedback.created_at, TaskFeedback.id)
    )
    header = [
        "Id",
        "Written",
        "Author",
        "Author's email",
        "Task",
        "Link",
        "Skills",
        "Rating",
        "Time taken",
        "What helped",
        "What helped, in words",
        "What was missing",
        "Signed",
        "Shared with the team",
        "Sent by",
    ]
    return header, [
        [
            f.id,
            f.created_at,
            name,
            email,
            f.title,
            f.link,
            ", ".join(skills.get(f.id, ())),
            f.rating,
            f.time_taken.label,
            ", ".join(HELPED[code] for code in f.helped),
            f.helped_note,
            f.missing,
            f.signed,
            f.shared,
            f.via,
        ]
        for f, name, email in found
    ]


def _raw_checkins(team_id: int, start: datetime, end: datetime) -> tuple[list[str], list[list]]:
    author, mentor, new_hire = orm.aliased(User), orm.aliased(User), orm.aliased(User)
    found = db.session.execute(
        sa.select(Checkin, author.name, author.email, mentor.name, new_hire.name)
        .join(author, author.id == Checkin.user_id)
        .join(Mentorship, Mentorship.id == Checkin.mentorship_id)
        .join(mentor, mentor.id == Mentorship.mentor_id)
        .join(new_hire, new_hire.id == Mentorship.new_hire_id)
        .where(Checkin.team_id == team_id, Checkin.answered_at >= start, Checkin.answered_at < end)
        .order_by(Checkin.answered_at, Checkin.id)
    )
    header = [
        "Id",
        "Mentorship",
        "Mentor",
        "New hire",
        "Answered by",
        "Their email",
        "Side",
        "Round",
        "Sent",
        "Answered",
        "Is this useful? (1-5)",
        "Anything to change?",
        "Sent by",
    ]
    return header, [
        [
            c.id,
            c.mentorship_id,
            mentor_name,
            hire_name,
            name,
            email,
            c.side.label,
            c.round,
            c.sent_at,
            c.answered_at,
            c.score,
            c.change,
            c.via,
        ]
        for c, name, email, mentor_name, hire_name in found
    ]


def _raw_answer_feedback(team_id: int, start: datetime, end: datetime) -> tuple[list[str], list[list]]:
    found = db.session.execute(
        sa.select(
            Question.id,
            Question.goal,
            User.name,
            User.email,
            Question.created_at,
            Question.resolved_at,
            Question.helpful,
            Question.helpful_note,
        )
        .join(User, User.id == Question.asker_id)
        .where(
            Question.team_id == team_id,
            Question.resolved_at >= start,
            Question.resolved_at < end,
            sa.or_(Question.helpful.is_not(None), Question.helpful_note != ""),
        )
        .order_by(Question.resolved_at, Question.id)
    )
    header = ["Question", "Goal", "Asker", "Asker's email", "Asked", "Resolved", "Helpful", "In words"]
    return header, [list(row) for row in found]


RAW_KINDS: dict[str, tuple[str, Callable]] = {
    "task-feedback": ("Task feedback", _raw_task_feedback),
    "checkins": ("Mentorship check-ins", _raw_checkins),
    "answer-feedback": ("Answer feedback", _raw_answer_feedback),
}


def raw_export(kind: str, team_id: int, period: Period, by: User) -> tuple[str, str]:
    """The raw feedback of one kind from a team in a period, with the names of those who
    gave it, as (file name, CSV text); logged as it is made. KeyError for an unknown kind.

    The caller has checked that `by` is an admin."""
    title, rows_of = RAW_KINDS[kind]
    team = db.session.get(Team, team_id)
    if team is None:
        raise LookupError(f"no team {team_id}")
    header, rows = rows_of(team_id, period.start, period.end)
    log.warning(
        "raw export: %s of team %s (%s) for %s by user %s <%s> at %s, %d rows",
        kind,
        team.id,
        team.name,
        period.key,
        by.id,
        by.email,
        utcnow().isoformat(timespec="seconds"),
        len(rows),
    )
    return file_name(team.name, period, f"raw-{kind}"), table_csv(header, rows)
