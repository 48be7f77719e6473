"""One place for errors: an HTML page for people, JSON for the API."""

import logging

from flask import jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from app.extensions import db

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}

MESSAGES = {
    401: "Please sign in to see this.",
    403: "You do not have access to this.",
    404: "There is nothing here.",
    413: "That upload is too large.",
}


def wants_json() -> bool:
    """Tell whether the caller is the API or asked for JSON rather than a page."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, message: str, fields: dict | None = None, code: str | None = None):
    """Build the error answer for this request: JSON for the API, an HTML page otherwise."""
    code = code or CODES.get(status, "error")
    if wants_json():
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
    message = given or MESSAGES.get(status) or exc.description or exc.name
    if status == 422 and fields:
        message = "Some fields are not valid."
    if status == 400 and ("JSON" in (exc.description or "") or fields.get("json") == ["Invalid JSON body."]):
        message, fields = "The request body is not valid JSON.", {}
    response = error_response(status, message, fields)
    # Keep the headers that carry meaning, such as Allow on a 405 or Retry-After on a 429.
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_unexpected(exc: Exception):
    """Roll back, log, and answer a clear 500 for anything not handled elsewhere."""
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    db.session.rollback()
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "Something went wrong on our side. Nothing you sent was half-saved; please try again.")


def register_errorhandlers(app) -> None:
    """Route every error through this module."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
