"""What Unstuck accepts from a SAML identity provider, checked on the answer pysaml2 parsed.

pysaml2 checks the signature (with the provider's certificate from its metadata) and most
of the rules; this module checks them all again, strictly, and reads the one assertion:

- it answers the request this browser started (InResponseTo), sent to our Assertion
  Consumer Service (Destination, and the bearer confirmation's Recipient);
- it comes from the provider of the metadata (Issuer), and its assertion is signed;
- it is meant for Unstuck: every AudienceRestriction names our entity id;
- it is used within its time window (NotBefore, NotOnOrAfter), give or take a small skew;
- it names the person by a lasting NameID (persistent, email...), never a transient one.

    answer = checked_answer(response, Expected(...), now)   # or raises BadAnswer
    answer.first(attribute_name)

Nothing here knows Flask or the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"
TRANSIENT_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
MAX_ID = 255  # the longest NameID a link to an account keeps


class BadAnswer(Exception):
    """An answer Unstuck does not accept; `reason` says why, in words for the person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


NOT_ASKED = "Unstuck did not ask for this sign-in, or it was started in another browser. Please start again."
WRONG_PROVIDER = "The answer does not come from your company's sign-in."
NOT_SIGNED = "The answer is not signed by your company's sign-in."
NOT_FOR_US = "The answer was meant for another service."
WRONG_PLACE = "The answer was sent to another address than Unstuck's."
OUT_OF_TIME = "The answer has expired or is not valid yet. Please start again (and check the clocks)."
USED = "This answer was used already. Please start again."
UNREADABLE = "The answer could not be read or its signature does not match."
TRANSIENT = (
    "Your company's sign-in names you by a temporary id, which cannot say who you are next time. "
    "Ask your admin to send a persistent NameID or your email address."
)


@dataclass(frozen=True)
class Expected:
    """What a good answer must say: who asked (entity id, ACS), whom we trust, which request."""

    entity_id: str
    acs_url: str
    idp_entity_id: str
    request_id: str
    skew: timedelta = timedelta(seconds=60)


@dataclass(frozen=True)
class Answer:
    """The checked assertion: its id and validity end, the subject and the attributes."""

    assertion_id: str
    issuer: str
    name_id: str
    name_id_format: str
    valid_until: datetime
    attributes: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def values(self, name: str) -> list[str]:
        """The values of an attribute (by its Name or FriendlyName); none when name is empty."""
        return list(self.attributes.get(name, ())) if name else []

    def first(self, name: str) -> str | None:
        values = self.values(name)
        return values[0] if values else None


def checked_answer(response: Any, expected: Expected, now: datetime) -> Answer:
    """The assertion of pysaml2's AuthnResponse, if it passes every rule above."""
    message = response.response
    assertion = response.assertion
    if assertion is None or len(message.assertion) != 1 or message.encrypted_assertion:
        # pysaml2 leaves no assertion when the response's own checks fail (its Destination).
        raise BadAnswer(WRONG_PLACE if message.destination != expected.acs_url else UNREADABLE)
    if message.in_response_to != expected.request_id:
        raise BadAnswer(NOT_ASKED)
    if message.destination != expected.acs_url:
        raise BadAnswer(WRONG_PLACE)
    for issuer in (message.issuer, assertion.issuer):
        if issuer is not None and (issuer.text or "").strip() != expected.idp_entity_id:
            raise BadAnswer(WRONG_PROVIDER)
    if assertion.issuer is None:
        raise BadAnswer(WRONG_PROVIDER)
    if assertion.signature is None:
        raise BadAnswer(NOT_SIGNED)
    valid_until = _check_conditions(assertion.conditions, expected, now)
    subject = assertion.subject
    if subject is None or subject.name_id is None or not 0 < len((subject.name_id.text or "").strip()) <= MAX_ID:
        raise BadAnswer(UNREADABLE)
    if subject.name_id.format == TRANSIENT_FORMAT:
        raise BadAnswer(TRANSIENT)
    valid_until = min(valid_until, _check_confirmation(subject.subject_confirmation, expected, now))
    return Answer(
        assertion_id=assertion.id,
        issuer=expected.idp_entity_id,
        name_id=subject.name_id.text.strip(),
        name_id_format=subject.name_id.format or "",
        valid_until=valid_until,
        attributes=_attributes(assertion.attribute_statement),
    )


def _check_conditions(conditions: Any, expected: Expected, now: datetime) -> datetime:
    """The end of the assertion's time window, once its audience and window are right."""
    if conditions is None or not conditions.audience_restriction:
        raise BadAnswer(NOT_FOR_US)
    for restriction in conditions.audience_restriction:
        if expected.entity_id not in {(a.text or "").strip() for a in restriction.audience}:
            raise BadAnswer(NOT_FOR_US)
    if conditions.not_before and now + expected.skew < _time(conditions.not_before):
        raise BadAnswer(OUT_OF_TIME)
    if not conditions.not_on_or_after:
        raise BadAnswer(OUT_OF_TIME)
    ends = _time(conditions.not_on_or_after)
    if now - expected.skew >= ends:
        raise BadAnswer(OUT_OF_TIME)
    return ends


def _check_confirmation(confirmations: Sequence[Any], expected: Expected, now: datetime) -> datetime:
    """The end of the bearer confirmation's window, once it names our request and address."""
    bearers = [c for c in confirmations if c.method == BEARER and c.subject_confirmation_data is not None]
    if not bearers:
        raise BadAnswer(UNREADABLE)
    for confirmation in bearers:
        data = confirmation.subject_confirmation_data
        if data.recipient != expected.acs_url:
            raise BadAnswer(WRONG_PLACE)
        if data.in_response_to != expected.request_id:
            raise BadAnswer(NOT_ASKED)
        if not data.not_on_or_after or now - expected.skew >= _time(data.not_on_or_after):
            raise BadAnswer(OUT_OF_TIME)
    return min(_time(c.subject_confirmation_data.not_on_or_after) for c in bearers)


def _attributes(statements: Sequence[Any]) -> dict[str, list[str]]:
    """Each attribute's text values, under its Name and its FriendlyName."""
    found: dict[str, list[str]] = {}
    for statement in statements:
        for attribute in statement.attribute:
            values = [v.text.strip() for v in attribute.attribute_value if v.text and v.text.strip()]
            for name in {attribute.name, attribute.friendly_name} - {None, ""}:
                found.setdefault(name, []).extend(values)
    return found


def _time(text: str) -> datetime:
    """A SAML instant (xs:dateTime, UTC) as an aware datetime."""
    try:
        instant = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadAnswer(UNREADABLE) from None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)
