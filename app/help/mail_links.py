"""One-click links in the help desk's emails: take a question, pass it on, release one taken,
rate an answer.

Each link is signed for one purpose, one object and one person, expires, and works once.
Mail scanners open links before people do, so the page a link opens only asks; the
button on it acts.
"""

from __future__ import annotations

from app.help.models import Attempt, Question
from app.tokens import LinkToken, TokenInvalid, make_token, read_token
from app.urls import external_url

# How long a link in an email works.
LINK_DAYS = {"take": 7, "pass": 7, "release": 7, "rate": 30}
# The actions a link can carry, and which of LINK_DAYS each one counts by.
ACTIONS = {"take": "take", "pass": "pass", "release": "release", "helpful": "rate", "not-helpful": "rate"}


def _link(action: str, object_id: int, user_id: int) -> str:
    token = make_token(f"question-{action}", object_id, user_id=user_id, single_use=True)
    return external_url("help.email_action", action=action, token=token)


def take_link(attempt: Attempt) -> str:
    """ "I'll take it": the asked mentor tells the asker they are on it."""
    return _link("take", attempt.id, attempt.mentor_id)


def pass_link(attempt: Attempt) -> str:
    """ "Pass": the asked mentor passes the question on, with an optional hint."""
    return _link("pass", attempt.id, attempt.mentor_id)


def release_link(attempt: Attempt) -> str:
    """ "I can't after all": the taker releases the question, and it moves on at once."""
    return _link("release", attempt.id, attempt.mentor_id)


def rate_link(question: Question, helpful: bool) -> str:
    """ "This helped" or "This did not help", for the asker."""
    return _link("helpful" if helpful else "not-helpful", question.id, question.asker_id)


def read_link(action: str, token: str) -> LinkToken:
    """Return what a link's token says, if it is a genuine single-use link for this action.

    Raises TokenExpired for a link older than its days, TokenInvalid for anything else.
    """
    link = read_token(token, f"question-{action}", max_age_seconds=LINK_DAYS[ACTIONS[action]] * 86400)
    # Every link these emails carry is single-use, for a person, about an object by its id.
    if link.nonce is None or not isinstance(link.user_id, int) or not isinstance(link.object_id, int):
        raise TokenInvalid("This link is not valid.")
    return link
