"""The dashboard's charts through the test client: each chart's numbers as a table holding
what is drawn, and no week after today drawn or listed, on the hand-made month of
dashboard_world.py and on the month running now."""

from __future__ import annotations

import re
from datetime import timedelta

from app.extensions import utcnow
from feedback.periods import MONTH, period_containing
from tests.feedback.dashboard_world import (
    OCTOBER,
    Tables,
    ask_today,
    text,
    world,  # noqa: F401  (fixture)
)
from tests.feedback.test_dashboard import section_svg
from tests.help.threads import sign_in


def point_titles(svg: str, shape: str) -> list[str]:
    return re.findall(
        rf"<{shape} class=\"{'point' if shape == 'circle' else 'bar'}[^\"]*\"[^>]*><title>(.*?)</title>", svg
    )


def test_each_chart_has_its_numbers_as_a_table_with_the_same_numbers(client, auth, world):
    sign_in(auth, world["lena"])
    page = text(client.get(OCTOBER))
    tables = Tables(page).tables
    asked = section_svg(page, "asked")
    drawn = [title.split(": ") for title in point_titles(asked, "circle")]
    assert [value for _, value in drawn] == ["0 questions", "5 questions", "0 questions", "1 question", "0 questions"]
    assert tables["chart-asked"][1:] == [[label, value.split()[0]] for label, value in drawn]
    assert tables["chart-asked"] == [
        ["Week starting", "Questions per week"],
        ["1 Oct", "0"],
        ["5 Oct", "5"],
        ["12 Oct", "0"],
        ["19 Oct", "1"],
        ["26 Oct", "0"],
    ]
    assert "<caption>Questions asked per week</caption>" in page
    assert tables["chart-reply"][1:] == [
        ["1 Oct", "no data"],
        ["5 Oct", "30"],
        ["12 Oct", "no data"],
        ["19 Oct", "no data"],
        ["26 Oct", "no data"],
    ]
    skills = [title.rsplit(": ", 1) for title in point_titles(section_svg(page, "skills"), "rect")]
    assert tables["chart-skills"][1:] == skills
    assert tables["chart-skills"][1:] == [
        ["SQL", "3"],
        ["Kafka (no mentor in the team teaches it)", "2"],
        ["=cmd() (no mentor in the team teaches it)", "1"],
    ]
    mentors = [title.rsplit(": ", 1) for title in point_titles(section_svg(page, "mentors"), "rect")]
    assert (
        tables["chart-mentors"][1:]
        == mentors
        == [
            ["Mia Mentor (half or more of the team's answers)", "3"],
            ["Max Mentor", "2"],
        ]
    )
    # Units on every chart; a legend where there are two kinds of bars.
    assert ">questions per week</text>" in asked
    assert ">minutes to first reply, median</text>" not in section_svg(page, "reply")  # one value: said in words
    assert ">questions asked in the period →</text>" in section_svg(page, "skills")
    assert 'class="legend"' in section_svg(page, "skills") and 'class="legend"' in section_svg(page, "mentors")


def test_the_month_running_now_stops_at_today_and_marks_the_week_so_far(client, auth, world):
    now = utcnow()
    month = period_containing(MONTH, now, "UTC")
    begun = [step for step in month.steps() if step.start <= now]
    ask_today(world, 3, now)
    sign_in(auth, world["lena"])
    page = text(client.get(f"/feedback/dashboard?period=month&team={world['payments'].id}"))
    asked = section_svg(page, "asked")
    days = re.findall(r'data-day="([\d-]+)"', asked)
    today = now.date().isoformat()
    assert all(day <= today for day in days)  # nothing drawn after today
    rows = Tables(page).tables["chart-asked"][1:]
    assert [row[0] for row in rows] == [s.short_label for s in begun[:-1]] + [f"{begun[-1].short_label} (so far)"]
    assert rows[-1][1] == "3"
    # Nobody has replied this month: no flat line, no table of blanks.
    assert "No data yet" in section_svg(page, "reply") and "chart-reply" not in Tables(page).tables
    assert [row[0] for row in Tables(page).tables["trend"][1:]][-1] == f"{begun[-1].short_label} (so far)"
    if len(begun) == 1:
        assert "Only one week so far: 3 questions" in asked
    else:
        assert days == [s.first_day.isoformat() for s in begun]
        assert 'class="point so-far"' in asked and "so far: this week is not over" in asked


def test_a_month_that_has_not_begun_shows_no_data_yet_not_zeros(client, auth, world):
    sign_in(auth, world["lena"])
    ahead = period_containing(MONTH, utcnow() + timedelta(days=40), "UTC")
    page = text(client.get(f"/feedback/dashboard?period={ahead.key}"))
    for name in ("asked", "reply"):
        svg = section_svg(page, name)
        assert "No data yet" in svg and "<circle" not in svg and "polyline" not in svg
        assert f"chart-{name}" not in Tables(page).tables
    assert Tables(page).tables["trend"][1:] == []
