"""Sign-in sessions on the server: signing out ends one, "Sign out everywhere" ends all of a
person's, and so do their deactivation and a new password; "Keep me signed in" cookies are
secrets of one sign-in that change each time they sign someone back in.

A thief's copy of a cookie is a second test client given the cookie's value.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import ApiToken, SignInSession
from app.extensions import db, utcnow
from app.people.models import Role
from app.people.services import change_password
from tests.factories import Factories

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
REMEMBER = "remember_token"


def sign_in(client, user, remember: bool = False, agent: str = FIREFOX, password: str = Factories.PASSWORD):
    data = {"email": user.email, "password": password, **({"remember": "y"} if remember else {})}
    response = client.post("/sign-in", data=data, headers={"User-Agent": agent})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def signed_in(client) -> bool:
    """Tell whether the client's cookies open a signed-in page."""
    return client.get("/profile").status_code == 200


def copy_of(app, client, *names: str):
    """A second browser holding copies of the client's cookies (all of them, or those named)."""
    thief = app.test_client()
    for cookie in client._cookies.values():
        if not names or cookie.key in names:
            thief.set_cookie(cookie.key, cookie.value)
    return thief


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found is not None else None


def test_signing_out_ends_the_session_for_every_copy_of_its_cookies(app, client, make):
    ada = make.user()
    sign_in(client, ada, remember=True)
    thief = copy_of(app, client)
    assert signed_in(thief)
    client.post("/sign-out")
    assert not signed_in(client)
    assert not signed_in(thief)  # the session cookie names a sign-in that has ended
    only_remember = copy_of(app, thief, REMEMBER)
    assert not signed_in(only_remember)


def test_each_sign_in_gets_a_remember_cookie_of_its_own(app, make):
    ada = make.user()
    first, second = app.test_client(), app.test_client()
    sign_in(first, ada, remember=True)
    sign_in(second, ada, remember=True)
    assert cookie(first, REMEMBER) != cookie(second, REMEMBER)
    first.post("/sign-out")
    assert signed_in(copy_of(app, second, REMEMBER))  # the other sign-in goes on


def test_a_remember_cookie_that_signs_someone_back_in_is_replaced(app, client, make):
    ada = make.user()
    sign_in(client, ada, remember=True)
    old = cookie(client, REMEMBER)
    browser = copy_of(app, client, REMEMBER)  # the browser opened again: no session cookie
    assert signed_in(browser)
    new = cookie(browser, REMEMBER)
    assert new and new != old
    assert signed_in(browser)
    assert cookie(browser, REMEMBER) == new  # replaced once, not on every page
    reopened = copy_of(app, browser, REMEMBER)
    assert signed_in(reopened) and cookie(reopened, REMEMBER) not in (old, new)


def test_an_old_remember_cookie_used_again_ends_that_sign_in(app, client, make):
    app.config["REMEMBER_TOKEN_GRACE_SECONDS"] = 0
    ada = make.user()
    sign_in(client, ada, remember=True)
    stolen = copy_of(app, client, REMEMBER)
    owner = copy_of(app, client, REMEMBER)
    assert signed_in(owner)  # the owner's browser used it first, and got a new one
    assert not signed_in(stolen)  # the thief's copy is the old one
    assert not signed_in(owner)  # so that sign-in has ended, for both of them
    assert not signed_in(copy_of(app, owner, REMEMBER))
    row = db.session.scalar(sa.select(SignInSession).where(SignInSession.user_id == ada.id))
    assert row.ended_at is not None and row.end_reason == "remember cookie used twice"
    sign_in(app.test_client(), ada)  # signing in again works


def test_two_tabs_restored_at_once_with_one_remember_cookie_stay_signed_in(app, client, make):
    ada = make.user()
    sign_in(client, ada, remember=True)
    first, second = copy_of(app, client, REMEMBER), copy_of(app, client, REMEMBER)
    assert signed_in(first)
    assert signed_in(second)  # within moments of the first: the same browser, not a thief
    assert signed_in(first) and signed_in(second)


def test_sign_out_everywhere_lists_and_ends_every_sign_in_of_the_person(app, make):
    ada, bea = make.user(), make.user()
    laptop, phone, tablet = app.test_client(), app.test_client(), app.test_client()
    sign_in(laptop, ada, agent=FIREFOX)
    sign_in(phone, ada, remember=True, agent=SAFARI)
    sign_in(tablet, bea)
    page = laptop.get("/profile").get_data(as_text=True)
    assert "Firefox on Linux" in page and "Safari on iPhone" in page
    assert page.count("This browser") == 1
    phone_cookie = copy_of(app, phone, REMEMBER)

    response = laptop.post("/sign-out/everywhere")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert not signed_in(laptop) and not signed_in(phone) and not signed_in(phone_cookie)
    assert signed_in(tablet)  # someone else's sign-in
    assert "signed out everywhere" in laptop.get("/sign-in").get_data(as_text=True)


