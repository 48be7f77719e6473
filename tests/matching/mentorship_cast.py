"""The people of a mentorship for the API tests, and helpers to call the API as them."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.models import ApiToken
from app.extensions import db
from app.people.models import Skill, User
from matching import services
from matching.models import Mentorship

API = "/api/v1"
REASONS = [
    {"part": "skills", "points": 40.0, "text": "teaches SQL 4/5, you are 1/5"},
    {"part": "seniority", "points": 11.4, "text": "2 levels more senior (Senior)"},
    {"part": "overlap", "points": 20.0, "text": "8 h of shared working hours"},
]
# The tables a mentorship call may change (tokens are left out: every call stamps one).
WATCHED_TABLES = ["mentorships", "mentorship_fit_answers", "waiting_for_mentor", "outbound_mail", "users"]


def bearer(user: User) -> dict[str, str]:
    """Return the headers of an API call made with a new token of the person."""
    _, secret = ApiToken.issue(user, "t")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def propose(new_hire: User, mentor: User, accepted: bool = False) -> Mentorship:
    """Make a proposal (accepted at once, if asked) the way matching does."""
    mentorship = services.create_proposal(new_hire.id, mentor.id, 71.4, REASONS, "join", 3)
    db.session.commit()
    if accepted:
        services.accept(mentorship.id, mentor.id)
    return mentorship


def assert_error(response, status: int, code: str) -> dict:
    """Check an error answer's status and shape; return it."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


@dataclass
class Cast:
    """The two sides of a mentorship, a mentor outside it, an admin, and the skill taught."""

    new_hire: User
    mentor: User
    other: User
    admin: User
    sql: Skill


CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict", 422: "invalid", 400: "bad_request"}
