"""Weekly 'what did we learn?' sessions: a lead sets a weekly slot for the team, every member
gets real calendar invites (and updates, cancellations and a personal feed), members add
learnings before each session, and the lead runs a short retro from an agenda the week built.

The sub-packages follow what people do: `series` (the series and its invitations, calendar
answers and feed), `learnings` (adding them, the prompt, the week's agenda), `retro` (running
the session) and `summaries` (the summary mail and page, the history). The pure core is
`sessions.series.schedule` (the series and the dates it falls on), `sessions.series.calendar`
(the iCalendar messages), `sessions.learnings.agenda`, `sessions.retro.phases` and
`sessions.retro.rules`: plain Python over plain values, no Flask, no database. `models`,
`access` (who may see and run them), `urls` (the series and the day a page's URL names),
`jobs`, `demo` and `personal_data` serve them all.
"""

from flask import Blueprint

bp = Blueprint("sessions", __name__, template_folder="templates", url_prefix="/sessions")

# Prompts for learnings, member changes and calendar updates happen on this beat.
UPKEEP_SECONDS = 300


def init_app(app) -> None:
    """Wire the weekly sessions into the app: pages, jobs, mail topics and mail replies."""
    from app.jobs import every
    from app.mail.incoming.handlers import register_reply_handler
    from app.mail.outgoing.unsubscribe import register_topic
    from app.people.signals import demo_seeded, team_changed
    from sessions import models  # noqa: F401  (tables)
    from sessions.demo import seed_demo_sessions
    from sessions.jobs import on_team_changed, upkeep
    from sessions.learnings import views as learning_views  # noqa: F401  (the week's page)
    from sessions.learnings.prompt import LEARNINGS_PURPOSE, save_reply
    from sessions.personal_data import register as register_personal_data
    from sessions.retro import views as run_views  # noqa: F401  (running the retro)
    from sessions.series import change_views, feed_views  # noqa: F401  (routes; the calendar feed)
    from sessions.series import views as series_views  # noqa: F401  (routes)
    from sessions.series.invitations import RSVP_PURPOSE
    from sessions.series.rsvp import record_reply
    from sessions.summaries import views as summary_views  # noqa: F401  (history, summaries)
    from sessions.summaries.services import SUMMARY_TOPIC

    app.register_blueprint(bp)
    every(app, UPKEEP_SECONDS, upkeep)
    register_reply_handler(app, LEARNINGS_PURPOSE, save_reply)
    register_topic(
        app, SUMMARY_TOPIC, "session summaries", "You will still get the invites and the prompts before each session."
    )
    register_reply_handler(app, RSVP_PURPOSE, record_reply, calendar=True)
    demo_seeded.connect(seed_demo_sessions)
    register_personal_data(app)
    team_changed.connect(on_team_changed)
