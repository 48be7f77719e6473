"""Who gets what from every route of the app and its API, as one table read from the URL
map: a route without an entry fails here, so nobody adds a page without saying who may open it.

Each row names a route's methods and, per method, the status each person gets, in the
order of `ROLES`: signed out, a new hire, another team's new hire, a mentor, the team's lead
and an admin, every address filled in with the ids of the scene's objects
(tests/security/access_scene.py). Signed out, a page sends you to sign in (302) and a form
post or the API answers 401; a role that may not do something gets 403; an object of
another team or another person is not there for you (404). `ok` marks someone who may send
a form or API call: it would change the scene, so success is tested where the feature is;
every refusal is sent here, and must change nothing. Routes whose address carries a token
(links in mails, calendar feeds, unsubscribing, received mail) need no session: the token
is the key, checked in their own test below.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from app.extensions import db
from app.help import mail_links
from app.mail.unsubscribe import unsubscribe_url
from app.tokens import make_token
from feedback import exports
from feedback import links as feedback_links
from matching.notices import action_link
from sessions.series import feed
from tests.security.access_scene import ROLES, Scene, build_scene, changed_tables, database_state

GET, POST, PATCH = "GET", "POST", "PATCH"
OK = "ok"


@dataclass(frozen=True)
class Token:
    """A route whose token in the address (or secret in a header) is the key: a good one works
    for anyone, signed in or not (`valid`; None where a request would act); a bad one gets
    `invalid`."""

    invalid: int
    valid: int | None = 200


# Often-used rows                   anon hire other mentor lead admin
SIGNED_IN =                         "302 200  200   200    200  200"
ANYONE_SIGNED_IN_SENDS =            "401 ok   ok    ok     ok   ok"
ADMIN_PAGE =                        "302 403  403   403    403  200"
ADMIN_SENDS =                       "401 403  403   403    403  ok"
API_READ =                          "401 200  200   200    200  200"
API_ANYONE_SENDS =                  "401 ok   ok    ok     ok   ok"
API_ADMIN_SENDS =                   "401 403  403   403    403  ok"
# Nina's question, routed to Mia, in team Payments that Lena leads.
QUESTION_PAGE =                     "302 200  404   200    200  200"
# Payments' weekly series: its members see it (Mia is in Payments); Lena and admins run it.
SERIES_PAGE =                       "302 200  404   200    200  200"
SERIES_MANAGE_PAGE =                "302 403  404   403    200  200"
SERIES_MANAGE_SENDS =               "401 403  404   403    ok   ok"

TABLE: dict[str, dict[str, str | Token]] = {
    # Signing in and the home page
    "/sign-in": {GET: "200 302 302 302 302 302", POST: "ok ok ok ok ok ok"},
    "/sign-in/email": {GET: "200 302 302 302 302 302", POST: "ok ok ok ok ok ok"},  # asks for a link
    "/sign-in/email/<token>": {GET: Token(400), POST: Token(400, valid=None)},  # the link
    "/sign-out": {POST: ANYONE_SIGNED_IN_SENDS},
    "/sign-out/everywhere": {POST: ANYONE_SIGNED_IN_SENDS},  # one's own sign-ins only
    "/": {GET: SIGNED_IN},
    "/health": {GET: "200 200 200 200 200 200"},  # for load balancers: says nothing but "ok"
    # One's own profile
    "/profile": {GET: SIGNED_IN, POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/email-again": {POST: ANYONE_SIGNED_IN_SENDS},  # clears one's own bounces only
    "/profile/skills": {POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/skills/<int:skill_id>/<kind>/remove": {POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/tokens": {POST: ANYONE_SIGNED_IN_SENDS},
    "/profile/tokens/<int:token_id>/revoke": {POST: "401 ok 404 404 404 404"},  # Nina's token
    # Admin pages
    "/admin/people": {GET: ADMIN_PAGE},
    "/admin/people/new": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/people/import": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/people/<int:person_id>": {GET: ADMIN_PAGE, POST: ADMIN_SENDS},
    "/admin/people/<int:person_id>/deactivate": {POST: ADMIN_SENDS},
    "/admin/people/<int:person_id>/reactivate": {POST: ADMIN_SENDS},
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
    "/help/email/<action>/<token>": {GET: Token(400), POST: Token(400, valid=None)},
    # Mail
    "/mail/unsubscribe/<topic_name>/<token>": {GET: Token(400), POST: Token(400, valid=None)},
    "/mail/inbound": {POST: Token(401, valid=None)},  # the provider's shared secret
    "/admin/mail": {GET: ADMIN_PAGE},  # received mail that failed, for admins
    # Feedback
    "/feedback/": {GET: SIGNED_IN},
    "/feedback/tasks": {GET: SIGNED_IN},
    "/feedback/tasks/new": {GET: SIGNED_IN, POST: ANYONE_SIGNED_IN_SENDS},
    "/feedback/tasks/email/<token>": {GET: Token(400), POST: Token(400, valid=None)},
    "/feedback/checkins": {GET: SIGNED_IN},
    "/feedback/checkins/<int:checkin_id>": {POST: "401 ok 404 404 404 404"},  # Nina's
    "/feedback/checkins/email/<token>": {GET: Token(400), POST: Token(400, valid=None)},
    # Nina's answered question: Mia answered it; Nina asked it; Lena and Ada see it, did not answer.
    "/feedback/questions/<int:question_id>/clarity": {GET: "302 403 404 200 403 403",
                                                      POST: "401 403 404 ok 403 403"},
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
    "/sessions/<int:series_id>/weeks/<day>/run/start": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/run/phase": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/run/group": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/run/ungroup": {POST: SERIES_MANAGE_SENDS},
    "/sessions/<int:series_id>/weeks/<day>/run/votes": {POST: "401 ok 404 ok ok ok"},
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
# Routes whose id names Nina's answered question rather than her open one, and those that
# name the session still to come rather than the one that was held.
ANSWERED_QUESTION = {"help.knowledge_entry", "help.solved", "feedback.rate_clarity", "feedback_api.Clarity"}
COMING_WEEK = {"sessions.move_week", "sessions.skip_week", "sessions.restore_week"}
QUERY = {
    "feedback.dashboard_page": "team={team}", "feedback.dashboard_export": "team={team}",
    "feedback.raw_export": "team={team}",
}
# What a form or API call sends: enough to act, had the person been allowed.
BODIES = {
    "people.profile": {"timezone": "UTC", "work_start": "08:00", "work_end": "16:00"},
    "people.add_skill": {"skill": "Kafka", "kind": "learn", "level": "2"},
    "people.create_token": {"name": "script"},
    "admin.new_person": {"email": "new@example.com", "name": "New Person", "roles": "new_hire",
                         "timezone": "UTC", "work_start": "09:00", "work_end": "17:00"},
    "admin.edit_person": {"email": "nina@example.com", "name": "Renamed", "roles": "new_hire",
                          "timezone": "UTC", "work_start": "09:00", "work_end": "17:00"},
    "admin.new_team": {"name": "Renamed"}, "admin.edit_team": {"name": "Renamed"},
    "admin.new_skill": {"name": "Rust"}, "admin.edit_skill": {"name": "Renamed"},
    "admin.add_do_not_pair": {"new_hire_email": "nina@example.com", "mentor_email": "mia@example.com"},
    "help.post_reply": {"body": "I know this one"}, "help.resolve": {"visibility": "named"},
    "help.similar": {"text": "Kafka migration"}, "help_api.SkillSuggestions": {"text": "Kafka migration"},
    "help.rate": {"yes": "Yes, it helped"}, "help.pass_on": {"hint": "ask Dana"},
    "help.ask": {"goal": "Deploy", "stuck": "It hangs", "urgency": "can_wait", "visibility": "named"},
    "help.embed": {"goal": "Deploy", "stuck": "It hangs", "urgency": "can_wait", "visibility": "named"},
    "matching.decline": {"note": "Too busy"}, "matching.end": {"reason": "Moving on", "worked_out": "y"},
    "matching.fit": {"good_fit": "no"},
    "feedback.answer_checkin": {"c{checkin}-score": "1", "c{checkin}-change": "Changed"},
    "feedback.rate_clarity": {"score": "1"},
    "feedback.new_task": {"title": "A task", "rating": "3", "time_taken": "more"},
    "sessions.edit_series": {"title": "Changed", "weekday": "1", "start_time": "11:00", "duration_minutes": "30",
                             "timezone": "Europe/Berlin", "first_date": "2026-01-06", "location": "x"},
    "sessions.new_series": {"team_id": "{team}", "title": "Another", "weekday": "1", "start_time": "11:00",
                            "duration_minutes": "30", "timezone": "Europe/Berlin", "first_date": "2026-12-01"},
    "sessions.cancel_series": {"confirm": "y"}, "sessions.set_names": {"shown": "1", "prompt_hours": "12"},
    "sessions.add_guest": {"email": "olli@example.com"},
    "sessions.move_week": {"date": "{next_day}", "time": "16:00", "duration_minutes": "30"},
    "sessions.week_page": {"kind": "learned", "text": "Something new"},
    "sessions.run_votes": {"votes-{learning}": "1"},
    "sessions.run_action": {"text": "Do it", "owner": "{new_hire}", "due": "2027-01-01"},
    "sessions.run_close": {"attended": "{new_hire}"},
    "sessions.run_phase": {"seen": "closed", "to": "discuss"},
    "sessions.run_group": {"item": "{learning}", "into": "{learning}"},
    "sessions.run_ungroup": {"item": "{learning}"},
    "people_api.People": {"email": "new@example.com", "name": "New Person"},
    "people_api.Person": {"name": "Renamed"}, "people_api.Me": {"timezone": "UTC"},
    "people_api.Teams": {"name": "Renamed"}, "people_api.TeamById": {"name": "Renamed"},
    "people_api.Skills": {"name": "Rust"}, "people_api.SkillById": {"name": "Renamed"},
    "mentorships_api.Decline": {"note": "Too busy"},
    "mentorships_api.End": {"reason": "Moving on", "worked_out": True},
    "mentorships_api.Fit": {"good_fit": False},
    "help_api.Questions": {"goal": "Deploy", "stuck": "It hangs"},
    "help_api.Posts": {"body": "I know this one"}, "help_api.Resolve": {}, "help_api.Rating": {"helpful": False},
    "help_api.Pass": {"hint": "ask Dana"},
    "feedback_api.Tasks": {"title": "A task", "rating": 3, "time_taken": "more"},
    "feedback_api.CheckinById": {"score": 1, "change": "Changed"},
    "feedback_api.Clarity": {"score": 1},
}


def statuses(row: str) -> dict[str, int | str]:
    """A row of the table as {role: status or OK}."""
    cells = row.split()
    assert len(cells) == len(ROLES), f"{row!r} names {len(cells)} statuses for {len(ROLES)} people"
    return {role: cell if cell == OK else int(cell) for role, cell in zip(ROLES, cells)}


def routes(app) -> list:
    """Every rule of the URL map but the static files, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in STATIC_ENDPOINTS), key=lambda r: r.rule)


