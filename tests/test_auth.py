"""Signing in and out, redirects after sign-in, and the error pages a person meets."""

import pytest

from app.factory import create_app
from app.people.models import Role


def test_sign_in_takes_a_person_home(client, make):
    user = make.user(name="Ada Lovelace")
    response = client.post("/sign-in", data={"email": user.email, "password": make.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Hello, Ada Lovelace" in client.get("/").get_data(as_text=True)


def test_email_is_matched_regardless_of_case(client, make):
    make.user(email="grace@example.com")
    response = client.post("/sign-in", data={"email": "  Grace@Example.COM ", "password": make.PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "email, password",
    [
        ("known", "wrong password"),
        ("nobody@example.com", "correct horse battery"),
    ],
)
def test_wrong_credentials_get_one_clear_message(client, make, email, password):
    user = make.user()
    response = client.post("/sign-in", data={"email": user.email if email == "known" else email, "password": password})
    assert response.status_code == 400
    assert "do not match an account" in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302  # still signed out


def test_deactivated_people_cannot_sign_in(client, make):
    user = make.user(active=False)
    response = client.post("/sign-in", data={"email": user.email, "password": make.PASSWORD})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "next_url, lands_on",
    [
        ("/profile", "/profile"),
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirect_stays_on_this_site(client, make, next_url, lands_on):
    user = make.user()
    response = client.post("/sign-in", data={"email": user.email, "password": make.PASSWORD, "next": next_url})
    assert response.headers["Location"] == lands_on


def test_a_page_behind_sign_in_sends_you_to_sign_in_and_back(client, make):
    user = make.user()
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/profile")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/profile"' in page
    response = client.post("/sign-in", data={"email": user.email, "password": make.PASSWORD, "next": "/profile"})
    assert response.headers["Location"] == "/profile"


def test_remember_me_sets_a_lasting_cookie(client, make):
    user = make.user()
    client.post("/sign-in", data={"email": user.email, "password": make.PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_there_is_no_lasting_cookie(client, make):
    user = make.user()
    client.post("/sign-in", data={"email": user.email, "password": make.PASSWORD})
    assert client.get_cookie("remember_token") is None


def test_sign_out_ends_the_session(client, make, auth):
    auth.sign_in(make.user())
    assert client.get("/sign-out").status_code == 405  # a link cannot sign you out
    assert auth.sign_out().status_code == 302
    assert client.get("/profile").status_code == 302


def test_passwords_are_stored_hashed(make):
    user = make.user()
    assert make.PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


@pytest.mark.parametrize(
    "role, status",
    [
        (None, 302),
        (Role.NEW_HIRE, 403),
        (Role.MENTOR, 403),
        (Role.LEAD, 403),
        (Role.ADMIN, 200),
    ],
)
def test_admin_pages_need_the_admin_role(client, make, auth, role, status):
    if role is not None:
        auth.sign_in(make.user(roles=(role,)))
    assert client.get("/admin/people").status_code == status


def test_forbidden_page_explains(client, make, auth):
    auth.sign_in(make.user())
    response = client.get("/admin/people")
    assert response.status_code == 403
    assert "You do not have access to this." in response.get_data(as_text=True)


def test_not_found_is_a_page_for_people_and_json_for_the_api(client, make, auth):
    auth.sign_in(make.user())
    page = client.get("/no/such/page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Not found" in page.get_data(as_text=True)
    api = client.get("/api/v1/no/such/thing")
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == "not_found"


def test_anonymous_post_is_refused_with_401(client):
    response = client.post("/profile", data={"timezone": "UTC"})
    assert response.status_code == 401
    assert "Please sign in" in response.get_data(as_text=True)


def test_forms_refuse_a_missing_csrf_token(app, client, make, auth):
    user = make.user(timezone="Europe/Berlin")
    auth.sign_in(user)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/profile", data={"timezone": "Asia/Tokyo", "work_start": "09:00", "work_end": "17:00"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    from app.extensions import db

    db.session.refresh(user)
    assert user.timezone == "Europe/Berlin"


def test_outside_the_tests_passwords_use_scrypt():
    from app.people.models import User
    from config import Config

    app = create_app(Config, SQLALCHEMY_DATABASE_URI="sqlite://", SECRET_KEY="not kept in instance/")
    with app.app_context():
        user = User()
        user.set_password("a long passphrase")
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password("a long passphrase") and not user.check_password("wrong")
    app.extensions["jobs"].connection.close()


def test_pages_cannot_be_framed_but_the_help_panel_can(client, make, auth):
    auth.sign_in(make.user())
    page = client.get("/profile")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    panel = client.get("/help/embed")
    assert "X-Frame-Options" not in panel.headers
    assert "frame-ancestors *" in panel.headers["Content-Security-Policy"]
