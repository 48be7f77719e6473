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