def methods(rule) -> set[str]:
    return set(rule.methods) - {"HEAD", "OPTIONS"}


def values(s: Scene) -> dict[str, object]:
    """The scene's ids, by the names URL rules, queries and bodies give them."""
    return {
        "person_id": s.people["new_hire"].id, "team_id": s.team.id, "team": s.team.id, "skill_id": s.skill.id,
        "run_id": s.cohort_run.id, "pair_id": s.pair.id, "mentorship_id": s.mentorship.id,
        "checkin_id": s.checkin.id, "checkin": s.checkin.id, "feedback_id": s.task.id, "flag_id": s.flag.id,
        "token_id": s.api_token.id, "attempt_id": s.attempt.id, "question_id": s.question.id,
        "series_id": s.series.id, "day": s.past_day.isoformat(), "next_day": s.next_day.isoformat(),
        "learning_id": s.learning.id, "learning": s.learning.id, "user_id": s.guest.id, "action_id": s.action.id,
        "new_hire": s.people["new_hire"].id, "kind": "teach", "table": next(iter(exports.TABLES)),
    }


def url(app, s: Scene, rule, overrides: dict[str, dict] | None = None) -> str:
    """The rule's address for the scene's objects; `overrides` gives, by endpoint, values to
    use instead (a good token for a token route, another id)."""
    given = values(s)
    if rule.endpoint in ANSWERED_QUESTION:
        given["question_id"] = s.answered.id
    if rule.endpoint in COMING_WEEK:
        given["day"] = given["next_day"]
    if rule.endpoint == "feedback.raw_export":
        given["kind"] = next(iter(exports.RAW_KINDS))
    given.update((overrides or {}).get(rule.endpoint, {}))
    path = app.url_map.bind("localhost").build(rule.endpoint, {k: given[k] for k in rule.arguments})
    query = QUERY.get(rule.endpoint)
    return f"{path}?{query.format(**given)}" if query else path


