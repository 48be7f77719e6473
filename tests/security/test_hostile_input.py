"""Hostile input: what people type is kept as they typed it and shown as text, never run.

- Stored XSS: markup in every free-text field of the scene (names, team and skill names,
  questions and answers, learnings, series titles and locations, action items, task
  feedback, check-ins) is shown escaped, or as sanitized Markdown where the text is
  Markdown, on every page anyone can open, and in the HTML part of every email carrying it.
- Header injection: a name with a line break adds no header and no recipient to a mail.
- Calendar property injection: a title or location with line breaks adds no property to the
  calendar feed. The mailed invites and the calendar core are covered in
  tests/sessions/test_invites.py (test_text_with_line_breaks_cannot_add_properties) and
  tests/sessions/test_calendar.py (test_user_text_with_line_breaks_adds_no_property).
- SQL metacharacters are saved and shown as typed, and searches with them work.
- Spreadsheet formulas typed into any field are neutralised in every CSV export.
- Ids and numbers no database column can hold are not found or refused, never a 500.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import fields, replace
from datetime import datetime, time, timedelta
from email import message_from_bytes, policy
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from werkzeug.routing import IntegerConverter

from app.extensions import db
from app.help import notices as help_notices
from app.help.models import Question
from app.request_checks import MAX_ID
from app.mail.models import OutboundMail
from feedback import exports
from feedback import notices as feedback_notices
from matching import notices as matching_notices
from sessions.series import feed
from sessions.learnings.services import send_due_prompts
from sessions.series.services import SeriesFields, create_series
from tests.security.access_scene import (
    ROLES,
    SERIES_ZONE,
    Browser,
    Words,
    build_scene,
    changed_tables,
    database_state,
)
from tests.security.test_access_table import GET, TABLE, Token, good_tokens, routes, send, statuses, url

API = "/api/v1"


def xss(n: int) -> str:
    """Markup that runs if shown as it is, or breaks out of an attribute, marked so each
    field's can be told apart; under 60 characters, so it fits a skill's category."""
    return f"x{n}\"'><script>go({n})</script><svg onload=go({n})>"


HOSTILE = Words(**{f.name: xss(n) for n, f in enumerate(fields(Words))})  # every field of the scene


class PageMarkup(HTMLParser):
    """The tags of a page that could run a script, and its text as a reader sees it."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background"}

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in self.URL_ATTRIBUTES and re.sub(r"\s", "", value or "").lower().startswith(
                    ("javascript:", "vbscript:", "data:text/html")):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not dict(attrs).get("src"):
            self.problems.append("an inline <script>")
        self.text.extend(value or "" for _, value in attrs)

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def runnable(page: str) -> tuple[list[str], str]:
    """What in the page could run, and everything it says (text and attribute values)."""
    markup = PageMarkup(page)
    return markup.problems, "\n".join(markup.text)


# Stored XSS


def test_typed_markup_is_shown_as_text_on_every_page_anyone_opens(app, make, jobs):
    s = build_scene(make, HOSTILE)
    tokens = good_tokens(s)
    db.session.commit()
    problems, said = [], []
    for role in ROLES:
        browser = Browser(app, s.person(role))
        for rule in routes(app):
            row = TABLE[rule.rule].get(GET)
            if row is None or rule.rule.startswith("/api/"):
                continue
            if isinstance(row, Token):  # a link from a mail, opened once, signed out
                opens = role == "anonymous" and rule.endpoint in tokens
            else:
                opens = statuses(row)[role] == 200
            response = browser.get(url(app, s, rule, tokens)) if opens else None
            if response is None or response.mimetype != "text/html":
                continue
            found, text = runnable(response.get_data(as_text=True))
            problems += [f"{rule.rule} as {role}: {problem}" for problem in found]
            said.append(text)
    assert len(said) > 120  # pages of every kind were read
    assert not problems, "\n".join(problems)
    everything = "\n".join(said)
    unseen = [f.name for f in fields(Words) if getattr(HOSTILE, f.name) not in everything]
    assert not unseen, f"no page shows these fields, so nothing shows they are escaped: {unseen}"


def test_typed_markup_in_markdown_never_becomes_a_link_or_an_image_that_runs(app, client, auth, make, jobs):
    s = build_scene(make)
    nasty = ("[click](javascript:go(1)) [data](data:text/html;base64,PHNjcmlwdD4=) "
             "![img](javascript:go(2)) <a href=\"javascript:go(3)\">raw</a> <script>go(4)</script> "
             "[ok](https://example.com/docs)")
    for body in (nasty, nasty.replace("javascript", "JaVaScRiPt"), nasty.replace("javascript:", "java\tscript:")):
        response = client.post(f"{API}/questions/{s.question.id}/posts", json={"body": body},
                               headers=s.api_headers("mentor"))
        assert response.status_code == 201
    auth.sign_in(s.people["new_hire"])
    page = client.get(f"/help/questions/{s.question.id}").get_data(as_text=True)
    found, text = runnable(page)
    assert not found
    assert 'href="https://example.com/docs"' in page and "<script>go(4)</script>" in text


