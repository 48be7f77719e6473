"""What directory sync refuses, as SCIM Errors with their status and scimType, and with
nothing saved: a taken userName, bad values and bodies, unknown ids."""

from __future__ import annotations

import pytest

from tests.scim.conftest import GROUP_SCHEMA, USER_SCHEMA, assert_scim_error, okta_user


def test_a_taken_user_name_is_a_uniqueness_conflict_in_any_case(directory, make, saved):
    make.user(email="taken@example.com")
    before = saved()

    assert_scim_error(directory.post("/Users", okta_user("Taken@Example.com")), 409, "uniqueness")
    assert saved() == before


def test_a_taken_user_name_or_external_id_refuses_a_replacement(directory, saved):
    directory.create_user("one@example.com", externalId="ext-1")
    two = directory.create_user("two@example.com", externalId="ext-2")
    before = saved()

    assert_scim_error(directory.put(f"/Users/{two['id']}", okta_user("one@example.com")), 409, "uniqueness")
    taken_id = okta_user("two@example.com", externalId="ext-1")
    assert_scim_error(directory.put(f"/Users/{two['id']}", taken_id), 409, "uniqueness")
    patch = {"op": "replace", "path": "userName", "value": "ONE@example.com"}
    assert_scim_error(directory.patch(f"/Users/{two['id']}", patch), 409, "uniqueness")
    assert saved() == before


@pytest.mark.parametrize(
    "change, scim_type",
    [
        ({"userName": "not an address"}, "invalidValue"),
        ({"userName": ""}, "invalidValue"),
        ({"displayName": "x" * 121}, "invalidValue"),
        ({"title": "x" * 121}, "invalidValue"),
        ({"active": "perhaps"}, "invalidValue"),
        ({"externalId": "x" * 256}, "invalidValue"),
    ],
)
def test_a_bad_value_is_invalid_and_saves_nothing(directory, saved, change, scim_type):
    before = saved()
    assert_scim_error(directory.post("/Users", okta_user("new@example.com") | change), 400, scim_type)
    assert saved() == before


def test_a_patch_with_a_bad_operation_changes_nothing_of_the_ones_before_it(directory, saved):
    created = directory.create_user("p@example.com", "Kept Name")
    before = saved()

    response = directory.patch(
        f"/Users/{created['id']}",
        {"op": "replace", "path": "displayName", "value": "Changed"},
        {"op": "replace", "path": "userName", "value": "not an address"},
    )

    assert_scim_error(response, 400, "invalidValue")
    assert saved() == before


@pytest.mark.parametrize(
    "operations",
    [
        [{"op": "explode", "path": "title", "value": "x"}],
        [{"op": "remove", "path": "active"}],
        [{"op": "remove"}],
    ],
)
def test_a_patch_that_is_no_patch_is_refused(directory, saved, operations):
    created = directory.create_user("q@example.com")
    before = saved()
    response = directory.patch(f"/Users/{created['id']}", *operations)
    assert response.status_code == 400 and response.get_json()["schemas"][0].endswith(":Error")
    assert saved() == before


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b""])
def test_a_body_that_is_not_a_json_object_is_invalid_syntax(directory, raw):
    response = directory.client.post(
        "/scim/v2/Users", data=raw, headers=directory.headers(), content_type="application/scim+json"
    )
    assert_scim_error(response, 400, "invalidSyntax")


@pytest.mark.parametrize("path", ["/Users/999", "/Users/abc", "/Users/99999999999999", "/Groups/7", "/Nothing"])
def test_an_unknown_id_or_address_is_not_found(directory, path):
    assert_scim_error(directory.get(path), 404)


def test_patch_put_and_delete_of_an_unknown_user_or_group_are_not_found(directory, saved):
    before = saved()
    for path in ("/Users/999", "/Groups/999"):
        schema = USER_SCHEMA if "Users" in path else GROUP_SCHEMA
        assert_scim_error(directory.put(path, {"schemas": [schema], "userName": "a@example.com"}), 404)
        assert_scim_error(directory.patch(path, {"op": "replace", "path": "title", "value": "x"}), 404)
        assert_scim_error(directory.delete(path), 404)
    assert saved() == before


def test_a_body_larger_than_the_server_takes_is_refused(app, directory, saved):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    before = saved()
    response = directory.post("/Users", okta_user("big@example.com", title="x" * 5000))
    assert_scim_error(response, 413)
    assert saved() == before


def test_search_across_resource_types_is_not_implemented(directory):
    assert_scim_error(directory.post("/.search", {"filter": 'userName eq "a"'}), 501)
