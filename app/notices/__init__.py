"""Notices: a feature says "tell this person this" once, and the person's choices and what
is installed decide where it goes: email, a Slack direct message or thread, a Teams card.

    tell(person, Notice(key, topic, card, mail={...send_mail's arguments...}, thread="question-12"))
    tell_team(team, Notice(...))   # a team's chat channel, where its lead chose one
    revise(key, card)              # chat messages already sent for `key` now say this

- `core`: the pure parts: topics, cards and buttons, and which channels a notice takes;
- `channels`: the registry of channels (email is always there; Slack and Teams register
  theirs at start-up) and `tell`, `tell_team`, `revise`;
- `actions`: what a button in a chat message does, registered by the feature that owns it,
  so that a Slack button and a one-click link end in the same service call;
- `models`: each person's choice of channels per topic; `views`: the page to choose them.
"""

from flask import Blueprint

bp = Blueprint("notices", __name__, template_folder="templates")


def register_notices(app) -> None:
    """Give the app the choices page, email as the first channel, and the choices' section
    of a person's data."""
    from app.notices import views  # noqa: F401  (its routes, on bp)
    from app.notices.channels import register_channel
    from app.notices.email import EmailChannel
    from app.notices.personal_data import register as register_personal_data

    app.register_blueprint(bp)
    register_channel(app, EmailChannel())
    register_personal_data(app)
