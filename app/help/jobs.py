"""Background jobs of the help desk. Each takes ids, loads fresh state, and is safe to run twice."""

from app.extensions import db, utcnow
from app.help.holds import remind_taker, reminders_due
from app.help.routing import (
    check_deadline,
    overdue_attempts,
    route_question,
    stranded_questions,
    tell_mentor,
    untold_attempts,
)


def route_question_job(question_id: int) -> int | None:
    """Route a question to its next mentor; return the new attempt's id, if one was made."""
    attempt = route_question(question_id)
    return attempt.id if attempt else None


def sweep() -> int:
    """Every minute: route each open question that waits on nobody, check each attempt
    past its deadline whose scheduled check was lost, mail each person asked whose work has
    started and whose mail was lost, and send each taker's reminder that is due and unsent;
    return how many it acted on. Each of them is committed on its own (routing commits
    itself), so one that fails leaves the others done."""
    acted = 0
    # Stranded questions first: an overdue check routes its own question on.
    for question_id in stranded_questions():
        acted += route_question(question_id) is not None
    # A mail that waited for someone's work to start, whose scheduled job was lost.
    for attempt_id in untold_attempts(utcnow()):
        acted += tell_mentor(attempt_id)
        db.session.commit()
    for attempt_id in overdue_attempts(utcnow()):
        acted += check_deadline(attempt_id)
    # A taker's reminder whose scheduled job was lost (sent once, whatever runs it).
    for attempt_id in reminders_due(utcnow()):
        acted += remind_taker(attempt_id)
        db.session.commit()
    return acted
