"""The sign-in page with single sign-on: its button, and passwords when single sign-on is
required (refused, but for the break-glass admins)."""

from __future__ import annotations

import pytest

from app.people.models import Role

ISSUER = "http://127.0.0.1:9"  # never asked: these pages do not call the provider


@pytest.fixture
def sso_on(app):
    app.config.update(OIDC_ISSUER=ISSUER, OIDC_CLIENT_ID="unstuck", SSO_NAME="Example Login")
    return app


def test_without_single_sign_on_the_page_has_no_button(client):
    page = client.get("/sign-in")

    assert "Sign in with" not in page.text
    assert "/sso/oidc/start" not in page.text
    assert client.get("/sso/oidc/start").status_code == 404
    assert client.get("/sso/oidc/callback?state=x&code=y").status_code == 404


def test_the_button_leads_to_the_provider_keeping_where_the_person_was_going(sso_on, client):
    page = client.get("/sign-in?next=/help/ask")

    assert '<a class="button primary" href="/sso/oidc/start?next=/help/ask">Sign in with Example Login</a>' in page.text
    assert 'name="password"' in page.text  # passwords still work: single sign-on is not required


def test_required_single_sign_on_refuses_passwords_and_points_to_the_button(sso_on, client, make):
    sso_on.config.update(SSO_REQUIRED=True)
    mentor = make.user(email="mia@example.com", roles=(Role.MENTOR,))

    page = client.post("/sign-in", data={"email": mentor.email, "password": make.PASSWORD})

    assert page.status_code == 400
    assert "use the \u201cSign in with Example Login\u201d button above" in page.text
    assert client.get("/").status_code == 302  # not signed in


def test_required_single_sign_on_lets_a_break_glass_admin_in_with_a_password(sso_on, client, make):
    sso_on.config.update(SSO_REQUIRED=True, SSO_BREAK_GLASS="Root@Example.com, other@example.com")
    root = make.user(email="root@example.com", roles=(Role.ADMIN,))
    other_admin = make.user(email="hannah@example.com", roles=(Role.ADMIN,))

    refused = client.post("/sign-in", data={"email": other_admin.email, "password": make.PASSWORD})
    signed_in = client.post("/sign-in", data={"email": root.email, "password": make.PASSWORD})

    assert refused.status_code == 400
    assert signed_in.status_code == 302
    assert client.get("/").status_code == 200


def test_required_single_sign_on_leads_with_the_button(sso_on, client):
    sso_on.config.update(SSO_REQUIRED=True)

    page = client.get("/sign-in").text

    assert page.index("Sign in with Example Login") < page.index('name="password"')
    assert "<summary>Admins: sign in with a password while Example Login is down</summary>" in page
