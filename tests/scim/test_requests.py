"""The pure reading of what an identity provider asks: filters, PATCH bodies, names."""

from __future__ import annotations

import pytest
from scim2_models import InvalidFilterException

from app.scim.requests import GROUP_FILTERS, USER_FILTERS, equality_filter, with_display_name, without_read_only


@pytest.mark.parametrize(
    "text, expected",
    [
        ('userName eq "Ada@Example.com"', ("userName", "Ada@Example.com")),
        ('USERNAME eq "a"', ("userName", "a")),
        ('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"', ("userName", "a")),
        ('externalId eq "00u1"', ("externalId", "00u1")),
        ("", None),
        (None, None),
    ],
)
def test_the_equality_filters_answered(text, expected):
    assert equality_filter(text, USER_FILTERS) == expected


@pytest.mark.parametrize(
    "text",
    ['displayName eq "x"', 'userName co "a"', "userName pr", "userName eq 3", 'not (userName eq "a")', "userName eq"],
)
def test_other_filters_are_invalid(text):
    with pytest.raises(InvalidFilterException):
        equality_filter(text, USER_FILTERS)


def test_groups_are_filtered_by_display_name():
    assert equality_filter('displayName eq "Payments"', GROUP_FILTERS) == ("displayName", "Payments")


def test_operations_on_read_only_attributes_are_left_out():
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "a@example.com"},
            {"op": "replace", "path": "urn:ietf:params:scim:schemas:core:2.0:User:groups", "value": []},
            {"op": "replace", "value": {"emails": [], "active": False}},
            {"op": "replace", "value": {"id": "7"}},
            {"op": "replace", "path": "title", "value": "Boss"},
        ],
    }
    assert without_read_only(body)["Operations"] == [
        {"op": "replace", "value": {"active": False}},
        {"op": "replace", "path": "title", "value": "Boss"},
    ]
    assert without_read_only(["not", "a", "patch"]) == ["not", "a", "patch"]


@pytest.mark.parametrize(
    "body, name",
    [
        ({"displayName": "Shown"}, "Shown"),
        ({"name": {"formatted": "Ada  Lovelace"}}, "Ada Lovelace"),
        ({"name": {"givenName": "Ada", "familyName": "Lovelace"}}, "Ada Lovelace"),
        ({"displayName": " ", "name": {"givenName": "Ada"}}, "Ada"),
        ({"name": {}}, None),
    ],
)
def test_a_missing_display_name_comes_from_the_name(body, name):
    assert with_display_name(body).get("displayName") == name
