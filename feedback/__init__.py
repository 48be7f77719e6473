"""Feedback and insights: task feedback (`tasks`), answer ratings (`answers`, `clarity`),
mentorship check-ins (`checkins`), and the lead's dashboard of where people get stuck
(`dashboard`, read by `rows`, downloaded by `exports`). Its pure cores work on plain rows:
the figures (`metrics`), periods, ratings released in groups, the collecting rules, and the
charts and CSV text."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, template_folder="templates", url_prefix="/feedback")

# Check-ins that are due and "how did it go?" mails go out on this beat.
UPKEEP_SECONDS = 300
# The mail topic people can unsubscribe from: check-ins and "how did it go?" mails.
TOPIC = "feedback-requests"
