"""Settings for Unstuck, read from the environment with safe defaults for development."""

import os
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def database_url(url: str) -> str:
    """Return a SQLAlchemy URL, choosing the psycopg driver for PostgreSQL URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no setting from the environment."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Development defaults; every value can be set from the environment."""

    ENV_NAME = "development"
    # Unset in development: a random key is made once and kept in instance/secret_key (app/secret_key.py).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'unstuck.db'}"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    RQ_QUEUES = ["urgent", "default", "mail"]
    # Where people reach Unstuck: every link in a mail starts with it. `flask dev --port N`
    # makes it http://127.0.0.1:N unless it is set; production refuses to start without it.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # The locale dates and times are written in (app/times.py).
    BABEL_DEFAULT_LOCALE = "en"

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_STARTTLS = env_bool("MAIL_USE_STARTTLS")
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Unstuck <unstuck@localhost>")
    MAIL_DOMAIN = os.environ.get("MAIL_DOMAIN", "localhost")
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    # Mail in: the built-in SMTP receiver's port, and the secret a mail provider sends with
    # raw email to POST /mail/inbound (no secret: that endpoint does not exist).
    MAIL_RECEIVER_PORT = int(os.environ.get("MAIL_RECEIVER_PORT", "8025"))
    INBOUND_MAIL_SECRET = os.environ.get("INBOUND_MAIL_SECRET", "")
    # The authserv-id our mail server writes into the Authentication-Results header of the
    # mail it receives: a reply it found forged (DMARC or SPF) is refused. Empty: no check.
    MAIL_AUTHSERV_ID = os.environ.get("MAIL_AUTHSERV_ID", "")
    # Mail to an address that bounced this often is paused (0: always send) until its last
    # bounce is this many days old; then the next email is tried.
    MAIL_BOUNCE_LIMIT = int(os.environ.get("MAIL_BOUNCE_LIMIT", "3"))
    MAIL_BOUNCE_PAUSE_DAYS = int(os.environ.get("MAIL_BOUNCE_PAUSE_DAYS", "7"))
    # Mail from outside: messages the SMTP receiver takes per connecting address and per
    # envelope sender (Flask-Limiter strings, counted in the rate limits' Redis; past them it
    # answers 451, try again later), and how many days received mail is kept raw once read.
    RATELIMIT_SMTP_ADDRESS = os.environ.get("RATELIMIT_SMTP_ADDRESS", "300 per hour")
    RATELIMIT_SMTP_SENDER = os.environ.get("RATELIMIT_SMTP_SENDER", "60 per hour")
    MAIL_RAW_KEEP_DAYS = int(os.environ.get("MAIL_RAW_KEEP_DAYS", "30"))

    # Routing stuck questions: how long a mentor has to reply, how often to move on.
    ANSWER_MINUTES_BLOCKING = int(os.environ.get("ANSWER_MINUTES_BLOCKING", "15"))
    ANSWER_MINUTES_CAN_WAIT = int(os.environ.get("ANSWER_MINUTES_CAN_WAIT", "240"))
    ROUTING_ATTEMPTS = int(os.environ.get("ROUTING_ATTEMPTS", "3"))  # then the team lead
    RELAX_TO_RELATED_MINUTES = int(os.environ.get("RELAX_TO_RELATED_MINUTES", "30"))
    RELAX_TO_TEAM_MINUTES = int(os.environ.get("RELAX_TO_TEAM_MINUTES", "120"))
    MAX_PINGS_PER_DAY = int(os.environ.get("MAX_PINGS_PER_DAY", "8"))
    # "I'll take it" holds a question for the taker this long, in their working time; one
    # reminder goes out this many working minutes before the hold ends.
    TAKEN_HOURS_BLOCKING = float(os.environ.get("TAKEN_HOURS_BLOCKING", "2"))
    TAKEN_DAYS_CAN_WAIT = float(os.environ.get("TAKEN_DAYS_CAN_WAIT", "1"))
    TAKEN_REMINDER_MINUTES = int(os.environ.get("TAKEN_REMINDER_MINUTES", "30"))
    QUESTION_MAX_CHARS = 5000

    # Mentorship check-ins: both sides are asked "is this useful?" this often.
    CHECKIN_DAYS = int(os.environ.get("CHECKIN_DAYS", "14"))

    # Erasing a person's data: what they wrote is kept without their name ("keep") or
    # replaced by "(removed)" ("remove"); their rows stay either way, so figures still count them.
    ERASURE_TEXTS = os.environ.get("ERASURE_TEXTS", "keep").strip().lower()
    # What a deactivated person wrote (questions, answers, learnings) stays; it shows their
    # name ("keep") or "A former colleague" ("hide"). Reactivated, their name shows again.
    LEAVER_NAMES = os.environ.get("LEAVER_NAMES", "keep").strip().lower()

    # Uploads (CSV of people) and API bodies stay small.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024)))
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Behind this many reverse proxies, the client's address and scheme are read from the
    # X-Forwarded-For and X-Forwarded-Proto headers they add (0: from the connection).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    # Rate limits (app/security.py), counted in Redis so that every web process shares them.
    # Values are Flask-Limiter strings such as "10 per minute" or "30/hour; 100/day".
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")  # empty: REDIS_URL
    # Questions saved per person (page, panel, API); failed sign-ins are slowed down below.
    RATELIMIT_ASK = os.environ.get("RATELIMIT_ASK", "30 per hour")
    # A person looking their Slack account up by email: each press asks Slack (a method it
    # allows a workspace about fifty times a minute), so a few are enough.
    RATELIMIT_SLACK_LINK = os.environ.get("RATELIMIT_SLACK_LINK", "5 per 15 minutes")
    RATELIMIT_INBOUND_MAIL = os.environ.get("RATELIMIT_INBOUND_MAIL", "600 per minute")  # per address
    RATELIMIT_KEY_PREFIX = "unstuck"
    RATELIMIT_STRATEGY = "fixed-window"
    # Redis gone: count in each process's memory rather than refuse or fail the request.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}

    # Signing in (app/auth). A sign-in lives on the server; a remember cookie's secret changes
    # each time it signs someone back in, and the one before stays good this many seconds
    # (the other tabs of a browser opened again).
    REMEMBER_TOKEN_GRACE_SECONDS = 30
    # Failed sign-ins (app/auth/backoff.py): this many are free per account (from browsers that
    # never signed in to it) and per known browser, and this many per address; after them each
    # failure doubles the wait before the next attempt, from 1 second up to the longest wait.
    SIGN_IN_FREE_FAILURES = int(os.environ.get("SIGN_IN_FREE_FAILURES", "5"))
    SIGN_IN_FREE_FAILURES_PER_ADDRESS = int(os.environ.get("SIGN_IN_FREE_FAILURES_PER_ADDRESS", "20"))
    SIGN_IN_MAX_WAIT_SECONDS = int(os.environ.get("SIGN_IN_MAX_WAIT_SECONDS", "900"))
    # The cookie that makes a browser a known one for the account it signed in to.
    DEVICE_COOKIE_NAME = "device"
    DEVICE_COOKIE_DAYS = 180
    # Links to sign in by email: how long one works, and how many may be asked for per
    # address asked for (no longer a window than a link lasts) and per address asking.
    SIGN_IN_LINK_MINUTES = 15
    RATELIMIT_SIGN_IN_LINK = os.environ.get("RATELIMIT_SIGN_IN_LINK", "3 per 15 minutes")
    RATELIMIT_SIGN_IN_LINK_ADDRESS = os.environ.get("RATELIMIT_SIGN_IN_LINK_ADDRESS", "20 per hour")

    # Accounts (README, "Accounts and sign-in"). Invitations: how long the link to join
    # works (once). Passwords: a link to set a new one works PASSWORD_RESET_MINUTES (once),
    # and may be asked for as often as a link to sign in.
    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    PASSWORD_MIN_LENGTH = int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))
    RATELIMIT_PASSWORD_RESET = os.environ.get("RATELIMIT_PASSWORD_RESET", "3 per 15 minutes")
    RATELIMIT_PASSWORD_RESET_ADDRESS = os.environ.get("RATELIMIT_PASSWORD_RESET_ADDRESS", "20 per hour")
    # Single sign-on. OpenID Connect is on when OIDC_ISSUER is set; SAML 2.0 when
    # SAML_IDP_METADATA (a file or an https URL of the provider's metadata) is set.
    SSO_NAME = os.environ.get("SSO_NAME", "your company account")
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
    # Which claim (OIDC) or attribute (SAML) holds the person's team name and their groups.
    OIDC_TEAM_CLAIM = os.environ.get("OIDC_TEAM_CLAIM", "")
    OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
    # The claim that says the provider verified the email (Microsoft Entra ID: xms_edov).
    OIDC_EMAIL_VERIFIED_CLAIM = os.environ.get("OIDC_EMAIL_VERIFIED_CLAIM", "email_verified")
    # How long Unstuck waits for the OpenID provider (discovery, tokens, keys, userinfo).
    OIDC_TIMEOUT_SECONDS = float(os.environ.get("OIDC_TIMEOUT_SECONDS", "5"))
    SAML_IDP_METADATA = os.environ.get("SAML_IDP_METADATA", "")
    SAML_SP_KEY_FILE = os.environ.get("SAML_SP_KEY_FILE", "")
    SAML_SP_CERT_FILE = os.environ.get("SAML_SP_CERT_FILE", "")
    SAML_EMAIL_ATTRIBUTE = os.environ.get("SAML_EMAIL_ATTRIBUTE", "email")
    SAML_NAME_ATTRIBUTE = os.environ.get("SAML_NAME_ATTRIBUTE", "displayName")
    SAML_TEAM_ATTRIBUTE = os.environ.get("SAML_TEAM_ATTRIBUTE", "")
    SAML_GROUPS_ATTRIBUTE = os.environ.get("SAML_GROUPS_ATTRIBUTE", "groups")
    # Assertions are always required signed; this requires the whole response signed too.
    SAML_WANT_RESPONSE_SIGNED = env_bool("SAML_WANT_RESPONSE_SIGNED")
    # Whether a person the provider vouches for but Unstuck does not know is added at their
    # first sign-in; whether passwords are refused (but for the break-glass admins' emails).
    SSO_CREATE_PEOPLE = env_bool("SSO_CREATE_PEOPLE")
    SSO_REQUIRED = env_bool("SSO_REQUIRED")
    SSO_BREAK_GLASS = os.environ.get("SSO_BREAK_GLASS", "")
    # Groups (from single sign-on or SCIM) that give a role: "Unstuck mentors=mentor, Leads=lead".
    # Any other group names a team, when a team of that name exists (SCIM creates it).
    GROUP_ROLES = os.environ.get("GROUP_ROLES", "")
    # SCIM 2.0 directory sync: whether people it adds get an invitation mail.
    SCIM_SEND_INVITATIONS = env_bool("SCIM_SEND_INVITATIONS")
    RATELIMIT_SCIM = os.environ.get("RATELIMIT_SCIM", "600 per minute")

    # Webhooks out (app/webhooks): an endpoint must be an https address on the internet; this
    # allows plain http and loopback, private and link-local addresses too (development and
    # tests, whose receivers run on this machine; never in production).
    WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", True)
    # How long a delivery waits to connect, and then for each read of the answer.
    WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOKS_TIMEOUT_SECONDS", "5"))
    # A file of CA certificates that endpoints' https certificates are checked against instead
    # of the usual ones (a company's own CA); empty: the usual ones (certifi's).
    WEBHOOKS_CA_BUNDLE = os.environ.get("WEBHOOKS_CA_BUNDLE", "")

    # Microsoft Teams (app/teams): a Workflows webhook address must be https on one of the hosts
    # Microsoft gives these addresses (app/teams/cards.py); this allows any host and plain http
    # too (development and tests, whose stand-in for Teams runs on this machine; never in production).
    TEAMS_ALLOW_ANY_HOST = env_bool("TEAMS_ALLOW_ANY_HOST", True)
    # How long posting a card waits to connect, and then for the answer.
    TEAMS_TIMEOUT_SECONDS = float(os.environ.get("TEAMS_TIMEOUT_SECONDS", "10"))
    # The Slack app (README, "Slack"): on when these three are set, from the app's settings
    # page at api.slack.com; SLACK_API_URL is where its Web API is called.
    SLACK_CLIENT_ID = os.environ.get("SLACK_CLIENT_ID", "")
    SLACK_CLIENT_SECRET = os.environ.get("SLACK_CLIENT_SECRET", "")
    SLACK_SIGNING_SECRET = os.environ.get("SLACK_SIGNING_SECRET", "")
    SLACK_API_URL = os.environ.get("SLACK_API_URL", "https://slack.com/api/")

    API_TITLE = "Unstuck API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    @classmethod
    def check(cls) -> None:
        """Refuse settings that cannot work; development accepts its defaults."""


