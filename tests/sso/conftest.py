"""Single sign-on tests: the real OpenID provider and Unstuck served beside it."""

from tests.sso.openid_provider import openid_provider, provider_process, sso_port, sso_server  # noqa: F401
