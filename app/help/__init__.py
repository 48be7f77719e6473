"""The help desk: asking when stuck, routing to the right mentor, the thread, and the
team's knowledge base."""

from flask import Blueprint

bp = Blueprint("help", __name__, template_folder="templates", static_folder="static", static_url_path="/help/static")

# The sweeper: every open question with no live attempt gets routed; nothing is dropped.
SWEEP_SECONDS = 60
# Digests of questions that can wait go out within this long of their time.
DIGEST_SECONDS = 300
