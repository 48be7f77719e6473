"""Weekly 'what did we learn?' sessions: a lead sets a weekly slot for the team, every member
gets real calendar invites (and updates, cancellations and a personal feed), members add
learnings before each session, and the lead runs a short retro from an agenda the week built.

`sessions.schedule` (the series and the dates it falls on), `sessions.calendar` (the
iCalendar messages), `sessions.agenda` and `sessions.retro` are the pure core: plain Python
over plain values, no Flask, no database.
"""

from flask import Blueprint

bp = Blueprint("sessions", __name__, template_folder="templates", url_prefix="/sessions")

# Prompts for learnings, member changes and calendar updates happen on this beat.
UPKEEP_SECONDS = 300


def init_app(app) -> None:
    """Wire the weekly sessions into the app: pages, jobs, mail topics and mail replies."""
    from app.jobs import every
    from app.people.signals import demo_seeded
    from sessions import models, series_views  # noqa: F401  (tables, routes)
    from sessions.demo import seed_demo_sessions
    from sessions.jobs import upkeep

    app.register_blueprint(bp)
    every(app, UPKEEP_SECONDS, upkeep)
    demo_seeded.connect(seed_demo_sessions)
