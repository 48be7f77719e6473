"""Microsoft Teams: notices as Adaptive Cards posted to a Teams chat or channel through an
incoming webhook made with Teams' Workflows ("Post to a channel when a webhook request is
received"). A person pastes the webhook's address for their own notices; a team's lead (or an
admin) pastes one for the team's session notices.

- `cards`: the pure parts (the card, the message, the size limit, which addresses may be kept);
- `channel`: the channel of notices, which records each message in the caller's transaction;
- `sender`: the job that posts a message after the commit, retried, and the upkeep;
- `services` and `views`: setting and removing the addresses.
"""

from flask import Blueprint, Flask

bp = Blueprint("teams", __name__, template_folder="templates")

# How often the upkeep sends again the messages whose job was lost.
UPKEEP_SECONDS = 60


def register_teams(app: Flask) -> None:
    """Give the app the Teams channel of notices, its pages, its section of a person's data
    and its upkeep."""
    from app.jobs import every
    from app.notices.channels import register_channel
    from app.teams import views  # noqa: F401  (its routes, on bp)
    from app.teams.channel import TeamsChannel
    from app.teams.personal_data import register as register_personal_data
    from app.teams.sender import teams_upkeep

    app.register_blueprint(bp)
    register_channel(app, TeamsChannel())
    register_personal_data(app)
    every(app, UPKEEP_SECONDS, teams_upkeep)
