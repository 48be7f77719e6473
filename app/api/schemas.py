"""The shape of every error answer of the API."""

import re

import marshmallow as ma
from marshmallow import fields, validate

from app.request_checks import MAX_ID


class ErrorDetailSchema(ma.Schema):
    """What went wrong."""

    code = fields.String(
        required=True,
        metadata={
            "description": "A stable code such as `unauthorized`, `not_found` or `invalid`.",
            "example": "invalid",
        },
    )
    message = fields.String(required=True, metadata={"description": "What went wrong, for people."})
    fields_ = fields.Dict(
        data_key="fields",
        required=True,
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={
            "description": "Messages by field name; empty unless fields are wrong.",
            "example": {"email": ["Someone already uses ada@example.com."]},
        },
    )
    question = fields.Dict(
        metadata={
            "description": "With the code `asked_before` only: the earlier question you asked, as "
            "`id`, `url` (its page), `api_url` and `asked_at`.",
            "example": {
                "id": 7,
                "url": "https://unstuck.example.com/help/questions/7",
                "api_url": "https://unstuck.example.com/api/v1/questions/7",
                "asked_at": "2026-12-07T10:12:00+00:00",
            },
        }
    )


class ErrorResponseSchema(ma.Schema):
    """The body of every error answer."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class Id(fields.Integer):
    """The id of a row: a whole number from 1 to the largest an id column holds. Any other
    number names nothing and is refused by its field, rather than failing in the database."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "validate", validate.Range(min=1, max=MAX_ID, error=f"Not an id: ids are whole numbers from 1 to {MAX_ID}.")
        )
        super().__init__(**kwargs)


class StrictBoolean(fields.Boolean):
    """JSON true or false, nothing else: "yes" or 1 is more likely a mistake than a choice."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class TimeOfDay(fields.Time):
    """A time of day as HH:MM or HH:MM:SS, with no time zone: the person's own zone says
    which. An offset or a fraction of a second is refused rather than half understood."""

    PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
    default_error_messages = {"invalid": "Not a valid time of day: send HH:MM or HH:MM:SS."}

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": self.PATTERN, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(self.PATTERN, value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Shown:
    """What a view has already shaped as its response schema would dump it (plain JSON values),
    so a hot read's rows are not walked a second time field by field. The schema must mix in
    `PassesShown`; a test holds the view's shape to the schema's own dump."""

    __slots__ = ("data",)

    def __init__(self, data) -> None:
        self.data = data


class PassesShown:
    """A response schema that answers with what a view already shaped (`Shown`) as it is."""

    def dump(self, obj, *, many=None):
        if isinstance(obj, Shown):
            return obj.data
        return super().dump(obj, many=many)  # type: ignore[misc]
