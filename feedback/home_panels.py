"""Feedback's panel on a lead's home page: three of their team's dashboard figures for this
month, each with its change since the month before, linking to the dashboard."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from app.extensions import utcnow
from app.people import home
from app.people.models import Role, User
from app.times import local_day
from feedback import metrics
from feedback.dashboard import COUNT, MINUTES, PERCENT, FigureRow, choose_period, dashboard_teams, figure
from feedback.periods import MONTH, Period
from feedback.rows import load_rows


def headline_figures(team_id: int, period: Period, now: datetime) -> list[FigureRow]:
    """Questions asked, the median time to a first reply and the answers found helpful, as
    the dashboard shows them, beside the period before."""
    rows = load_rows(team_id, period.previous().start, period.end, detailed=False)
    counts = metrics.question_counts(rows.questions, rows.self_solved_at, period)
    everyone = next(r for r in metrics.reply_times(rows.questions, period, now) if r.urgency == metrics.ALL)
    return [
        figure("Questions asked", COUNT, counts.asked),
        figure("Median time to first reply", MINUTES, everyone.median_minutes),
        figure("Answers found helpful", PERCENT, metrics.helpfulness(rows.questions, period), rating=True),
    ]


def show_figures(user: User) -> home.Shown:
    teams = dashboard_teams(user) or []
    led = [team for team in teams if team.lead_id == user.id] or teams
    if not led:
        return home.Shown("feedback/home_figures.html", {"team": None})
    team, now = led[0], utcnow()
    period = choose_period(MONTH, timezone=user.timezone, today=local_day(now, user.timezone))
    return home.Shown(
        "feedback/home_figures.html",
        {"team": team, "period": period, "figures": headline_figures(team.id, period, now)},
    )


def register(app: Flask) -> None:
    home.register(app, Role.LEAD, "dashboard figures", 30, show_figures)
