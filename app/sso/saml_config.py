"""Unstuck as a SAML 2.0 service provider: its pysaml2 configuration, and the identity
provider's metadata it is built from.

    client = saml_client()     # raises SamlUnavailable, saying why, when it cannot be built

Unstuck's entity id is the address of its metadata (BASE_URL + /sso/saml/metadata) and its
Assertion Consumer Service is BASE_URL + /sso/saml/acs. The provider's metadata comes from
SAML_IDP_METADATA: a file, or an https address (http only on this machine) read with a
timeout and kept for an hour; when the provider cannot be reached, a copy read before is
used rather than nothing. Signatures are checked by Debian's xmlsec1, which must be installed.
Unstuck's own key and certificate (SAML_SP_KEY_FILE, SAML_SP_CERT_FILE) are optional: with
them it signs its requests. Encrypted assertions are not taken (the answer comes over HTTPS).
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
from flask import current_app
from saml2 import BINDING_HTTP_POST
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_PERSISTENT

from app.urls import external_url

log = logging.getLogger(__name__)

# How long the provider's metadata read from an address is used before it is read again,
# and how long reading it may take.
METADATA_MAX_AGE_SECONDS = 3600
METADATA_TIMEOUT_SECONDS = 10
# How far the provider's clock may be from ours when an assertion's time window is checked.
ALLOWED_CLOCK_SKEW_SECONDS = 60
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class SamlUnavailable(Exception):
    """Single sign-on by SAML cannot work now; the message says why, for the log."""


def entity_id() -> str:
    """Unstuck's SAML entity id: the stable address of its metadata."""
    return external_url("sso.saml_metadata")


def acs_url() -> str:
    """Where the identity provider posts its answers (the Assertion Consumer Service)."""
    return external_url("sso.saml_acs")


def xmlsec_binary() -> str:
    """The path of xmlsec1, which checks every signature."""
    xmlsec = shutil.which("xmlsec1")
    if xmlsec is None:
        raise SamlUnavailable("xmlsec1 is not installed (Debian's xmlsec1 package); SAML signatures cannot be checked.")
    return xmlsec


def sp_config(idp_metadata_xml: str | None = None) -> SPConfig:
    """Unstuck's service provider configuration; with the provider's metadata to check
    answers, without it to describe Unstuck (its own metadata)."""
    config = current_app.config
    signs = bool(config["SAML_SP_KEY_FILE"] and config["SAML_SP_CERT_FILE"])
    settings: dict = {
        "entityid": entity_id(),
        "xmlsec_binary": xmlsec_binary(),
        "accepted_time_diff": ALLOWED_CLOCK_SKEW_SECONDS,
        "allow_unknown_attributes": True,
        "service": {
            "sp": {
                "endpoints": {"assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)]},
                # Only answers to a request this browser started (see saml_views).
                "allow_unsolicited": False,
                "want_assertions_signed": True,
                "want_response_signed": bool(config.get("SAML_WANT_RESPONSE_SIGNED")),
                "authn_requests_signed": signs,
                "name_id_format": [NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_EMAILADDRESS],
            }
        },
    }
    if idp_metadata_xml is not None:
        settings["metadata"] = {"inline": [idp_metadata_xml]}
    if signs:
        settings["key_file"] = config["SAML_SP_KEY_FILE"]
        settings["cert_file"] = config["SAML_SP_CERT_FILE"]
    loaded = SPConfig()
    try:
        loaded.load(settings)
    except Exception as error:  # pysaml2 raises many kinds on bad metadata or keys
        raise SamlUnavailable(f"The SAML settings or the provider's metadata cannot be read: {error}") from error
    return loaded


def saml_client() -> Saml2Client:
    """A pysaml2 client for this request, that knows the provider from its metadata."""
    return Saml2Client(config=sp_config(idp_metadata(current_app.config["SAML_IDP_METADATA"])))


def sp_metadata() -> str:
    """Unstuck's metadata XML, for the provider's administrator (or the provider) to read."""
    return create_metadata_string(None, config=sp_config(), sign=False).decode("utf-8")


def idp_entity_id(client: Saml2Client) -> str:
    """The entity id of the identity provider named in the metadata (there must be one)."""
    providers = list(client.metadata.identity_providers())
    if len(providers) != 1:
        raise SamlUnavailable(f"SAML_IDP_METADATA must describe one identity provider; it describes {len(providers)}.")
    return providers[0]


def idp_metadata(source: str) -> str:
    """The provider's metadata XML, from a file or an address (see the module's docstring)."""
    parts = urlsplit(source)
    if parts.scheme not in ("http", "https"):
        try:
            return Path(source).read_text(encoding="utf-8")
        except OSError as error:
            raise SamlUnavailable(f"SAML_IDP_METADATA names a file that cannot be read: {error}") from error
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise SamlUnavailable("SAML_IDP_METADATA must be an https address (or a file).")
    cache = current_app.extensions.setdefault("saml_idp_metadata", {})
    read_at, text = cache.get(source, (0.0, ""))
    if text and time.monotonic() - read_at < METADATA_MAX_AGE_SECONDS:
        return text
    try:
        answer = requests.get(source, timeout=METADATA_TIMEOUT_SECONDS)
        answer.raise_for_status()
    except requests.RequestException as error:
        if text:
            log.warning("The SAML provider's metadata could not be read again (%s); using the copy read before.", error)
            return text
        raise SamlUnavailable(f"The SAML provider's metadata could not be read from {source}: {error}") from error
    cache[source] = (time.monotonic(), answer.text)
    return answer.text
