"""Single sign-on: people sign in with their company's identity provider, by OpenID Connect or
SAML 2.0, and are matched to their account by verified email (or added at first sign-in).

app/sso/accounts.py decides who a provider's answer signs in, the same way for both
protocols; each protocol's views only check the answer and hand over an `Identity`.
"""

from flask import Blueprint

bp = Blueprint("sso", __name__, url_prefix="/sso", template_folder="templates")
