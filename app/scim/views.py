"""The /scim/v2 endpoints: Users, Groups and discovery, for an identity provider holding a
SCIM token (`Authorization: Bearer scim_...`; API tokens and browser sessions open nothing).

Bodies are read and written with scim2-models in their request and response contexts; every
refusal is a SCIM Error (`application/scim+json`, with its `scimType`), and each request is
one transaction: a refused one changes nothing (app/unit_of_work.py).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pydantic
from flask import Response, abort, request
from scim2_models import (
    Context,
    Error,
    InvalidSyntaxException,
    ListResponse,
    NotImplementedException,
    PatchOp,
    ResourceType,
    ResponseParameters,
    Schema,
    SCIMException,
    SearchRequest,
    UniquenessException,
)
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from app.database import is_conflict
from app.extensions import csrf, db, utcnow
from app.scim import bp, groups, people, resources
from app.scim.models import ScimToken
from app.scim.requests import GROUP_FILTERS, USER_FILTERS, equality_filter, with_display_name, without_read_only
from app.security import retry_after_seconds

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/scim+json"
DEFAULT_COUNT = resources.MAX_RESULTS
csrf.exempt(bp)  # a bearer token, no cookies: nothing for a forged form to ride on


@bp.before_request
def authenticate() -> None:
    """Let in only a live SCIM token; note when it was last used (to the minute)."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    token = ScimToken.find(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
    if token is None:
        abort(401)
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= 60:
        token.last_used_at = now


# Answers


def answer(payload: dict[str, Any], status: int = 200, location: str | None = None) -> Response:
    response = Response(json.dumps(payload), status=status, mimetype=MEDIA_TYPE)
    if location:
        response.headers["Location"] = location
    return response


def error_answer(error: Error) -> Response:
    return answer(error.model_dump(scim_ctx=Context.DEFAULT), int(error.status or 500))


@bp.errorhandler(SCIMException)
def scim_refusal(exc: SCIMException):
    db.session.rollback()
    return error_answer(exc.to_error())


@bp.errorhandler(pydantic.ValidationError)
def invalid_body(exc: pydantic.ValidationError):
    db.session.rollback()
    return error_answer(Error.from_validation_errors(exc.errors())[0])


@bp.errorhandler(IntegrityError)
def lost_race(exc: IntegrityError):
    """Two requests saved the same userName, externalId or group at once: the second is told."""
    db.session.rollback()
    if not is_conflict(exc):
        log.exception("unexpected database refusal on %s %s", request.method, request.path)
        return error_answer(Error(status=500, detail="Something went wrong on our side; nothing was saved."))
    return error_answer(UniquenessException(detail="Someone saved the same value at the same moment.").to_error())


WORDING = {
    401: "Send a SCIM token as 'Authorization: Bearer <token>'.",
    404: "There is nothing here.",
    405: "This endpoint does not take that method.",
    413: "The request body is too large.",
}


@bp.errorhandler(429)  # by status: the app's own 429 answer is registered so too
@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    status = exc.code or 500
    if status >= 500:
        db.session.rollback()
    response = error_answer(Error(status=status, detail=WORDING.get(status) or exc.description))
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    if status == 429:
        response.headers["Retry-After"] = str(retry_after_seconds())
    for name, value in exc.get_headers():
        if name.lower() == "allow":
            response.headers[name] = value
    return response


def body() -> Any:
    """The request's JSON (as `application/scim+json` or `application/json`)."""
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise InvalidSyntaxException(detail="The body is not a JSON object.")
    return data


def shown(resource, status: int = 200, location: str | None = None) -> Response:
    """One resource, with only the attributes asked for (`attributes`, `excludedAttributes`)."""
    parameters = ResponseParameters.model_validate(request.args.to_dict())
    context = Context.RESOURCE_CREATION_RESPONSE if status == 201 else Context.RESOURCE_QUERY_RESPONSE
    return answer(resource.model_dump(scim_ctx=context, response_parameters=parameters), status, location)


def listed(model, page, filters: dict[str, str]) -> Response:
    """A page of resources: `filter` (an equality on one attribute), `startIndex`, `count`."""
    search = SearchRequest[model].model_validate(request.args.to_dict(), scim_ctx=Context.SEARCH_REQUEST)
    attribute, value = equality_filter(search.filter and str(search.filter), filters) or (None, None)
    start = max(search.start_index or 1, 1)
    count = min(DEFAULT_COUNT if search.count is None else max(search.count, 0), resources.MAX_RESULTS)
    total, found = page(attribute, value, start - 1, count)
    response = ListResponse[model](
        total_results=total, start_index=start, items_per_page=len(found), resources=found or None
    )
    return answer(response.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search))


