"""How the help desk joins the app: pages, jobs, the sweeper, answering by email and from a chat."""

from flask import Flask

from app.help import (  # noqa: F401  (routes, tables)
    DIGEST_SECONDS,
    SWEEP_SECONDS,
    ask_views,
    bp,
    digest_views,  # the mail settings page
    link_views,
    mentor_views,
    models,
    thread_views,
)
from app.help.chat_actions import register as register_chat_actions
from app.help.digest import TOPIC, send_due_digests
from app.help.digest_replies import DIGEST_PURPOSE, answer_digest_reply
from app.help.home_panels import register as register_home_panels
from app.help.jobs import sweep
from app.help.leavers import on_person_leaving, what_leaving_does
from app.help.models import move_skill_links
from app.help.notices import ASK_KIND, REPLY_PURPOSE
from app.help.personal_data import register as register_personal_data
from app.help.replies import post_reply
from app.help.routing import mentor_unreached
from app.jobs import every
from app.mail.incoming.handlers import register_reply_handler
from app.mail.outgoing.bounces import register_paused_mail_handler
from app.mail.outgoing.unsubscribe import register_topic
from app.people.signals import leaving_preview, person_leaving, skills_merging


def init_app(app: Flask) -> None:
    """Wire the help desk into the app: pages, jobs, the sweeper, answering by email and
    the buttons and thread replies of its chat messages."""
    app.register_blueprint(bp)
    every(app, SWEEP_SECONDS, sweep)
    every(app, DIGEST_SECONDS, send_due_digests)
    register_topic(
        app, TOPIC, "question digests", "You will still get an email at once when a question is blocking someone."
    )
    skills_merging.connect(move_skill_links)
    person_leaving.connect(on_person_leaving)
    leaving_preview.connect(what_leaving_does)
    register_reply_handler(app, REPLY_PURPOSE, post_reply)
    register_reply_handler(app, DIGEST_PURPOSE, answer_digest_reply)
    register_paused_mail_handler(app, ASK_KIND, mentor_unreached)
    register_personal_data(app)
    register_home_panels(app)
    register_chat_actions(app)
