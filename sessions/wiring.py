"""How the weekly sessions join the app: pages, jobs, mail topics and mail replies."""

from flask import Flask

from app.jobs import every
from app.mail.incoming.handlers import register_reply_handler
from app.mail.outgoing.unsubscribe import register_topic
from app.people.signals import demo_seeded, leaving_preview, person_leaving, team_changed
from sessions import UPKEEP_SECONDS, bp, models, urls  # noqa: F401  (tables; the series and day of URLs)
from sessions.demo import seed_demo_sessions
from sessions.home_panels import register as register_home_panels
from sessions.jobs import on_team_changed, upkeep
from sessions.learnings import views as learning_views  # noqa: F401  (the week's page)
from sessions.learnings.chat_replies import register as register_chat_replies
from sessions.learnings.prompt import LEARNINGS_PURPOSE, save_reply
from sessions.leavers import on_person_leaving, what_leaving_does
from sessions.personal_data import register as register_personal_data
from sessions.retro import live as run_live  # noqa: F401  (the run page, live)
from sessions.retro import views as run_views  # noqa: F401  (running the retro)
from sessions.series import change_views, feed_views  # noqa: F401  (routes; the calendar feed)
from sessions.series import views as series_views  # noqa: F401  (routes)
from sessions.series.invitations import RSVP_PURPOSE
from sessions.series.rsvp import record_reply
from sessions.summaries import views as summary_views  # noqa: F401  (history, summaries)
from sessions.summaries.services import SUMMARY_TOPIC


def init_app(app: Flask) -> None:
    """Wire the weekly sessions into the app: pages, jobs, mail topics and mail replies."""
    app.register_blueprint(bp)
    every(app, UPKEEP_SECONDS, upkeep)
    register_reply_handler(app, LEARNINGS_PURPOSE, save_reply)
    register_chat_replies(app)
    register_topic(
        app, SUMMARY_TOPIC, "session summaries", "You will still get the invites and the prompts before each session."
    )
    register_reply_handler(app, RSVP_PURPOSE, record_reply, calendar=True)
    demo_seeded.connect(seed_demo_sessions)
    register_personal_data(app)
    register_home_panels(app)
    team_changed.connect(on_team_changed)
    person_leaving.connect(on_person_leaving)
    leaving_preview.connect(what_leaving_does)
