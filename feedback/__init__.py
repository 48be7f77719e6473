"""Feedback and insights: task feedback, answer ratings, mentorship check-ins, and the lead's
dashboard of where people get stuck. Its metrics are pure functions over plain rows."""

from flask import Blueprint

bp = Blueprint("feedback", __name__, template_folder="templates", url_prefix="/feedback")

# Check-ins that are due and "how did it go?" mails go out on this beat.
UPKEEP_SECONDS = 300
# The mail topic people can unsubscribe from: check-ins and "how did it go?" mails.
TOPIC = "feedback-requests"
