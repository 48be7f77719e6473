"""The lead's dashboard through the test client, on the hand-made month of dashboard_world.py
(its right figures are worked out by hand there): the figures, the charts, and the database's
counts beside the pure functions'."""

from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import utcnow
from feedback import metrics
from feedback.dashboard import MEAN, SKILL_GAPS_SHOWN, build_dashboard, figure
from feedback.metrics import NOT_ENOUGH_RESPONSES
from feedback.periods import MONTH, period_containing
from feedback.rows import load_rows
from tests.feedback.dashboard_world import (
    OCTOBER,
    Tables,
    section,
    text,
    world,  # noqa: F401  (fixture)
)
from tests.help.threads import sign_in


def grouped(rows: list[list[str]]) -> dict[tuple[str, str], list[str]]:
    """A table with group rows (one cell) as {(group, figure): [value, previous, change]}."""
    found, group = {}, ""
    for row in rows[1:]:
        if len(row) == 1:
            group = row[0]
        else:
            found[(group, row[0])] = row[1:]
    return found


def test_a_lead_sees_the_months_figures_beside_the_month_before(client, auth, world):
    sign_in(auth, world["lena"])
    response = client.get(OCTOBER)
    assert response.status_code == 200
    page = text(response)
    assert "Payments: October 2026" in page
    tables = Tables(page).tables

    assert tables["reply-times"][0] == ["Figure", "October 2026", "September 2026", "Change"]
    replies = grouped(tables["reply-times"])
    assert replies[("All questions", "Questions answered")] == ["5", "3", "+2"]
    assert replies[("All questions", "Median time to first reply")] == ["30 min", "80 min", "−50 min"]
    assert replies[("All questions", "90th percentile of time to first reply")] == ["46 min", "96 min", "−50 min"]
    assert replies[("All questions", "Answered within the deadline")] == ["66.7%", "100%", "−33.3 pts"]
    assert replies[("Blocking", "Median time to first reply")] == ["15 min", "100 min", "−85 min"]
    assert replies[("Blocking", "Answered within the deadline")] == ["50%", "—", "—"]  # September's had none
    assert replies[("Can wait", "90th percentile of time to first reply")] == ["48 min", "78 min", "−30 min"]
    assert replies[("Can wait", "Answered within the deadline")] == ["75%", "100%", "−25 pts"]

    assert tables["questions"][1:] == [
        ["Questions asked", "6", "3", "+3"],
        ["Resolved", "4", "1", "+3"],
        ["Escalated to the lead", "1", "0", "+1"],
        ["Answered from the knowledge base, no mentor asked", "2", "1", "+1"],
    ]
    assert tables["skill-gaps"][1:] == [
        ["SQL", "3", "1", "+2", "Yes"],
        ["Kafka", "2", "0", "+2", "No mentor in the team teaches it"],  # Omar teaches it, in Platform
        ["=cmd()", "1", "0", "+1", "No mentor in the team teaches it"],
    ]
    assert tables["mentor-load"][1:] == [
        ["Mia Mentor", "1", "3", "0", "+3", "60%", NOT_ENOUGH_RESPONSES],  # two rated answers only
        ["Max Mentor", "0", "2", "3", "−1", "40%", NOT_ENOUGH_RESPONSES],
    ]
    assert tables["mentorships"][1:] == [
        ["Active", "1", "2", "−1"],  # Lea's ended on 15 October
        ["Proposed, waiting for the mentor", "1", "0", "+1"],
        ["Ended early", "1", "0", "+1"],
    ]
    assert [row[:3] for row in tables["trend"][1:]] == [  # the weeks of October, cut to the month
        ["1 Oct", "0", "—"],
        ["5 Oct", "5", "30 min"],
        ["12 Oct", "0", "—"],
        ["19 Oct", "1", "—"],
        ["26 Oct", "0", "—"],
    ]

    # Words: the signed one with its writer's name, the others without.
    words = section(page, "comments")
    assert "A test account" in words and "— Nina New" in words
    assert "Nobody told me about the VPN" in words and "Meet weekly" in words
    assert words.count("Nina New") == 1 and "Mia Mentor" not in words
    # A check-in's words come without its score: one rating of a mentorship is not shown alone.
    check_in = re.search(r"<li>\s*<p[^>]*><strong>What to change in a mentorship.*?</li>", words, re.S).group(0)
    assert "Meet weekly" in check_in and "rated" not in check_in


