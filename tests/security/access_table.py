"""Who gets what from every route of the app and its API, as one table read from the URL
map (by test_access_table.py): a route without an entry fails there, so nobody adds a page
without saying who may open it.

Each row names a route's methods and, per method, the status each person gets, in the
order of `ROLES`: signed out, a new hire, another team's new hire, a mentor, the team's lead
and an admin, every address filled in with the ids of the scene's objects
(tests/security/access_scene.py). Signed out, a page sends you to sign in (302) and a form
post or the API answers 401; a role that may not do something gets 403; an object of
another team or another person is not there for you (404). `ok` marks someone who may send
a form or API call: it would change the scene, so success is tested where the feature is;
every refusal is sent by test_access_table.py, and must change nothing. Routes whose address carries a token
(links in mails, calendar feeds, unsubscribing, received mail) need no session: the token
is the key, checked in tests/security/test_token_routes.py.

The requests that go with the table are built by tests/security/access_requests.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.security.access_scene import ROLES

GET, POST, PATCH, PUT, DELETE = "GET", "POST", "PATCH", "PUT", "DELETE"
OK = "ok"


@dataclass(frozen=True)
class Token:
    """A route whose token in the address (or secret in a header) is the key: a good one works
    for anyone, signed in or not (`valid`; None where a request would act); a bad one gets
    `invalid`."""

    invalid: int
    valid: int | None = 200


# Often-used rows                   anon hire other mentor lead admin
SIGNED_IN = "302 200  200   200    200  200"
ANYONE_SIGNED_IN_SENDS = "401 ok   ok    ok     ok   ok"
ADMIN_PAGE = "302 403  403   403    403  200"
ADMIN_SENDS = "401 403  403   403    403  ok"
API_READ = "401 200  200   200    200  200"
API_ANYONE_SENDS = "401 ok   ok    ok     ok   ok"
API_ADMIN_SENDS = "401 403  403   403    403  ok"
# Nina's question, routed to Mia, in team Payments that Lena leads.
QUESTION_PAGE = "302 200  404   200    200  200"
# Payments' weekly series: its members see it (Mia is in Payments); Lena and admins run it.
SERIES_PAGE = "302 200  404   200    200  200"
SERIES_MANAGE_PAGE = "302 403  404   403    200  200"
SERIES_MANAGE_SENDS = "401 403  404   403    ok   ok"

TABLE: dict[str, dict[str, str | Token]] = {
    # Signing in and the home page
    "/sign-in": {GET: "200 302 302 302 302 302", POST: "ok ok ok ok ok ok"},
    "/sign-in/email": {GET: "200 302 302 302 302 302", POST: "ok ok ok ok ok ok"},  # asks for a link
    "/sign-in/email/<token>": {GET: Token(400), POST: Token(400, valid=None)},  # the link
    "/password/forgot": {GET: "200 302 302 302 302 302", POST: "ok ok ok ok ok ok"},  # asks for a link
    "/password/reset/<token>": {GET: Token(400), POST: Token(400, valid=None)},  # the link
    "/join/<token>": {GET: Token(400), POST: Token(400, valid=None)},  # an invitation's link
    "/sign-out": {POST: ANYONE_SIGNED_IN_SENDS},
    # Single sign-on with OpenID Connect: off here (tests/sso turns it on against a real provider)
    "/sso/oidc/start": {GET: "404 404 404 404 404 404"},
    "/sso/oidc/callback": {GET: "404 404 404 404 404 404"},
    "/sign-out/everywhere": {POST: ANYONE_SIGNED_IN_SENDS},  # one's own sign-ins only
    "/": {GET: SIGNED_IN},
    "/health": {GET: "200 200 200 200 200 200"},  # for load balancers: says nothing but "ok"
    # Single sign-on by SAML: off in this scene (no SAML_IDP_METADATA), so not there; with it
    # on, the provider's signed answer is the key (tests/sso/test_saml*.py).
    "/sso/saml/start": {GET: "404 404 404 404 404 404"},
    "/sso/saml/acs": {POST: "404 404 404 404 404 404"},
    "/sso/saml/metadata": {GET: "404 404 404 404 404 404"},
    # One's own profile
    "/profile": {GET: SIGNED_IN, POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/email-again": {POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/password": {
        POST: ANYONE_SIGNED_IN_SENDS
    },  # one's own, with the current one  # clears one's own bounces only
    "/profile/skills": {POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/skills/<int:skill_id>/<kind>/remove": {POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/tokens": {POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/tokens/<int:token_id>/revoke": {POST: "401 ok 404 404 404 404"},  # Nina's token
    # Admin pages
    "/admin/people": {GET: ADMIN_PAGE},
    "/admin/people/new": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/people/import": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/people/<int:person_id>": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/people/<int:person_id>/deactivate": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/people/<int:person_id>/reactivate": {POST: ADMIN_SENDS},
    "/admin/people/<int:person_id>/invite": {POST: ADMIN_SENDS},
    "/admin/people/<int:person_id>/export": {POST: ADMIN_SENDS},  # a download, recorded: a form post
    "/admin/people/<int:person_id>/erase": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/teams": {GET: ADMIN_PAGE},
    "/admin/teams/new": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/teams/<int:team_id>": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/skills": {GET: ADMIN_PAGE},
    "/admin/skills/new": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/skills/merge": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/skills/<int:skill_id>": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/mentorships": {GET: ADMIN_PAGE},
    "/admin/mentorships/choose/<int:person_id>": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},  # Nina's
    "/admin/matching/settings": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/matching/do-not-pair": {POST: ADMIN_SENDS},
    "/admin/matching/do-not-pair/<int:pair_id>/remove": {POST: ADMIN_SENDS},
    "/admin/matching/cohorts": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/matching/cohorts/<int:run_id>": {GET: ADMIN_PAGE},
    "/admin/matching/cohorts/<int:run_id>/adjust": {POST: ADMIN_SENDS},
    "/admin/matching/cohorts/<int:run_id>/publish": {POST: ADMIN_SENDS},
    # Mentorships: Nina's, with Mia; only its two sides act on it, only Mia answers a proposal
    "/mentor": {GET: SIGNED_IN},
    "/mentoring": {GET: SIGNED_IN},
    "/mentorships/<int:mentorship_id>/accept": {POST: "401 404 404 ok 404 404"},
    "/mentorships/<int:mentorship_id>/decline": {POST: "401 404 404 ok 404 404"},
    "/mentorships/<int:mentorship_id>/end": {POST: "401 ok 404 ok 404 404"},
    "/mentorships/<int:mentorship_id>/fit": {POST: "401 ok 404 ok 404 404"},
    "/mentorships/<int:mentorship_id>/rematch": {POST: "401 ok 404 ok 404 404"},
    "/mentorships/email/<action>/<token>": {GET: Token(400), POST: Token(400, valid=None)},
    # The help desk
    "/help/ask": {GET: SIGNED_IN, POST: ANYONE_SIGNED_IN_SENDS},
    # The embeddable panel opens signed out too: it says how to sign in, in a tab of its own.
    "/help/embed": {GET: "200 200 200 200 200 200", POST: ANYONE_SIGNED_IN_SENDS},
    # The ask form's live panel: the draft in a POST body, so it reads and changes nothing.
    "/help/similar": {POST: "401 200 200 200 200 200"},
    "/help/questions": {GET: SIGNED_IN},
    "/help/questions/<int:question_id>": {GET: QUESTION_PAGE},
    "/help/questions/<int:question_id>/posts": {POST: "401 ok 404 ok ok ok"},
    # Only the asker, or someone who answered (nobody has yet), resolves; only the asker rates.
    "/help/questions/<int:question_id>/resolve": {POST: "401 ok 404 403 403 403"},
    "/help/questions/<int:question_id>/rating": {POST: "401 ok 404 403 403 403"},
    "/help/for-you": {GET: SIGNED_IN},
    # Mia's live attempt: only the mentor asked takes or passes it.
    "/help/for-you/<int:attempt_id>/take": {POST: "401 404 404 ok 404 404"},
    "/help/for-you/<int:attempt_id>/pass": {POST: "401 404 404 ok 404 404"},
    "/help/for-you/<int:attempt_id>/release": {POST: "401 404 404 ok 404 404"},
    "/help/knowledge": {GET: SIGNED_IN},
    # Nina's answered question, in Payments' knowledge base: for Payments only (Ada has no team).
    "/help/knowledge/<int:question_id>": {GET: "302 200 404 200 200 404"},
    "/help/knowledge/<int:question_id>/solved": {POST: "401 ok 404 ok ok 404"},
    "/help/mail-settings": {GET: SIGNED_IN, POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/notices": {GET: SIGNED_IN, POST: ANYONE_SIGNED_IN_SENDS},
    # Microsoft Teams (tests/teams): a person's own webhook address; a team's, for its lead and admins.
    "/profile/notices/microsoft-teams": {GET: SIGNED_IN, POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/notices/microsoft-teams/remove": {POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/notices/microsoft-teams/test": {POST: ANYONE_SIGNED_IN_SENDS},
    "/teams/<int:team_id>/microsoft-teams": {GET: "302 403  403   403    200  200", POST: "401 403 403 403 ok ok"},
    "/teams/<int:team_id>/microsoft-teams/remove": {POST: "401 403 403 403 ok ok"},
    "/teams/<int:team_id>/microsoft-teams/test": {POST: "401 403 403 403 ok ok"},
    "/help/email/<action>/<token>": {GET: Token(400), POST: Token(400, valid=None)},
    # Mail
    "/mail/unsubscribe/<topic_name>/<token>": {GET: Token(400), POST: Token(400, valid=None)},
    "/mail/inbound": {POST: Token(401, valid=None)},  # the provider's shared secret
    "/admin/mail": {GET: ADMIN_PAGE},  # received mail that failed, for admins
    # Directory sync: the identity provider's SCIM token is the key (tests/scim); admins make it.
    "/admin/scim-tokens": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/scim-tokens/<int:token_id>/revoke": {POST: ADMIN_SENDS},
    # Webhooks out: admins only (tests/webhooks).
    "/admin/webhooks": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/webhooks/<int:endpoint_id>": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/webhooks/<int:endpoint_id>/address": {POST: ADMIN_SENDS},
    "/admin/webhooks/<int:endpoint_id>/verify": {POST: ADMIN_SENDS},
    "/admin/webhooks/<int:endpoint_id>/rotate": {POST: ADMIN_SENDS},
    "/admin/webhooks/<int:endpoint_id>/switch": {POST: ADMIN_SENDS},
    "/admin/webhooks/<int:endpoint_id>/delete": {POST: ADMIN_SENDS},
    "/admin/webhooks/deliveries/<int:delivery_id>/again": {POST: ADMIN_SENDS},
    # Slack: its requests are signed with the app's signing secret (tests/slack); admins
    # install it (to Slack and back: no state here, so the way back is refused); a person
    # unlinks their own link; a team's lead (or an admin) chooses the team's channel.
    "/slack/events": {POST: Token(401, valid=None)},
    "/slack/install": {GET: "302 403  403   403    403  302"},
    "/slack/oauth_redirect": {GET: "302 403  403   403    403  400"},
    "/slack/links/<int:link_id>/unlink": {POST: "401 ok   404   404    404  404"},
    "/profile/slack": {GET: SIGNED_IN},
    "/profile/slack/link": {POST: ANYONE_SIGNED_IN_SENDS},
    "/admin/slack": {GET: ADMIN_PAGE},
    "/admin/slack/link-people": {POST: ADMIN_SENDS},
    "/slack/teams/<int:team_id>/channel": {GET: SERIES_MANAGE_PAGE, POST: SERIES_MANAGE_SENDS},
    "/scim/v2/ServiceProviderConfig": {GET: Token(401)},
    "/scim/v2/ResourceTypes": {GET: Token(401)},
    "/scim/v2/ResourceTypes/<name>": {GET: Token(401)},
    "/scim/v2/Schemas": {GET: Token(401)},
    "/scim/v2/Schemas/<schema_id>": {GET: Token(401)},
    "/scim/v2/.search": {POST: Token(401, valid=None)},
    "/scim/v2/<path:anything>": {GET: Token(401)},
    "/scim/v2/Users": {GET: Token(401), POST: Token(401, valid=None)},
    "/scim/v2/Users/<user_id>": {
        GET: Token(401),
        PUT: Token(401, valid=None),
        PATCH: Token(401, valid=None),
        DELETE: Token(401, valid=None),
    },
    "/scim/v2/Groups": {GET: Token(401), POST: Token(401, valid=None)},
    "/scim/v2/Groups/<group_id>": {
        GET: Token(401),
        PUT: Token(401, valid=None),
        PATCH: Token(401, valid=None),
        DELETE: Token(401, valid=None),
    },
    # Feedback
    "/feedback/": {GET: SIGNED_IN},
    "/feedback/tasks": {GET: SIGNED_IN},
    "/feedback/tasks/new": {GET: SIGNED_IN, POST: ANYONE_SIGNED_IN_SENDS},
    "/feedback/tasks/email/<token>": {GET: Token(400), POST: Token(400, valid=None)},
    "/feedback/checkins": {GET: SIGNED_IN},
    "/feedback/checkins/<int:checkin_id>": {POST: "401 ok 404 404 404 404"},  # Nina's
    "/feedback/checkins/email/<token>": {GET: Token(400), POST: Token(400, valid=None)},
    # Nina's answered question: Mia answered it; Nina asked it; Lena and Ada see it, did not answer.
    "/feedback/questions/<int:question_id>/clarity": {GET: "302 403 404 200 403 403", POST: "401 403 404 ok 403 403"},
    # Payments' dashboard: for its lead and admins; raw exports for admins.
    "/feedback/dashboard": {GET: "302 403 403 403 200 200"},
    "/feedback/dashboard/export/<table>.csv": {GET: "302 403 403 403 200 200"},
    "/feedback/export/raw/<kind>.csv": {GET: ADMIN_PAGE},
    "/feedback/flags": {GET: ADMIN_PAGE},
    "/feedback/flags/<int:flag_id>/clear": {POST: ADMIN_SENDS},
    # Weekly sessions of Payments
    "/sessions/": {GET: SIGNED_IN},
    "/sessions/new": {GET: "302 403 403 403 200 200", POST: "401 403 403 403 ok ok"},
    "/sessions/<int:series_id>": {GET: SERIES_PAGE},
    "/sessions/<int:series_id>/edit": {GET: SERIES_MANAGE_PAGE, POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/cancel": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/names": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/guests": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/guests/<int:user_id>/remove": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/history": {GET: SERIES_PAGE},
    "/sessions/<int:series_id>/weeks/<day>": {GET: SERIES_PAGE, POST: "401 ok 404 ok ok ok"},
    # Nina's learning: only she takes it back.
    "/sessions/<int:series_id>/weeks/<day>/learnings/<int:learning_id>/delete": {POST: "401 ok 404 404 404 404"},
    "/sessions/<int:series_id>/weeks/<day>/move": {GET: SERIES_MANAGE_PAGE, POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/skip": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/restore": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/run": {GET: SERIES_PAGE},
    "/sessions/<int:series_id>/weeks/<day>/run/state": {GET: SERIES_PAGE},  # the run page's live part
    "/sessions/<int:series_id>/weeks/<day>/run/start": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/run/phase": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/run/group": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/run/ungroup": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/run/votes": {POST: "401 ok 404 ok ok ok"},
    "/sessions/<int:series_id>/weeks/<day>/run/vote": {POST: "401 ok 404 ok ok ok"},  # one tap
    "/sessions/<int:series_id>/weeks/<day>/run/actions": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/run/close": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/summary": {GET: SERIES_PAGE},
    # Nina owns the action item: she, Lena and admins mark it done.
    "/sessions/actions/<int:action_id>/done": {POST: "401 ok 404 403 ok ok"},
    "/sessions/feed": {GET: SIGNED_IN, POST: ANYONE_SIGNED_IN_SENDS},
    "/sessions/feed/<token>.ics": {GET: Token(404)},
    # The API: a personal token or nothing, whoever is signed in to the web app
    "/api/v1/openapi.json": {GET: "200 200 200 200 200 200"},  # the API's public description
    "/api/v1/people": {GET: API_READ, POST: API_ADMIN_SENDS},
    "/api/v1/people/me": {GET: API_READ, PATCH: API_ANYONE_SENDS},
    "/api/v1/people/me/mentor": {GET: API_READ},
    "/api/v1/people/<int:person_id>": {GET: API_READ, PATCH: API_ADMIN_SENDS},  # the company directory
    "/api/v1/people/<int:person_id>/export": {GET: "401 403 403 403 403 200"},  # everything about Nina
    "/api/v1/teams": {GET: API_READ, POST: API_ADMIN_SENDS},
    "/api/v1/teams/<int:team_id>": {GET: API_READ, PATCH: API_ADMIN_SENDS},
    "/api/v1/skills": {GET: API_READ, POST: API_ADMIN_SENDS},
    "/api/v1/skills/<int:skill_id>": {GET: API_READ, PATCH: API_ADMIN_SENDS},
    "/api/v1/skills/suggest": {POST: "401 200 200 200 200 200"},  # the draft in the body
    "/api/v1/mentorships": {GET: API_READ},
    # Nina's mentorship: its sides and admins see it; only Mia answers a proposal.
    "/api/v1/mentorships/<int:mentorship_id>": {GET: "401 200 404 200 404 200"},
    "/api/v1/mentorships/<int:mentorship_id>/accept": {POST: "401 403 404 ok 404 403"},
    "/api/v1/mentorships/<int:mentorship_id>/decline": {POST: "401 403 404 ok 404 403"},
    "/api/v1/mentorships/<int:mentorship_id>/end": {POST: "401 ok 404 ok 404 403"},
    "/api/v1/mentorships/<int:mentorship_id>/fit": {POST: "401 ok 404 ok 404 403"},
    "/api/v1/questions": {GET: API_READ, POST: API_ANYONE_SENDS},
    "/api/v1/questions/<int:question_id>": {GET: "401 200 404 200 200 200"},
    "/api/v1/questions/<int:question_id>/posts": {POST: "401 ok 404 ok ok ok"},
    "/api/v1/questions/<int:question_id>/resolve": {POST: "401 ok 404 403 403 403"},
    "/api/v1/questions/<int:question_id>/rating": {POST: "401 ok 404 403 403 403"},
    "/api/v1/questions/<int:question_id>/pass": {POST: "401 403 404 ok 403 403"},
    "/api/v1/knowledge": {GET: API_READ},
    "/api/v1/feedback/tasks": {GET: API_READ, POST: API_ANYONE_SENDS},
    "/api/v1/feedback/tasks/<int:feedback_id>": {GET: "401 200 404 404 404 404"},  # Nina's, hers alone
    "/api/v1/feedback/checkins": {GET: API_READ},
    "/api/v1/feedback/checkins/<int:checkin_id>": {POST: "401 ok 404 404 404 404"},
    "/api/v1/feedback/clarity": {GET: API_READ},
    "/api/v1/feedback/questions/<int:question_id>/clarity": {POST: "401 403 404 ok 403 403"},
}

# Files served as they are, to anyone: the stylesheet and the help button's script.
STATIC_ENDPOINTS = {"static", "help.static"}


def statuses(row: str) -> dict[str, int | str]:
    """A row of the table as {role: status or OK}."""
    cells = row.split()
    assert len(cells) == len(ROLES), f"{row!r} names {len(cells)} statuses for {len(ROLES)} people"
    return {role: cell if cell == OK else int(cell) for role, cell in zip(ROLES, cells, strict=True)}


def routes(app) -> list:
    """Every rule of the URL map but the static files, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in STATIC_ENDPOINTS), key=lambda r: r.rule)


def methods(rule) -> set[str]:
    return set(rule.methods) - {"HEAD", "OPTIONS"}
