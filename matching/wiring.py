"""How matching joins the app: pages, admin pages, jobs, the new-hire and leaver signals."""

from flask import Flask

from app.jobs import every
from app.mail.outgoing.unsubscribe import register_topic
from app.people.signals import leaving_preview, new_hire_joined, person_leaving
from matching import REMINDERS, UPKEEP_SECONDS, admin_views, bp, choose_views, views  # noqa: F401  (routes)
from matching.chat_actions import register as register_chat_actions
from matching.home_panels import register as register_home_panels
from matching.jobs import mentorship_upkeep, on_new_hire_joined
from matching.leavers import on_person_leaving, what_leaving_does
from matching.personal_data import register as register_personal_data


def init_app(app: Flask) -> None:
    """Wire matching into the app: pages, admin pages, jobs, the new-hire and leaver signals."""
    app.register_blueprint(bp)
    every(app, UPKEEP_SECONDS, mentorship_upkeep)
    new_hire_joined.connect(on_new_hire_joined)
    person_leaving.connect(on_person_leaving)
    leaving_preview.connect(what_leaving_does)
    register_topic(
        app, REMINDERS, "mentoring reminders", "You will still get an email when someone asks you to mentor them."
    )
    register_personal_data(app)
    register_home_panels(app)
    register_chat_actions(app)
