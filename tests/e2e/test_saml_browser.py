"""In a real browser: a person signs in with their company's SAML provider (the test
provider of tests/sso/saml_idp.py) and is back in Unstuck, signed in."""

import pytest
from playwright.sync_api import expect

from tests.sso.saml_flow import serve_unstuck
from tests.sso.saml_idp import running_idp

pytestmark = pytest.mark.browser


@pytest.fixture
def saml_idp(tmp_path):
    with running_idp(tmp_path) as idp:
        yield idp


@pytest.fixture
def live_server(app, backend, prepared_databases, redis_url, saml_idp):
    """The live Unstuck of the browser tests, with single sign-on by SAML on."""
    with serve_unstuck(prepared_databases(backend), redis_url, SAML_IDP_METADATA=str(saml_idp.metadata_file)) as served:
        saml_idp.sp_metadata_url = f"{served.url}/sso/saml/metadata"
        yield served.url


def test_a_person_signs_in_with_the_company_provider(page, make):
    make.user(name="Ada Lovelace", email="ada@example.com")

    page.goto("/profile")
    expect(page).to_have_url(page.url.split("/sign-in")[0] + "/sign-in?next=/profile")
    name = "Sign in with your company account"
    button = page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))
    if button.count():
        button.first.click()
    else:  # a sign-in page without the single sign-on buttons: start where they lead
        page.goto("/sso/saml/start?next=/profile")
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("User name").fill("ada")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    assert page.url.endswith("/profile")
