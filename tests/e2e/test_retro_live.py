"""The retro live, in real browsers at once: the lead on a shared screen, a member on a phone.
What one does shows on the other's page within 2 seconds, without reloading."""

from contextlib import contextmanager
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db, utcnow
from app.people.models import Role
from sessions.models import Learning, LearningKind, SessionSeries
from sessions.retro import services as running
from sessions.series.stored import week_row
from tests.e2e.signing_in import sign_in
from tests.sessions.weekly import weekly_series

pytestmark = pytest.mark.browser

LIVE = 2000  # ms: what one person does shows on the other's page within this
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def retro(make):
    """A series meeting today, three learnings, its session started and at the group phase."""
    lead = make.user(name="Lena Vogel", email="lena@example.com", roles=(Role.LEAD,))
    team = make.team(name="Payments", lead=lead)
    aino = make.user(name="Aino Virtanen", email="aino@example.com", team=team)
    lead.team_id = team.id
    db.session.commit()
    today = utcnow().astimezone(ZoneInfo("Europe/Berlin")).date()
    series_id = weekly_series(team.id, lead.id, today - timedelta(days=7))
    db.session.commit()
    week = week_row(db.session.get(SessionSeries, series_id), today)
    ids = []
    for words in ("Flaky tests on the payments queue", "The queue tests fail at random", "Retries done right"):
        row = Learning(week_id=week.id, author_id=aino.id, kind=LearningKind.STUCK, text=words)
        db.session.add(row)
        db.session.flush()
        ids.append(row.id)
    running.start(week.id)
    running.change_phase(week.id, "review", "read")
    running.change_phase(week.id, "read", "group")
    db.session.commit()
    return f"/sessions/{series_id}/weeks/{today.isoformat()}/run", ids, make.PASSWORD


@contextmanager
def device(browser, base_url, email, password, viewport=None):
    context = browser.new_context(base_url=base_url, viewport=viewport or {"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, email, password)
        yield page
    finally:
        context.close()


def test_what_one_does_the_other_sees_within_two_seconds(browser, live_server, retro):
    run, (flaky, random_fail, retries), password = retro
    with (
        device(browser, live_server, "lena@example.com", password) as lead,
        device(browser, live_server, "aino@example.com", password, PHONE) as member,
    ):
        lead.goto(run)
        member.goto(run)
        expect(member.get_by_role("heading", level=1)).to_have_text("Group similar items")
        expect(lead.locator(".retro-clock")).to_contain_text("min left")

        # The lead drags one item onto another: both pages show them grouped.
        words = lead.locator(f"#item-{random_fail} .retro-text")
        words.drag_to(lead.locator(f"#item-{flaky} .retro-text"))
        expect(lead.locator(f"#item-{random_fail}.retro-member")).to_be_visible(timeout=LIVE)
        expect(member.locator(f"#item-{random_fail}.retro-member")).to_be_visible(timeout=LIVE)

        # The lead moves the session on: the member's page follows.
        lead.get_by_role("button", name="Next: Vote").click()
        expect(member.get_by_role("heading", level=1)).to_have_text("Vote", timeout=LIVE)
        expect(lead.locator(".retro-given")).to_have_text("0 votes given")

        # The member votes on the phone: the lead's page counts it.
        item = member.locator(f"#item-{flaky}")
        plus = item.get_by_role("button", name="One vote more")
        box = plus.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
        plus.click()
        expect(item.locator(".retro-mine")).to_have_text("1")
        expect(member.locator(".retro-left")).to_have_text("You have 4 of 5 votes left.")
        expect(lead.locator(".retro-given")).to_have_text("1 vote given", timeout=LIVE)
        expect(lead.locator(".retro-count")).to_contain_text("Voted so far: 1 of 2")
        member.locator(f"#item-{retries}").get_by_role("button", name="One vote more").click()
        expect(lead.locator(".retro-given")).to_have_text("2 votes given", timeout=LIVE)

        # On the phone, nothing scrolls sideways.
        assert member.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_lead_groups_with_the_keyboard(browser, live_server, retro):
    run, (flaky, random_fail, _), password = retro
    with (
        device(browser, live_server, "lena@example.com", password) as lead,
        device(browser, live_server, "aino@example.com", password, PHONE) as member,
    ):
        lead.goto(run)
        member.goto(run)
        choose = lead.locator(f"#item-{random_fail}").get_by_label("Group under")
        choose.focus()
        lead.keyboard.press("ArrowDown")  # the first other item: Flaky tests...
        expect(choose).to_have_value(str(flaky))
        lead.keyboard.press("Tab")
        expect(lead.locator(f"#item-{random_fail}").get_by_role("button", name="Group")).to_be_focused()
        lead.keyboard.press("Enter")
        expect(lead.locator(f"#item-{random_fail}.retro-member")).to_be_visible()
        expect(member.locator(f"#item-{random_fail}.retro-member")).to_be_visible(timeout=LIVE)
        assert member.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


WIDER = """[...document.querySelectorAll("*")]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
  .map((e) => e.tagName + "." + e.className).slice(0, 10)"""


def test_the_members_phone_view_fits_in_each_phase(browser, live_server, retro):
    run, _, password = retro
    week_id = week_row_of(run).id
    with device(browser, live_server, "aino@example.com", password, PHONE) as member:
        member.goto(run.rsplit("/", 1)[0])  # the week's page, where a learning is added
        assert member.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), member.evaluate(WIDER)
        for seen, to in (("group", "read"), ("read", "group"), ("group", "vote"), ("vote", "discuss")):
            running.change_phase(week_id, seen, to)
            db.session.commit()
            member.goto(run)
            expect(member.locator(".retro-step-current")).to_contain_text(to.title()[:4])
            fits = member.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert fits, (to, member.evaluate(WIDER))


def week_row_of(run: str):
    from sessions.models import SessionWeek

    day = run.split("/")[-2]
    return db.session.scalar(sa.select(SessionWeek).where(SessionWeek.day == date.fromisoformat(day)))