def body(s: Scene, rule) -> dict:
    """The form or JSON the rule's request sends, with the scene's ids filled in."""
    given = values(s)
    return {name.format(**given): value.format(**given) if isinstance(value, str) else value
            for name, value in BODIES.get(rule.endpoint, {}).items()}


def send(client, s: Scene, app, rule, method: str, role: str, path: str | None = None):
    """Send the rule's request as the person: JSON with their token to the API, a form elsewhere."""
    path = path or url(app, s, rule)
    if rule.rule.startswith("/api/"):
        return client.open(path, method=method, headers=s.api_headers(role),
                           json=body(s, rule) if method != GET else None)
    return client.open(path, method=method, data=body(s, rule) if method != GET else None)


@pytest.fixture
def s(make, jobs) -> Scene:
    return build_scene(make)


def sign_in(auth, s: Scene, role: str) -> None:
    if role != "anonymous":
        auth.sign_in(s.person(role))


# The table covers the app


def test_every_route_has_an_entry_in_the_access_table(app):
    problems = []
    for rule in routes(app):
        entry = TABLE.get(rule.rule)
        if entry is None:
            problems.append(f"route {rule.rule} has no entry in the access table")
        elif set(entry) != methods(rule):
            problems.append(f"route {rule.rule} takes {sorted(methods(rule))}; its entry says {sorted(entry)}")
    known = {rule.rule for rule in app.url_map.iter_rules()}
    problems += [f"the access table names {path}, which is no route" for path in TABLE if path not in known]
    for path, entry in TABLE.items():
        for method, row in entry.items():
            if method == GET and isinstance(row, str) and OK in statuses(row).values():
                problems.append(f"{path}: a page's row names statuses, never {OK!r}")
    assert not problems, "\n".join(problems)


