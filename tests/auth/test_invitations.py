"""Invitations: an admin adds a person with "Send an invitation"; the mail comes through the
real outbox and SMTP; its link opens a page that asks for a password, and setting one signs
the person in. The link works once, for INVITATION_DAYS, only while it is the latest one
sent, and never for someone deactivated.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.people.invitations import invitation_of, invite
from app.people.models import User
from app.tokens import make_token
from config import Config
from tests.admin.people_pages import admin, person_form  # noqa: F401  (fixture)

LINK = re.compile(r"http://localhost(/join/[A-Za-z0-9._-]+)")
STRONG = "tulip orbit canyon 42"


def join_links(smtp, email: str) -> list[str]:
    """The invitation links in the mail to this address, oldest first."""
    found = []
    for message in smtp.messages():
        if message["To"].addresses[0].addr_spec == email:
            found += LINK.findall(message.get_body(("plain",)).get_content())
    return found


def set_password(client, link: str, password: str = STRONG, again: str | None = None):
    return client.post(link, data={"new_password": password, "confirm": password if again is None else again})


def signed_in_as(client) -> str | None:
    page = client.get("/profile")
    return page.get_data(as_text=True) if page.status_code == 200 else None


def test_an_invited_person_sets_a_password_from_the_mail_and_is_signed_in(app, client, admin, smtp, jobs):
    added = client.post("/admin/people/new", data=person_form(invite="y"))
    assert added.status_code == 302
    assert "an invitation is on its way to grace@example.com" in client.get("/admin/people").get_data(as_text=True)
    jobs.run()
    [message] = [m for m in smtp.messages() if m["To"].addresses[0].addr_spec == "grace@example.com"]
    assert message["Subject"] == "You are invited to Unstuck"
    assert "Ada Admin invited you" in message.get_body(("plain",)).get_content()
    [link] = join_links(smtp, "grace@example.com")

    grace = app.test_client()
    page = grace.get(link)  # a mail scanner opening it sets nothing
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "You are invited to Unstuck as grace@example.com" in text
    assert 'name="new_password"' in text
    assert signed_in_as(grace) is None

    mismatch = set_password(grace, link, again="tulip orbit canyon 43")
    assert mismatch.status_code == 400 and "The two passwords are not the same." in mismatch.get_data(as_text=True)
    weak = set_password(grace, link, "grace hopper 1906")
    assert weak.status_code == 400 and "This password is too easy to guess." in weak.get_data(as_text=True)

    done = set_password(grace, link)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert "Grace Hopper" in signed_in_as(grace)
    assert (
        app.test_client().post("/sign-in", data={"email": "grace@example.com", "password": STRONG}).status_code == 302
    )
    again = app.test_client().get(link)
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)
    assert set_password(app.test_client(), link, "another tulip orbit 43").status_code == 410
    invitation = invitation_of(db.session.scalar(sa.select(User.id).where(User.email == "grace@example.com")))
    assert invitation.joined_at is not None and invitation.invited_by_id == admin.id


def test_sending_again_retires_the_link_before(app, client, admin, make, smtp, jobs):
    nina = make.user(email="nina@example.com", name="Nina New", password=None)
    assert client.post(f"/admin/people/{nina.id}/invite").status_code == 302
    assert client.post(f"/admin/people/{nina.id}/invite").status_code == 302
    jobs.run()
    first, second = join_links(smtp, nina.email)
    assert app.test_client().get(first).status_code == 410
    assert set_password(app.test_client(), first).status_code == 410
    assert db.session.get(User, nina.id).password_hash is None
    db.session.expire_all()
    assert invitation_of(nina.id).times_sent == 2
    assert set_password(app.test_client(), second).status_code == 302


def test_a_link_too_old_altered_or_for_someone_deactivated_lets_nobody_in(app, client, make, smtp, jobs):
    nina = make.user(email="nina@example.com", password=None)
    invited = invite(nina.id, None)
    invitation = invited.invitation
    db.session.commit()
    path = LINK.match(invited.link)[1]
    token = path.rsplit("/", 1)[1]
    old = make_token(
        "invitation",
        invitation.id,
        user_id=nina.id,
        single_use=True,
        issued_at=utcnow() - timedelta(days=Config.INVITATION_DAYS, minutes=1),
    )
    assert client.get(f"/join/{old}").status_code == 410
    assert client.get(f"/join/{token[:-2]}xx").status_code == 400
    assert set_password(client, f"/join/{token[:-2]}xx").status_code == 400
    other_purpose = make_token("sign-in", nina.id, user_id=nina.id, single_use=True)
    assert client.get(f"/join/{other_purpose}").status_code == 400
    nina.active = False
    db.session.commit()
    assert client.get(path).status_code == 400
    assert set_password(client, path).status_code == 400
    assert db.session.get(User, nina.id).password_hash is None and signed_in_as(client) is None
    with pytest.raises(ValueError, match="deactivated"):
        invite(nina.id, None)


def test_signing_in_any_way_counts_as_joining_and_a_second_invite_sends_nothing(app, client, make, smtp, jobs):
    nina = make.user(email="nina@example.com")
    invited = invite(nina.id, None)
    db.session.commit()
    assert client.post("/sign-in", data={"email": nina.email, "password": make.PASSWORD}).status_code == 302
    db.session.expire_all()
    assert invitation_of(nina.id).joined_at is not None
    assert app.test_client().get(LINK.match(invited.link)[1]).status_code == 410
    assert invite(nina.id, None).link is None
    db.session.commit()
    jobs.run()
    assert len(join_links(smtp, nina.email)) == 1
