"""Pairing new hires with mentors: a pure core (scoring, cohort assignment) and the
mentorship lifecycle around it, with its pages, mails, jobs and API."""

from flask import Blueprint

bp = Blueprint("matching", __name__, template_folder="templates")

# Proposals expire, reminders and completions happen on this beat.
UPKEEP_SECONDS = 300
# The topic a mentor can unsubscribe from: reminders of proposals they have not answered.
REMINDERS = "mentoring-reminders"
