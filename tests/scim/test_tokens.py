"""Who may call /scim/v2: only an identity provider with a live SCIM token, which an admin
makes (shown once) and revokes; neither an API token nor a browser session opens it. Calls
are limited per token. And what deactivation by the directory ends: sign-ins and tokens."""

from __future__ import annotations

import pytest

from app.auth.models import ApiToken
from app.extensions import db
from app.scim.models import ScimToken
from tests.factories import Factories
from tests.scim.conftest import Directory, assert_scim_error


def test_without_a_token_the_answer_is_401_with_a_scim_error(client, saved):
    before = saved()
    response = client.get("/scim/v2/Users")
    assert_scim_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_scim_error(client.post("/scim/v2/Users", json={"userName": "a@example.com"}), 401)
    assert saved() == before


@pytest.mark.parametrize(
    "header",
    ["Bearer scim_wrong", "Bearer ", "Basic c2NpbTpzZWNyZXQ=", "scim_notbearer", "Bearer unst_not-an-api-token"],
)
def test_a_wrong_token_is_refused(directory, header):
    response = directory.client.get("/scim/v2/Users", headers={"Authorization": header})
    assert_scim_error(response, 401)


def test_an_api_token_even_an_admins_is_refused(client, make):
    _, secret = ApiToken.issue(make.admin(), "laptop")
    db.session.commit()
    assert_scim_error(Directory(client, secret).get("/Users"), 401)
    assert client.get("/api/v1/people/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_a_signed_in_admins_browser_is_refused(client, auth, make):
    auth.sign_in(make.admin())
    assert_scim_error(client.get("/scim/v2/Users"), 401)


def test_an_admin_makes_a_token_shown_once_that_works_until_revoked(client, auth, make):
    auth.sign_in(make.admin(name="Hannah Admin"))

    page = client.post("/admin/scim-tokens", data={"name": "Okta"})
    assert page.status_code == 200
    secret = page.get_data(as_text=True).split('id="new-token">', 1)[1].split("<", 1)[0]
    assert secret.startswith("scim_")
    listing = client.get("/admin/scim-tokens").get_data(as_text=True)
    assert "Okta" in listing and "Hannah Admin" in listing and secret not in listing

    okta = Directory(client, secret)
    assert okta.get("/Users").status_code == 200
    token = db.session.scalar(db.select(ScimToken).where(ScimToken.name == "Okta"))
    assert token.hint == secret[:10] and token.token_hash != secret
    assert client.post(f"/admin/scim-tokens/{token.id}/revoke").status_code == 302
    assert_scim_error(okta.get("/Users"), 401)
    assert "revoked" in client.get("/admin/scim-tokens").get_data(as_text=True)


def test_a_token_needs_a_name_and_only_admins_make_or_revoke_them(client, auth, make, scim_token):
    scim_token()
    admin = make.admin()
    auth.sign_in(admin)
    assert client.post("/admin/scim-tokens", data={"name": ""}).status_code == 400
    auth.sign_out()
    auth.sign_in(make.user())
    assert client.get("/admin/scim-tokens").status_code == 403
    assert client.post("/admin/scim-tokens", data={"name": "Mine"}).status_code == 403
    assert client.post("/admin/scim-tokens/1/revoke").status_code == 403


def test_calls_are_limited_per_token(app, client, scim_token):
    app.config["RATELIMIT_SCIM"] = "2 per minute"
    first, second = Directory(client, scim_token("Okta")), Directory(client, scim_token("Entra"))

    assert [first.get("/Users").status_code for _ in range(2)] == [200, 200]
    refused = first.get("/Users")
    assert_scim_error(refused, 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert second.get("/Users").status_code == 200


def test_deactivation_by_the_directory_ends_sign_ins_and_api_tokens(app, directory, make):
    ada = make.user(email="ada@example.com")
    _, api_secret = ApiToken.issue(ada, "laptop")
    db.session.commit()
    browser = app.test_client()
    assert (
        browser.post("/sign-in", data={"email": "ada@example.com", "password": Factories.PASSWORD}).status_code == 302
    )
    assert browser.get("/profile").status_code == 200

    response = directory.patch(f"/Users/{ada.id}", {"op": "replace", "value": {"active": False}})

    assert response.status_code == 200
    assert browser.get("/profile").status_code == 302  # sent to sign in
    again = browser.post("/sign-in", data={"email": "ada@example.com", "password": Factories.PASSWORD})
    assert again.status_code != 302
    api = app.test_client().get("/api/v1/people/me", headers={"Authorization": f"Bearer {api_secret}"})
    assert api.status_code == 401


def test_delete_by_the_directory_ends_sign_ins_too(app, directory, make):
    bo = make.user(email="bo@example.com")
    browser = app.test_client()
    browser.post("/sign-in", data={"email": "bo@example.com", "password": Factories.PASSWORD})

    assert directory.delete(f"/Users/{bo.id}").status_code == 204

    assert browser.get("/profile").status_code == 302
