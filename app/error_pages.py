"""How Unstuck answers an error: an HTML page for people, JSON for the API.

Every error a view lets through ends here: HTTP errors, the services' refusals
(app.errors.ServiceError), a database gone or a write that lost a race, and anything
unexpected (a 500)."""

import logging
import math

import sqlalchemy as sa
from flask import current_app, g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, TooManyRequests
from werkzeug.http import HTTP_STATUS_CODES

from app.database import is_conflict
from app.errors import CODES, ServiceError
from app.extensions import db
from app.security import retry_after_seconds

log = logging.getLogger(__name__)

MESSAGES = {
    401: "Please sign in to see this.",
    403: "You do not have access to this.",
    404: "There is nothing here.",
    413: "That upload is too large.",
}


# Endpoints outside the API that only programs call: they get JSON whatever they accept.
MACHINE_ENDPOINTS = {"mail.incoming_mail"}


def wants_json() -> bool:
    """Tell whether the caller is the API, sent JSON, or asked for JSON rather than a page."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(
    status: int, message: str, fields: dict | None = None, code: str | None = None, as_json: bool | None = None
):
    """Build the error answer for this request: JSON for the API, an HTML page otherwise."""
    code = code or CODES.get(status, "error")
    if wants_json() if as_json is None else as_json:
        response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    else:
        response = make_response(
            render_template("errors/error.html", status=status, message=message, fields=fields or {})
        )
    response.status_code = status
    return response


def field_messages(exc: HTTPException) -> dict:
    """Pull per-field messages out of a validation error raised by the API layer."""
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") or {}
    # webargs nests messages by location ("json", "query"); people care about the field.
    fields: dict = {}
    for location, per_field in messages.items():
        if isinstance(per_field, dict):
            fields.update(_by_path(per_field))
        else:
            fields[location] = per_field if isinstance(per_field, list) else [str(per_field)]
    return fields


def _by_path(messages: dict, prefix: str = "") -> dict[str, list[str]]:
    """Name the messages of list items and nested fields by their path, as in `roles.0`."""
    fields: dict[str, list[str]] = {}
    for name, errors in messages.items():
        path = f"{prefix}{name}"
        if isinstance(errors, dict):
            fields.update(_by_path(errors, f"{path}."))
        else:
            fields[path] = [str(e) for e in errors] if isinstance(errors, list) else [str(errors)]
    return fields


def handle_http_exception(exc: HTTPException):
    """Answer an HTTP error with a page or a JSON body."""
    status = exc.code or 500
    if status >= 500:
        db.session.rollback()
    fields = field_messages(exc)
    # A reason given where the error was raised says more than the stock wording.
    given = exc.description if exc.description != type(exc).description else None
    message = given or stock_message(status) or exc.description or exc.name
    if status == 422 and fields:
        message = "Some fields are not valid."
    # The parsers' own words for a body that is not JSON at all; the request checks' refusals
    # of a JSON body say more, and stand.
    if status == 400 and (
        fields.get("json") == ["Invalid JSON body."] or (exc.description or "").startswith("Failed to decode JSON")
    ):
        message, fields = "The request body is not valid JSON.", {}
    response = error_response(status, message, fields)
    # Keep the headers that carry meaning, such as Allow on a 405 or Retry-After on a 429.
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_service_error(exc: ServiceError):
    """Answer a service's refusal that no view caught with its status and code, its reason
    (unless it must not say why) and its field errors."""
    reason = (exc.message if exc.says_why else "") or stock_message(exc.status) or HTTP_STATUS_CODES[exc.status]
    fields = {name: [problem] for name, problem in exc.fields.items()}
    return error_response(exc.status, reason, fields, exc.code)


def stock_message(status: int) -> str | None:
    """The wording for a status when the code that raised it gave none."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if status == 413 and limit:
        return f"{MESSAGES[413]} Unstuck accepts at most {size_in_words(limit)} at once."
    return MESSAGES.get(status)


def size_in_words(size: int) -> str:
    """2097152 -> "2 MB": a size as people read it."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


def wait_in_words(seconds: int) -> str:
    """90 -> "2 minutes": how long to wait, rounded up to what people count in."""
    for unit, scale in (("hour", 3600), ("minute", 60)):
        if seconds >= scale:
            count = math.ceil(seconds / scale)
            return f"{count} {unit}" + ("s" if count > 1 else "")
    return f"{seconds} second" + ("s" if seconds != 1 else "")


def handle_too_many_requests(exc: TooManyRequests):
    """Answer a rate limit with when to try again, in words and in a Retry-After header."""
    wait = retry_after_seconds()
    given = exc.description if exc.description != TooManyRequests.description else None
    reason = given or "Too many requests in a short time."
    response = error_response(
        429,
        f"{reason} Please try again in {wait_in_words(wait)}.",
        as_json=wants_json() or request.endpoint in MACHINE_ENDPOINTS,
    )
    response.headers["Retry-After"] = str(wait)
    return response


DATABASE_UNAVAILABLE = (
    "Unstuck's database is not available just now. Nothing you sent was saved; please try again in a moment."
)


def handle_database_error(exc: sa.exc.DBAPIError):
    """Answer a database that went away (restarting, unreachable, the connection lost) with a
    503 to try again: the transaction was rolled back, so nothing was half-saved. Any other
    database error is an unexpected one."""
    if not (isinstance(exc, sa.exc.OperationalError) or exc.connection_invalidated):
        return handle_unexpected(exc)
    db.session.rollback()
    log.warning("database unavailable on %s %s: %s", request.method, request.path, exc.orig)
    # The page must not ask the database again who is signed in: show it as to a visitor.
    g._login_user = current_app.login_manager.anonymous_user()
    response = error_response(503, DATABASE_UNAVAILABLE)
    response.headers["Retry-After"] = "30"
    return response


CONFLICT = (
    "Someone saved the same thing at the same moment as you, so this could not be saved. "
    "Nothing you sent was saved; please look again and try once more."
)


def handle_integrity_error(exc: sa.exc.IntegrityError):
    """Answer a write that lost a race (a unique value taken, a row deleted meanwhile) with a
    409 that says so: the transaction was rolled back, so nothing was half-saved. Code that
    can tell people more catches such a conflict itself; any other refusal is unexpected."""
    if not is_conflict(exc):
        return handle_unexpected(exc)
    db.session.rollback()
    log.warning("conflict on %s %s: %s", request.method, request.path, exc.orig)
    return error_response(409, CONFLICT)


def handle_unexpected(exc: Exception):
    """Roll back, log, and answer a clear 500 for anything not handled elsewhere."""
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    db.session.rollback()
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "Something went wrong on our side. Nothing you sent was half-saved; please try again.")


def register_errorhandlers(app) -> None:
    """Route every error through this module."""
    app.register_error_handler(TooManyRequests, handle_too_many_requests)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(sa.exc.IntegrityError, handle_integrity_error)
    app.register_error_handler(sa.exc.DBAPIError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)
