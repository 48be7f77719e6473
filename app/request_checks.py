"""Requests no database column can take, answered before any view runs.

- An id in an address (`<int:...>`) larger than the database's integer ids names no row:
  the address is not found (404), as for any other id that names nothing, instead of
  failing in the database.
- A NUL character in the address, the query, a form or a JSON body cannot be stored
  (PostgreSQL refuses it in text) and nobody types one: the request is refused with a 400
  that says so, and nothing is saved.
- A JSON body nested deeper than MAX_JSON_DEPTH (no request needs more than a few levels;
  a parser or a check walking a deeper one runs out of stack), or holding a lone UTF-16
  surrogate (`"\\ud800"` is valid JSON, but not text any database or page can keep), is
  refused with a 400 on every route, before any view reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest value of an INTEGER column (PostgreSQL's, and our ids')
MAX_JSON_DEPTH = 32
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
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


def texts(value) -> Iterator[str]:
    """Every piece of text in a value from a request (text, or lists and dicts of them, keys
    too), walked without recursion, however deep."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def holds_nul(value) -> bool:
    """Tell whether a value from a request (text, or lists and dicts of them) holds a NUL."""
    return any("\x00" in text for text in texts(value))


def depth(value) -> int:
    """How many lists and objects deep a JSON value is, walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def json_body():
    """The request's JSON body, read once (None if it is not JSON or not valid JSON, which the
    view's own reading answers); 400 if no request could mean it."""
    if not request.is_json:
        return None
    too_deep = (
        f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep; no request of "
        "Unstuck needs that many. Nothing was saved."
    )
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # the parser ran out of stack long before the end
        abort(400, too_deep)
    if depth(body) > MAX_JSON_DEPTH:
        abort(400, too_deep)
    if any(LONE_SURROGATE.search(text) for text in texts(body)):
        abort(
            400,
            "The JSON body holds a \\u escape of half a character (a lone surrogate such as "
            "\\ud800), which is not text. Send the text as UTF-8. Nothing was saved.",
        )
    return body


def refuse_nul_characters() -> None:
    """Answer 400 for a request whose address, query, form or JSON body holds a NUL, or whose
    JSON body no request could mean."""
    sent = [request.view_args or {}, list(request.args.items(multi=True))]
    if request.mimetype in FORM_TYPES:
        sent.append(list(request.form.items(multi=True)))
    else:
        sent.append(json_body())
    if holds_nul(sent):
        abort(400, "The request holds a NUL character (\\0), which Unstuck cannot keep. Remove it and send again.")
