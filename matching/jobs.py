"""Background jobs of matching. Each takes ids, loads fresh state, and is safe to run twice."""

from app.jobs import enqueue_after_commit
from matching import services
from matching.services import propose_mentor_job


def mentorship_upkeep() -> dict[str, int]:
    """Every few minutes: remind, expire (moving on to the next mentor), complete, ask
    the two-week "good fit?" question, and look again for those still waiting."""
    return {
        "reminded": services.remind_mentors(),
        "expired": services.expire_proposals(),
        "completed": services.complete_finished(),
        "fit_checks": services.send_fit_checks(),
        "proposed": services.retry_waiting(),
    }


def on_new_hire_joined(sender, user_id: int, **extra) -> None:
    """When someone becomes a new hire, propose them a mentor once the transaction commits."""
    enqueue_after_commit(propose_mentor_job, user_id, "join")
