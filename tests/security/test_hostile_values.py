"""Hostile input no column can hold: refused or not found, never a 500, nothing saved.

- Ids and numbers no database column can hold are not found or refused, never a 500.
- A NUL character anywhere in a request is refused.
"""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

from app.extensions import db
from app.request_checks import MAX_ID
from tests.security.access_requests import good_tokens, send, url
from tests.security.access_scene import (
    SERIES_ZONE,
    Browser,
    build_scene,
    changed_tables,
    database_state,
)
from tests.security.access_table import routes

API = "/api/v1"


# Numbers no column can hold


BIG = [MAX_ID + 1, 2**63, 10**30]


def test_an_id_no_database_can_hold_is_answered_as_a_missing_one_on_every_route(app, make, jobs):
    s = build_scene(make)
    admin = Browser(app, s.people["admin"])
    tokens = good_tokens(s)
    db.session.commit()

    def answer(rule, method: str, ids: list[str], number: int) -> int:
        path = url(app, s, rule, {**tokens, rule.endpoint: {name: number for name in ids}})
        return send(admin, s, app, rule, method, "admin", path).status_code

    wrong = []
    for rule in routes(app):
        ids = [name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter)]
        for method in sorted(set(rule.methods) - {"HEAD", "OPTIONS"}) if ids else ():
            missing = answer(rule, method, ids, MAX_ID)  # an id that could be, and names nothing
            for big in BIG:
                status = answer(rule, method, ids, big)
                if status >= 500 or missing >= 500 or status not in (404, missing):
                    wrong.append(f"{method} {rule.rule} with id {big}: {status}; a missing id gets {missing}")
    assert not wrong, "\n".join(wrong)


def test_numbers_no_column_can_hold_in_queries_and_bodies_are_refused_not_failed(app, make, jobs):
    s = build_scene(make)
    admin, nina = Browser(app, s.people["admin"]), Browser(app, s.people["new_hire"])
    as_admin, as_nina = s.api_headers("admin"), s.api_headers("new_hire")
    person = {"email": "big@example.com", "name": "Big"}
    before = database_state()
    wrong = []
    for big in BIG:
        tries = [  # who, method, address, what is sent, the answers that are right
            (nina, "GET", f"/feedback/tasks/new?question={big}", {}, {404}),
            (nina, "GET", f"/help/knowledge?skill={big}", {}, {200}),
            (admin, "GET", f"/feedback/dashboard?team={big}", {}, {404}),
            (admin, "GET", f"/sessions/new?team_id={big}", {}, {200}),
            (
                admin,
                "POST",
                "/admin/people/new",
                {
                    "data": {
                        **person,
                        "roles": "new_hire",
                        "timezone": "UTC",
                        "work_start": "09:00",
                        "work_end": "17:00",
                        "team_id": big,
                        "level": big,
                        "max_mentees": big,
                        "max_open_questions": big,
                    }
                },
                {400},
            ),
            (nina, "GET", f"{API}/knowledge?skill={big}", {"headers": as_nina}, {422}),
            (nina, "GET", f"{API}/questions?page={big}", {"headers": as_nina}, {200}),
            (admin, "GET", f"{API}/people?team_id={big}", {"headers": as_admin}, {422}),
            (
                nina,
                "POST",
                f"{API}/feedback/tasks",
                {"headers": as_nina, "json": {"title": "x", "rating": 3, "time_taken": "more", "question_id": big}},
                {422},
            ),
            (
                nina,
                "POST",
                f"{API}/feedback/checkins/{s.checkin.id}",
                {"headers": as_nina, "json": {"score": big}},
                {422},
            ),
            (admin, "POST", f"{API}/teams", {"headers": as_admin, "json": {"name": "Big", "lead_id": big}}, {422}),
            (
                admin,
                "POST",
                f"{API}/people",
                {"headers": as_admin, "json": {**person, "team_id": big, "manager_id": big}},
                {422},
            ),
            (
                admin,
                "POST",
                f"{API}/people",
                {"headers": as_admin, "json": {**person, "level": big, "max_mentees": big, "max_open_questions": big}},
                {422},
            ),
            (
                admin,
                "PATCH",
                f"{API}/people/{s.people['new_hire'].id}",
                {"headers": as_admin, "json": {"team_id": big}},
                {422},
            ),
        ]
        for browser, method, path, sent, right in tries:
            response = browser.open(path, method=method, **sent)
            if response.status_code not in right:
                wrong.append(f"{method} {path} {sent.get('json', '')}: {response.status_code}, not {sorted(right)}")
    assert not wrong, "\n".join(wrong)
    assert not changed_tables(before, database_state())