def xss_of(field_name: str) -> str:
    """The hostile text the scene's field holds."""
    return getattr(HOSTILE, field_name)


def hostile_names() -> Words:
    """The hostile words, with each person's name also trying to add a header and a recipient."""
    return replace(HOSTILE, **{
        role: f"{getattr(HOSTILE, role)}\r\nBcc: evil-{role}@evil.example\r\nX-Injected: yes"
        for role in ("new_hire", "other_new_hire", "mentor", "lead", "admin", "guest")})


def test_emails_show_typed_markup_as_text_and_names_add_no_headers(app, make, jobs, smtp):
    s = build_scene(make, hostile_names())
    nina, mia = s.people["new_hire"], s.people["mentor"]
    help_notices.ask(s.attempt)
    help_notices.taken(s.attempt)
    matching_notices.proposal(s.mentorship)
    matching_notices.accepted(s.mentorship)
    matching_notices.fit_check(s.mentorship)
    feedback_notices.checkin(s.checkin, s.mentorship, nina)
    feedback_notices.checkin(s.mentor_checkin, s.mentorship, mia)
    feedback_notices.resolved(db.session.get(Question, s.answered.id))
    db.session.commit()
    start = datetime.combine(s.next_day, time(10), ZoneInfo(SERIES_ZONE))
    send_due_prompts(start - timedelta(hours=1))
    jobs.run()

    rows = db.session.scalars(sa.select(OutboundMail)).all()
    kinds = {row.kind for row in rows}
    assert {"question_ask", "question_taken", "question_reply", "mentorship_proposal", "mentorship_checkin",
            "question_resolved_feedback", "session-summary", "session-prompt"} <= kinds
    problems, said = [], []
    for row in rows:
        found, text = runnable(row.html_body)
        problems += [f"{row.kind} to {row.to_email}: {problem}" for problem in found]
        said.append(text)
    assert not problems, "\n".join(problems)
    everything = "\n".join(said)
    carried = ["goal", "stuck", "answer", "answered_goal", "series_title", "location", "description", "learning",
               "action", "new_hire", "mentor"]
    assert not [name for name in carried if xss_of(name) not in everything], "the emails carry these fields"

    assert len(smtp.received) == len(rows)
    for envelope, msg in zip(smtp.received, smtp.messages()):
        header_names = [name.lower() for name in msg.keys()]
        assert "bcc" not in header_names and "x-injected" not in header_names and "cc" not in header_names
        assert header_names.count("to") == header_names.count("subject") == 1
        [to] = msg["To"].addresses
        assert envelope.rcpt_tos == [to.addr_spec] and to.addr_spec.endswith("@example.com")
        assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
        strict = message_from_bytes(envelope.content, policy=policy.strict)
        assert not strict.defects and len(strict.get_all("To")) == 1
    subjects = [msg["Subject"] for msg in smtp.messages()]
    assert any(f"{xss_of('new_hire')} Bcc: evil-new_hire@evil.example X-Injected: yes" in subject
               for subject in subjects), "a name in a subject is kept, on one line"


# Calendar feed


