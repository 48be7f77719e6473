"""Every page fits a phone and a desktop: Chromium opens each page a signed-in new hire, mentor,
lead and admin reach by links (the page walk of tests/security/test_headers.py) at 390 × 844
(Chromium's phone size) and at 1280 × 800, with long addresses, words and code in what people
wrote, and nothing on it is wider than the screen or sticks out past its edge, so nobody
scrolls sideways. The navigation is one line on a desktop, for every role (a lead who mentors
and administers too), and a menu on a phone that opens with a click and with the keyboard.

Layout does not depend on the database: these run on SQLite only, which keeps the time down.
Screenshots of each person's home page at both sizes go to test-artifacts/phones/.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from app.people.models import Role
from tests.e2e.signing_in import sign_in
from tests.security.access_scene import Words, build_scene
from tests.security.test_headers import WALKERS, walk

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"])]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SCREENSHOTS = "test-artifacts/phones"
# Text that does not wrap by itself: a long address, a long identifier, a line of code.
ADDRESS = "https://ci.example.com/payments/ledger/pipelines/1234567890123456789/jobs/deploy/artifacts/log.txt"
WORD = "invoices_2026_vat_adjustments_temporary_backfill_staging_table"
LONG = Words(
    goal=f"Run the billing migration {WORD}",
    stuck=f"It fails with `relation {WORD} does not exist`, see {ADDRESS}\n\n"
    f'```\nERROR:  relation "{WORD}" does not exist at character 1234567 (SQLSTATE 42P01) {WORD}\n```',
    answer=f"Run `ALTER TABLE {WORD} ADD COLUMN vat_rate_in_basis_points_for_the_reverse_charge integer` first: {ADDRESS}",
    learning=f"Feature flags make deploys boring: {ADDRESS}",
    action=f"Write the deploy runbook for {WORD}",
    description=f"Bring one thing you learned. Notes: {ADDRESS}",
    task_title=f"Add VAT to invoices in {WORD}",
)

# The outermost elements wider than the screen or reaching past its left or right edge, and the
# elements whose own text reaches past it (a line that does not wrap), each as its tag, classes,
# edges and the start of its text, so that a failure says where.
WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const out = (box) => (box.width > 0 || box.height > 0)
    && (box.width > width + 0.5 || box.right > width + 0.5 || box.left < -0.5);
  const wide = (element) => out(element.getBoundingClientRect());
  const found = new Set();
  const describe = (element, box) => {
    const classes = (element.getAttribute("class") || "").trim().split(/\\s+/).filter(Boolean);
    const text = (element.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60);
    found.add(`<${[element.tagName.toLowerCase(), ...classes].join(".")}> from ${Math.round(box.left)} `
      + `to ${Math.round(box.right)}: ${text}`);
  };
  for (const element of document.body.querySelectorAll("*")) {
    if (wide(element) && !(element.parentElement && wide(element.parentElement))) {
      describe(element, element.getBoundingClientRect());
    }
  }
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (texts.nextNode()) {
    const parent = texts.currentNode.parentElement;
    if (!texts.currentNode.textContent.trim() || !parent.checkVisibility() || wide(parent)) continue;
    range.selectNodeContents(texts.currentNode);
    const box = range.getBoundingClientRect();
    if (out(box)) describe(parent, box);
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide: [...found]};
}"""

# Where each visible item of the top bar is, to tell whether the bar is one line.
TOP_BAR_ITEMS = """() => [...document.querySelectorAll(
  "header.top a, header.top summary, header.top button, header.top .who")]
  .filter((element) => element.checkVisibility())
  .map((element) => { const box = element.getBoundingClientRect();
    return {name: element.textContent.trim(), top: box.top, bottom: box.bottom}; })"""


def pages_by_role(app, client, auth, scene) -> dict[str, list[str]]:
    """The addresses of the pages each person reaches by links, as the security walk finds them."""
    pages = {}
    for role in WALKERS:
        auth.sign_in(scene.people[role])
        pages[role] = [url for url, (status, _) in walk(app, client, scene).items() if status == 200]
        auth.sign_out()
    return pages


def signed_in(browser, live_server, email: str, password: str) -> dict:
    """Sign in once through the form; the cookies, for every context of that person."""
    context = browser.new_context(base_url=live_server)
    try:
        page = context.new_page()
        sign_in(page, email, password)
        expect(page.get_by_role("button", name="Sign out")).to_be_attached()
        return context.storage_state()
    finally:
        context.close()


