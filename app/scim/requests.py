"""Reading what an identity provider asks, before it reaches the database: the list filters
Unstuck answers, and a PATCH body made ready for scim2-models. Pure: no Flask, no database.

    equality_filter('userName eq "Ada@Example.com"', {"username": "userName"})
        -> ("userName", "Ada@Example.com")
"""

from __future__ import annotations

from typing import Any

from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import AttrPath, CompareOperator, Comparison

# Attributes a person or group never sets: a PATCH on them is dropped rather than refused, as
# a PUT drops them. Entra ID sends `emails[type eq "work"].value` along with `userName`.
READ_ONLY = {"id", "meta", "emails", "groups"}
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:user:"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:group:"

# The filters each list answers: attribute (any case) -> its name in SCIM.
USER_FILTERS = {"username": "userName", "externalid": "externalId"}
GROUP_FILTERS = {"displayname": "displayName", "externalid": "externalId"}


def equality_filter(text: str | None, allowed: dict[str, str]) -> tuple[str, str] | None:
    """Read `attribute eq "value"` for one of the allowed attributes; None for no filter.

    Raises InvalidFilterException for anything else (a syntax error, another operator or
    attribute, `and`/`or`), which answers 400 invalidFilter."""
    if text is None or not text.strip():
        return None
    node = ScimFilter(text).ast  # raises InvalidFilterException on a syntax error
    if not isinstance(node, Comparison) or node.op != CompareOperator.eq:
        raise InvalidFilterException(detail="Only 'attribute eq \"value\"' filters are answered.")
    name = _attribute_name(node.attr_path)
    if name is None or name not in allowed:
        known = ", ".join(allowed.values())
        raise InvalidFilterException(detail=f"Filters may compare only {known}.")
    if not isinstance(node.value, str):
        raise InvalidFilterException(detail=f"{allowed[name]} is compared with a string.")
    return allowed[name], node.value


def _attribute_name(path: AttrPath) -> str | None:
    """The attribute a filter names, lower case, when it is a top-level core attribute."""
    if path.sub_attr is not None:
        return None
    if path.uri is not None and path.uri.lower().rstrip(":") + ":" not in (USER_SCHEMA, GROUP_SCHEMA):
        return None
    return path.attr.lower()


def without_read_only(body: Any) -> Any:
    """The PATCH body with every operation on a read-only attribute left out (and such keys
    of a `replace` without a path). Anything not shaped like a PatchOp is given back as it
    is, for scim2-models to refuse."""
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        return body
    operations = []
    for operation in body["Operations"]:
        if not isinstance(operation, dict):
            operations.append(operation)
            continue
        path = operation.get("path")
        if isinstance(path, str) and path.strip():
            if _first_attribute(path) in READ_ONLY:
                continue
        elif isinstance(operation.get("value"), dict):
            value = {key: item for key, item in operation["value"].items() if key.lower() not in READ_ONLY}
            if not value:
                continue
            operation = {**operation, "value": value}
        operations.append(operation)
    return {**body, "Operations": operations}


def _first_attribute(path: str) -> str:
    """`emails[type eq "work"].value` -> "emails"; a core schema's URN prefix is skipped."""
    text = path.strip()
    lowered = text.lower()
    for prefix in (USER_SCHEMA, GROUP_SCHEMA):
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
    for stop in "[.":
        text = text.split(stop, 1)[0]
    return text.lower()


def with_display_name(body: Any) -> Any:
    """A User body whose missing `displayName` is filled from `name`: its `formatted`, else
    `givenName` and `familyName` (Okta and Entra ID send both, a few providers only `name`)."""
    if not isinstance(body, dict) or _text(body.get("displayName")):
        return body
    name = body.get("name")
    if not isinstance(name, dict):
        return body
    shown = _text(name.get("formatted")) or " ".join(
        part for part in (_text(name.get("givenName")), _text(name.get("familyName"))) if part
    )
    return {**body, "displayName": shown} if shown else body


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""