class TestConfig(Config):
    """Settings for the test suite: a database and Redis chosen by the fixtures."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret"
    # CSRF is checked in the tests that are about it and in the browser tests.
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    BASE_URL = "http://localhost"
    # Real hashing, with few rounds: the suite signs hundreds of people in.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # The limits stay on and are counted in the suite's Redis, but so high that no test
    # trips over the requests of another; tests/security/test_rate_limits.py sets the
    # shipped values (those of Config) to prove them.
    RATELIMIT_ENABLED = True
    RATELIMIT_ASK = RATELIMIT_INBOUND_MAIL = RATELIMIT_SLACK_LINK = "1000 per second"
    RATELIMIT_SMTP_ADDRESS = RATELIMIT_SMTP_SENDER = "1000 per second"
    RATELIMIT_SIGN_IN_LINK = RATELIMIT_SIGN_IN_LINK_ADDRESS = "1000 per second"
    RATELIMIT_PASSWORD_RESET = RATELIMIT_PASSWORD_RESET_ADDRESS = RATELIMIT_SCIM = "1000 per second"
    SIGN_IN_FREE_FAILURES = SIGN_IN_FREE_FAILURES_PER_ADDRESS = 1_000_000
    # The webhook receivers of the tests run on loopback; a slow one is given up on quickly.
    WEBHOOKS_ALLOW_PRIVATE = True
    WEBHOOKS_TIMEOUT_SECONDS = 1.0
    TEAMS_ALLOW_ANY_HOST = True
    TEAMS_TIMEOUT_SECONDS = 2.0
    # The Slack app is on; tests/slack points SLACK_API_URL at its stand-in for Slack.
    SLACK_CLIENT_ID = "1111.2222"
    SLACK_CLIENT_SECRET = "test-slack-client-secret"
    SLACK_SIGNING_SECRET = "test-slack-signing-secret"
    SLACK_API_URL = "http://127.0.0.1:9/api/"


class ProductionConfig(Config):
    """Production: needs a real secret key and database; cookies only over HTTPS."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # `__Host-` cookies: kept by browsers only if Secure, for the whole site and no Domain, so
    # no other site (a sibling subdomain included) can set or read them.
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_NAME = "__Host-remember"
    DEVICE_COOKIE_NAME = "__Host-device"
    # Browsers that were here once come back over HTTPS only, for a year.
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
    # Webhooks go to https addresses on the internet only, never into the company's network.
    WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE")
    # Teams cards go to Microsoft's webhook hosts only, over https.
    TEAMS_ALLOW_ANY_HOST = env_bool("TEAMS_ALLOW_ANY_HOST")

    @classmethod
    def check(cls) -> None:
        """Refuse to start without SECRET_KEY, DATABASE_URL and BASE_URL set in the environment,
        and with a BASE_URL that is no web address (the links in every mail would be dead)."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL", "BASE_URL") if not os.environ.get(name, "").strip()]
        if missing:
            names = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
            message = f"Unstuck will not start in production without {names} set."
            if "BASE_URL" in missing:
                message += (
                    " BASE_URL is the address people reach Unstuck at, such as "
                    "https://unstuck.example.com: every link in a mail starts with it."
                )
            raise RuntimeError(message)
        base = urlsplit(os.environ["BASE_URL"].strip())
        if base.scheme not in ("http", "https") or not base.netloc:
            raise RuntimeError(
                "BASE_URL must be the web address people reach Unstuck at, such as "
                f"https://unstuck.example.com, not {os.environ['BASE_URL']!r}."
            )


CONFIGS = {"development": Config, "testing": TestConfig, "production": ProductionConfig}


def config_from_environment() -> type[Config]:
    """Pick the settings class named by UNSTUCK_ENV (development by default)."""
    name = os.environ.get("UNSTUCK_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"UNSTUCK_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
