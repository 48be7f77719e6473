"""The errors a service raises when it refuses, each knowing its HTTP answer.

A service (of the kernel or of a feature) raises one of these, in words for the person; a
view may catch it to answer in its own way (a form error, a flash), and any it lets through
is answered by app.error_pages: a page, or JSON for the API, with the error's status, code,
message and field errors. Features subclass them under names that carry their meaning
(QuestionNotFound, NoFreeSlot, ...). Nothing here knows Flask, so pure cores may raise them.
"""

from collections.abc import Mapping
from types import MappingProxyType

# The machine-readable code of each status, in every error answer.
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


class ServiceError(Exception):
    """A refusal in words a person can read (`message`), and its HTTP answer: `status`, `code`
    and, for input at fault, `fields` (a field's name -> what is wrong with it)."""

    status = 400
    code = CODES[400]
    # Whether the answer may say why: a thing missing and a thing hidden must look the same.
    says_why = True
    fields: Mapping[str, str] = MappingProxyType({})

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class InvalidInput(ServiceError, ValueError):
    """Input a person can fix; `fields` maps a field name to what is wrong with it (422)."""

    status = 422
    code = CODES[422]

    def __init__(self, fields: Mapping[str, str], message: str = "Some fields are not valid."):
        super().__init__(message)
        self.fields = dict(fields)


class NotFound(ServiceError, LookupError):
    """There is no such thing, or it is not the person's to see: the two look the same (404),
    so the answer says only that there is nothing here."""

    status = 404
    code = CODES[404]
    says_why = False


class Refused(ServiceError, PermissionError):
    """The person sees the thing but may not do this to it; the message says why (403)."""

    status = 403
    code = CODES[403]


class Conflict(ServiceError):
    """This cannot happen in the thing's present state; the message says why (409)."""

    status = 409
    code = CODES[409]
