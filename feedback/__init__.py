"""Feedback and insights: task feedback (`tasks`), answer ratings (`answers`, `clarity`),
mentorship check-ins (`checkins`), and the lead's dashboard of where people get stuck
(`dashboard`, read by `rows`, downloaded by `exports`). Its pure cores work on plain rows:
the figures (`metrics`), periods, ratings released in groups, the collecting rules, and the
charts and CSV text."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, template_folder="templates", url_prefix="/feedback")

# Check-ins that are due and "how did it go?" mails go out on this beat.
UPKEEP_SECONDS = 300
# The mail topic people can unsubscribe from: check-ins and "how did it go?" mails.
TOPIC = "feedback-requests"


def init_app(app) -> None:
    """Wire feedback into the app: tables, pages, the upkeep job, its mail topic, skill merges."""
    from importlib import import_module

    from app.jobs import every
    from app.mail.outgoing.unsubscribe import register_topic
    from app.people.signals import skills_merging
    from feedback.jobs import feedback_upkeep
    from feedback.personal_data import register as register_personal_data
    from feedback.tasks import move_skill_links

    for module in ("models", "views", "checkin_views", "dashboard_views"):  # the tables and the routes
        import_module(f"feedback.{module}")
    app.register_blueprint(bp)
    every(app, UPKEEP_SECONDS, feedback_upkeep)
    register_topic(app, TOPIC, "requests for feedback", "You can still give feedback in Unstuck at any time.")
    skills_merging.connect(move_skill_links)
    register_personal_data(app)