@pytest.mark.parametrize("field", ["series_title", "location", "description"])
def test_a_title_or_location_with_line_breaks_adds_no_property_to_the_feed(app, client, make, jobs, field):
    evil = "Retro\r\nATTENDEE:mailto:evil@x\r\nEND:VEVENT\nBEGIN:VEVENT\rUID:evil\r\nMETHOD:CANCEL"
    s = build_scene(make, replace(Words(), **{field: evil}))
    # Platform's series, typed plainly, is what Olli's feed shows for comparison.
    create_series(s.other_team.id, s.other_lead.id, SeriesFields(
        title="Platform weekly", weekday=s.past_day.weekday(), start_time=time(10), duration_minutes=30,
        timezone=SERIES_ZONE, first_date=s.past_day, location="Room Platform", description="Plain words."))
    tokens = {role: feed.new_token(s.people[role].id) for role in ("new_hire", "other_new_hire")}
    db.session.commit()
    response = client.get(f"/sessions/feed/{tokens['new_hire']}.ics")
    clean = client.get(f"/sessions/feed/{tokens['other_new_hire']}.ics")
    assert response.status_code == clean.status_code == 200 and response.mimetype == "text/calendar"
    calendar, expected = Calendar.from_ical(response.data), Calendar.from_ical(clean.data)
    [event], [clean_event] = calendar.walk("VEVENT"), expected.walk("VEVENT")
    assert sorted(event.keys()) == sorted(clean_event.keys()) and "ATTENDEE" not in event
    assert sorted(calendar.keys()) == sorted(expected.keys())
    assert str(calendar["METHOD"]) == str(expected["METHOD"]) == "PUBLISH"
    assert str(event["UID"]) == s.series.uid
    name = {"series_title": "SUMMARY", "location": "LOCATION", "description": "DESCRIPTION"}[field]
    assert str(event[name]) == evil.replace("\r\n", "\n").replace("\r", "\n")
    assert not any(b"\n" in line or b"\r" in line for line in response.data.split(b"\r\n"))


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

    rated = nina.post(f"{API}/questions/{s.answered.id}/rating", json={"helpful": False, "note": META},
                      headers=as_nina)
    assert rated.status_code == 200 and rated.json["helpful_note"] == META
    assert shown(nina.get(f"/help/questions/{s.answered.id}"), META)

    task = nina.post(f"{API}/feedback/tasks", headers=as_nina, json={
        "title": META, "rating": 3, "time_taken": "more", "missing": META, "helped": ["other"], "helped_note": META})
    assert task.status_code == 201
    assert (task.json["title"], task.json["missing"], task.json["helped_note"]) == (META, META, META)
    assert shown(nina.get("/feedback/tasks"), META)
    assert nina.post("/profile/tokens", data={"name": SHORT_META}).status_code == 200
    assert shown(nina.get("/profile"), SHORT_META)
    checkin = nina.post(f"{API}/feedback/checkins/{s.checkin.id}", json={"score": 3, "change": META}, headers=as_nina)
    assert checkin.status_code == 200 and checkin.json["change"] == META
    assert shown(nina.get("/feedback/checkins"), META)

    learning = nina.post(f"/sessions/{s.series.id}/weeks/{s.next_day.isoformat()}",
                         data={"kind": "learned", "text": META})
    assert learning.status_code == 302
    assert shown(nina.get(f"/sessions/{s.series.id}/weeks/{s.next_day.isoformat()}"), META)

    edited = lead.post(f"/sessions/{s.series.id}/edit", data={
        "title": META, "weekday": str(s.series.weekday), "start_time": "10:00", "duration_minutes": "30",
        "timezone": SERIES_ZONE, "first_date": s.past_day.isoformat(), "until": "", "location": META,
        "description": META})
    assert edited.status_code == 302
    assert shown(nina.get(f"/sessions/{s.series.id}"), META)
    form = html.unescape(lead.get(f"/sessions/{s.series.id}/edit").get_data(as_text=True))
    assert form.count(META) >= 3  # title, location and description, as typed

    person = admin.open(f"{API}/people/{s.people['other_new_hire'].id}", method="PATCH", json={"name": META},
                        headers=as_admin)
    team = admin.open(f"{API}/teams/{s.other_team.id}", method="PATCH", json={"name": SHORT_META}, headers=as_admin)
    skill = admin.post(f"{API}/skills", json={"name": SHORT_META, "category": SHORT_META}, headers=as_admin)
    assert (person.status_code, team.status_code, skill.status_code) == (200, 200, 201)
    assert (person.json["name"], team.json["name"], skill.json["name"]) == (META, SHORT_META, SHORT_META)
    assert shown(admin.get("/admin/people"), META)
    assert shown(admin.get("/admin/teams"), SHORT_META)
    assert shown(admin.get("/admin/skills"), SHORT_META)
    # Nothing was dropped: every table still answers.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.table("users"))) >= 7


SEARCHES = ["%", "_", "\\", "'", "\"", "%_%", "'; DROP TABLE questions; --", "a' OR '1'='1", "\\%",
            "100%", "NEAR(a b) | ! & <-> :*", "é'ç", "a" * 2000]


def test_searches_with_sql_metacharacters_answer_and_match_literally(app, make, jobs):
    s = build_scene(make)
    for name in ("Ann 100% Sure", "Bob_Builder", "Cat \\ Backslash", "Dan O'Hara"):
        make.user(name=name, team=s.team)
    admin, nina = Browser(app, s.people["admin"]), Browser(app, s.people["new_hire"])
    as_admin, as_nina = s.api_headers("admin"), s.api_headers("new_hire")
    wrong = []
    for text in SEARCHES:
        for browser, path, headers in (
                (admin, "/admin/people", {}), (admin, f"{API}/people", as_admin),
                (nina, "/help/knowledge", {}), (nina, f"{API}/knowledge", as_nina),
                (nina, "/help/similar", {}), (nina, f"{API}/skills/suggest", as_nina)):
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


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")


