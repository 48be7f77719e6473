"""The Slack app: notices as direct messages and team channel posts, their buttons and
thread replies, and asking from Slack (/stuck and a message shortcut).

- `models`, `store`: workspaces installed (OAuth v2, by an admin), links to people, the
  messages posted, the teams' channels;
- `linking`: a Slack user becomes a person by the email address Slack confirmed;
  `by_email`: a person (or an admin, for everyone) links from Unstuck by looking the address up;
- `blocks`: a notice's card as Block Kit; `channel`: Slack as a channel of notices;
- `interactions`: buttons, their modals and thread replies; `asking`: /stuck and the shortcut;
- `bolt`: the Bolt app that verifies and dispatches Slack's requests; `views`: the routes.

Its tables are always there; the app is only on when SLACK_CLIENT_ID, SLACK_CLIENT_SECRET
and SLACK_SIGNING_SECRET are set.
"""

from flask import Blueprint, Flask

bp = Blueprint("slack", __name__, template_folder="templates")

# How often messages whose job was lost are posted again, and old ones given up on.
UPKEEP_SECONDS = 60


def slack_configured(app: Flask) -> bool:
    return all(app.config.get(name) for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET"))


def register_slack(app: Flask) -> None:
    """Give the app its section of a person's data and, when Slack is set up, the Slack
    endpoints, the pages, the channel of notices and the profile's Slack part."""
    from app.extensions import csrf
    from app.jobs import every
    from app.notices.channels import register_channel
    from app.people.profile_parts import register_profile_part
    from app.slack import views
    from app.slack.bolt import build_bolt
    from app.slack.channel import SlackChannel, slack_upkeep
    from app.slack.linking import links_of, teams_led
    from app.slack.personal_data import register as register_personal_data

    register_personal_data(app)
    if not slack_configured(app):
        return
    app.extensions["slack_bolt"] = build_bolt(app)
    csrf.exempt(views.events)
    app.register_blueprint(bp)
    register_channel(app, SlackChannel())
    every(app, UPKEEP_SECONDS, slack_upkeep)
    register_profile_part(app, "slack/profile_part.html")
    app.jinja_env.globals["slack_links_of"] = links_of
    app.jinja_env.globals["slack_teams_led"] = teams_led
    app.jinja_env.globals["slack_admin"] = True  # the navigation links its page for admins