def test_a_rating_over_fewer_than_three_responses_is_not_shown(client, auth, world):
    sign_in(auth, world["lena"])
    tables = Tables(text(client.get(OCTOBER))).tables
    assert tables["feedback"][1:] == [
        ["Answers found helpful", "66.7%", NOT_ENOUGH_RESPONSES, "—"],  # 2 of 3 in October; 1 rated in September
        # In threes, in the order they came: September's 2 and 1 with October's first 5, complete
        # on 10 October; October's 4 and 3 wait for a third.
        ["Task feedback: how it went", "2.67 of 5", NOT_ENOUGH_RESPONSES, "—"],
        ["Check-ins: is the mentorship useful", NOT_ENOUGH_RESPONSES, NOT_ENOUGH_RESPONSES, "—"],  # 1 and 2 only
    ]
    feedback = section(text(client.get(OCTOBER)), "feedback")
    assert "1.5" not in feedback  # the two check-in scores' mean
    assert "0 check-in answers" in feedback and "3 task-feedback ratings" in feedback  # those counted


def test_the_charts_are_drawn_on_the_server_without_scripts(client, auth, world):
    sign_in(auth, world["lena"])
    page = text(client.get(OCTOBER))
    # The one script of every page labels table cells on a phone; nothing draws the charts.
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/tables.js" defer>']
    charts = {name: section_svg(page, name) for name in ("asked", "reply", "skills", "mentors")}
    assert charts["asked"].count('class="point"') == 5  # five weeks of October
    # Only the week of 5 October had replies: said in words, not drawn as a lonely dot.
    assert 'class="point' not in charts["reply"]
    assert "Only one week with data: 5 Oct, 30 min" in charts["reply"]
    assert charts["skills"].count('<rect class="bar') == 3
    assert charts["skills"].count('class="bar highlight"') == 2  # Kafka and =cmd() are not taught
    assert charts["mentors"].count('<rect class="bar') == 2
    assert charts["mentors"].count('class="bar highlight"') == 1  # Mia gives 60% of the answers
    assert "=cmd()" in charts["skills"] and "<title>Mia Mentor" in charts["mentors"]


def section_svg(page: str, name: str) -> str:
    match = re.search(rf'<figure[^>]*id="chart-{name}"[^>]*>(<svg.*?</svg>)', page, re.S)
    assert match, f"no chart {name}"
    return match.group(1)


@pytest.mark.parametrize("month", [9, 10])
def test_the_figures_the_database_counts_are_the_pure_functions_figures(world, month):
    """The skill gaps, mentor load and ratings on the page, counted by the database, are what
    the pure functions of feedback.metrics make of the team's detailed rows."""
    period = period_containing(MONTH, date(2026, month, 15), "UTC")
    team_id = world["payments"].id
    board = build_dashboard(team_id, period, utcnow())
    rows = load_rows(team_id, period.previous().start, period.end)

    gaps = metrics.skill_gaps(rows.questions, period, rows.taught_skill_ids, limit=SKILL_GAPS_SHOWN)
    assert gaps
    assert [(g.skill_id, g.questions, g.previous, g.taught) for g in board.skill_gaps] == [
        (g.skill_id, g.questions.value, g.questions.previous, g.taught) for g in gaps
    ]

    def percent(share):
        return None if share is None else round(share * 100, 1)

    loads = metrics.mentor_load(rows.answers, rows.open_by_mentor, rows.questions, period, rows.mentor_ids)
    assert [(m.mentor_id, m.open_questions, m.answers, m.previous, m.share, m.helpful) for m in board.mentor_load] == [
        (
            m.mentor_id,
            m.open_questions,
            m.answers.value,
            m.answers.previous,
            percent(m.share_of_answers),
            NOT_ENOUGH_RESPONSES if m.helpful is None else percent(m.helpful),
        )
        for m in loads
    ]

    _, task_mean = metrics.task_ratings(rows.task_feedback, period)
    _, checkin_mean = metrics.checkin_scores(rows.checkins, period)
    assert board.feedback[1:] == [
        figure("Task feedback: how it went", MEAN, task_mean, rating=True),
        figure("Check-ins: is the mentorship useful", MEAN, checkin_mean, rating=True),
    ]
    assert (board.responses["tasks"], board.responses["checkins"]) == (
        sum(metrics.task_rating_counts(rows.task_feedback, period).values()),
        sum(metrics.checkin_score_counts(rows.checkins, period).values()),
    )