def formula_words() -> Words:
    """Every field starting with a character a spreadsheet reads as the start of a formula."""
    return Words(**{f.name: FORMULAS[n % len(FORMULAS)][:70] + f" {n}"
                    for n, f in enumerate(fields(Words))})


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
    assert len({cell[1] for cell in neutralised}) == len({f[0] for f in FORMULAS}), \
        "every kind of formula start was typed into a field that an export carries"


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
            (admin, "POST", "/admin/people/new", {"data": {
                **person, "roles": "new_hire", "timezone": "UTC", "work_start": "09:00", "work_end": "17:00",
                "team_id": big, "level": big, "max_mentees": big, "max_open_questions": big}}, {400}),
            (nina, "GET", f"{API}/knowledge?skill={big}", {"headers": as_nina}, {422}),
            (nina, "GET", f"{API}/questions?page={big}", {"headers": as_nina}, {200}),
            (admin, "GET", f"{API}/people?team_id={big}", {"headers": as_admin}, {422}),
            (nina, "POST", f"{API}/feedback/tasks", {"headers": as_nina, "json": {
                "title": "x", "rating": 3, "time_taken": "more", "question_id": big}}, {422}),
            (nina, "POST", f"{API}/feedback/checkins/{s.checkin.id}", {"headers": as_nina, "json": {"score": big}},
             {422}),
            (admin, "POST", f"{API}/teams", {"headers": as_admin, "json": {"name": "Big", "lead_id": big}}, {422}),
            (admin, "POST", f"{API}/people", {"headers": as_admin, "json": {
                **person, "team_id": big, "manager_id": big}}, {422}),
            (admin, "POST", f"{API}/people", {"headers": as_admin, "json": {
                **person, "level": big, "max_mentees": big, "max_open_questions": big}}, {422}),
            (admin, "PATCH", f"{API}/people/{s.people['new_hire'].id}", {"headers": as_admin,
                                                                        "json": {"team_id": big}}, {422}),
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
                (f"{run}/group", {"item": big, "into": big}), (f"{run}/ungroup", {"item": big}),
                (f"{run}/votes", {f"votes-{big}": big, f"votes-{s.learning.id}": big}),
                (f"{run}/actions", {"text": "Do it", "owner": big, "due": "2030-01-01", "item": big}),
                (f"{run}/close", {"attended": big}),
                (f"/sessions/{s.series.id}/names", {"shown": "1", "prompt_hours": big}),
                (f"/sessions/{s.series.id}/weeks/{s.next_day.isoformat()}/move",
                 {"date": s.next_day.isoformat(), "time": "11:00", "duration_minutes": big}),
                (f"/sessions/{s.series.id}/edit", {
                    "title": "T", "weekday": str(s.series.weekday), "start_time": "10:00", "duration_minutes": big,
                    "timezone": SERIES_ZONE, "first_date": s.past_day.isoformat()}),
                ("/sessions/new", {"team_id": big, "title": "T", "weekday": big, "start_time": "10:00",
                                   "duration_minutes": "30", "timezone": SERIES_ZONE,
                                   "first_date": s.next_day.isoformat()})):
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
        (nina, "POST", f"{API}/feedback/tasks", as_nina,
         {"json": {"title": "Task", "rating": 3, "time_taken": "more", "skills": ["Ka\x00fka"]}}),
        (admin, "POST", f"{API}/teams", as_admin, {"json": {"name": "Team\x00"}}),
        (admin, "PATCH", f"{API}/people/{s.people['new_hire'].id}", as_admin, {"json": {"na\x00me": "x"}}),
        (admin, "GET", f"{API}/people", as_admin, {"query_string": {"q": "a\x00b"}}),
        (nina, "GET", "/help/knowledge", {}, {"query_string": {"q": "a\x00b"}}),
        (nina, "POST", f"/help/questions/{s.question.id}/posts", {}, {"data": {"body": "a\x00b"}}),
        (nina, "POST", "/help/ask", {}, {"data": {"goal": "Deploy\x00", "stuck": "It hangs, always.",
                                                  "urgency": "can_wait", "visibility": "named"}}),
        (nina, "POST", f"/sessions/{s.series.id}/weeks/{s.next_day.isoformat()}", {},
         {"data": {"kind": "learned", "text": "a\x00b"}}),
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
