"""Fixtures for directory sync: an identity provider's SCIM client on the Flask test client,
the request bodies Okta and Entra ID send, and the check of a SCIM Error."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.scim.models import ScimToken

SCIM = "/scim/v2"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
# Every table a SCIM call may change, to show a refused one changed none.
WATCHED_TABLES = ["users", "user_roles", "teams", "scim_groups", "scim_group_members", "api_tokens", "sign_in_sessions"]


class Directory:
    """An identity provider calling /scim/v2 with its token."""

    def __init__(self, client, secret: str):
        self.client, self.secret = client, secret

    def headers(self, secret: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {secret or self.secret}", "Accept": "application/scim+json"}

    def send(self, method: str, path: str, body=None, **options):
        headers = options.pop("headers", None) or self.headers()
        return self.client.open(
            SCIM + path, method=method, json=body, headers=headers, content_type="application/scim+json", **options
        )

    def get(self, path: str, **options):
        return self.send("GET", path, **options)

    def post(self, path: str, body, **options):
        return self.send("POST", path, body, **options)

    def put(self, path: str, body, **options):
        return self.send("PUT", path, body, **options)

    def patch(self, path: str, *operations, **options):
        return self.send("PATCH", path, {"schemas": [PATCH_SCHEMA], "Operations": list(operations)}, **options)

    def delete(self, path: str, **options):
        return self.send("DELETE", path, **options)

    def create_user(self, email: str, name: str = "Ada Lovelace", **fields) -> dict:
        """Create a person as Okta does; return the User it answers."""
        response = self.post("/Users", okta_user(email, name, **fields))
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()

    def create_group(self, name: str, *member_ids: str, **fields) -> dict:
        body = {"schemas": [GROUP_SCHEMA], "displayName": name, "members": [{"value": i} for i in member_ids], **fields}
        response = self.post("/Groups", body)
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()


def okta_user(email: str, name: str = "Ada Lovelace", **fields) -> dict:
    """The body Okta sends to create a person (Okta's SCIM 2.0 guide)."""
    given, _, family = name.partition(" ")
    return {
        "schemas": [USER_SCHEMA],
        "userName": email,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "displayName": name,
        "locale": "en-US",
        "externalId": fields.pop("externalId", None) or f"00u{abs(hash(email)) % 10**12:012d}",
        "groups": [],
        "active": True,
        **fields,
    }


def entra_user(upn: str, name: str = "Grace Hopper", **fields) -> dict:
    """The body Microsoft Entra ID sends to create a person (its SCIM guide): the enterprise
    extension, `name.formatted`, and `active` as a boolean."""
    given, _, family = name.partition(" ")
    return {
        "schemas": [USER_SCHEMA, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": fields.pop("externalId", "f1b2c3"),
        "userName": upn,
        "active": True,
        "addresses": [{"primary": True, "type": "work", "country": "DE"}],
        "displayName": name,
        "emails": [{"primary": True, "type": "work", "value": upn}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": name, "familyName": family, "givenName": given},
        "title": "Engineer",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Payments"},
        **fields,
    }


def assert_scim_error(response, status: int, scim_type: str | None = None) -> dict:
    """Check a SCIM Error answer: its media type, schema, status and scimType."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/scim+json"
    body = response.get_json(force=True)
    assert body["schemas"] == [ERROR_SCHEMA]
    assert body["status"] == str(status)
    assert body.get("scimType") == scim_type
    assert body.get("detail")
    return body


@pytest.fixture
def scim_token(app):
    """Make a live SCIM token; return its secret."""

    def issue(name: str = "Okta") -> str:
        _, secret = ScimToken.issue(name, None)
        db.session.commit()
        return secret

    return issue


@pytest.fixture
def directory(client, scim_token) -> Directory:
    return Directory(client, scim_token())


@pytest.fixture
def saved(committed_rows):
    """Every committed row of the tables SCIM changes, read on a connection of its own."""
    return lambda: committed_rows(WATCHED_TABLES)