# Who gets what


def requests_to_send(app, role: str) -> list[tuple]:
    """(rule, method, expected status) for every request the table has the person send:
    reading first, then the refused changes, each checked against the state the one before
    left (reading changes nothing)."""
    sent = [(rule, method, statuses(row)[role]) for rule in routes(app) for method, row in TABLE[rule.rule].items()
            if not isinstance(row, Token) and statuses(row)[role] != OK]
    return sorted(sent, key=lambda request: request[1] != GET)


@pytest.mark.parametrize("role", ROLES)
def test_each_person_gets_what_the_table_says_from_every_route(app, client, auth, s, role):
    sign_in(auth, s, role)
    wrong, before = [], None
    for rule, method, expected in requests_to_send(app, role):
        if method != GET and before is None:
            before = database_state()
        response = send(client, s, app, rule, method, role)
        where = f"{method} {rule.rule} as {role}"
        if response.status_code != expected:
            wrong.append(f"{where}: {response.status_code}, the table says {expected}")
        elif expected == 302 and role == "anonymous" and not response.headers["Location"].startswith("/sign-in"):
            wrong.append(f"{where}: sent to {response.headers['Location']}, not to sign in")
        elif expected in (401, 403, 404) and rule.rule.startswith("/api/") and "error" not in response.json:
            wrong.append(f"{where}: {expected} without a JSON error")
        if method != GET:
            after = database_state()
            if tables := changed_tables(before, after):
                wrong.append(f"{where} was refused but changed {', '.join(tables)}")
            before = after
    assert not wrong, "\n".join(wrong)


