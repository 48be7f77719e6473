"""One action, once: the key a form carries from the moment it is shown.

A double click, a resend after a slow answer, or two requests at the same moment send the
same form, and so the same key; the row the action makes keeps the key, unique per person
and place (a thread, a week), so the second sending finds the first's row and answers as
it did. A form shown again after it was saved gets a new key. The API takes the same key
as `request_key`.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa
from wtforms import HiddenField
from wtforms.validators import Length

from app.database import insert_unless_exists
from app.errors import InvalidInput
from app.extensions import db

KEY_MAX = 64
TOO_LONG = f"A request key is at most {KEY_MAX} characters."


def new_request_key() -> str:
    """A fresh key for a form being shown."""
    return secrets.token_urlsafe(24)


def request_key(value) -> str | None:
    """The key as a row keeps it (None for none); InvalidInput if it is too long."""
    key = value.strip() if isinstance(value, str) else ""
    if len(key) > KEY_MAX:
        raise InvalidInput({"request_key": TOO_LONG})
    return key or None


class RequestKeyField(HiddenField):
    """The form's key, made when the form is shown and sent back with it."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, default=new_request_key, validators=[Length(max=KEY_MAX, message=TOO_LONG)], **kwargs)


def insert_once(model: type, values: dict, scope: tuple[str, ...], same: tuple[str, ...]) -> tuple[Any, bool]:
    """Insert a row of `model` with `values` (its `request_key` among them), or find the row
    the same key made; return the row, and whether it is new.

    The key is unique within the `scope` columns (the person and the place); the table has
    that unique constraint. A row the key made with other `same` values (other words from an
    old form) is not the same action: the new row is inserted, without the key. Of two
    requests at the same moment, the second waits for the first's commit and finds its row.
    """
    if values.get("request_key") is not None:
        earlier = db.session.scalar(
            sa.select(model).where(*(getattr(model, name) == values[name] for name in (*scope, "request_key")))
        )
        if earlier is not None:
            if all(getattr(earlier, name) == values[name] for name in same):
                return earlier, False
            values = values | {"request_key": None}
    row_id = insert_unless_exists(
        model.__table__, _by_column(model, values), [_column(model, name) for name in (*scope, "request_key")]
    )
    if row_id is None:  # made meanwhile by the same form, sent at the same moment
        return insert_once(model, values, scope, same)
    return db.session.get(model, row_id), True


def _column(model: type, attribute: str) -> str:
    """The name of the column behind a model's attribute (they may differ)."""
    return sa.inspect(model).attrs[attribute].columns[0].name


def _by_column(model: type, values: dict) -> dict:
    """Values named by attribute, named by column instead, as a table's insert takes them."""
    return {_column(model, name): value for name, value in values.items()}
