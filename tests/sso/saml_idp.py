"""A real SAML 2.0 identity provider for the tests: pysaml2's own IdP (saml2.server.Server)
behind a small WSGI app on a free loopback port, with a key and certificate of its own.

    idp = SamlIdP(tmp_path); idp.start()
    idp.metadata_file                  # its metadata, for SAML_IDP_METADATA
    idp.sp_metadata_url = ...          # where it reads Unstuck's metadata (ACS, entity id)
    idp.misbehave.add("expired")       # what a broken or hostile provider would send

GET /sso takes the AuthnRequest (HTTP-Redirect) and shows a sign-in form (a user name is
enough); POST /login answers with the auto-submitting form a real provider sends to the
service's ACS. Each switch of `misbehave` spoils one thing in the answer: "audience",
"other-audience-too", "no-audience", "expired", "not-yet", "recipient", "destination",
"unsigned", "other-key" (signed with a key the metadata does not name), "tampered" (changed
after signing), "assertion-only" (the assertion signed, the response around it not) and
"transient" (a NameID for this time only).
"""

from __future__ import annotations

import base64
import datetime
import html
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, class_name
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import (
    NAME_FORMAT_BASIC,
    NAMEID_FORMAT_PERSISTENT,
    NAMEID_FORMAT_TRANSIENT,
    Attribute,
    AttributeStatement,
    AttributeValue,
    Audience,
    AudienceRestriction,
    NameID,
)
from saml2.server import Server
from saml2.sigver import pre_signature_part
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ELSEWHERE = "https://elsewhere.example/saml"
ACCOUNTS = {
    "ada": {"subject": "idp-0001", "email": "ada@example.com", "displayName": "Ada Lovelace", "groups": []},
    "ben": {"subject": "idp-0002", "email": "ben@example.com", "displayName": "Ben Okafor", "groups": []},
}


@contextmanager
def running_idp(folder: Path) -> Iterator[SamlIdP]:
    """The test identity provider, running; the test skips, saying why, without xmlsec1."""
    if shutil.which("xmlsec1") is None:
        pytest.skip("xmlsec1 is not installed (Debian's xmlsec1 package): the SAML tests are skipped.")
    idp = SamlIdP(folder).start()
    try:
        yield idp
    finally:
        idp.stop()


