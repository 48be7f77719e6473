"""The help desk: asking when stuck (`ask`, with `duplicates` and skill `suggest`ions),
routing the question to the right mentor in their working time (`routing`, `holds`), its
thread and answers by email (`thread`, `replies`), digests of what can wait (`digest`), and
the team's knowledge base (`search`). The pure cores are `clock`, `working_time`,
`repeats`, `suggest` and `words`; ranking the mentors is matching's."""

from flask import Blueprint

bp = Blueprint("help", __name__, template_folder="templates", static_folder="static", static_url_path="/help/static")

# The sweeper: every open question with no live attempt gets routed; nothing is dropped.
SWEEP_SECONDS = 60
# Digests of questions that can wait go out within this long of their time.
DIGEST_SECONDS = 300

# The notices' topic of questions that can wait, as each person chose channels for it.
CAN_WAIT_TOPIC = "questions_can_wait"
