"""In a real browser: an admin invites a new colleague, who opens the link from the mail,
sets a password and lands signed in."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.signing_in import sign_in

pytestmark = pytest.mark.browser
LINK = re.compile(r"http://localhost(/join/[A-Za-z0-9._-]+)")


def test_an_invited_colleague_sets_a_password_and_lands_signed_in(page, make, smtp, jobs):
    admin = make.admin(name="Ada Admin", email="ada@example.com")
    sign_in(page, admin.email, make.PASSWORD)
    page.goto("/admin/people/new")
    page.get_by_label("Name").fill("Grace Hopper")
    page.get_by_label("Email", exact=True).fill("grace@example.com")
    page.get_by_label("Send an invitation").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("an invitation is on its way to grace@example.com")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    jobs.run()
    [message] = smtp.messages()
    [path] = LINK.findall(message.get_body(("plain",)).get_content())
    page.goto(path)
    expect(page.get_by_role("heading", name="Welcome to Unstuck")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("tulip orbit canyon 42")
    page.get_by_label("New password again").fill("tulip orbit canyon 42")
    page.get_by_role("button", name="Set my password").click()

    expect(page.get_by_text("Welcome to Unstuck: your password is set.")).to_be_visible()
    page.goto("/profile")
    expect(page.get_by_role("heading", name="Grace Hopper")).to_be_visible()
