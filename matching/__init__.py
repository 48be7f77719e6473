"""Pairing new hires with mentors, and ranking mentors for a stuck question: pure cores
(`scoring`, `assignment` for a whole cohort, `ranking`) fed plain values by `directory`, and
the mentorship's life around them (`services`), with its pages, mails, jobs and API."""

from flask import Blueprint

bp = Blueprint("matching", __name__, template_folder="templates")

# Proposals expire, reminders and completions happen on this beat.
UPKEEP_SECONDS = 300
# The topic a mentor can unsubscribe from: reminders of proposals they have not answered.
REMINDERS = "mentoring-reminders"
