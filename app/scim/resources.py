"""What Unstuck keeps of a SCIM User and Group, as scim2-models resources, and what the
discovery endpoints publish about them.

Unstuck publishes the attributes it keeps and nothing else, so an identity provider (and a
compliance checker) sees what a round trip preserves:

- User: `userName` (the person's email address, lower case; `emails` repeats it as the one
  primary work address and is read-only), `displayName` (the person's name; `name.formatted`,
  else `name.givenName` and `name.familyName`, stand in when it is missing), `title`,
  `active`, `externalId`, and the read-only `groups`.
- Group: `displayName`, `members` (people: `value`, `$ref`, `type`), `externalId`.

Whatever else a provider sends (nickName, phone numbers, addresses...) is read and dropped.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    Email,
    ETag,
    Filter,
    Mutability,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    Schema,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)
from scim2_models.resources.user import GroupMembership

MAX_RESULTS = 200  # the most resources one list answers with (`count` is capped to it)


class User(Resource[Any]):
    """A person, as the identity provider sees them."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    # Required here: Unstuck keeps one name, and a person needs one.
    display_name: Annotated[str | None, Required.true] = None
    title: str | None = None
    active: bool | None = None
    emails: Annotated[list[Email] | None, Mutability.read_only] = None
    Emails: ClassVar[type[ComplexAttribute]] = Email
    groups: Annotated[list[GroupMembership] | None, Mutability.read_only] = None
    Groups: ClassVar[type[ComplexAttribute]] = GroupMembership


class Member(ComplexAttribute):
    """A person in a group: their SCIM id, the address of their User, and "User"."""

    value: Annotated[str | None, Mutability.immutable, CaseExact.true] = None
    ref: Annotated[Reference["User"] | None, Mutability.immutable] = Field(  # noqa: UP037 (a reference type, by name)
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    type: Annotated[str | None, Mutability.immutable] = Field(None, examples=["User"])


class Group(Resource[Any]):
    """A team, or a group that gives a role (GROUP_ROLES), with its people."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:Group")

    display_name: Annotated[str | None, Required.true] = None
    members: list[Member] | None = None
    Members: ClassVar[type[ComplexAttribute]] = Member


# How much of Okta's and Entra ID's ways is tolerated: attributes Unstuck does not keep are
# dropped rather than refused; Entra's `remove` with a `value` selects what to remove, and its
# `replace` of `emails[type eq "work"].value` on a person without one makes the entry.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

RESOURCES: dict[str, type[Resource[Any]]] = {"User": User, "Group": Group}


def schemas() -> list[Schema]:
    """The schemas /Schemas publishes: the two resources, then the three of discovery."""
    published = []
    for name, model in RESOURCES.items():
        schema = model.to_schema()
        schema.name = schema.description = name
        published.append(schema)
    for model in (ResourceType, ServiceProviderConfig, Schema):
        published.append(model.to_schema())
    return published


def resource_types() -> list[ResourceType]:
    """The resource types /ResourceTypes publishes."""
    return [ResourceType.from_resource(model) for model in RESOURCES.values()]


def service_provider_config(documentation_uri: str | None = None) -> ServiceProviderConfig:
    """What this service does: PATCH and filters, no bulk, sorting, ETags or passwords."""
    return ServiceProviderConfig(
        documentation_uri=documentation_uri,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A SCIM token an admin makes on Unstuck's admin pages, sent as "
                "'Authorization: Bearer <token>'.",
                primary=True,
            )
        ],
    )