def test_every_page_fits_a_phone_and_a_desktop(app, client, auth, make, jobs, browser, live_server):
    scene = build_scene(make, LONG)
    pages = pages_by_role(app, client, auth, scene)
    assert sum(map(len, pages.values())) > 150  # the walk really went through the site
    os.makedirs(SCREENSHOTS, exist_ok=True)
    too_wide, looked_at = {}, 0
    for role, urls in pages.items():
        cookies = signed_in(browser, live_server, scene.people[role].email, make.PASSWORD)
        for size, viewport in SIZES.items():
            context = browser.new_context(base_url=live_server, viewport=viewport, storage_state=cookies)
            context.set_default_timeout(10_000)
            page = context.new_page()
            try:
                for url in urls:
                    response = page.goto(url)
                    assert response.ok, (role, url)
                    if not response.headers.get("content-type", "").startswith("text/html"):
                        continue  # the API's description, say
                    looked_at += 1
                    found = page.evaluate(WIDER_THAN_THE_SCREEN)
                    if found["scrollWidth"] > found["innerWidth"] or found["wide"]:
                        too_wide[f"{role} {size} {url}"] = found
                page.goto("/")
                page.screenshot(path=f"{SCREENSHOTS}/{role}-{size}.png", full_page=True)
            finally:
                context.close()
    assert not too_wide, "wider than the screen:\n" + "\n".join(
        f"{where}: the page is {found['scrollWidth']} px wide; " + "; ".join(found["wide"])
        for where, found in too_wide.items()
    )
    assert looked_at > 300


@pytest.fixture
def everyone(make):
    """One person of each role, and a lead who mentors and administers too: the longest bar."""
    team = make.team(name="Payments")
    return {
        "new hire": make.user(name="Nina New", roles=(Role.NEW_HIRE,), team=team),
        "mentor": make.user(name="Mia Mentor", roles=(Role.MENTOR,), team=team),
        "lead": make.user(name="Lena Lead", roles=(Role.LEAD,), team=team),
        "admin": make.admin(name="Ada Admin"),
        "lead, mentor and admin": make.user(
            name="Maximilian Alexander Oberhuber-Castellanos", roles=(Role.LEAD, Role.MENTOR, Role.ADMIN), team=team
        ),
    }


def test_the_navigation_is_one_line_on_a_desktop_and_a_menu_on_a_phone(browser, live_server, make, everyone):
    for who, person in everyone.items():
        cookies = signed_in(browser, live_server, person.email, make.PASSWORD)
        context = browser.new_context(base_url=live_server, viewport=SIZES["desktop"], storage_state=cookies)
        try:
            page = context.new_page()
            page.goto("/help/knowledge")
            nav = page.get_by_role("navigation", name="Main")
            for name in ("Home", "My questions", "Knowledge base", "Sessions", "Feedback", "Profile"):
                expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
            expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
            items = page.evaluate(TOP_BAR_ITEMS)
            brand = next(item for item in items if item["name"] == "Unstuck")
            lower = [item["name"] for item in items if item["top"] >= brand["bottom"] or item["bottom"] <= brand["top"]]
            assert lower == [], f"{who}: the bar wraps"
            if person.has_role(Role.ADMIN):
                # The admin's pages are one entry that opens a list.
                people = nav.get_by_role("link", name="People", exact=True)
                expect(people).to_be_hidden()
                nav.get_by_text("Admin", exact=True).click()
                people.click()
                expect(page.get_by_role("heading", level=1)).to_have_text("People")
            else:
                expect(nav.get_by_text("Admin", exact=True)).to_have_count(0)

            page.set_viewport_size(SIZES["phone"])
            page.goto("/help/knowledge")
            menu = page.locator("header.top summary", has_text="Menu")
            expect(menu).to_be_visible()
            expect(nav.get_by_role("link", name="Knowledge base")).to_be_hidden()
            menu.click()
            expect(nav.get_by_role("link", name="Knowledge base")).to_be_visible()
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
            menu.click()
            expect(nav.get_by_role("link", name="Knowledge base")).to_be_hidden()
            # By keyboard: Tab from the top of the page reaches the menu, Enter opens it.
            page.goto("/help/knowledge")
            for _ in range(3):
                page.keyboard.press("Tab")
                if menu.evaluate("(element) => element === document.activeElement"):
                    break
            expect(menu).to_be_focused()
            page.keyboard.press("Enter")
            expect(nav.get_by_role("link", name="Knowledge base")).to_be_visible()
            page.keyboard.press("Tab")
            expect(nav.get_by_role("link", name="Home")).to_be_focused()
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{live_server}/")
        finally:
            context.close()