def test_numbers_no_column_can_hold_in_the_session_forms_are_refused_not_failed(app, make, jobs):
    s = build_scene(make)
    lead = Browser(app, s.people["lead"])
    run = f"/sessions/{s.series.id}/weeks/{s.past_day.isoformat()}/run"
    before = database_state()
    wrong = []
    for big in BIG:
        for path, form in (
            (f"{run}/group", {"item": big, "into": big}),
            (f"{run}/ungroup", {"item": big}),
            (f"{run}/votes", {f"votes-{big}": big, f"votes-{s.learning.id}": big}),
            (f"{run}/actions", {"text": "Do it", "owner": big, "due": "2030-01-01", "item": big}),
            (f"{run}/close", {"attended": big}),
            (f"/sessions/{s.series.id}/names", {"shown": "1", "prompt_hours": big}),
            (
                f"/sessions/{s.series.id}/weeks/{s.next_day.isoformat()}/move",
                {"date": s.next_day.isoformat(), "time": "11:00", "duration_minutes": big},
            ),
            (
                f"/sessions/{s.series.id}/edit",
                {
                    "title": "T",
                    "weekday": str(s.series.weekday),
                    "start_time": "10:00",
                    "duration_minutes": big,
                    "timezone": SERIES_ZONE,
                    "first_date": s.past_day.isoformat(),
                },
            ),
            (
                "/sessions/new",
                {
                    "team_id": big,
                    "title": "T",
                    "weekday": big,
                    "start_time": "10:00",
                    "duration_minutes": "30",
                    "timezone": SERIES_ZONE,
                    "first_date": s.next_day.isoformat(),
                },
            ),
        ):
            status = lead.post(path, data=form).status_code
            if status >= 500 or status == 200:
                wrong.append(f"POST {path} {form}: {status}")
    assert not wrong, "\n".join(wrong)
    assert not changed_tables(before, database_state())


# NUL characters


def test_a_nul_character_anywhere_in_a_request_is_refused_and_nothing_is_saved(app, make, jobs):
    s = build_scene(make)
    nina, admin = Browser(app, s.people["new_hire"]), Browser(app, s.people["admin"])
    as_nina, as_admin = s.api_headers("new_hire"), s.api_headers("admin")
    before = database_state()
    tries = [
        (nina, "POST", f"{API}/questions", as_nina, {"json": {"goal": "Deploy\x00it", "stuck": "It hangs, always."}}),
        (nina, "POST", f"{API}/questions/{s.question.id}/posts", as_nina, {"json": {"body": "a\x00b"}}),
        (
            nina,
            "POST",
            f"{API}/feedback/tasks",
            as_nina,
            {"json": {"title": "Task", "rating": 3, "time_taken": "more", "skills": ["Ka\x00fka"]}},
        ),
        (admin, "POST", f"{API}/teams", as_admin, {"json": {"name": "Team\x00"}}),
        (admin, "PATCH", f"{API}/people/{s.people['new_hire'].id}", as_admin, {"json": {"na\x00me": "x"}}),
        (admin, "GET", f"{API}/people", as_admin, {"query_string": {"q": "a\x00b"}}),
        (nina, "GET", "/help/knowledge", {}, {"query_string": {"q": "a\x00b"}}),
        (nina, "POST", f"/help/questions/{s.question.id}/posts", {}, {"data": {"body": "a\x00b"}}),
        (
            nina,
            "POST",
            "/help/ask",
            {},
            {
                "data": {
                    "goal": "Deploy\x00",
                    "stuck": "It hangs, always.",
                    "urgency": "can_wait",
                    "visibility": "named",
                }
            },
        ),
        (
            nina,
            "POST",
            f"/sessions/{s.series.id}/weeks/{s.next_day.isoformat()}",
            {},
            {"data": {"kind": "learned", "text": "a\x00b"}},
        ),
        (nina, "GET", "/sessions/feed/a%00b.ics", {}, {}),
        (admin, "GET", "/admin/people", {}, {"query_string": {"q": "\x00"}}),
    ]
    wrong = []
    for browser, method, path, headers, sent in tries:
        response = browser.open(path, method=method, headers=headers, **sent)
        if response.status_code != 400 or "NUL" not in response.get_data(as_text=True):
            wrong.append(f"{method} {path} {sent}: {response.status_code}")
        elif path.startswith(API) and response.json["error"]["code"] != "bad_request":
            wrong.append(f"{method} {path}: {response.json}")
    assert not wrong, "\n".join(wrong)
    assert not changed_tables(before, database_state())