def test_deactivating_a_person_ends_their_sign_ins_and_api_tokens_for_good(app, client, make, auth):
    nina = make.user(roles=(Role.NEW_HIRE,))
    ninas = app.test_client()
    sign_in(ninas, nina, remember=True)
    kept = copy_of(app, ninas, REMEMBER)
    _, secret = ApiToken.issue(nina, "laptop")
    db.session.commit()
    api = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/api/v1/people/me", headers=api).status_code == 200
    auth.sign_in(make.admin())
    assert client.post(f"/admin/people/{nina.id}/deactivate").status_code == 302
    assert client.post(f"/admin/people/{nina.id}/reactivate").status_code == 302
    assert not signed_in(ninas) and not signed_in(kept)  # reactivated, but signed out
    assert app.test_client().get("/api/v1/people/me", headers=api).status_code == 401
    sign_in(app.test_client(), nina)


def test_a_new_password_set_by_an_admin_ends_the_persons_sign_ins(app, client, make, auth):
    nina = make.user(email="nina@example.com")
    ninas = app.test_client()
    sign_in(ninas, nina, remember=True)
    kept = copy_of(app, ninas, REMEMBER)
    auth.sign_in(make.admin())
    form = {
        "email": "nina@example.com",
        "name": "Nina",
        "roles": "new_hire",
        "timezone": "UTC",
        "work_start": "09:00",
        "work_end": "17:00",
        "level": "1",
        "max_mentees": "2",
        "max_open_questions": "5",
    }
    assert client.post(f"/admin/people/{nina.id}", data=form).status_code == 302
    assert signed_in(ninas)  # details changed, password kept: nothing ends
    assert client.post(f"/admin/people/{nina.id}", data={**form, "password": "a new passphrase"}).status_code == 302
    assert not signed_in(ninas) and not signed_in(kept)
    sign_in(app.test_client(), nina, password="a new passphrase")


def test_a_new_password_set_through_the_api_ends_the_persons_sign_ins(app, make):
    nina, ada = make.user(), make.admin()
    ninas = app.test_client()
    sign_in(ninas, nina, remember=True)
    _, secret = ApiToken.issue(ada, "script")
    db.session.commit()
    api = {"Authorization": f"Bearer {secret}"}

    def change(changes: dict):
        return app.test_client().patch(f"/api/v1/people/{nina.id}", json=changes, headers=api)

    assert change({"title": "Engineer"}).status_code == 200
    assert signed_in(ninas)
    assert change({"password": "a new passphrase"}).status_code == 200
    assert not signed_in(ninas)


def test_changing_ones_own_password_ends_the_other_sign_ins_and_keeps_this_one(app, make):
    nina = make.user()
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, nina)
    sign_in(elsewhere, nina, remember=True)
    kept = copy_of(app, elsewhere, REMEMBER)
    this_one = db.session.scalars(
        sa.select(SignInSession).where(SignInSession.user_id == nina.id).order_by(SignInSession.id)
    ).first()
    change_password(nina.id, "another passphrase", keep_sign_in_id=this_one.id)
    db.session.commit()
    assert signed_in(here)
    assert not signed_in(elsewhere) and not signed_in(kept)
    with pytest.raises(ValueError, match="at least 10 characters"):
        change_password(nina.id, "short")


def test_a_sign_in_unused_for_longer_than_a_remember_cookie_lasts_has_ended(app, client, make):
    ada = make.user()
    sign_in(client, ada)
    row = db.session.scalar(sa.select(SignInSession).where(SignInSession.user_id == ada.id))
    row.last_seen_at = utcnow() - timedelta(seconds=app.config["REMEMBER_COOKIE_DURATION"], minutes=1)
    db.session.commit()
    assert not signed_in(client)


def test_the_session_cookie_holds_no_person_id_a_forger_could_write(app, client, make):
    from flask.sessions import SecureCookieSessionInterface

    ada = make.admin()
    forged = SecureCookieSessionInterface().get_signing_serializer(app).dumps({"_user_id": str(ada.id), "_fresh": True})
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], forged)
    assert client.get("/admin/people").status_code == 302  # to sign in