def make_key_pair(folder: Path, name: str) -> tuple[Path, Path]:
    """A new RSA key and a self-signed certificate for it, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / f"{name}.key", folder / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


class SamlIdP:
    """pysaml2's identity provider on loopback, with two accounts and switches to misbehave."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.key_file, self.cert_file = make_key_pair(folder, "idp")
        self.other_key_file, self.other_cert_file = make_key_pair(folder, "intruder")
        self.accounts = {name: dict(account) for name, account in ACCOUNTS.items()}
        self.misbehave: set[str] = set()
        self.sp_metadata_url = ""
        self.answers: list[dict[str, str]] = []  # the forms posted to the service, last one last
        self._http = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self._http.server_port}"
        self.entity_id = f"{self.url}/metadata"
        self.metadata = create_metadata_string(None, config=self._config(), sign=False).decode()
        self.metadata_file = folder / "idp-metadata.xml"
        self.metadata_file.write_text(self.metadata, encoding="utf-8")
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def start(self) -> SamlIdP:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering (once; stopping again does nothing)."""
        if self._thread.is_alive():
            self._http.shutdown()
            self._thread.join()
        self._http.server_close()

    def _config(self, sp_metadata: str | None = None) -> IdPConfig:
        settings: dict = {
            "entityid": self.entity_id,
            "xmlsec_binary": shutil.which("xmlsec1"),
            "key_file": str(self.key_file),
            "cert_file": str(self.cert_file),
            "service": {
                "idp": {
                    "endpoints": {"single_sign_on_service": [(f"{self.url}/sso", BINDING_HTTP_REDIRECT)]},
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}},
                }
            },
        }
        if sp_metadata is not None:
            settings["metadata"] = {"inline": [sp_metadata]}
        return IdPConfig().load(settings)

    def _server(self) -> Server:
        """The IdP, knowing the service from the metadata it publishes (as a provider would)."""
        sp_metadata = requests.get(self.sp_metadata_url, timeout=5).text
        return Server(config=self._config(sp_metadata))

    # The web pages

    @Request.application
    def wsgi(self, request: Request) -> Response:
        if request.path == "/metadata":
            return Response(self.metadata, content_type="application/samlmetadata+xml")
        if request.path == "/sso" and request.method == "GET":
            return self._sign_in_form(request.args.get("SAMLRequest", ""), request.args.get("RelayState", ""))
        if request.path == "/login" and request.method == "POST":
            return self._answer(request.form["SAMLRequest"], request.form["RelayState"], request.form["username"])
        return Response("Not found", status=404)

    def _sign_in_form(self, saml_request: str, relay_state: str) -> Response:
        self._server().parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)  # a bad request fails here
        return _page(
            "Test identity provider",
            '<form method="post" action="/login">'
            '<label>User name <input name="username" autofocus></label>'
            f'<input type="hidden" name="SAMLRequest" value="{html.escape(saml_request)}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay_state)}">'
            "<button>Sign in</button></form>",
        )

    def _answer(self, saml_request: str, relay_state: str, username: str) -> Response:
        account = self.accounts.get(username.strip())
        if account is None:
            return _page("Test identity provider", "<p>No such user.</p>", status=401)
        server = self._server()
        authn_request = server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
        args = server.response_args(authn_request, [BINDING_HTTP_POST])
        destination = args["destination"]
        response = server.create_authn_response(
            {},
            in_response_to=args["in_response_to"],
            destination=destination,
            sp_entity_id=args["sp_entity_id"],
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=account["subject"]),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            sign_response=False,
            sign_assertion=False,
        )
        response.assertion.attribute_statement = [_attributes(account)]
        self._spoil(response)
        signed = self._sign(server, response)
        if "tampered" in self.misbehave:
            signed = signed.replace(account["email"], "intruder@example.com")
        form = {"SAMLResponse": _base64(signed), "RelayState": relay_state}
        self.answers.append(form)
        fields = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in form.items())
        return _page(
            "Signing you in",
            f'<form method="post" action="{html.escape(destination)}">{fields}<button>Continue</button></form>'
            "<script>document.forms[0].submit()</script>",
        )

    def _spoil(self, response) -> None:
        """Break the answer as the switches say (before it is signed, as a provider would)."""
        assertion = response.assertion
        conditions, confirmation = assertion.conditions, assertion.subject.subject_confirmation[0]
        data = confirmation.subject_confirmation_data
        if "audience" in self.misbehave:
            conditions.audience_restriction[0].audience[0].text = ELSEWHERE
        if "other-audience-too" in self.misbehave:  # for us, and also only for another service
            conditions.audience_restriction.append(AudienceRestriction(audience=[Audience(text=ELSEWHERE)]))
        if "no-audience" in self.misbehave:
            conditions.audience_restriction = []
        if "expired" in self.misbehave:
            past = _instant(minutes=-10)
            conditions.not_before, conditions.not_on_or_after = _instant(minutes=-20), past
            data.not_on_or_after = past
        if "not-yet" in self.misbehave:
            conditions.not_before, conditions.not_on_or_after = _instant(minutes=10), _instant(minutes=20)
        if "recipient" in self.misbehave:
            data.recipient = "https://elsewhere.example/saml/acs"
        if "transient" in self.misbehave:
            assertion.subject.name_id.format = NAMEID_FORMAT_TRANSIENT
        if "destination" in self.misbehave:
            response.destination = "https://elsewhere.example/saml/acs"

    def _sign(self, server: Server, response) -> str:
        """The answer as XML, its assertion and itself signed (or not, or with another key)."""
        if "unsigned" in self.misbehave:
            return str(response)
        key_file, cert_file = self.key_file, self.cert_file
        if "other-key" in self.misbehave:
            key_file, cert_file = self.other_key_file, self.other_cert_file
        cert = "".join(line for line in cert_file.read_text().splitlines() if "-----" not in line)
        assertion = response.assertion
        assertion.signature = pre_signature_part(assertion.id, cert, 1)
        signed = [assertion]
        if "assertion-only" not in self.misbehave:
            response.signature = pre_signature_part(response.id, cert, 2)
            signed.append(response)
        xml = str(response)
        for element in signed:
            xml = server.sec.sign_statement(xml, class_name(element), key_file=str(key_file), node_id=element.id)
        return xml


def _attributes(account: dict) -> AttributeStatement:
    """The account's attributes, named plainly (as Okta, Entra ID and Keycloak can be set to)."""
    names = [name for name in account if name != "subject"]
    return AttributeStatement(
        attribute=[
            Attribute(
                name=name,
                name_format=NAME_FORMAT_BASIC,
                attribute_value=[AttributeValue(text=value) for value in _listed(account[name])],
            )
            for name in names
        ]
    )


def _listed(value) -> list[str]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _instant(minutes: int) -> str:
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _base64(xml: str) -> str:
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")


def _page(title: str, body: str, status: int = 200) -> Response:
    document = f"<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
    return Response(document, status=status, content_type="text/html")