def test_a_web_session_does_not_open_the_api(app, client, auth, s):
    auth.sign_in(s.people["admin"])
    opened = [rule.rule for rule in routes(app) if rule.rule.startswith("/api/") and GET in TABLE[rule.rule]
              and statuses(TABLE[rule.rule][GET])["anonymous"] == 401
              and client.get(url(app, s, rule)).status_code != 401]
    assert not opened


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_a_method_a_route_does_not_take_gets_405_naming_those_it_does(app, client, auth, s, role):
    sign_in(auth, s, role)
    wrong = []
    for rule in routes(app):
        response = client.delete(url(app, s, rule, good_tokens(s)))
        allowed = set(response.headers.get("Allow", "").replace(" ", "").split(","))
        if response.status_code != 405 or not methods(rule) <= allowed:
            wrong.append(f"DELETE {rule.rule}: {response.status_code}, Allow: {sorted(allowed)}")
    assert not wrong, "\n".join(wrong)


# Routes whose token is the key


def good_tokens(s: Scene) -> dict[str, dict[str, str]]:
    """A working token for each token route's address, as the mails and pages hand them out."""
    nina = s.people["new_hire"]

    def token_of(link: str) -> str:
        return urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]

    return {
        "help.email_action": {"action": "take", "token": token_of(mail_links.take_link(s.attempt))},
        "matching.email_action": {"action": "fit-yes",
                                  "token": token_of(action_link(s.mentorship, "fit-yes", nina.id))},
        "feedback.task_from_mail": {"token": feedback_links.task_token(s.answered.id, nina.id)},
        "feedback.checkin_from_mail": {"token": feedback_links.checkin_token(s.checkin.id, nina.id)},
        "mail.unsubscribe": {"topic_name": "digest", "token": token_of(unsubscribe_url(nina.id, "digest"))},
        "sessions.feed": {"token": feed.new_token(nina.id)},
        "auth.sign_in_by_link": {"token": make_token("sign-in", nina.id, user_id=nina.id, single_use=True)},
    }


def bad_tokens(good: str, other_purpose: str) -> list[str]:
    """Tokens that must not work: made up, tampered with, and a good one for another purpose."""
    return ["made-up", good[:-2] + ("AA" if not good.endswith("AA") else "BB"), other_purpose]


def test_a_route_whose_token_is_the_key_opens_with_it_for_anyone_and_only_with_it(app, client, auth, s):
    good = good_tokens(s)
    db.session.commit()
    token_rules = [(rule, method, row) for rule in routes(app) for method, row in TABLE[rule.rule].items()
                   if isinstance(row, Token) and rule.endpoint in good]
    assert {rule.endpoint for rule, _, _ in token_rules} == set(good)
    wrong = []
    for role in ("anonymous", "other_new_hire"):
        sign_in(auth, s, role)
        for rule, method, row in token_rules:
            if row.valid is not None:
                response = client.open(url(app, s, rule, good), method=method)
                if response.status_code != row.valid:
                    wrong.append(f"{method} {rule.rule} with its token as {role}: {response.status_code}")
            others = [g["token"] for endpoint, g in good.items() if endpoint != rule.endpoint]
            for bad in bad_tokens(good[rule.endpoint]["token"], others[0]):
                before = database_state() if method != GET else None
                given = {rule.endpoint: {**good[rule.endpoint], "token": bad}}
                response = client.open(url(app, s, rule, given), method=method)
                if response.status_code != row.invalid:
                    wrong.append(f"{method} {rule.rule} with token {bad[:12]}… as {role}: "
                                 f"{response.status_code}, not {row.invalid}")
                if before is not None and (tables := changed_tables(before, database_state())):
                    wrong.append(f"{method} {rule.rule} with a bad token changed {', '.join(tables)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("endpoint, action", [("help.email_action", "delete"), ("matching.email_action", "delete"),
                                              ("mail.unsubscribe", "no-such-topic")])
