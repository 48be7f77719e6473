"""Hostile input meant for what stores or exports it: kept as typed, never run.

- SQL metacharacters are saved and shown as typed, and searches with them work.
- Spreadsheet formulas typed into any field are neutralised in every CSV export.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import fields

import sqlalchemy as sa

from app.extensions import db
from feedback import exports
from tests.security.access_scene import (
    SERIES_ZONE,
    Browser,
    Words,
    build_scene,
)

API = "/api/v1"


# SQL metacharacters

META = "O'Brien \"q\" 100% a_b \\ '; DROP TABLE users; --"
SHORT_META = "O'Brien 100% a_b \\ '; DROP--"  # for names of at most 80 characters


def shown(response, typed: str) -> bool:
    return typed in html.unescape(response.get_data(as_text=True))


def test_sql_metacharacters_are_saved_and_shown_as_typed(app, make, jobs):
    s = build_scene(make)
    nina, lead, admin = (Browser(app, s.people[r]) for r in ("new_hire", "lead", "admin"))
    as_nina, as_admin = s.api_headers("new_hire"), s.api_headers("admin")

    asked = nina.post(f"{API}/questions", json={"goal": META, "stuck": META}, headers=as_nina)
    assert asked.status_code == 201 and asked.json["goal"] == META and asked.json["stuck"] == META
    posted = nina.post(f"{API}/questions/{s.question.id}/posts", json={"body": META}, headers=as_nina)
    assert posted.status_code == 201 and posted.json["body"] == META
    thread = nina.get(f"/help/questions/{asked.json['id']}")
    assert shown(thread, META)
    assert shown(nina.get(f"/help/questions/{s.question.id}"), META)

    rated = nina.post(f"{API}/questions/{s.answered.id}/rating", json={"helpful": False, "note": META}, headers=as_nina)
    assert rated.status_code == 200 and rated.json["helpful_note"] == META
    assert shown(nina.get(f"/help/questions/{s.answered.id}"), META)

    task = nina.post(
        f"{API}/feedback/tasks",
        headers=as_nina,
        json={
            "title": META,
            "rating": 3,
            "time_taken": "more",
            "missing": META,
            "helped": ["other"],
            "helped_note": META,
        },
    )
    assert task.status_code == 201
    assert (task.json["title"], task.json["missing"], task.json["helped_note"]) == (META, META, META)
    assert shown(nina.get("/feedback/tasks"), META)
    assert nina.post("/profile/tokens", data={"name": SHORT_META}).status_code == 200
    assert shown(nina.get("/profile"), SHORT_META)
    checkin = nina.post(f"{API}/feedback/checkins/{s.checkin.id}", json={"score": 3, "change": META}, headers=as_nina)
    assert checkin.status_code == 200 and checkin.json["change"] == META
    assert shown(nina.get("/feedback/checkins"), META)

    learning = nina.post(
        f"/sessions/{s.series.id}/weeks/{s.next_day.isoformat()}", data={"kind": "learned", "text": META}
    )
    assert learning.status_code == 302
    assert shown(nina.get(f"/sessions/{s.series.id}/weeks/{s.next_day.isoformat()}"), META)

    edited = lead.post(
        f"/sessions/{s.series.id}/edit",
        data={
            "title": META,
            "weekday": str(s.series.weekday),
            "start_time": "10:00",
            "duration_minutes": "30",
            "timezone": SERIES_ZONE,
            "first_date": s.past_day.isoformat(),
            "until": "",
            "location": META,
            "description": META,
        },
    )
    assert edited.status_code == 302
    assert shown(nina.get(f"/sessions/{s.series.id}"), META)
    form = html.unescape(lead.get(f"/sessions/{s.series.id}/edit").get_data(as_text=True))
    assert form.count(META) >= 3  # title, location and description, as typed

    person = admin.open(
        f"{API}/people/{s.people['other_new_hire'].id}", method="PATCH", json={"name": META}, headers=as_admin
    )
    team = admin.open(f"{API}/teams/{s.other_team.id}", method="PATCH", json={"name": SHORT_META}, headers=as_admin)
    skill = admin.post(f"{API}/skills", json={"name": SHORT_META, "category": SHORT_META}, headers=as_admin)
    assert (person.status_code, team.status_code, skill.status_code) == (200, 200, 201)
    assert (person.json["name"], team.json["name"], skill.json["name"]) == (META, SHORT_META, SHORT_META)
    assert shown(admin.get("/admin/people"), META)
    assert shown(admin.get("/admin/teams"), SHORT_META)
    assert shown(admin.get("/admin/skills"), SHORT_META)
    # Nothing was dropped: every table still answers.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("users"))) >= 7


SEARCHES = [
    "%",
    "_",
    "\\",
    "'",
    '"',
    "%_%",
    "'; DROP TABLE questions; --",
    "a' OR '1'='1",
    "\\%",
    "100%",
    "NEAR(a b) | ! & <-> :*",
    "é'ç",
    "a" * 2000,
]


def test_searches_with_sql_metacharacters_answer_and_match_literally(app, make, jobs):
    s = build_scene(make)
    for name in ("Ann 100% Sure", "Bob_Builder", "Cat \\ Backslash", "Dan O'Hara"):
        make.user(name=name, team=s.team)
    admin, nina = Browser(app, s.people["admin"]), Browser(app, s.people["new_hire"])
    as_admin, as_nina = s.api_headers("admin"), s.api_headers("new_hire")
    wrong = []
    for text in SEARCHES:
        for browser, path, headers in (
            (admin, "/admin/people", {}),
            (admin, f"{API}/people", as_admin),
            (nina, "/help/knowledge", {}),
            (nina, f"{API}/knowledge", as_nina),
            (nina, "/help/similar", {}),
            (nina, f"{API}/skills/suggest", as_nina),
        ):
            if path.endswith("similar"):  # a draft goes in a body, never in an address
                response = browser.post(path, data={"text": text}, headers=headers)
            elif path.endswith("suggest"):
                response = browser.post(path, json={"text": text}, headers=headers)
            else:
                response = browser.get(path, query_string={"q": text}, headers=headers)
            if response.status_code != 200 and not (response.status_code == 422 and path.startswith(API)):
                wrong.append(f"{path} {text[:20]!r}: {response.status_code}")
    assert not wrong, "\n".join(wrong)

    def people(q: str) -> list[str]:
        return sorted(p["name"] for p in admin.get(f"{API}/people", query_string={"q": q}, headers=as_admin).json)

    assert people("%") == ["Ann 100% Sure"]
    assert people("_") == ["Bob_Builder"]
    assert people("\\") == ["Cat \\ Backslash"]
    assert people("'") == ["Dan O'Hara"]
    page = admin.get("/admin/people", query_string={"q": "%"}).text
    assert "Ann 100% Sure" in page and "Bob_Builder" not in page
    found = nina.get(f"{API}/knowledge", query_string={"q": "'; health check --"}, headers=as_nina)
    assert [entry["goal"] for entry in found.json] == [s.words.answered_goal]


# CSV exports


FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


def formula_words() -> Words:
    """Every field starting with a character a spreadsheet reads as the start of a formula."""
    return Words(**{f.name: FORMULAS[n % len(FORMULAS)][:70] + f" {n}" for n, f in enumerate(fields(Words))})


def test_no_csv_export_lets_a_spreadsheet_run_typed_text(app, make, jobs):
    s = build_scene(make, formula_words())
    admin = Browser(app, s.people["admin"])
    files = [f"/feedback/dashboard/export/{table}.csv?team={s.team.id}" for table in exports.TABLES]
    files += [f"/feedback/export/raw/{kind}.csv?team={s.team.id}" for kind in exports.RAW_KINDS]
    wrong, cells = [], []
    for path in files:
        response = admin.get(path)
        assert response.status_code == 200 and response.mimetype == "text/csv", path
        for row in csv.reader(io.StringIO(response.get_data(as_text=True), newline="")):
            for cell in row:
                cells.append(cell)
                if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.match(cell):
                    wrong.append(f"{path}: {cell!r}")
    assert not wrong, "\n".join(wrong)
    neutralised = [cell for cell in cells if cell[:2] in {"'" + f[0] for f in FORMULAS}]
    assert len({cell[1] for cell in neutralised}) == len({f[0] for f in FORMULAS}), (
        "every kind of formula start was typed into a field that an export carries"
    )
