"""Webhooks out: admins register https endpoints and choose events; each event is signed
by the Standard Webhooks scheme and delivered by a job after the commit, retried for most of
a day, in order per object, and logged.

- `core`: the pure rules (events, body, signatures, retry schedule, addresses);
- `outbox.publish`: what a feature calls where a thing happens, inside its transaction;
- `sender`: the job that sends one delivery; `services`: what admins do, and the upkeep;
- `views`: the admin pages under /admin/webhooks.
"""

from flask import Blueprint, Flask

bp = Blueprint("webhooks", __name__, template_folder="templates", url_prefix="/admin/webhooks")

# How often the upkeep sends what is due and switches off endpoints failing for a day.
UPKEEP_SECONDS = 60


def register_webhooks(app: Flask) -> None:
    """Give the app the admin pages of webhooks and their upkeep."""
    from app.jobs import every
    from app.webhooks import views  # noqa: F401  (its routes, on bp)
    from app.webhooks.services import webhook_upkeep

    app.register_blueprint(bp)
    every(app, UPKEEP_SECONDS, webhook_upkeep)
