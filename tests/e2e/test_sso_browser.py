"""In a real browser: signing in with the company's OpenID provider, through its own login
and consent pages (tests/sso/provider), and back in Unstuck."""

import re

import pytest
from playwright.sync_api import expect

from tests.sso.openid_provider import openid_provider, provider_process, sso_port, sso_server  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_mentor_signs_in_with_the_company_account(browser, make, openid_provider, sso_server, request):  # noqa: F811
    make.user(name="Ada Lovelace", email="ada@example.com")
    url = sso_server()
    context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    request.addfinalizer(context.close)

    page.goto("/profile")
    page.get_by_role("link", name="Sign in with Example Login").click()

    expect(page).to_have_url(re.compile(re.escape(f"{openid_provider.issuer}/interaction/")))
    page.get_by_placeholder("Enter any login").fill("ada")
    page.get_by_placeholder("and password").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # consent: Unstuck may read the email, profile, groups

    expect(page).to_have_url(f"{url}/profile")
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    expect(page.locator(".who")).to_have_text("Ada Lovelace")
