"""The help desk: asking when stuck, routing to the right mentor, the thread, and the
team's knowledge base."""

from flask import Blueprint

bp = Blueprint("help", __name__, template_folder="templates", static_folder="static",
               static_url_path="/help/static")

# The sweeper: every open question with no live attempt gets routed; nothing is dropped.
SWEEP_SECONDS = 60


def init_app(app) -> None:
    """Wire the help desk into the app: pages, jobs and the sweeper."""
    from app.help import ask_views, mentor_views, models, thread_views  # noqa: F401  (routes, tables)
    from app.help.jobs import sweep
    from app.help.models import move_skill_links
    from app.jobs import every
    from app.people.signals import skills_merging

    app.register_blueprint(bp)
    every(app, SWEEP_SECONDS, sweep)
    skills_merging.connect(move_skill_links)
