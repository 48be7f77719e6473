"""The SAML 2.0 exchange, on pysaml2: the request that sends a person to the provider, and
the provider's answer read, its signature checked and every rule of app/sso/saml_checks.py
applied. The views (app/sso/saml_views.py) load this module only when someone signs in by
SAML, as pysaml2 and its XML schemas take a while to load.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.response import StatusError, UnsolicitedResponse
from saml2.sigver import SigverError
from saml2.validate import ResponseLifetimeExceed, ToEarly

from app.extensions import utcnow
from app.sso.saml_checks import (
    NOT_ASKED,
    NOT_FOR_US,
    NOT_SIGNED,
    OUT_OF_TIME,
    UNREADABLE,
    WRONG_PLACE,
    Answer,
    BadAnswer,
    Expected,
    checked_answer,
)
from app.sso.saml_config import (
    ALLOWED_CLOCK_SKEW_SECONDS,
    SamlUnavailable,
    acs_url,
    entity_id,
    idp_entity_id,
    saml_client,
    sp_metadata,
)

__all__ = ["SamlUnavailable", "read_answer", "request_to_provider", "sp_metadata"]

log = logging.getLogger(__name__)

PROVIDER_SAID_NO = "Your company's sign-in did not sign you in."


def request_to_provider(target: str) -> tuple[str, str]:
    """A new request's id, and the provider's address that carries it (HTTP-Redirect), with
    `target` (where to go once signed in) as its RelayState."""
    client = saml_client()
    provider = idp_entity_id(client)
    try:
        request_id, sent = client.prepare_for_authenticate(
            entityid=provider, relay_state=target, binding=BINDING_HTTP_REDIRECT
        )
    except Exception as error:  # no HTTP-Redirect sign-in address in the metadata, a bad key...
        raise SamlUnavailable(f"No request could be made for {provider}: {error}") from error
    return request_id, dict(sent["headers"])["Location"]


def read_answer(encoded: str, request_id: str) -> Answer:
    """The provider's answer (the posted SAMLResponse) to the request `request_id`, checked;
    BadAnswer when it is not one to accept."""
    if not encoded:
        raise BadAnswer(UNREADABLE)
    client = saml_client()
    expected = Expected(
        entity_id=entity_id(),
        acs_url=acs_url(),
        idp_entity_id=idp_entity_id(client),
        request_id=request_id,
        skew=timedelta(seconds=ALLOWED_CLOCK_SKEW_SECONDS),
    )
    try:
        parsed = client.parse_authn_request_response(encoded, BINDING_HTTP_POST, outstanding={request_id: ""})
    except Exception as error:  # pysaml2 raises plain Exceptions too; each is a bad answer
        log.warning("A SAML answer was refused: %s: %s", type(error).__name__, error)
        raise BadAnswer(_reason(error)) from None
    if parsed is None:
        raise BadAnswer(UNREADABLE)
    return checked_answer(parsed, expected, utcnow())


def _reason(error: Exception) -> str:
    """What went wrong in pysaml2's checks, in the person's words."""
    if isinstance(error, UnsolicitedResponse):
        return NOT_ASKED
    if isinstance(error, StatusError):
        return PROVIDER_SAID_NO
    if isinstance(error, SigverError):
        return NOT_SIGNED if "missing" in str(error).lower() else UNREADABLE
    if isinstance(error, ResponseLifetimeExceed | ToEarly) or "Condition not OK" in str(error):
        return OUT_OF_TIME
    if "AudienceRestriction" in str(error):
        return NOT_FOR_US
    if "recipient" in str(error).lower():
        return WRONG_PLACE
    return UNREADABLE
