"""Links in feedback mails: "How did the task go?" and a check-in's score links.

Each link is signed for one purpose, one object and one person, expires, and works once.
Mail scanners open links before people do, so the page a link opens shows the form; only
sending it records anything.
"""

from __future__ import annotations

from app.tokens import LinkToken, TokenInvalid, make_token, read_token
from app.urls import external_url

# How long a link in a feedback mail works.
TASK_LINK_DAYS = 30
CHECKIN_LINK_DAYS = 14
TASK, CHECKIN = "feedback-task", "feedback-checkin"
DAYS = {TASK: TASK_LINK_DAYS, CHECKIN: CHECKIN_LINK_DAYS}


def task_token(question_id: int, user_id: int) -> str:
    """The token of a "How did the task go?" link about a question, for its asker."""
    return make_token(TASK, question_id, user_id=user_id, single_use=True)


def task_link(question_id: int, user_id: int) -> str:
    """A link that opens the task-feedback form filled in from the question."""
    return external_url("feedback.task_from_mail", token=task_token(question_id, user_id))


def checkin_token(checkin_id: int, user_id: int) -> str:
    """The token of one person's check-in; all of its score links share it, so it works once."""
    return make_token(CHECKIN, checkin_id, user_id=user_id, single_use=True)


def checkin_links(checkin_id: int, user_id: int) -> dict[int, str]:
    """A link per score, 1 to 5, each opening the check-in with that score chosen."""
    token = checkin_token(checkin_id, user_id)
    return {score: external_url("feedback.checkin_from_mail", token=token, score=score) for score in range(1, 6)}


def read_link(purpose: str, token: str) -> LinkToken:
    """What a feedback link's token says, if it is a genuine single-use link for the purpose.

    Raises TokenExpired for a link older than its days, TokenInvalid for anything else.
    """
    link = read_token(token, purpose, max_age_seconds=DAYS[purpose] * 86400)
    if link.nonce is None or not isinstance(link.user_id, int) or not isinstance(link.object_id, int):
        raise TokenInvalid("This link is not valid.")
    return link
