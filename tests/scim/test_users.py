"""Directory sync of people: an identity provider creates, reads, finds, replaces, patches
and deletes Users at /scim/v2, in the shapes Okta and Microsoft Entra ID send them."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from app.extensions import db
from app.people.models import Role, User
from tests.scim.conftest import LIST_SCHEMA, USER_SCHEMA, assert_scim_error, entra_user, okta_user


def person(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def find(directory, expression: str):
    return directory.get(f"/Users?filter={quote(expression)}")


# Create and read


def test_okta_creates_a_person_who_is_a_new_hire_with_their_email_as_user_name(directory):
    created = directory.create_user("Ada.Lovelace@Example.com", "Ada Lovelace", externalId="00u1okta")

    assert created["userName"] == "ada.lovelace@example.com"
    assert created["displayName"] == "Ada Lovelace"
    assert created["externalId"] == "00u1okta"
    assert created["active"] is True
    assert created["emails"] == [{"value": "ada.lovelace@example.com", "type": "work", "primary": True}]
    assert created["meta"]["location"].endswith(f"/scim/v2/Users/{created['id']}")
    ada = person("ada.lovelace@example.com")
    assert (ada.name, ada.external_id, ada.roles) == ("Ada Lovelace", "00u1okta", {Role.NEW_HIRE})
    again = directory.get(f"/Users/{created['id']}")
    assert again.status_code == 200 and again.mimetype == "application/scim+json"
    assert again.get_json() == created


def test_entra_creates_a_person_with_title_and_ignores_what_unstuck_does_not_keep(directory):
    response = directory.post("/Users", entra_user("grace@example.com", "Grace Hopper", externalId="e-42"))

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["Location"] == response.get_json()["meta"]["location"]
    grace = person("grace@example.com")
    assert (grace.name, grace.title, grace.external_id) == ("Grace Hopper", "Engineer", "e-42")
    assert "addresses" not in response.get_json()


def test_a_name_alone_names_the_person_when_display_name_is_missing(directory):
    body = okta_user("lin@example.com", "Lin Wei")
    del body["displayName"]
    assert directory.post("/Users", body).status_code == 201
    assert person("lin@example.com").name == "Lin Wei"


def test_a_person_created_inactive_is_inactive(directory):
    directory.post("/Users", okta_user("off@example.com", active=False))
    assert person("off@example.com").active is False


# Find and page


def test_people_are_found_by_user_name_in_any_case_and_by_external_id(directory, make):
    make.user(email="ada@example.com", name="Ada")
    directory.create_user("bo@example.com", "Bo", externalId="ext-bo")

    by_name = find(directory, 'userName eq "ADA@example.com"').get_json()
    assert by_name["schemas"] == [LIST_SCHEMA]
    assert by_name["totalResults"] == 1 and by_name["Resources"][0]["userName"] == "ada@example.com"
    assert find(directory, 'externalId eq "ext-bo"').get_json()["Resources"][0]["displayName"] == "Bo"
    nobody = find(directory, 'userName eq "nobody@example.com"').get_json()
    assert nobody["totalResults"] == 0 and "Resources" not in nobody


def test_the_list_pages_with_start_index_and_count(directory, make):
    for n in range(5):
        make.user(email=f"p{n}@example.com")

    page = directory.get("/Users?startIndex=2&count=2").get_json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (5, 2, 2)
    assert [u["userName"] for u in page["Resources"]] == ["p1@example.com", "p2@example.com"]
    assert directory.get("/Users?count=0").get_json()["itemsPerPage"] == 0
    assert len(directory.get("/Users?count=100000").get_json()["Resources"]) == 5  # capped at 200


@pytest.mark.parametrize(
    "expression",
    [
        'userName sw "a"',
        'title eq "Boss"',
        'userName eq "a" or externalId eq "b"',
        "userName eq",
        'emails.value eq "a"',
    ],
)
def test_a_filter_unstuck_does_not_answer_is_invalid(directory, expression):
    assert_scim_error(find(directory, expression), 400, "invalidFilter")


# Replace and patch


def test_put_replaces_email_name_title_and_external_id(directory):
    created = directory.create_user("old@example.com", "Old Name")
    body = okta_user("New@Example.com", "New Name", externalId="x-9", title="Lead Engineer")

    response = directory.put(f"/Users/{created['id']}", body)

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["userName"] == "new@example.com"
    changed = person("new@example.com")
    assert (changed.name, changed.title, changed.external_id) == ("New Name", "Lead Engineer", "x-9")


def test_okta_deactivates_with_a_replace_without_path_and_reactivates(directory):
    created = directory.create_user("leaver@example.com")

    off = directory.patch(f"/Users/{created['id']}", {"op": "replace", "value": {"active": False}})
    assert off.status_code == 200 and off.get_json()["active"] is False
    assert person("leaver@example.com").active is False

    on = directory.patch(f"/Users/{created['id']}", {"op": "replace", "value": {"active": True}})
    assert on.get_json()["active"] is True and person("leaver@example.com").active is True


def test_entra_deactivates_with_active_as_the_string_false(directory):
    created = directory.create_user("entra.leaver@example.com")

    response = directory.patch(f"/Users/{created['id']}", {"op": "Replace", "path": "active", "value": "False"})

    assert response.status_code == 200, response.get_data(as_text=True)
    assert person("entra.leaver@example.com").active is False


def test_entra_changes_name_and_user_name_and_its_email_path_changes_nothing_else(directory):
    created = directory.create_user("upn@example.com", "Before")

    response = directory.patch(
        f"/Users/{created['id']}",
        {"op": "Replace", "path": "userName", "value": "after@example.com"},
        {"op": "Replace", "path": "displayName", "value": "After Name"},
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "elsewhere@example.com"},
        {"op": "Replace", "path": "name.givenName", "value": "After"},
        {"op": "Add", "path": "externalId", "value": "entra-1"},
    )

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["userName"], body["displayName"], body["externalId"]) == ("after@example.com", "After Name", "entra-1")
    assert body["emails"][0]["value"] == "after@example.com"
    assert person("upn@example.com") is None


def test_title_is_added_and_removed_by_patch(directory):
    created = directory.create_user("t@example.com")
    directory.patch(f"/Users/{created['id']}", {"op": "add", "path": "title", "value": "Staff Engineer"})
    assert person("t@example.com").title == "Staff Engineer"
    response = directory.patch(f"/Users/{created['id']}", {"op": "remove", "path": "title"})
    assert "title" not in response.get_json() and person("t@example.com").title == ""


# Delete


def test_delete_deactivates_the_person_who_is_then_no_user_and_comes_back_if_created_again(directory, make):
    created = directory.create_user("gone@example.com", "Gone Soon")

    assert directory.delete(f"/Users/{created['id']}").status_code == 204

    gone = person("gone@example.com")
    assert gone is not None and gone.active is False  # still in Unstuck, with what they wrote
    assert_scim_error(directory.get(f"/Users/{created['id']}"), 404)
    assert find(directory, 'userName eq "gone@example.com"').get_json()["totalResults"] == 0
    assert_scim_error(directory.delete(f"/Users/{created['id']}"), 404)

    back = directory.create_user("gone@example.com", "Back Again")
    assert back["id"] == created["id"] and back["active"] is True
    assert person("gone@example.com").name == "Back Again"


def test_user_schema_and_content_type(directory):
    created = directory.create_user("s@example.com")
    response = directory.get(f"/Users/{created['id']}?attributes=userName")
    assert response.mimetype == "application/scim+json"
    assert response.get_json()["schemas"] == [USER_SCHEMA]
    assert set(response.get_json()) == {"schemas", "id", "userName"}