# Discovery


@bp.get("/ServiceProviderConfig")
def service_provider_config():
    config = resources.service_provider_config()
    return answer(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _listing(kind, found: list):
    """A discovery listing of one kind of resource: all of it in one page."""
    listing = ListResponse[kind](total_results=len(found), start_index=1, items_per_page=len(found), resources=found)
    return answer(listing.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _one(found: list, wanted: str):
    """The discovery resource with this id, or a SCIM 404."""
    for resource in found:
        if resource.id == wanted:
            return answer(resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    abort(404)


@bp.get("/ResourceTypes")
def resource_types():
    return _listing(ResourceType, resources.resource_types())


@bp.get("/ResourceTypes/<name>")
def resource_type(name: str):
    return _one(resources.resource_types(), name)


@bp.get("/Schemas")
def schemas():
    return _listing(Schema, resources.schemas())


@bp.get("/Schemas/<schema_id>")
def schema(schema_id: str):
    return _one(resources.schemas(), schema_id)


@bp.post("/.search")
def search_everything():
    raise NotImplementedException(detail="Search one resource type at a time: GET /Users or /Groups with a filter.")


@bp.get("/<path:anything>")
def nothing_here(anything: str):
    abort(404)


# Users


def user_body(context: Context) -> resources.User:
    return resources.User.model_validate(with_display_name(body()), scim_ctx=context, scim_policy=resources.POLICY)


def patch_body(model) -> PatchOp[Any]:
    return PatchOp[model].model_validate(
        without_read_only(body()), scim_ctx=Context.RESOURCE_PATCH_REQUEST, scim_policy=resources.POLICY
    )


@bp.route("/Users", methods=["GET", "POST"])
def users():
    """GET: the people, a page at a time (`filter` on userName or externalId); POST: add one."""
    if request.method == "POST":
        created = people.create(user_body(Context.RESOURCE_CREATION_REQUEST))
        return shown(people.as_resource(created), 201, people.user_location(created.id))

    def page(*args):
        total, found = people.people_page(*args)
        return total, [people.as_resource(person) for person in found]

    return listed(resources.User, page, USER_FILTERS)


@bp.route("/Users/<user_id>", methods=["GET", "PUT", "PATCH", "DELETE"])
def user(user_id: str):
    """One person: read, replaced, patched, or deleted (deactivated)."""
    person = people.find_person(user_id)
    if request.method == "PUT":
        person = people.replace(person, user_body(Context.RESOURCE_REPLACEMENT_REQUEST))
    elif request.method == "PATCH":
        person = people.patch(person, patch_body(resources.User))
    elif request.method == "DELETE":
        people.delete(person)
        return Response(status=204)
    return shown(people.as_resource(person))


# Groups


def group_body(context: Context) -> resources.Group:
    return resources.Group.model_validate(body(), scim_ctx=context, scim_policy=resources.POLICY)


@bp.route("/Groups", methods=["GET", "POST"])
def groups_list():
    """GET: the groups, a page at a time (`filter` on displayName or externalId); POST: add one."""
    if request.method == "POST":
        resource = groups.as_resource(groups.create(group_body(Context.RESOURCE_CREATION_REQUEST)))
        return shown(resource, 201, resource.meta.location if resource.meta else None)

    def page(*args):
        total, found = groups.groups_page(*args)
        return total, [groups.as_resource(group) for group in found]

    return listed(resources.Group, page, GROUP_FILTERS)


@bp.route("/Groups/<group_id>", methods=["GET", "PUT", "PATCH", "DELETE"])
def group(group_id: str):
    """One group: read, replaced, patched, or deleted (its people leave its team or role)."""
    found = groups.find_group(group_id)
    if request.method == "PUT":
        found = groups.replace(found, group_body(Context.RESOURCE_REPLACEMENT_REQUEST))
    elif request.method == "PATCH":
        found = groups.patch(found, patch_body(resources.Group))
    elif request.method == "DELETE":
        groups.delete(found)
        return Response(status=204)
    return shown(groups.as_resource(found))
