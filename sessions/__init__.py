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
    from app.people.signals import demo_seeded, team_changed
    from sessions import models, series_views  # noqa: F401  (tables, routes)
    from sessions.demo import seed_demo_sessions
    from sessions.jobs import on_team_changed, upkeep
    from sessions import learning_views  # noqa: F401  (the week's page)
    from sessions.learnings import LEARNINGS_PURPOSE, save_reply
    from app.mail.incoming.handlers import register_reply_handler
    from app.mail.outgoing.unsubscribe import register_topic
    from sessions import run_views  # noqa: F401  (running the retro, history, summaries)
    from sessions.running import SUMMARY_TOPIC
    from sessions import feed_views  # noqa: F401  (the calendar feed)
    from sessions.invites import RSVP_PURPOSE
    from sessions.rsvp import record_reply
    from sessions.personal_data import register as register_personal_data

    app.register_blueprint(bp)
    every(app, UPKEEP_SECONDS, upkeep)
    register_reply_handler(app, LEARNINGS_PURPOSE, save_reply)
    register_topic(app, SUMMARY_TOPIC, "session summaries",
                   "You will still get the invites and the prompts before each session.")
    register_reply_handler(app, RSVP_PURPOSE, record_reply, calendar=True)
    demo_seeded.connect(seed_demo_sessions)
    register_personal_data(app)
    team_changed.connect(on_team_changed)
