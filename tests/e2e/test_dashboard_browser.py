"""In a real browser: a team lead opens the dashboard, chooses October 2026, and sees the
charts drawn (the right number of points and bars, with room on the screen); the same page
reads the same with JavaScript turned off. The data is test_dashboard's hand-made month."""

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.signing_in import sign_in
from tests.feedback.dashboard_world import build_world

pytestmark = pytest.mark.browser

SCREENSHOT = "test-artifacts/dashboard.png"
# Chart: (points or bars drawn, what they are). October 2026 has five weeks (1, 5, 12, 19, 26
# October); only the week of 5 October had replies (said in words, not drawn as a lonely dot);
# three skills were asked about; two mentors answered.
CHARTS = {
    "asked": ("circle.point", 5),
    "skills": ("rect.bar", 3),
    "mentors": ("rect.bar", 2),
}


def check_charts(page) -> None:
    """Each chart is on the screen with its points or bars drawn at a visible size."""
    for name, (shape, count) in CHARTS.items():
        chart = page.locator(f"#chart-{name} svg")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] > 50, name
        marks = chart.locator(shape)
        expect(marks).to_have_count(count)
        for i in range(count):
            expect(marks.nth(i)).to_be_visible()
            mark = marks.nth(i).bounding_box()
            assert mark["width"] > 0 and mark["height"] > 0, (name, i)
    # The longest bar is the skill asked about most: SQL 3, Kafka 2, =cmd() 1.
    widths = [page.locator("#chart-skills rect.bar").nth(i).bounding_box()["width"] for i in range(3)]
    assert widths[0] > widths[1] > widths[2] > 0
    expect(page.locator("#chart-skills rect.bar.highlight")).to_have_count(2)  # no mentor teaches those
    expect(page.locator("#chart-asked polyline.line")).to_be_visible()
    expect(page.locator("#chart-reply svg")).to_contain_text("Only one week with data: 5 Oct, 30 min")


def test_a_lead_reads_the_dashboard_charts_with_and_without_javascript(browser, live_server, page, make):
    world = build_world(make)
    lena = world["lena"]

    sign_in(page, lena.email, make.PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Dashboard").click()
    page.get_by_label("Period", exact=True).select_option("month")
    page.get_by_label("A day in it").fill("2026-10-15")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payments: October 2026")
    check_charts(page)
    expect(page.locator("#table-questions")).to_contain_text("Questions asked")
    expect(page.locator("#feedback")).to_contain_text("Not enough responses")
    os.makedirs("test-artifacts", exist_ok=True)
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert os.path.getsize(SCREENSHOT) > 10_000
    address = page.url

    # The same page with JavaScript turned off: everything is drawn by the server.
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        plain = context.new_page()
        sign_in(plain, lena.email, make.PASSWORD)
        plain.goto(address)
        expect(plain.get_by_role("heading", level=1)).to_have_text("Payments: October 2026")
        check_charts(plain)
        # The numbers behind the trend lines open without a script, too.
        plain.get_by_text("Per week, in numbers").click()
        expect(plain.locator("#table-trend")).to_be_visible()
    finally:
        context.close()
