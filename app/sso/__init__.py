"""Single sign-on: people sign in with their company's identity provider, by OpenID Connect or
SAML 2.0, and are matched to their account by verified email (or added at first sign-in)."""
