"""How the access tests send a route's request for the scene (tests/security/access_scene.py):
its address with the scene's ids filled in, the form or JSON it sends, the person signed in,
and a working token for each token route."""

from __future__ import annotations

from urllib.parse import urlsplit

from app.help import mail_links
from app.mail.outgoing.unsubscribe import unsubscribe_url
from app.people.invitations import invite
from app.tokens import make_token
from feedback import exports
from feedback import links as feedback_links
from matching.notices import action_link
from sessions.series import feed
from tests.security.access_scene import Scene
from tests.security.access_table import GET

# Routes whose id names Nina's answered question rather than her open one, and those that
# name the session still to come rather than the one that was held.
ANSWERED_QUESTION = {"help.knowledge_entry", "help.solved", "feedback.rate_clarity", "feedback_api.Clarity"}
COMING_WEEK = {"sessions.move_week", "sessions.skip_week", "sessions.restore_week"}
QUERY = {
    "feedback.dashboard_page": "team={team}",
    "feedback.dashboard_export": "team={team}",
    "feedback.raw_export": "team={team}",
}
# What a form or API call sends: enough to act, had the person been allowed.
BODIES = {
    "people.profile": {"timezone": "UTC", "work_start": "08:00", "work_end": "16:00"},
    "people.add_skill": {"skill": "Kafka", "kind": "learn", "level": "2"},
    "people.create_token": {"name": "script"},
    "admin.new_person": {
        "email": "new@example.com",
        "name": "New Person",
        "roles": "new_hire",
        "timezone": "UTC",
        "work_start": "09:00",
        "work_end": "17:00",
    },
    "admin.edit_person": {
        "email": "nina@example.com",
        "name": "Renamed",
        "roles": "new_hire",
        "timezone": "UTC",
        "work_start": "09:00",
        "work_end": "17:00",
    },
    "admin.new_team": {"name": "Renamed"},
    "admin.edit_team": {"name": "Renamed"},
    "admin.new_skill": {"name": "Rust"},
    "admin.edit_skill": {"name": "Renamed"},
    "admin.add_do_not_pair": {"new_hire_email": "nina@example.com", "mentor_email": "mia@example.com"},
    "help.post_reply": {"body": "I know this one"},
    "help.resolve": {"visibility": "named"},
    "help.similar": {"text": "Kafka migration"},
    "help_api.SkillSuggestions": {"text": "Kafka migration"},
    "help.rate": {"yes": "Yes, it helped"},
    "help.pass_on": {"hint": "ask Dana"},
    "help.ask": {"goal": "Deploy", "stuck": "It hangs", "urgency": "can_wait", "visibility": "named"},
    "help.embed": {"goal": "Deploy", "stuck": "It hangs", "urgency": "can_wait", "visibility": "named"},
    "matching.decline": {"note": "Too busy"},
    "matching.end": {"reason": "Moving on", "worked_out": "y"},
    "matching.fit": {"good_fit": "no"},
    "feedback.answer_checkin": {"c{checkin}-score": "1", "c{checkin}-change": "Changed"},
    "feedback.rate_clarity": {"score": "1"},
    "feedback.new_task": {"title": "A task", "rating": "3", "time_taken": "more"},
    "sessions.edit_series": {
        "title": "Changed",
        "weekday": "1",
        "start_time": "11:00",
        "duration_minutes": "30",
        "timezone": "Europe/Berlin",
        "first_date": "2026-01-06",
        "location": "x",
    },
    "sessions.new_series": {
        "team_id": "{team}",
        "title": "Another",
        "weekday": "1",
        "start_time": "11:00",
        "duration_minutes": "30",
        "timezone": "Europe/Berlin",
        "first_date": "2026-12-01",
    },
    "sessions.cancel_series": {"confirm": "y"},
    "sessions.set_names": {"shown": "1", "prompt_hours": "12"},
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
    "people_api.Person": {"name": "Renamed"},
    "people_api.Me": {"timezone": "UTC"},
    "people_api.Teams": {"name": "Renamed"},
    "people_api.TeamById": {"name": "Renamed"},
    "people_api.Skills": {"name": "Rust"},
    "people_api.SkillById": {"name": "Renamed"},
    "mentorships_api.Decline": {"note": "Too busy"},
    "mentorships_api.End": {"reason": "Moving on", "worked_out": True},
    "mentorships_api.Fit": {"good_fit": False},
    "help_api.Questions": {"goal": "Deploy", "stuck": "It hangs"},
    "help_api.Posts": {"body": "I know this one"},
    "help_api.Resolve": {},
    "help_api.Rating": {"helpful": False},
    "help_api.Pass": {"hint": "ask Dana"},
    "feedback_api.Tasks": {"title": "A task", "rating": 3, "time_taken": "more"},
    "feedback_api.CheckinById": {"score": 1, "change": "Changed"},
    "feedback_api.Clarity": {"score": 1},
}


