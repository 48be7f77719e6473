"""Signing in with a SAML 2.0 provider: the person is found (or added) and signed in."""

import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import sqlalchemy as sa
from saml2 import BINDING_HTTP_POST
from saml2.md import entity_descriptor_from_string

from app.extensions import db
from app.people.models import Role, User
from app.sso.models import ExternalIdentity
from tests.sso.saml_flow import Browser, serve_unstuck
from tests.sso.saml_idp import make_key_pair


def test_a_known_person_signs_in_with_the_provider_and_is_linked(make, saml_idp, browser_http):
    ada = make.user(email="ada@example.com", name="Ada L.")

    answer = browser_http.sign_in("ada", next="/profile")

    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"] == "/profile"
    home = browser_http.home()
    assert home.status_code == 200 and "Ada L." in home.text
    link = db.session.scalar(sa.select(ExternalIdentity))
    assert (link.user_id, link.issuer, link.subject) == (ada.id, saml_idp.entity_id, "idp-0001")


def test_a_new_person_is_added_with_the_team_and_roles_their_attributes_give(make, saml_idp, saml_server, browser_http):
    payments = make.team("Payments")
    saml_server.app.config.update(
        SSO_CREATE_PEOPLE=True, SAML_TEAM_ATTRIBUTE="department", GROUP_ROLES="Mentors=mentor"
    )
    saml_idp.accounts["ben"].update(department="Payments", groups=["Mentors", "Everyone"])

    answer = browser_http.sign_in("ben")

    assert answer.status_code == 302
    ben = db.session.scalar(sa.select(User).where(User.email == "ben@example.com"))
    assert (ben.name, ben.team_id, set(ben.roles)) == ("Ben Okafor", payments.id, {Role.MENTOR})
    assert "Ben Okafor" in browser_http.home().text
    # The next time the provider's id for him says who he is, whatever his email became.
    saml_idp.accounts["ben"]["email"] = "ben.okafor@example.com"
    again = Browser(saml_server)
    assert again.sign_in("ben").status_code == 302
    assert "Ben Okafor" in again.home().text
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1  # still Ben, once


def test_an_unknown_person_is_added_only_when_the_admin_allows_it(saml_idp, saml_server, browser_http):
    assert browser_http.sign_in("ben").status_code == 403
    saml_server.app.config["SSO_CREATE_PEOPLE"] = True

    assert browser_http.sign_in("ben").status_code == 302
    ben = db.session.scalar(sa.select(User).where(User.email == "ben@example.com"))
    assert set(ben.roles) == {Role.NEW_HIRE} and ben.team_id is None


def test_the_metadata_tells_the_provider_where_to_answer(saml_server):
    answer = requests.get(f"{saml_server.url}/sso/saml/metadata", timeout=5)

    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/samlmetadata+xml")
    entity = entity_descriptor_from_string(answer.text)
    assert entity.entity_id == f"{saml_server.url}/sso/saml/metadata"
    (sp,) = entity.spsso_descriptor
    assert sp.want_assertions_signed == "true"
    assert [(acs.location, acs.binding) for acs in sp.assertion_consumer_service] == [
        (f"{saml_server.url}/sso/saml/acs", BINDING_HTTP_POST)
    ]


def test_the_provider_metadata_is_read_from_its_address_and_kept(
    make, saml_idp, app, backend, prepared_databases, redis_url
):
    make.user(email="ada@example.com")
    metadata_url = f"{saml_idp.url}/metadata"
    with serve_unstuck(prepared_databases(backend), redis_url, SAML_IDP_METADATA=metadata_url) as served:
        saml_idp.sp_metadata_url = f"{served.url}/sso/saml/metadata"
        assert Browser(served).sign_in("ada").status_code == 302
        saml_idp.stop()  # the provider's metadata address goes away: the copy read is used
        assert Browser(served).http.get(f"{served.url}/sso/saml/start", allow_redirects=False).status_code == 302


def test_a_provider_that_cannot_be_reached_gets_a_clear_page(app, backend, prepared_databases, redis_url):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}/metadata"
    with serve_unstuck(prepared_databases(backend), redis_url, SAML_IDP_METADATA=nowhere) as served:
        start = requests.get(f"{served.url}/sso/saml/start", timeout=15, allow_redirects=False)

    assert start.status_code == 503 and "is not available right now" in start.text
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_without_xmlsec1_the_pages_say_sso_is_unavailable(saml_server, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")

    start = requests.get(f"{saml_server.url}/sso/saml/start", timeout=5, allow_redirects=False)

    assert start.status_code == 503 and "is not available right now" in start.text


@pytest.mark.parametrize("path", ["/sso/saml/start", "/sso/saml/metadata"])
def test_with_saml_off_its_pages_are_not_there(client, path):
    assert client.get(path).status_code == 404
    assert client.post("/sso/saml/acs", data={"SAMLResponse": "x"}).status_code == 404


def test_with_a_key_of_its_own_unstuck_signs_its_requests(make, saml_idp, app, backend, prepared_databases, redis_url):
    make.user(email="ada@example.com")
    key_file, cert_file = make_key_pair(saml_idp.folder, "unstuck")
    settings = dict(SAML_IDP_METADATA=str(saml_idp.metadata_file), SAML_SP_KEY_FILE=str(key_file))
    with serve_unstuck(prepared_databases(backend), redis_url, SAML_SP_CERT_FILE=str(cert_file), **settings) as served:
        saml_idp.sp_metadata_url = f"{served.url}/sso/saml/metadata"
        (sp,) = entity_descriptor_from_string(requests.get(saml_idp.sp_metadata_url, timeout=5).text).spsso_descriptor
        browser = Browser(served)
        start = browser.http.get(f"{served.url}/sso/saml/start", allow_redirects=False)
        answer = browser.sign_in("ada")

    assert sp.authn_requests_signed == "true"
    certificate = "".join(line for line in cert_file.read_text().splitlines() if "-----" not in line)
    assert certificate in {key.key_info.x509_data[0].x509_certificate.text.strip() for key in sp.key_descriptor}
    assert {"SigAlg", "Signature"} <= set(parse_qs(urlsplit(start.headers["Location"]).query))
    assert answer.status_code == 302


def test_over_https_the_request_cookie_comes_back_with_the_providers_cross_site_post(saml_server):
    saml_server.app.config["SESSION_COOKIE_SECURE"] = True

    start = requests.get(f"{saml_server.url}/sso/saml/start", timeout=5, allow_redirects=False)

    cookie = start.headers["Set-Cookie"]
    assert cookie.startswith("__Host-saml-request=")
    assert {"Secure", "HttpOnly", "SameSite=None", "Path=/"} <= {part.strip() for part in cookie.split(";")}
