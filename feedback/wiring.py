"""How feedback joins the app: tables, pages, the upkeep job, its mail topic, skill merges."""

from flask import Flask

from app.jobs import every
from app.mail.outgoing.unsubscribe import register_topic
from app.people.signals import skills_merging
from feedback import TOPIC, UPKEEP_SECONDS, bp, checkin_views, dashboard_views, models, views  # noqa: F401  (tables, routes)
from feedback.home_panels import register as register_home_panels
from feedback.jobs import feedback_upkeep
from feedback.personal_data import register as register_personal_data
from feedback.tasks import move_skill_links


def init_app(app: Flask) -> None:
    """Wire feedback into the app: tables, pages, the upkeep job, its mail topic, skill merges."""
    app.register_blueprint(bp)
    every(app, UPKEEP_SECONDS, feedback_upkeep)
    register_topic(app, TOPIC, "requests for feedback", "You can still give feedback in Unstuck at any time.")
    skills_merging.connect(move_skill_links)
    register_personal_data(app)
    register_home_panels(app)
