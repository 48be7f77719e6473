"""The dashboard's charts, drawn from its rows (feedback.dashboard), each with its numbers
as a table, in the units a lead reads them in.

    drawn = draw_charts("week", trend_rows, gap_rows, load_rows)   # {"asked": (svg, table), ...}

Pure: no Flask, no database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from feedback import charts

if TYPE_CHECKING:
    from feedback.dashboard import MentorLoadRow, SkillGapRow, TrendRow


def draw_charts(
    step: str, trend: list[TrendRow], gaps: list[SkillGapRow], loads: list[MentorLoadRow]
) -> dict[str, tuple[str, str]]:
    """The page's charts as SVG text, each with its numbers as a table: two trend lines
    (over the steps begun so far), the skill gaps and the mentor load."""
    asked = [charts.Point(t.step, t.asked, t.so_far, t.first_day.isoformat()) for t in trend]
    reply = [charts.Point(t.step, t.median_minutes, t.so_far, t.first_day.isoformat()) for t in trend]
    asked_title, asked_units = f"Questions asked per {step}", f"questions per {step}"
    reply_title, reply_units = f"Median minutes to a first reply, per {step}", "minutes to first reply, median"
    skills = [charts.Bar(g.skill, g.questions, not g.taught) for g in gaps]
    mentors = [charts.Bar(m.mentor, m.answers, m.carrying) for m in loads]
    untaught, carrying = "no mentor in the team teaches it", "half or more of the team's answers"
    return {
        "asked": (
            charts.line_chart(
                asked_title,
                asked,
                unit="questions",
                unit_one="question",
                y_label=asked_units,
                step=step,
                zeros_are_empty=True,
            ),
            charts.line_table(
                asked_title, asked, step=step, y_label=asked_units, table_id="table-chart-asked", zeros_are_empty=True
            ),
        ),
        "reply": (
            charts.line_chart(reply_title, reply, unit="min", y_label=reply_units, step=step),
            charts.line_table(reply_title, reply, step=step, y_label=reply_units, table_id="table-chart-reply"),
        ),
        "skills": (
            charts.bar_chart(
                "Skills people got stuck on most",
                skills,
                highlight_label=untaught,
                series_label="taught in the team",
                value_label="questions asked in the period",
            ),
            charts.bar_table(
                "Skills people got stuck on most",
                skills,
                value_label="questions asked",
                highlight_label=untaught,
                table_id="table-chart-skills",
            ),
        ),
        "mentors": (
            charts.bar_chart(
                "Questions answered per mentor",
                mentors,
                highlight_label=carrying,
                series_label="less than half",
                value_label="questions answered in the period",
            ),
            charts.bar_table(
                "Questions answered per mentor",
                mentors,
                value_label="questions answered",
                highlight_label=carrying,
                table_id="table-chart-mentors",
            ),
        ),
    }
