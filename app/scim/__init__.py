"""Directory sync by SCIM 2.0: the company's identity provider adds, changes and deactivates
people and keeps groups as teams and roles, at /scim/v2 with a SCIM token (README,
"Directory sync (SCIM 2.0)").

- `resources`: what Unstuck publishes and keeps of a User and a Group (scim2-models);
- `requests`: the filters answered and the PATCH bodies made ready (pure);
- `people` and `groups`: the services; `models`: tokens and groups;
- `views`: the endpoints, their bearer token, and SCIM's error answers.
"""

from flask import Blueprint

bp = Blueprint("scim", __name__, url_prefix="/scim/v2")

from app.scim import views  # noqa: E402,F401
