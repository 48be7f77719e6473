"""Directory sync of groups: a group is a team, unless GROUP_ROLES maps its name to a role;
its members join the team or get the role, and leaving takes it away. In the shapes Okta
and Microsoft Entra ID send."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from app.extensions import db
from app.people.models import Role, Team, User
from tests.scim.conftest import assert_scim_error


@pytest.fixture(autouse=True)
def group_roles(app):
    app.config["GROUP_ROLES"] = "Unstuck mentors=mentor, Senior engineers=mentor, Team leads=lead"


def fresh(user_id: str) -> User:
    db.session.expire_all()
    return db.session.get(User, int(user_id))


def team_named(name: str) -> Team | None:
    return db.session.scalar(db.select(Team).where(Team.name == name))


def members(group: dict) -> list[str]:
    return [m["value"] for m in group.get("members", [])]


# Teams


def test_a_group_makes_its_team_and_its_members_join_it(directory):
    ada = directory.create_user("ada@example.com")
    group = directory.create_group("Payments", ada["id"], externalId="okta-g1")

    team = team_named("Payments")
    assert team is not None and fresh(ada["id"]).team_id == team.id
    assert group["displayName"] == "Payments" and group["externalId"] == "okta-g1"
    assert group["members"] == [{"value": ada["id"], "$ref": ada["meta"]["location"], "type": "User"}]
    user = directory.get(f"/Users/{ada['id']}").get_json()
    assert user["groups"][0]["value"] == group["id"] and user["groups"][0]["display"] == "Payments"


def test_a_group_named_like_an_existing_team_is_that_team(directory, make):
    team = make.team("Platform")
    bo = make.user(email="bo@example.com", team=team)

    group = directory.create_group("platform")

    assert team_named("platform") is None
    assert members(group) == [str(bo.id)]  # the team's people are the group's


def test_okta_adds_and_removes_members(directory):
    ada, bo = directory.create_user("ada@example.com"), directory.create_user("bo@example.com")
    group = directory.create_group("Web")
    path = f"/Groups/{group['id']}"

    added = directory.patch(path, {"op": "add", "path": "members", "value": [{"value": ada["id"], "display": "ada"}]})
    directory.patch(path, {"op": "add", "path": "members", "value": [{"value": bo["id"]}]})
    assert members(added.get_json()) == [ada["id"]]
    assert fresh(bo["id"]).team.name == "Web"

    removed = directory.patch(path, {"op": "remove", "path": f'members[value eq "{ada["id"]}"]'})
    assert members(removed.get_json()) == [bo["id"]] and fresh(ada["id"]).team_id is None


def test_entra_adds_and_removes_members_with_a_value(directory):
    ada = directory.create_user("ada@example.com")
    group = directory.create_group("Data")
    path = f"/Groups/{group['id']}"

    directory.patch(path, {"op": "Add", "path": "members", "value": [{"value": ada["id"]}]})
    assert fresh(ada["id"]).team.name == "Data"
    response = directory.patch(path, {"op": "Remove", "path": "members", "value": [{"value": ada["id"]}]})
    assert response.status_code == 200 and fresh(ada["id"]).team_id is None


def test_renaming_a_team_group_renames_the_team(directory):
    group = directory.create_group("Mobile")
    response = directory.patch(
        f"/Groups/{group['id']}", {"op": "replace", "value": {"id": group["id"], "displayName": "Apps"}}
    )
    assert response.get_json()["displayName"] == "Apps"
    assert team_named("Apps") is not None and team_named("Mobile") is None


def test_joining_a_team_group_moves_a_person_out_of_their_other_team(directory):
    ada = directory.create_user("ada@example.com")
    first = directory.create_group("First", ada["id"])
    directory.create_group("Second", ada["id"])
    assert fresh(ada["id"]).team.name == "Second"
    assert members(directory.get(f"/Groups/{first['id']}").get_json()) == []


def test_deleting_a_team_group_takes_people_out_of_the_team_which_stays(directory):
    ada = directory.create_user("ada@example.com")
    group = directory.create_group("Legacy", ada["id"])

    assert directory.delete(f"/Groups/{group['id']}").status_code == 204

    assert team_named("Legacy") is not None and fresh(ada["id"]).team_id is None
    assert_scim_error(directory.get(f"/Groups/{group['id']}"), 404)


# Roles


def test_a_role_group_gives_its_role_and_leaving_it_takes_it_away(directory):
    mia = directory.create_user("mia@example.com")
    group = directory.create_group("Unstuck mentors", mia["id"])

    assert fresh(mia["id"]).roles == {Role.NEW_HIRE, Role.MENTOR}
    assert team_named("Unstuck mentors") is None  # a role's group is no team

    directory.patch(f"/Groups/{group['id']}", {"op": "remove", "path": f'members[value eq "{mia["id"]}"]'})
    assert fresh(mia["id"]).roles == {Role.NEW_HIRE}


def test_leaving_one_of_two_groups_that_give_a_role_keeps_it(directory):
    mia = directory.create_user("mia@example.com")
    directory.create_group("Unstuck mentors", mia["id"])
    seniors = directory.create_group("Senior engineers", mia["id"])

    directory.delete(f"/Groups/{seniors['id']}")

    assert Role.MENTOR in fresh(mia["id"]).roles


def test_deleting_a_role_group_takes_the_role_from_its_members(directory):
    lena = directory.create_user("lena@example.com")
    group = directory.create_group("TEAM LEADS", lena["id"])
    assert Role.LEAD in fresh(lena["id"]).roles

    directory.delete(f"/Groups/{group['id']}")

    assert Role.LEAD not in fresh(lena["id"]).roles


def test_put_makes_the_members_exactly_those_listed(directory):
    ada, bo = directory.create_user("ada@example.com"), directory.create_user("bo@example.com")
    group = directory.create_group("Team leads", ada["id"])
    body = {"schemas": group["schemas"], "displayName": "Team leads", "members": [{"value": bo["id"]}]}

    response = directory.put(f"/Groups/{group['id']}", body)

    assert members(response.get_json()) == [bo["id"]]
    assert Role.LEAD not in fresh(ada["id"]).roles and Role.LEAD in fresh(bo["id"]).roles


# Finding and refusing


def test_groups_are_found_by_display_name_in_any_case_and_by_external_id(directory):
    directory.create_group("Payments", externalId="g-1")
    directory.create_group("Unstuck mentors")

    found = directory.get("/Groups?filter=" + quote('displayName eq "payments"')).get_json()
    assert found["totalResults"] == 1 and found["Resources"][0]["displayName"] == "Payments"
    by_id = directory.get("/Groups?filter=" + quote('externalId eq "g-1"')).get_json()
    assert by_id["Resources"][0]["displayName"] == "Payments"
    assert directory.get("/Groups").get_json()["totalResults"] == 2


def test_a_taken_group_name_is_a_uniqueness_conflict(directory, saved):
    directory.create_group("Payments")
    before = saved()
    response = directory.post(
        "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "PAYMENTS"}
    )
    assert_scim_error(response, 409, "uniqueness")
    assert saved() == before


@pytest.mark.parametrize("member", ["999", "not-a-number", ""])
def test_a_member_who_is_no_user_is_invalid_and_nothing_changes(directory, saved, member):
    ada = directory.create_user("ada@example.com")
    group = directory.create_group("Payments")
    before = saved()

    response = directory.patch(
        f"/Groups/{group['id']}", {"op": "add", "path": "members", "value": [{"value": ada["id"]}, {"value": member}]}
    )

    assert_scim_error(response, 400, "invalidValue")
    assert saved() == before
