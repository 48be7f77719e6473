"""Invitations on the admin's side: who was invited, when, by whom and who joined, on the
people list; sending again; and inviting the people added through the API or a CSV file."""

from __future__ import annotations

from io import BytesIO

import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db
from app.people.invitations import Invitation, invitation_of, invite
from tests.admin.people_pages import admin  # noqa: F401  (fixture)
from tests.auth.test_invitations import join_links, set_password


def test_admins_see_who_was_invited_and_who_joined(app, client, admin, make, jobs):
    waiting = make.user(name="Wes Waiting", email="wes@example.com", password=None)
    joined = make.user(name="Jo Joined", email="jo@example.com")
    never = make.user(name="Nat Never", email="nat@example.com", password=None)
    for person in (waiting, waiting, joined):
        invite(person.id, admin.id)
    db.session.commit()
    assert (
        app.test_client().post("/sign-in", data={"email": joined.email, "password": make.PASSWORD}).status_code == 302
    )

    page = client.get("/admin/people").get_data(as_text=True)
    rows = {name: page.split(name, 1)[1].split("</tr>", 1)[0] for name in ("Wes Waiting", "Jo Joined", "Nat Never")}
    assert "invited" in rows["Wes Waiting"] and "(2 times) by Ada Admin, not joined yet" in rows["Wes Waiting"]
    assert "Send the invitation again" in rows["Wes Waiting"]
    assert "joined" in rows["Jo Joined"] and "Send the invitation" not in rows["Jo Joined"]
    assert "invited" not in rows["Nat Never"] and ">Invite<" in rows["Nat Never"]
    assert client.post(f"/admin/people/{never.id}/invite").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 3


def test_a_deactivated_person_cannot_be_invited_from_the_list(app, client, admin, make, smtp, jobs):
    gone = make.user(name="Gone Person", email="gone@example.com", active=False, password=None)
    response = client.post(f"/admin/people/{gone.id}/invite", follow_redirects=True)
    assert "Gone Person is deactivated; reactivate them before inviting them." in response.get_data(as_text=True)
    jobs.run()
    assert invitation_of(gone.id) is None and smtp.messages() == []


def test_people_added_through_the_api_or_a_csv_file_can_be_invited(app, client, admin, smtp, jobs):
    _, secret = ApiToken.issue(admin, "script")
    db.session.commit()
    api = {"Authorization": f"Bearer {secret}"}
    made = app.test_client().post(
        "/api/v1/people", json={"email": "api@example.com", "name": "Api Person", "invite": True}, headers=api
    )
    assert made.status_code == 201 and "invite" not in made.get_json()
    quiet = app.test_client().post("/api/v1/people", json={"email": "q@example.com", "name": "Quiet"}, headers=api)
    assert quiet.status_code == 201
    bad = app.test_client().patch(f"/api/v1/people/{made.get_json()['id']}", json={"invite": True}, headers=api)
    assert bad.status_code == 422

    csv = "email,name\nada@example.com,Ada Admin\ncsv1@example.com,Csv One\ncsv2@example.com,Csv Two\n"
    report = client.post(
        "/admin/people/import",
        data={"file": (BytesIO(csv.encode()), "people.csv"), "invite": "y"},
        content_type="multipart/form-data",
    )
    assert report.status_code == 200
    assert "An invitation is on its way to each of the 2 people added." in report.get_data(as_text=True)
    jobs.run()
    invited = sorted(m["To"].addresses[0].addr_spec for m in smtp.messages())
    assert invited == ["api@example.com", "csv1@example.com", "csv2@example.com"]
    assert set_password(app.test_client(), join_links(smtp, "csv2@example.com")[0]).status_code == 302
