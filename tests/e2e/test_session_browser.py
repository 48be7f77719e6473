"""In a real browser: a lead sets up the weekly session, members add learnings, and the lead
runs the retro from the agenda to the summary, which goes by email to the people who were there."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.people.models import Role
from sessions.models import ActionItem, Phase, SessionSeries, SessionWeek
from tests.e2e.signing_in import sign_in

pytestmark = pytest.mark.browser

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def test_a_lead_runs_a_session_from_agenda_to_summary(browser, live_server, page, make, jobs, smtp):
    lead = make.user(name="Lena Vogel", email="lena@example.com", roles=(Role.LEAD,), timezone="Europe/Berlin")
    team = make.team(name="Payments", lead=lead)
    aino = make.user(name="Aino Virtanen", email="aino@example.com", timezone="Europe/Helsinki")
    ben = make.user(name="Ben Okafor", email="ben@example.com", timezone="Europe/London")
    for person in (lead, aino, ben):
        person.team_id = team.id
    db.session.commit()
    session_day = date.today() + timedelta(days=1)  # the first session is tomorrow

    # The lead sets the series up.
    sign_in(page, "lena@example.com", make.PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name="New series").click()
    page.get_by_label("Title").fill("What did we learn?")
    page.get_by_label("Weekday").select_option(label=WEEKDAYS[session_day.weekday()])
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Length in minutes").fill("30")
    page.get_by_label("Time zone").fill("Europe/Berlin")
    page.get_by_label("First date").fill(date.today().isoformat())
    page.get_by_role("button", name="Save series").click()
    expect(page.get_by_role("heading", name="What did we learn?")).to_be_visible()
    series = db.session.scalar(sa.select(SessionSeries))
    assert {m.user_id for m in series.members} == {lead.id, aino.id, ben.id}

    # Everyone's calendar gets the invite through the SMTP server.
    jobs.run()
    invites = {m["To"].addresses[0].addr_spec: m for m in smtp.messages()}
    assert set(invites) == {"lena@example.com", "aino@example.com", "ben@example.com"}
    assert "METHOD:REQUEST" in calendar_of(invites["aino@example.com"])

    # Two members add learnings on their own devices; each sees only their own.
    for email, kind, text in (
        ("aino@example.com", "Where I got stuck", "Flaky integration tests on the payments queue"),
        ("ben@example.com", "What I learned", "How to retry a payment idempotently"),
        ("ben@example.com", "Where I got stuck", "The payments queue tests fail at random"),
    ):
        add_learning(browser, live_server, email, make.PASSWORD, series.id, session_day, kind, text)

    # The lead opens the week: the agenda counts the entries but does not show them yet.
    page.goto(f"/sessions/{series.id}")
    page.locator(f"tr[data-day='{session_day.isoformat()}']").get_by_role("link", name="Learnings and agenda").click()
    expect(page.locator("body")).to_contain_text("3")
    expect(page.locator("body")).not_to_contain_text("Flaky integration tests")

    # ... and runs it.
    page.goto(f"/sessions/{series.id}/weeks/{session_day.isoformat()}/run")
    # The session is tomorrow: starting it today is asked first, in words.
    expect(page.locator("#retro-early")).to_contain_text("start it today anyway?")
    page.get_by_role("button", name="Start it today anyway").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review")
    page.get_by_role("button", name="Next: Read learnings").click()
    expect(page.locator("#retro-read")).to_contain_text("Flaky integration tests on the payments queue")
    expect(page.locator("#retro-read")).to_contain_text("How to retry a payment idempotently")
    expect(page.locator("#retro-read")).not_to_contain_text("Aino")  # anonymous by default

    page.get_by_role("button", name="Next: Group").click()
    flaky = learning_id("Flaky integration tests on the payments queue")
    random_fail = learning_id("The payments queue tests fail at random")
    item = page.locator(f"#item-{random_fail}")
    item.get_by_label("Group under").select_option(value=str(flaky))
    item.get_by_role("button", name="Group").click()
    expect(page.locator(f"#item-{random_fail}.retro-member")).to_be_visible()

    page.get_by_role("button", name="Next: Vote").click()
    tap(page, flaky, 3)
    tap(page, learning_id("How to retry a payment idempotently"), 2)
    expect(page.locator(".retro-left")).to_have_text("You have 0 of 5 votes left.")
    vote_as(
        browser,
        live_server,
        "aino@example.com",
        make.PASSWORD,
        series.id,
        session_day,
        flaky,
        2,
    )

    page.get_by_role("button", name="Next: Discuss").click()
    top = page.locator(".retro-top li").first
    expect(top).to_contain_text("Flaky integration tests on the payments queue")
    expect(top).to_contain_text("5 votes")
    page.get_by_label("What will be done?").fill("Quarantine the flaky queue tests and file a fix")
    page.get_by_label("Owner").select_option(label="Ben Okafor")
    page.get_by_label("Due").fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Add action item").click()
    expect(page.locator("#retro-actions")).to_contain_text("Quarantine the flaky queue tests")

    page.get_by_role("checkbox", name="Ben Okafor").uncheck()  # Ben was away
    page.get_by_role("button", name="Close and send summary").click()
    page.get_by_role("link", name="Read the summary").click()
    summary = page.locator("main")
    expect(summary).to_contain_text("Flaky integration tests on the payments queue")
    expect(summary).to_contain_text("Quarantine the flaky queue tests and file a fix")
    expect(summary).to_contain_text("Ben Okafor")

    # The summary goes by email to the people who were there, once.
    db.session.expire_all()
    week = db.session.scalar(sa.select(SessionWeek).where(SessionWeek.day == session_day))
    assert week.phase == Phase.CLOSED
    action = db.session.scalar(sa.select(ActionItem))
    assert (action.owner_id, action.done_at) == (ben.id, None)
    smtp.received.clear()
    jobs.run()
    jobs.run()
    summaries = smtp.messages()
    assert sorted(m["To"].addresses[0].addr_spec for m in summaries) == ["aino@example.com", "lena@example.com"]
    text = summaries[0].get_body(("plain",)).get_content()
    assert "Quarantine the flaky queue tests and file a fix" in text and "Ben Okafor" in text


def calendar_of(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return part.get_content()


def learning_id(text: str) -> int:
    from sessions.models import Learning

    db.session.expire_all()
    return db.session.scalar(sa.select(Learning.id).where(Learning.text == text))


@contextmanager
def own_device(browser, base_url, email, password):
    """A member's page in a browser of their own, signed in; closed afterwards."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    try:
        sign_in(page, email, password)
        yield page
    finally:
        context.close()


def add_learning(browser, base_url, email, password, series_id, day, kind, text) -> None:
    """A member adds one learning on the week's page, in a browser of their own."""
    with own_device(browser, base_url, email, password) as page:
        page.goto(f"/sessions/{series_id}/weeks/{day.isoformat()}")
        page.get_by_label(kind).check()
        page.get_by_label("In a sentence or two").fill(text)
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.locator("#mine")).to_contain_text(text)


def tap(page, item_id: int, times: int) -> None:
    """Tap an item's + `times` times, each tap saved before the next."""
    item = page.locator(f"#item-{item_id}")
    for n in range(1, times + 1):
        item.get_by_role("button", name="One vote more").click()
        expect(item.locator(".retro-mine")).to_have_text(str(n))


def vote_as(browser, base_url, email, password, series_id, day, item_id, count) -> None:
    """A member votes on the run page from their own device."""
    with own_device(browser, base_url, email, password) as page:
        page.goto(f"/sessions/{series_id}/weeks/{day.isoformat()}/run")
        tap(page, item_id, count)
        expect(page.locator(".retro-left")).to_have_text(f"You have {5 - count} of 5 votes left.")