def test_an_action_or_topic_a_link_cannot_name_is_not_found(app, client, s, endpoint, action):
    good = good_tokens(s)
    name = "topic_name" if endpoint == "mail.unsubscribe" else "action"
    [rule] = [r for r in routes(app) if r.endpoint == endpoint]
    given = {endpoint: {**good[endpoint], name: action}}
    assert client.get(url(app, s, rule, given)).status_code == 404
    assert client.post(url(app, s, rule, given)).status_code == 404


def test_received_mail_is_taken_only_with_the_providers_secret(app, client, auth, s):
    app.config["INBOUND_MAIL_SECRET"] = "provider-secret"
    raw = b"From: nina@example.com\r\nTo: reply@example.com\r\nSubject: hi\r\n\r\nHello\r\n"
    mail = {"data": raw, "content_type": "message/rfc822"}
    before = database_state()
    auth.sign_in(s.people["admin"])  # a web session is no secret
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic provider-secret"},
                    {"Authorization": "Bearer provider-secre"}):
        response = client.post("/mail/inbound", headers=headers, **mail)
        assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    assert database_state() == before
    # With the secret the provider gets past the door: a body that is no email is refused as such.
    wrong_type = client.post("/mail/inbound", headers={"Authorization": "Bearer provider-secret"},
                             data=raw, content_type="text/html")
    assert wrong_type.status_code == 415
    app.config["INBOUND_MAIL_SECRET"] = ""
    assert client.post("/mail/inbound", headers={"Authorization": "Bearer "}, **mail).status_code == 404


# Routes only an app in development has (`make run`): the mailbox of the mail it kept, whose
# one-click links act as their recipients, so for admins only.

DEVELOPMENT_TABLE: dict[str, dict[str, str]] = {
    "/dev/mailbox": {GET: ADMIN_PAGE},
    "/dev/mailbox/<name>": {GET: "302 403 403 403 403 200"},  # a mail to Nina
}


def test_each_person_gets_what_the_development_table_says_from_the_routes_only_development_has(
        app, s, tmp_path):
    from app import create_app
    from app.mail import deliver, send_mail
    from config import TestConfig
    from tests.factories import Factories

    dev = create_app(TestConfig, ENV_NAME="development", REDIS_URL=app.config["REDIS_URL"],
                     SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                     MAIL_OUTBOX_DIR=str(tmp_path / "dev-outbox"))
    added = {r.rule: r for r in dev.url_map.iter_rules()
             if r.rule not in {known.rule for known in app.url_map.iter_rules()}}
    assert set(added) == set(DEVELOPMENT_TABLE), "a route only development has needs a row here"
    # Plain values: the scene's rows belong to the test's app, not to this one.
    emails = {role: s.person(role).email for role in ROLES if role != "anonymous"}
    nina = (s.people["new_hire"].email, s.people["new_hire"].name)
    wrong = []
    with dev.app_context():
        mail = send_mail("access:dev", "test", nina, "Hello", "auth/email/sign_in_link",
                         {"link": "http://localhost/sign-in/email/x", "minutes": 15})
        db.session.commit()
        deliver(mail.id)
        [name] = [p.name for p in (tmp_path / "dev-outbox").glob("*.eml")]
        for role in ROLES:
            browser = dev.test_client()
            if role != "anonymous":
                signed_in = browser.post("/sign-in", data={"email": emails[role], "password": Factories.PASSWORD})
                assert signed_in.status_code == 302
            for path, entry in DEVELOPMENT_TABLE.items():
                arguments = {"name": name} if "name" in added[path].arguments else {}
                got = browser.get(dev.url_map.bind("localhost").build(added[path].endpoint, arguments)).status_code
                if got != statuses(entry[GET])[role]:
                    wrong.append(f"GET {path} as {role}: {got}, the table says {entry[GET]}")
        db.session.remove()
        db.engine.dispose()
    dev.extensions["jobs"].connection.close()
    assert not wrong, "\n".join(wrong)
