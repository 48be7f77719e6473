"""What feedback services raise when they refuse; views turn each into its page or status.

Bad values raise app.errors.InvalidInput (a form error, or 422), as elsewhere.
"""


class NotFound(LookupError):
    """There is no such thing, or it is not the person's to see: the two look the same (404)."""


class NotAllowed(PermissionError):
    """The person sees the thing but may not do this to it; the message says why (403)."""


class Closed(Exception):
    """This cannot be answered any more (a mentorship that ended, a newer check-in); 409."""
