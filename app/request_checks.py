"""Requests no database column can take, answered before any view runs.

- An id in an address (`<int:...>`) larger than the database's integer ids names no row:
  the address is not found (404), as for any other id that names nothing, instead of
  failing in the database.
- A NUL character in the address, the query, a form or a JSON body cannot be stored
  (PostgreSQL refuses it in text) and nobody types one: the request is refused with a 400
  that says so, and nothing is saved.
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest value of an INTEGER column (PostgreSQL's, and our ids')
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


class DatabaseId(IntegerConverter):
    """`<int:...>` in a route: a whole number an id column can hold, or no match at all."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def database_id(text) -> int:
    """An id read from a query or a form: a whole number an id column holds. ValueError for
    anything else, so `request.args.get(name, type=database_id)` gives None for it."""
    number = int(text)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"{text!r} is not an id")
    return number


def init_request_checks(app: Flask) -> None:
    """Check ids and text before the views; call before any blueprint is registered, so
    every `<int:...>` route uses `DatabaseId`."""
    app.url_map.converters["int"] = DatabaseId
    app.before_request(refuse_nul_characters)


def holds_nul(value) -> bool:
    """Tell whether a value from a request (text, or lists and dicts of them) holds a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(holds_nul(v) for v in value)
    return False


def refuse_nul_characters() -> None:
    """Answer 400 for a request whose address, query, form or JSON body holds a NUL."""
    sent = [request.view_args or {}, list(request.args.items(multi=True))]
    if request.mimetype in FORM_TYPES:
        sent.append(list(request.form.items(multi=True)))
    elif request.is_json:
        sent.append(request.get_json(silent=True))
    if holds_nul(sent):
        abort(400, "The request holds a NUL character (\\0), which Unstuck cannot keep. "
                   "Remove it and send again.")
