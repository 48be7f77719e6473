"""Background jobs of feedback. Each loads fresh state and is safe to run twice."""

from feedback.answers import send_resolved_followups
from feedback.checkins import send_due_checkins


def feedback_upkeep() -> dict[str, int]:
    """Every few minutes: send the mentorship check-ins that are due, and ask the askers of
    questions resolved a while ago how it went."""
    return {"checkins": send_due_checkins(), "resolved": send_resolved_followups()}
