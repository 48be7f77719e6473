"""In a real browser at 1280 × 800: a lead opens the dashboard for the month running now. No
point is drawn after today, the week running now is marked as so far, each chart shows its
units and (with two kinds of bars) its legend, and its numbers open under "Show the numbers"."""

import pytest
from playwright.sync_api import expect

from app.extensions import utcnow
from tests.e2e.signing_in import sign_in
from tests.feedback.dashboard_world import ask_today, build_world

pytestmark = pytest.mark.browser


def test_the_month_running_now_stops_at_today_with_units_and_legends(live_server, page, make, tmp_path):
    world = build_world(make)
    ask_today(world, 3, utcnow())
    # Mia and Max answered in October: the mentors' chart needs this month's answers to have bars,
    # so the bar charts are checked on October, the trend lines on this month.
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, world["lena"].email, make.PASSWORD)
    page.goto(f"/feedback/dashboard?period=month&team={world['payments'].id}")
    today = utcnow().date().isoformat()  # Lena reads the dashboard in UTC

    asked = page.locator("#chart-asked svg")
    expect(asked).to_be_visible()
    days = asked.locator("circle.point").evaluate_all("points => points.map(p => p.dataset.day)")
    assert all(day <= today for day in days), days  # nothing drawn after today
    if len(days) > 1:
        expect(asked.locator("circle.point.so-far")).to_have_count(1)
        expect(asked.locator("text.axis-title")).to_have_text("questions per week")
        expect(asked.locator("text.axis-title")).to_be_visible()
        expect(asked.locator("text.legend").last).to_have_text("so far: this week is not over")
        expect(asked.locator("text.legend").last).to_be_visible()
        # The last point drawn is the week running now, at the right end of the chart.
        points = asked.locator("circle.point")
        last = points.nth(points.count() - 1).bounding_box()
        box = asked.bounding_box()
        assert last["x"] > box["x"] + box["width"] * 0.8
    else:
        expect(asked).to_contain_text("Only one week so far: 3 questions")
    expect(page.locator("#chart-reply svg")).to_contain_text("No data yet")  # nobody has replied this month

    # The numbers, as a table, under "Show the numbers".
    numbers = page.locator("#chart-asked details.chart-numbers")
    numbers.locator("summary").click()
    table = numbers.locator("table")
    expect(table).to_be_visible()
    expect(table.locator("caption")).to_have_text("Questions asked per week")
    expect(table.locator("tbody tr").last).to_contain_text("(so far)")
    expect(table.locator("tbody tr").last).to_contain_text("3")
    page.screenshot(path=str(tmp_path / "dashboard-now.png"), full_page=True)
    page.locator("#questions").screenshot(path=str(tmp_path / "now-questions.png"))

    page.goto(f"/feedback/dashboard?period=month&at=2026-10-15&team={world['payments'].id}")
    for name in ("skills", "mentors"):
        chart = page.locator(f"#chart-{name} svg")
        expect(chart.locator("text.axis-title")).to_be_visible()
        expect(chart.locator("text.legend")).to_have_count(2)
        for i in range(2):
            expect(chart.locator("text.legend").nth(i)).to_be_visible()
    expect(page.locator("#chart-skills text.axis-title")).to_have_text("questions asked in the period →")
    expect(page.locator("#chart-asked text.axis-title")).to_be_visible()
    expect(page.locator("#chart-reply svg")).to_contain_text("Only one week with data: 5 Oct, 30 min")
    page.screenshot(path=str(tmp_path / "dashboard-october.png"), full_page=True)
    for name in ("asked", "reply", "skills", "mentors"):
        page.locator(f"#chart-{name}").screenshot(path=str(tmp_path / f"october-{name}.png"))
    print(tmp_path)
