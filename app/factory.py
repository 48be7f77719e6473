"""The application factory: `create_app` is the only place that knows every feature. It
registers the kernel's extensions, blueprints, API routes, error pages and commands, then
each feature's.

It lives apart from `app/__init__.py` so that importing any module (a feature's model, a
job) never imports every feature first: the package itself imports nothing.
"""

from pathlib import Path

from flask import Flask

import feedback.wiring
import matching.wiring
import sessions.wiring
from app import mail, tokens  # noqa: F401  (models must be known before migrations run)
from app.admin import bp as admin_bp
from app.api import init_api
from app.auth import bp as auth_bp
from app.auth import link_views, password_views, views  # noqa: F401  (their routes, on auth_bp)
from app.auth import models as auth_models  # noqa: F401  (the same)
from app.cli import register_commands as register_cli
from app.database import enable_sqlite_foreign_keys, hold_row_locks_on_sqlite
from app.error_pages import register_errorhandlers as register_error_pages
from app.extensions import csrf, db, login_manager, migrate
from app.health import bp as health_bp
from app.help import wiring as help_desk
from app.help.api import blp as help_api
from app.jobs import init_jobs
from app.mail import register_mail
from app.notices import models as notice_models  # noqa: F401  (its table, before migrations run)
from app.notices import register_notices
from app.people import bp as people_bp
from app.people import views as people_views  # noqa: F401  (its routes, on people_bp)
from app.people.api import blp as people_api
from app.people.login import init_login
from app.people.models import Role
from app.people.names import init_names
from app.people.person_data import register as register_person_data
from app.people.setup_panel import register as register_set_up_panel
from app.people.signals import watch_people
from app.plurals import count, noun
from app.request_checks import init_request_checks
from app.scim import bp as scim_bp
from app.scim.person_data import register as register_directory_data
from app.secret_key import instance_secret_key
from app.security import init_security
from app.slack import models as slack_models  # noqa: F401  (its tables, before migrations run)
from app.slack import register_slack
from app.sso import bp as sso_bp
from app.sso import models as sso_models  # noqa: F401  (its table, before migrations run)
from app.sso import (
    oidc_views,  # noqa: F401  (its routes, on sso_bp)
    saml_views,  # noqa: F401  (its routes, on sso_bp)
)
from app.sso.settings import check_sign_in_settings
from app.teams import models as teams_models  # noqa: F401  (its tables, before migrations run)
from app.teams import register_teams
from app.time_filters import init_times
from app.timezones import zone_choices
from app.unit_of_work import UnitOfWorkFlask
from app.urls import external_url
from app.webhooks import models as webhook_models  # noqa: F401  (its tables, before migrations run)
from app.webhooks import register_webhooks
from config import Config, config_from_environment
from feedback.api import blp as feedback_api
from matching.api import blp as mentorships_api


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    """Build the Unstuck web application."""
    config_class = config_class or config_from_environment()
    config_class.check()
    # Named "app", the package: templates, static files and the instance folder are found there.
    app = UnitOfWorkFlask("app", instance_relative_config=True)
    app.config.from_object(config_class)
    app.config.update(overrides)
    if not app.config.get("SECRET_KEY") and app.config["ENV_NAME"] == "development":
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))

    register_request_checks(app)
    register_extensions(app)
    register_blueprints(app)
    register_features(app)
    register_api(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_security(app)
    return app


def register_request_checks(app: Flask) -> None:
    """Refuse ids and text no database column can take; first, so every route has them."""
    init_request_checks(app)


def register_extensions(app: Flask) -> None:
    """Bind the shared extensions and the job queues to the app."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    init_login(app)
    init_jobs(app)
    watch_people()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            enable_sqlite_foreign_keys(db.engine)
            hold_row_locks_on_sqlite(db.engine)


def register_blueprints(app: Flask) -> None:
    """Register the pages of the kernel and of every feature."""
    app.register_blueprint(auth_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(people_bp)
    register_set_up_panel(app)  # the admin's home panel
    register_person_data(app)  # the first section of a person's data: their own records
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(sso_bp)
    app.register_blueprint(scim_bp)  # directory sync, for the identity provider
    register_directory_data(app)  # its section of a person's data
    register_mail(app)
    register_notices(app)  # the channels of notices, email first, and the choices page
    register_teams(app)  # Microsoft Teams as a channel of notices, and its pages
    register_webhooks(app)  # the admins' webhook pages and the deliveries' upkeep


def register_features(app: Flask) -> None:
    """Let each feature add its pages, jobs and listeners."""
    matching.wiring.init_app(app)
    help_desk.init_app(app)
    sessions.wiring.init_app(app)
    feedback.wiring.init_app(app)
    register_slack(app)  # Slack, when set up: notices there, its buttons and asking from it


def register_api(app: Flask) -> None:
    """Register the JSON API of the kernel and of every feature under /api/v1."""
    init_api(app, [people_api, mentorships_api, help_api, feedback_api])


def register_errorhandlers(app: Flask) -> None:
    """Answer errors with pages, or JSON for the API."""
    register_error_pages(app)


def register_commands(app: Flask) -> None:
    """Add Unstuck's commands to the `flask` command line."""
    register_cli(app)


def register_template_helpers(app: Flask) -> None:
    """Give templates what every page needs."""
    app.jinja_env.globals["external_url"] = external_url  # full links, in mails too
    init_times(app)  # dates and times in the reader's zone and locale
    init_names(app)  # names beside what people wrote, leavers' as LEAVER_NAMES says
    app.add_template_filter(count, "plural")  # 2 | plural("pair"): "2 pairs"
    app.add_template_filter(noun, "noun")  # "proposal" or "proposals"
    app.jinja_env.globals["zone_choices"] = zone_choices  # the time zone pickers' list
    check_sign_in_settings(app)  # single sign-on and GROUP_ROLES that can work

    @app.context_processor
    def roles():
        return {"Role": Role}


def register_security(app: Flask) -> None:
    """Add the security headers and the rate limits (last: they wrap every view)."""
    init_security(app)
