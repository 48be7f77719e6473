"""The privacy table (tests/security/privacy_table.py) read against the app: as each person,
every page and API answer the URL map has (CSV downloads and exports included), filled in
with each of the scene's ids that fits, and every mail sent to them; each kind of data must
show exactly to those the table says, no more and no fewer.

Routes whose address carries a token (links in mails, calendar feeds, unsubscribing) are
not visited: the token is the key, given to one person in their own mail, and the access
table checks that it opens nothing else.

A person's data on request (the export an admin downloads for them, logged) is that
person's own copy: what it shows is held to the writer's column, not the admin's.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db, utcnow
from app.mail.models import OutboundMail
from feedback import exports
from tests.security.privacy_scene import PrivacyScene, build_privacy_scene
from tests.security.privacy_table import (
    CHECKIN_SCORE,
    CLARITY_SCORE,
    DECLINER,
    LEARNING_BEFORE,
    OVERRIDE_REASON,
    ROLES,
    SHARED_TASK_WORDS,
    TABLE,
    TASK_RATING,
    WORDS,
    statuses,
)

STATIC_ENDPOINTS = {"static", "help.static"}
# The writer's data on request: read as the writer's own copy (see above).
WRITERS_COPY = {"people_api.PersonExport"}
TOKEN_ARGUMENTS = {"token"}


@dataclass(frozen=True)
class Seen:
    """One answer or mail as a person got it: where, its words, and its JSON or CSV rows."""

    where: str
    text: str  # tags removed, entities read, spaces collapsed
    data: object = None  # the JSON, if it was JSON
    rows: tuple = ()  # the CSV's rows, if it was CSV


def read(where: str, body: str, content_type: str) -> Seen:
    if content_type.startswith("application/json"):
        data = json.loads(body)
        return Seen(where, json.dumps(data, ensure_ascii=False), data)
    if content_type.startswith("text/csv"):
        return Seen(where, body, rows=tuple(tuple(row) for row in csv.reader(io.StringIO(body))))
    return Seen(where, " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()))


# How each kind of data shows, wherever it is


def words(*texts: str) -> Callable[[Seen], bool]:
    return lambda seen: any(text in seen.text for text in texts)


def objects(data) -> list[dict]:
    """Every JSON object in an answer, nested ones included."""
    if isinstance(data, dict):
        return [data] + [o for value in data.values() for o in objects(value)]
    if isinstance(data, list):
        return [o for value in data for o in objects(value)]
    return []


def rating(value: int, json_key: str, with_key: str, headers: tuple[str, ...]) -> Callable[[Seen], bool]:
    """One rating: "N of 5" or "went N/5" in words; a JSON object of its kind (`with_key`)
    holding it; a CSV column named for ratings holding it."""

    def seen(s: Seen) -> bool:
        if re.search(rf"(?<![\d.]){value}(\.0)? of 5\b|went {value}/5", s.text):
            return True
        if any(o.get(json_key) == value and with_key in o for o in objects(s.data)):
            return True
        if s.rows:
            columns = [i for i, name in enumerate(s.rows[0]) if any(h in name for h in headers)]
            return any(row[i] == str(value) for row in s.rows[1:] for i in columns if i < len(row))
        return False

    return seen


def declined(s: Seen) -> bool:
    return bool(re.search(rf"{DECLINER}\W+Declined", s.text)) or any(
        o.get("state") == "declined" and (o.get("mentor") or {}).get("name") == DECLINER for o in objects(s.data)
    )


def raw_export(s: Seen) -> bool:
    return bool(s.rows) and any(name in s.rows[0] for name in ("Author's email", "Their email", "Asker's email"))


SHOWS: dict[str, Callable[[Seen], bool]] = {
    "question text": words(WORDS.answered_goal, WORDS.answered_stuck),
    "unpublished question": words(WORDS.goal, WORDS.stuck),
    "task feedback text": words(WORDS.task_missing, WORDS.task_helped_note),
    "shared task feedback text": words(SHARED_TASK_WORDS),
    "task rating": rating(TASK_RATING, "rating", "time_taken", ("Rating",)),
    "check-in score": rating(CHECKIN_SCORE, "score", "round", ("Is this useful?", "Rating")),
    "check-in text": words(WORDS.checkin_change),
    "learning before the session": words(LEARNING_BEFORE),
    "learning after the session": words(WORDS.learning),
    "decline": declined,
    "override reason": words(OVERRIDE_REASON),
    "clarity rating": rating(CLARITY_SCORE, "score", "question_id", ("Clarity",)),
    "raw export": raw_export,
}


# Every address of the URL map, with each of the scene's ids that fits


def candidates(p: PrivacyScene) -> dict[str, list]:
    s = p.access
    return {
        "person_id": [s.people["new_hire"].id],
        "team_id": [s.team.id],
        "skill_id": [s.skill.id],
        "run_id": [s.cohort_run.id],
        "pair_id": [s.pair.id],
        "mentorship_id": [s.mentorship.id, p.declined.id],
        "checkin_id": [s.checkin.id],
        "feedback_id": [s.task.id, p.shared_task.id],
        "flag_id": [s.flag.id],
        "token_id": [s.api_token.id],
        "endpoint_id": [s.webhook.id],
        "delivery_id": [s.delivery.id],
        "attempt_id": [s.attempt.id],
        "question_id": [s.question.id, s.answered.id],
        "series_id": [s.series.id],
        "day": [s.past_day.isoformat(), s.next_day.isoformat()],
        "learning_id": [s.learning.id, p.learning_before_id],
        "user_id": [s.guest.id],
        "action_id": [s.action.id],
        "kind": list(exports.RAW_KINDS),
        "table": list(exports.TABLES),
        # Directory sync's addresses (each answers 401 without the identity provider's token).
        "name": ["User"],
        "schema_id": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "group_id": ["1"],
        "anything": ["Nothing-here"],
    }


def query(p: PrivacyScene, endpoint: str) -> str:
    """What a page's address asks besides its path: the dashboard over the scene's weeks."""
    today = utcnow().date()
    stretch = (
        f"team={p.access.team.id}&period=range&first={(today - timedelta(days=40)).isoformat()}"
        f"&last={today.isoformat()}"
    )
    return {
        "feedback.dashboard_page": stretch,
        "feedback.dashboard_export": stretch,
        "feedback.raw_export": stretch,
    }.get(endpoint, "")


def addresses(app, p: PrivacyScene) -> list[tuple[str, str]]:
    """(endpoint, address) of every GET the URL map has, but files and token routes."""
    found, given = [], candidates(p)
    adapter = app.url_map.bind("localhost")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in STATIC_ENDPOINTS or "GET" not in rule.methods or rule.arguments & TOKEN_ARGUMENTS:
            continue
        names = sorted(rule.arguments)
        for values in itertools.product(*(given[name] for name in names)):
            path = adapter.build(rule.endpoint, dict(zip(names, values, strict=True)))
            extra = query(p, rule.endpoint)
            found.append((rule.endpoint, f"{path}?{extra}" if extra else path))
    return found


def what_each_person_gets(app, client, p: PrivacyScene) -> dict[str, list[Seen]]:
    """Every answer and mail each person of the table gets."""
    got: dict[str, list[Seen]] = {}
    everywhere = addresses(app, p)
    for role in ROLES:
        client.post("/sign-out")
        person = p.person(role)
        if person is not None:
            response = client.post("/sign-in", data={"email": person.email, "password": "correct horse battery"})
            assert response.status_code == 302, f"{role} could not sign in"
        seen, copies = [], []
        for endpoint, address in everywhere:
            headers = p.api_headers(role) if address.startswith("/api/") else {}
            response = client.get(address, headers=headers)
            assert response.status_code < 500, f"GET {address} as {role}: {response.status_code}"
            answer = read(f"GET {address}", response.get_data(as_text=True), response.content_type or "")
            (copies if endpoint in WRITERS_COPY and response.status_code == 200 else seen).append(answer)
        got.setdefault("writer", []).extend(copies)
        if person is not None:
            for mail in db.session.scalars(sa.select(OutboundMail).where(OutboundMail.user_id == person.id)):
                seen.append(
                    read(
                        f"mail {mail.kind} {mail.subject!r}",
                        f"{mail.subject}\n{mail.text_body}\n{mail.html_body}",
                        "text/html",
                    )
                )
        got.setdefault(role, []).extend(seen)
    return got


@pytest.fixture
def p(make, jobs) -> PrivacyScene:
    return build_privacy_scene(make, jobs)


def test_the_table_names_every_role_and_says_sees_or_not(app):
    assert set(SHOWS) == set(TABLE)
    for kind in TABLE:
        assert set(statuses(kind)) == set(ROLES)


def test_each_kind_of_data_shows_to_exactly_those_the_privacy_table_says(app, client, p):
    got = what_each_person_gets(app, client, p)
    wrong = []
    for kind, shows in SHOWS.items():
        for role, allowed in statuses(kind).items():
            where = [seen.where for seen in got[role] if shows(seen)]
            if where and not allowed:
                wrong.append(f"{kind} reaches {role}: {'; '.join(where[:5])}")
            elif allowed and not where:
                wrong.append(f"{kind} should reach {role} (the table says so) and is nowhere they look")
    assert not wrong, "\n".join(wrong)