def values(s: Scene) -> dict[str, object]:
    """The scene's ids, by the names URL rules, queries and bodies give them."""
    return {
        "person_id": s.people["new_hire"].id,
        "team_id": s.team.id,
        "team": s.team.id,
        "skill_id": s.skill.id,
        "run_id": s.cohort_run.id,
        "pair_id": s.pair.id,
        "mentorship_id": s.mentorship.id,
        "checkin_id": s.checkin.id,
        "checkin": s.checkin.id,
        "feedback_id": s.task.id,
        "flag_id": s.flag.id,
        "token_id": s.api_token.id,
        "attempt_id": s.attempt.id,
        "question_id": s.question.id,
        "series_id": s.series.id,
        "day": s.past_day.isoformat(),
        "next_day": s.next_day.isoformat(),
        "learning_id": s.learning.id,
        "learning": s.learning.id,
        "user_id": s.guest.id,
        "action_id": s.action.id,
        "new_hire": s.people["new_hire"].id,
        "endpoint_id": s.webhook.id,
        "delivery_id": s.delivery.id,
        "link_id": s.slack_link_id,
        "kind": "teach",
        "table": next(iter(exports.TABLES)),
        # Directory sync's addresses: a SCIM resource type, schema, group and any other path.
        "name": "User",
        "schema_id": "urn:ietf:params:scim:schemas:core:2.0:User",
        "group_id": "1",
        "anything": "Nothing-here",
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
    return {
        name.format(**given): value.format(**given) if isinstance(value, str) else value
        for name, value in BODIES.get(rule.endpoint, {}).items()
    }


def send(client, s: Scene, app, rule, method: str, role: str, path: str | None = None):
    """Send the rule's request as the person: JSON with their token to the API, a form elsewhere."""
    path = path or url(app, s, rule)
    if rule.rule.startswith("/api/"):
        return client.open(
            path, method=method, headers=s.api_headers(role), json=body(s, rule) if method != GET else None
        )
    return client.open(path, method=method, data=body(s, rule) if method != GET else None)


def sign_in(auth, s: Scene, role: str) -> None:
    if role != "anonymous":
        auth.sign_in(s.person(role))


def good_tokens(s: Scene) -> dict[str, dict[str, str]]:
    """A working token for each token route's address, as the mails and pages hand them out."""
    nina = s.people["new_hire"]

    def token_of(link: str) -> str:
        return urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]

    return {
        "help.email_action": {"action": "take", "token": token_of(mail_links.take_link(s.attempt))},
        "matching.email_action": {
            "action": "fit-yes",
            "token": token_of(action_link(s.mentorship, "fit-yes", nina.id)),
        },
        "feedback.task_from_mail": {"token": feedback_links.task_token(s.answered.id, nina.id)},
        "feedback.checkin_from_mail": {"token": feedback_links.checkin_token(s.checkin.id, nina.id)},
        "mail.unsubscribe": {"topic_name": "digest", "token": token_of(unsubscribe_url(nina.id, "digest"))},
        "sessions.feed": {"token": feed.new_token(nina.id)},
        "auth.sign_in_by_link": {"token": make_token("sign-in", nina.id, user_id=nina.id, single_use=True)},
        "auth.reset_password": {"token": make_token("password-reset", nina.id, user_id=nina.id, single_use=True)},
        "auth.join": {"token": token_of(invite(s.people["new_hire"].id, None).link)},
    }
