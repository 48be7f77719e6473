"""With single sign-on required, no other way in is left open but for the break-glass admins:
no link to sign in by email, no link that was sent before, and the invitation offers only the
provider's button. Settings that cannot work stop Unstuck at start-up."""

from __future__ import annotations

import re

import pytest

from app.auth.link_views import SIGN_IN_LINK  # noqa: F401  (the route under test)
from app.auth.links import PURPOSE
from app.extensions import db
from app.factory import create_app
from app.people.invitations import invite
from app.people.models import Role
from app.tokens import make_token
from config import TestConfig

ISSUER = "http://127.0.0.1:9"  # never asked: these pages do not call the provider
SIGN_IN_LINK_URL = re.compile(r"http://localhost(/sign-in/email/[A-Za-z0-9._-]+)")
JOIN_URL = re.compile(r"http://localhost(/join/[A-Za-z0-9._-]+)")


@pytest.fixture
def required(app):
    app.config.update(
        OIDC_ISSUER=ISSUER,
        OIDC_CLIENT_ID="unstuck",
        SSO_NAME="Example Login",
        SSO_REQUIRED=True,
        SSO_BREAK_GLASS="root@example.com",
    )
    return app


def links_to(smtp, email: str, pattern) -> list[str]:
    return [
        link
        for message in smtp.messages()
        if message["To"].addresses[0].addr_spec == email
        for link in pattern.findall(message.get_body(("plain",)).get_content())
    ]


def test_a_link_by_email_goes_only_to_a_break_glass_admin(required, client, make, smtp, jobs):
    make.user(email="mia@example.com", roles=(Role.MENTOR,))
    make.user(email="root@example.com", roles=(Role.ADMIN,))
    for email in ("mia@example.com", "root@example.com"):
        answer = client.post("/sign-in/email", data={"email": email})
        assert answer.status_code == 200  # the same answer for both: it tells a stranger nothing
    jobs.run()
    assert links_to(smtp, "mia@example.com", SIGN_IN_LINK_URL) == []
    [link] = links_to(smtp, "root@example.com", SIGN_IN_LINK_URL)
    assert client.post(link).status_code == 302


def test_a_link_sent_before_single_sign_on_was_required_no_longer_signs_in(required, client, make):
    mia = make.user(email="mia@example.com", roles=(Role.MENTOR,))
    token = make_token(PURPOSE, mia.id, user_id=mia.id, single_use=True)
    assert client.get(f"/sign-in/email/{token}").status_code == 400
    assert client.post(f"/sign-in/email/{token}").status_code == 400
    assert client.get("/profile").status_code == 302  # not signed in


def test_the_sign_in_page_offers_the_links_only_inside_the_admins_part(required, client):
    page = client.get("/sign-in").text
    admins_part = page.index("<summary>Admins:")
    assert page.index("/sign-in/email") > admins_part and page.index("/password/forgot") > admins_part


def test_an_invitation_offers_the_provider_and_asks_a_password_only_where_one_is_allowed(app, client, make, smtp, jobs):
    app.config.update(OIDC_ISSUER=ISSUER, OIDC_CLIENT_ID="unstuck", SSO_NAME="Example Login")
    grace = make.user(email="grace@example.com", password=None)
    invite(grace.id, None)
    db.session.commit()
    jobs.run()
    [link] = links_to(smtp, "grace@example.com", JOIN_URL)
    offered = client.get(link).text
    assert "Sign in with Example Login" in offered and 'name="new_password"' in offered

    app.config.update(SSO_REQUIRED=True)
    required_page = client.get(link).text
    assert "Sign in with Example Login" in required_page and 'name="new_password"' not in required_page


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"GROUP_ROLES": "Leads=boss"}, "is not a role"),
        ({"OIDC_ISSUER": ISSUER}, "set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET"),
        ({"SSO_REQUIRED": True}, "no single sign-on is"),
    ],
)
def test_sign_in_settings_that_cannot_work_stop_unstuck_at_start_up(settings, says):
    with pytest.raises(ValueError, match=says):
        create_app(TestConfig, **settings)
