"""The lead's dashboard page, its tables as CSV, and the admins' logged raw exports.

    GET /feedback/dashboard?team=3&period=quarter&at=2026-11-21      (or period=2026-Q4)
    GET /feedback/dashboard/export/skill-gaps.csv?team=3&period=2026-Q4
    GET /feedback/export/raw/task-feedback.csv?team=3&period=2026-Q4   (admins only)

Leads see the teams they lead, admins every team; anyone else is refused (403), and a
team the person may not see does not exist for them (404). A period that cannot be shown
gets the page back with its form and the reason (400).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, abort, render_template, request
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SelectChoice, SelectField, StringField

from app.auth.guards import admin_required
from app.extensions import utcnow
from app.people.models import Team
from app.times import local_day
from feedback import bp, dashboard, exports
from feedback.dashboard import BadPeriod
from feedback.periods import RANGE, Period, period_containing


class DashboardForm(FlaskForm):
    """Which team and which period (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    team = SelectField("Team", validate_choice=False)
    period = SelectField(
        "Period",
        validate_choice=False,
        choices=[SelectChoice(kind, label) for kind, label in dashboard.PERIOD_KINDS.items()],
    )
    at = StringField("A day in it", render_kw={"type": "date"})
    first = StringField("From (range)", render_kw={"type": "date"})
    last = StringField("To (range)", render_kw={"type": "date"})


@dataclass
class Selection:
    form: DashboardForm
    teams: list[Team]
    team: Team | None = None
    period: Period | None = None
    problem: str = ""  # why the period cannot be shown


def _select() -> Selection:
    """The team and period the request asks for, after the access checks (403, 404)."""
    teams = dashboard.dashboard_teams(current_user)
    if teams is None:
        abort(403, "The dashboard is for team leads and admins.")
    form = DashboardForm(request.args)
    form.team.choices = [SelectChoice(str(t.id), t.name) for t in teams]
    selection = Selection(form, teams)
    wanted = request.args.get("team", "").strip()
    if wanted:
        selection.team = next((t for t in teams if str(t.id) == wanted), None)
        if selection.team is None:
            abort(404, "There is no such team among yours.")
    elif teams:
        selection.team = teams[0]
    form.team.data = str(selection.team.id) if selection.team else None
    try:
        selection.period = dashboard.choose_period(
            form.period.data,
            form.at.data,
            form.first.data,
            form.last.data,
            timezone=current_user.timezone,
            today=local_day(utcnow(), current_user.timezone),
        )
    except BadPeriod as problem:
        selection.problem = str(problem)
        getattr(form, problem.field).errors = [str(problem)]
        return selection
    _show_in_form(form, selection.period)
    return selection


def _show_in_form(form: DashboardForm, period: Period) -> None:
    """Make the form say the period shown, however the address named it."""
    form.period.data = period.kind
    if period.kind == RANGE:
        form.first.data, form.last.data = period.first_day.isoformat(), period.last_day.isoformat()
    else:
        form.at.data = form.at.data or period.first_day.isoformat()


@bp.route("/dashboard")
@login_required
def dashboard_page():
    """The team's figures for the period, beside the period before's, with charts."""
    selection = _select()
    if selection.problem:
        return render_template("feedback/dashboard.html", selection=selection, board=None), 400
    board = None
    if selection.team is not None:
        board = dashboard.build_dashboard(selection.team.id, selection.period, utcnow())
    # The charts and their tables escape every label themselves (feedback.charts), so their text goes in as it is.
    drawn = {name: Markup(svg + board.chart_tables[name]) for name, svg in board.charts.items()} if board else {}
    tables = {key: exports.dashboard_table(board, key) for key in exports.TABLES} if board else {}
    return render_template(
        "feedback/dashboard.html",
        selection=selection,
        board=board,
        charts=drawn,
        tables=tables,
        raw_kinds=exports.RAW_KINDS,
        around=_around(selection.period),
    )


def _around(period: Period | None) -> list[tuple[str, Period]]:
    """Links to the periods beside the one shown: the one before, the one after (unless it
    has not begun) and, for a week, month or quarter, the one running now."""
    if period is None:
        return []
    now = utcnow()
    links = [("previous", period.previous())]
    if period.kind != RANGE:
        current = period_containing(period.kind, now, current_user.timezone)
        if current not in (period, period.previous(), dashboard.next_period(period)):
            links.append(("current", current))
    after = dashboard.next_period(period)
    if after.start <= now:
        links.append(("next", after))
    return links


def _chosen() -> tuple[Team, Period]:
    """The team and period of an export, or the reason not (403, 404, 400)."""
    selection = _select()
    if selection.problem:
        abort(400, selection.problem)
    if selection.team is None:
        abort(404, "You do not lead a team.")
    return selection.team, selection.period


def _csv(name: str, text: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.route("/dashboard/export/<table>.csv")
@login_required
def dashboard_export(table: str):
    """One of the dashboard's tables as a CSV file."""
    if table not in exports.TABLES:
        abort(404, "The dashboard has no such table.")
    team, period = _chosen()
    board = dashboard.build_dashboard(team.id, period, utcnow())
    return _csv(*exports.dashboard_csv(board, table))


@bp.route("/export/raw/<kind>.csv")
@admin_required
def raw_export(kind: str):
    """An admin downloads the raw feedback of a team and a period, names and all; logged."""
    if kind not in exports.RAW_KINDS:
        abort(404, "There is no such raw export.")
    team, period = _chosen()
    return _csv(*exports.raw_export(kind, team.id, period, current_user))


def figure_text(value, unit: str = "") -> str:
    """A figure as the page says it: whole numbers bare, a unit after, "—" for nothing."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    number = str(int(value)) if float(value).is_integer() else f"{value:g}"
    return f"{number}%" if unit == "%" else f"{number} {unit}" if unit else number


def change_text(value, unit: str = "") -> str:
    """A change as the page says it: signed, in percentage points for a percentage."""
    if value is None:
        return "—"
    if value == 0:
        return "no change"
    sign = "+" if value > 0 else "−"
    number = abs(value)
    number = str(int(number)) if float(number).is_integer() else f"{number:g}"
    suffix = " pts" if unit == "%" else f" {unit}" if unit else ""
    return f"{sign}{number}{suffix}"


bp.add_app_template_filter(figure_text, "figure")
bp.add_app_template_filter(change_text, "change")
