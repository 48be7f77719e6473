"""Single sign-on against real providers started by the tests: the OpenID provider of npm's
`oidc-provider` (tests/sso/openid_provider.py) and, for SAML, pysaml2's own IdP
(tests/sso/saml_idp.py), each on loopback with Unstuck served beside it. Without Node.js or
xmlsec1, the tests that need them skip and say why."""

import pytest

from tests.sso.openid_provider import openid_provider, provider_process, sso_port, sso_server  # noqa: F401
from tests.sso.saml_flow import Browser, serve_unstuck
from tests.sso.saml_idp import running_idp


@pytest.fixture
def saml_idp(tmp_path):
    """The test identity provider, running."""
    with running_idp(tmp_path) as idp:
        yield idp


@pytest.fixture
def saml_server(app, backend, prepared_databases, redis_url, saml_idp):
    """Unstuck with SAML on, trusting the test provider (which reads Unstuck's metadata)."""
    with serve_unstuck(prepared_databases(backend), redis_url, SAML_IDP_METADATA=str(saml_idp.metadata_file)) as served:
        saml_idp.sp_metadata_url = f"{served.url}/sso/saml/metadata"
        yield served


@pytest.fixture
def browser_http(saml_server):
    """A person's browser (requests) for the live Unstuck."""
    return Browser(saml_server)
