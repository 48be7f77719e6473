"""Signing in with OpenID Connect through the real provider: who gets in, who is added at
their first sign-in, and who is refused (with a page that says why and nothing saved)."""

from __future__ import annotations

import requests
import sqlalchemy as sa

from app.extensions import db
from app.people.models import Role, User
from app.sso.models import ExternalIdentity
from tests.sso.openid_provider import signed_in_name


def sign_in(openid_provider, url: str, account: str, next_path: str = "") -> tuple[requests.Session, requests.Response]:
    """Press "Sign in with ..." in a new browser, as `account` at the provider."""
    openid_provider.sign_in_as(account)
    browser = requests.Session()
    response = browser.get(f"{url}/sso/oidc/start", params={"next": next_path} if next_path else None, timeout=10)
    return browser, response


def links() -> list[tuple[str, str, str]]:
    db.session.remove()
    rows = db.session.execute(
        sa.select(User.email, ExternalIdentity.issuer, ExternalIdentity.subject).join(ExternalIdentity.user)
    )
    return sorted(tuple(row) for row in rows)


def emails() -> list[str]:
    db.session.remove()
    return sorted(db.session.scalars(sa.select(User.email)))


def test_a_person_is_found_by_their_verified_email_and_lands_where_they_were_going(make, openid_provider, sso_server):
    make.user(name="Ada L.", email="ada@example.com")
    url = sso_server()

    browser, page = sign_in(openid_provider, url, "ada", next_path="/profile")

    assert page.status_code == 200
    assert page.url == f"{url}/profile"
    assert signed_in_name(browser, url) == "Ada L."
    assert links() == [("ada@example.com", openid_provider.issuer, "ada")]


def test_once_linked_the_provider_account_not_the_email_says_who_signs_in(make, openid_provider, sso_server):
    ada = make.user(name="Ada L.", email="ada@example.com")
    url = sso_server()
    sign_in(openid_provider, url, "ada")
    ada = db.session.get(User, ada.id)
    ada.email = "ada.lovelace@example.com"
    db.session.commit()

    browser, page = sign_in(openid_provider, url, "ada")

    assert page.status_code == 200
    assert signed_in_name(browser, url) == "Ada L."
    assert emails() == ["ada.lovelace@example.com"]


def test_the_sign_in_is_a_new_session_that_signing_out_ends(make, openid_provider, sso_server):
    make.user(name="Ada L.", email="ada@example.com")
    url = sso_server()
    browser, _ = sign_in(openid_provider, url, "ada")
    token = browser.get(f"{url}/profile", timeout=10).text.split('name="csrf_token" value="')[1].split('"')[0]

    browser.post(f"{url}/sign-out", data={"csrf_token": token}, timeout=10)

    assert signed_in_name(browser, url) is None


def test_a_new_person_is_added_at_first_sign_in_with_team_and_roles_from_the_claims(make, openid_provider, sso_server):
    payments = make.team("Payments").id
    url = sso_server(SSO_CREATE_PEOPLE=True)

    browser, page = sign_in(openid_provider, url, "ada")

    assert page.status_code == 200
    assert signed_in_name(browser, url) == "Ada Lovelace"
    db.session.remove()
    ada = db.session.scalar(sa.select(User).where(User.email == "ada@example.com"))
    assert (ada.name, set(ada.roles), ada.team_id) == ("Ada Lovelace", {Role.MENTOR}, payments)
    assert links() == [("ada@example.com", openid_provider.issuer, "ada")]


def test_a_group_named_in_group_roles_gives_its_role(make, openid_provider, sso_server):
    make.team("Platform")
    url = sso_server(SSO_CREATE_PEOPLE=True)

    browser, _ = sign_in(openid_provider, url, "ben")

    db.session.remove()
    ben = db.session.scalar(sa.select(User).where(User.email == "ben@example.com"))
    assert set(ben.roles) == {Role.LEAD}
    assert ben.team.name == "Platform"


def test_an_unknown_person_is_refused_when_people_are_not_added(make, openid_provider, sso_server, committed_rows):
    url = sso_server(SSO_CREATE_PEOPLE=False)

    browser, page = sign_in(openid_provider, url, "ada")

    assert page.status_code == 403
    assert "There is no Unstuck account for ada@example.com. Ask your admin to add you." in page.text
    assert 'href="/sign-in"' in page.text
    assert signed_in_name(browser, url) is None
    assert committed_rows(["users", "external_identities", "sign_in_sessions"]) == {
        "users": [],
        "external_identities": [],
        "sign_in_sessions": [],
    }


def test_an_email_the_provider_did_not_verify_is_refused(make, openid_provider, sso_server, committed_rows):
    make.user(email="cy@example.com")
    url = sso_server(SSO_CREATE_PEOPLE=True)

    browser, page = sign_in(openid_provider, url, "cy")

    assert page.status_code == 403
    assert "did not confirm your email address" in page.text
    assert signed_in_name(browser, url) is None
    assert emails() == ["cy@example.com"]
    assert committed_rows(["external_identities"]) == {"external_identities": []}


def test_an_email_linked_to_another_account_of_the_provider_is_refused(make, openid_provider, sso_server):
    ada = make.user(email="ada@example.com")
    db.session.add(ExternalIdentity(user_id=ada.id, issuer=openid_provider.issuer, subject="the-real-ada"))
    db.session.commit()
    url = sso_server()

    browser, page = sign_in(openid_provider, url, "ada")

    assert page.status_code == 403
    assert "linked to another sign-in" in page.text
    assert signed_in_name(browser, url) is None
    assert links() == [("ada@example.com", openid_provider.issuer, "the-real-ada")]


def test_a_deactivated_person_is_refused(make, openid_provider, sso_server, committed_rows):
    make.user(email="ada@example.com", active=False)
    url = sso_server()

    browser, page = sign_in(openid_provider, url, "ada")

    assert page.status_code == 403
    assert "Your Unstuck account is deactivated." in page.text
    assert signed_in_name(browser, url) is None
    assert committed_rows(["external_identities", "sign_in_sessions"]) == {
        "external_identities": [],
        "sign_in_sessions": [],
    }


def test_a_person_already_signed_in_goes_on_where_they_were_going(make, openid_provider, sso_server):
    make.user(name="Ada L.", email="ada@example.com")
    url = sso_server()
    browser, _ = sign_in(openid_provider, url, "ada")

    again = browser.get(f"{url}/sso/oidc/start", params={"next": "/profile"}, allow_redirects=False, timeout=10)

    assert again.headers["Location"] == "/profile"


def test_next_never_leads_off_the_site(make, openid_provider, sso_server):
    make.user(email="ada@example.com")
    url = sso_server()

    _, page = sign_in(openid_provider, url, "ada", next_path="https://evil.example.com/")

    assert page.url == f"{url}/"


def test_pressing_the_button_again_and_again_keeps_the_last_sign_ins_working(make, openid_provider, sso_server):
    make.user(name="Ada L.", email="ada@example.com")
    url = sso_server()
    openid_provider.sign_in_as("ada")
    browser = requests.Session()
    started, sizes = [], []
    for _ in range(8):
        started.append(browser.get(f"{url}/sso/oidc/start", allow_redirects=False, timeout=10))
        sizes.append(len(browser.cookies["session"]))

    assert max(sizes[3:]) < sizes[2] + 100  # the cookie stops growing: only the newest are kept
    page = browser.get(started[-1].headers["Location"], timeout=10)
    assert page.status_code == 200
    assert signed_in_name(browser, url) == "Ada L."
