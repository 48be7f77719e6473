"""How the help desk words an attempt for the person asked: why them, what the mentors
before suggested, who was asked before and how it ended, and how long a hold lasts."""

from __future__ import annotations

from flask import current_app

from app.help.models import Attempt, AttemptState, Question

# The ranking names its tiers for the asker; the person asked reads why it is them.
REASONS = {
    "your mentor": "you are their mentor",
    "teaches the skill": "you teach the skill",
    "teaches a related skill": "you teach a related skill",
    "available in your team": "you are in their team",
    "team lead": "you lead their team",
}


def hints_for(question: Question) -> list[dict]:
    """What the mentors who passed the question on suggested, oldest first."""
    return [
        {"name": a.mentor.name, "hint": a.hint}
        for a in question.attempts
        if a.state in (AttemptState.PASSED, AttemptState.RELEASED) and a.hint
    ]


# Why an earlier person was asked, as the lead reads it.
THIRD_PERSON = {"your mentor": "their mentor", "available in your team": "in their team"}
# How an earlier attempt ended, for the escalation mail.
OUTCOMES = {
    AttemptState.TIMED_OUT: "did not answer in time",
    AttemptState.PASSED: "passed it on",
    AttemptState.RELEASED: "took it, then could not after all",
    AttemptState.UNREACHED: "could not be reached (mail to them bounces)",
    AttemptState.LEFT: "left the team",
    AttemptState.WAITING: "still has it",
}


def _minutes(delta) -> str:
    minutes = max(0, round(delta.total_seconds() / 60))
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes / 60:.0f} h" if minutes % 60 == 0 or minutes >= 600 else f"{minutes / 60:.1f} h"


def asked_before(attempt: Attempt) -> list[dict]:
    """Who was asked before this attempt, for how long, and how it ended, oldest first."""
    return [
        {
            "name": a.mentor.name,
            "why": THIRD_PERSON.get(a.tier, a.tier),
            "for": _minutes((a.closed_at or a.deadline_at) - (a.notified_at or a.created_at)),
            "outcome": OUTCOMES.get(a.state, a.state.value.replace("_", " ")),
        }
        for a in attempt.question.attempts
        if a.number < attempt.number
    ]


def escalation_reason(attempt: Attempt) -> str:
    """Why a question reached its team lead, truthfully, from the attempts before."""
    earlier = [a for a in attempt.question.attempts if a.number < attempt.number]
    tries = [a for a in earlier if a.state not in (AttemptState.UNREACHED, AttemptState.LEFT)]
    if len(tries) >= current_app.config["ROUTING_ATTEMPTS"]:
        noun = "mentor" if len(tries) == 1 else "mentors"
        return f"the {len(tries)} {noun} asked so far did not answer it"
    who = (
        "who teaches " + ", ".join(s.name for s in attempt.question.skills)
        if attempt.question.skills
        else "of the team (no skill was named)"
    )
    if not earlier:
        return f"nobody was asked before you: no mentor {who} can take it now"
    return f"no other mentor {who} can take it now"


def hold_text(urgency) -> str:
    """How long taking a question of this urgency keeps it with the taker, in words."""
    config = current_app.config
    if urgency == "blocking":
        hours = config["TAKEN_HOURS_BLOCKING"]
        return f"{hours:g} working hour{'' if hours == 1 else 's'}"
    days = config["TAKEN_DAYS_CAN_WAIT"]
    return f"{days:g} working day{'' if days == 1 else 's'}"


def reason_for(attempt: Attempt) -> str:
    """Why this person was asked, worded for them."""
    return REASONS.get(attempt.tier, attempt.tier)
