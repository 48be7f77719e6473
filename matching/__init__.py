"""Pairing new hires with mentors, and ranking mentors for a stuck question: pure cores
(`scoring`, `assignment` for a whole cohort, `ranking`) fed plain values by `directory`, and
the mentorship's life around them (`services`), with its pages, mails, jobs and API."""

from flask import Blueprint

bp = Blueprint("matching", __name__, template_folder="templates")

# Proposals expire, reminders and completions happen on this beat.
UPKEEP_SECONDS = 300


def init_app(app) -> None:
    """Wire matching into the app: pages, admin pages, jobs, and the new-hire signal."""
    from app.jobs import every
    from app.mail.outgoing.unsubscribe import register_topic
    from app.people.signals import new_hire_joined
    from matching import admin_views, views  # noqa: F401  (routes)
    from matching.jobs import mentorship_upkeep, on_new_hire_joined
    from matching.personal_data import register as register_personal_data

    app.register_blueprint(bp)
    every(app, UPKEEP_SECONDS, mentorship_upkeep)
    new_hire_joined.connect(on_new_hire_joined)
    register_topic(
        app, REMINDERS, "mentoring reminders", "You will still get an email when someone asks you to mentor them."
    )
    register_personal_data(app)


# The topic a mentor can unsubscribe from: reminders of proposals they have not answered.
REMINDERS = "mentoring-reminders"
