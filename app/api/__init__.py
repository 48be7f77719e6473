"""API plumbing: /api/v1 with personal API tokens, and the OpenAPI document.

Features hand their flask-smorest blueprints to `init_api`; every one of them answers only
to a valid `Authorization: Bearer <token>` and speaks JSON, errors included.
"""

from contextlib import contextmanager

import flask_smorest
from flask import abort, g, request
from flask_smorest.pagination import PaginationMetadataSchema

from app.api.schemas import ErrorResponseSchema
from app.auth.models import ApiCaller, ApiToken
from app.errors import InvalidInput
from app.extensions import csrf, db
from app.people.models import Role, User

API_PREFIX = "/api/v1"
# Beyond this page every list is empty; asking a database to skip further overflows it.
MAX_PAGE = 2**31 - 1
# The error answers that mean the same in every part of the API; each part adds its own
# 403, 404, 409 and 422, saying what they mean there.
COMMON_ERRORS = {
    400: "The body is not valid JSON.",
    401: "No valid API token was sent, or it was revoked.",
    413: "The body is larger than the server accepts.",
}
BODY_ERRORS = (400, 413, 422)  # what any operation that reads a body may answer


class Api(flask_smorest.Api):
    """The API, documenting errors with the shape the error handler really sends."""

    ERROR_SCHEMA = ErrorResponseSchema

    def _register_pagination_header(self) -> None:
        # X-Pagination holds JSON text. OpenAPI documents such a header by its media type; a
        # header documented as an object would be sent as "key,value,key,value".
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "How many there are and which page this is, as JSON.",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )


def init_api(app, blueprints) -> None:
    """Bind the API to the app and register the blueprints features give it."""
    app.config.setdefault("API_SPEC_OPTIONS", {})
    app.config["API_SPEC_OPTIONS"].update(
        {
            "security": [{"bearerAuth": []}],
            "info": {
                "description": "Unstuck's JSON API. Create a personal token on your profile page "
                "and send it as `Authorization: Bearer <token>`."
            },
        }
    )
    api = Api(app)  # one per app: it keeps the app's OpenAPI document
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    app.extensions["api"] = api
    for blp in blueprints:
        if authenticate not in blp.before_request_funcs.get(None, []):
            blp.before_request(authenticate)
        csrf.exempt(blp)  # token auth, no cookies: nothing for a forged form to ride on
        api.register_blueprint(blp, url_prefix=API_PREFIX + (blp.url_prefix or ""))


def authenticate() -> None:
    """Find the person behind the request's bearer token; answer 401 without one."""
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    caller, used = ApiToken.find_caller(secret.strip()) if scheme.lower() == "bearer" and secret else (None, False)
    if caller is None:
        abort(401, "Send a valid personal API token as 'Authorization: Bearer <token>'.")
    if used:
        db.session.commit()  # keep last_used_at, whatever the view answers
    g.api_user = caller


def api_user() -> ApiCaller:
    """Return the person the current API request acts for: their id, team and roles."""
    return g.api_user


def api_person() -> User:
    """Return the person the current API request acts for, loaded in full."""
    return db.session.get_one(User, api_user().id)


def paginated(query, pagination_parameters) -> list:
    """The rows of the page asked for, noting how many there are in all for the X-Pagination
    header. A page past the last is empty, however far past."""
    page = db.paginate(
        query, page=min(pagination_parameters.page, MAX_PAGE), per_page=pagination_parameters.page_size, error_out=False
    )
    pagination_parameters.item_count = page.total
    return page.items if pagination_parameters.page <= MAX_PAGE else []


def require_role(*roles: Role) -> None:
    """Answer 403 unless the API caller holds one of the roles."""
    if not api_user().has_role(*roles):
        abort(403, "Your account is not allowed to do this.")


# A rate limit's answer says when to try again.
RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer", "minimum": 1}}
}


def error_docs(blp, descriptions: dict[int, str], statuses) -> object:
    """Document an operation's JSON error answers: 401, the given statuses, and any other."""

    def answer(description: str, status: int | None = None) -> dict:
        return {
            "description": description,
            "content": {"application/json": {"schema": ErrorResponseSchema}},
            **({"headers": RETRY_AFTER} if status == 429 else {}),
        }

    responses = {status: answer(descriptions[status], status) for status in sorted({401, *statuses})}
    responses["default"] = answer("Any other error, in the same shape.")
    return blp.doc(responses=responses)


@contextmanager
def refusals_answered(not_found=(), forbidden=(), conflict=()):
    """Turn a service's refusal into the API's error answer, with nothing changed: invalid
    input 422 (naming the fields, as app.error_pages answers any InvalidInput), then the
    feature's own refusals as 404, 403 (with its reason) and 409 (with its reason), checked in
    that order."""
    try:
        yield
    except InvalidInput:
        raise  # app.error_pages answers it with a 422 naming the fields
    except not_found:
        abort(404)
    except forbidden as exc:
        abort(403, str(exc))
    except conflict as exc:
        abort(409, str(exc))
