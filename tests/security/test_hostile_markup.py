"""Hostile input, typed to break out of the text it is: kept as typed and shown as text, never run.

- Stored XSS: markup in every free-text field of the scene (names, team and skill names,
  questions and answers, learnings, series titles and locations, action items, task
  feedback, check-ins) is shown escaped, or as sanitized Markdown where the text is
  Markdown, on every page anyone can open, and in the HTML part of every email carrying it.
- Header injection: a name with a line break adds no header and no recipient to a mail.
- Calendar property injection: a title or location with line breaks adds no property to the
  calendar feed. The mailed invites and the calendar core are covered in
  tests/sessions/test_invites.py (test_text_with_line_breaks_cannot_add_properties) and
  tests/sessions/test_calendar.py (test_user_text_with_line_breaks_adds_no_property).

SQL metacharacters and spreadsheet formulas: test_hostile_text.py; ids, numbers and NUL
characters: test_hostile_values.py.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import datetime, time, timedelta
from email import message_from_bytes, policy
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from app.extensions import db
from app.help import notices as help_notices
from app.help.models import Question
from app.mail.models import OutboundMail
from feedback import notices as feedback_notices
from matching import notices as matching_notices
from sessions.learnings.prompt import send_due_prompts
from sessions.series import feed
from tests.security.access_requests import good_tokens, url
from tests.security.access_scene import (
    ROLES,
    SERIES_ZONE,
    Browser,
    Words,
    build_scene,
    platform_series,
)
from tests.security.access_table import GET, TABLE, Token, routes, statuses

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
                ("javascript:", "vbscript:", "data:text/html")
            ):
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
    nasty = (
        "[click](javascript:go(1)) [data](data:text/html;base64,PHNjcmlwdD4=) "
        '![img](javascript:go(2)) <a href="javascript:go(3)">raw</a> <script>go(4)</script> '
        "[ok](https://example.com/docs)"
    )
    for body in (nasty, nasty.replace("javascript", "JaVaScRiPt"), nasty.replace("javascript:", "java\tscript:")):
        response = client.post(
            f"{API}/questions/{s.question.id}/posts", json={"body": body}, headers=s.api_headers("mentor")
        )
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
    return replace(
        HOSTILE,
        **{
            role: f"{getattr(HOSTILE, role)}\r\nBcc: evil-{role}@evil.example\r\nX-Injected: yes"
            for role in ("new_hire", "other_new_hire", "mentor", "lead", "admin", "guest")
        },
    )


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
    assert {
        "question_ask",
        "question_taken",
        "question_reply",
        "mentorship_proposal",
        "mentorship_checkin",
        "question_resolved_feedback",
        "session-summary",
        "session-prompt",
    } <= kinds
    problems, said = [], []
    for row in rows:
        found, text = runnable(row.html_body)
        problems += [f"{row.kind} to {row.to_email}: {problem}" for problem in found]
        said.append(text)
    assert not problems, "\n".join(problems)
    everything = "\n".join(said)
    carried = [
        "goal",
        "stuck",
        "answer",
        "answered_goal",
        "series_title",
        "location",
        "description",
        "learning",
        "action",
        "new_hire",
        "mentor",
    ]
    assert not [name for name in carried if xss_of(name) not in everything], "the emails carry these fields"

    assert len(smtp.received) == len(rows)
    for envelope, msg in zip(smtp.received, smtp.messages(), strict=True):
        header_names = [name.lower() for name in msg.keys()]
        assert "bcc" not in header_names and "x-injected" not in header_names and "cc" not in header_names
        assert header_names.count("to") == header_names.count("subject") == 1
        [to] = msg["To"].addresses
        assert envelope.rcpt_tos == [to.addr_spec] and to.addr_spec.endswith("@example.com")
        assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
        strict = message_from_bytes(envelope.content, policy=policy.strict)
        assert not strict.defects and len(strict.get_all("To")) == 1
    subjects = [msg["Subject"] for msg in smtp.messages()]
    assert any(
        f"{xss_of('new_hire')} Bcc: evil-new_hire@evil.example X-Injected: yes" in subject for subject in subjects
    ), "a name in a subject is kept, on one line"


# Calendar feed


@pytest.mark.parametrize("field", ["series_title", "location", "description"])
def test_a_title_or_location_with_line_breaks_adds_no_property_to_the_feed(app, client, make, jobs, field):
    evil = "Retro\r\nATTENDEE:mailto:evil@x\r\nEND:VEVENT\nBEGIN:VEVENT\rUID:evil\r\nMETHOD:CANCEL"
    s = build_scene(make, replace(Words(), **{field: evil}))
    # Platform's series, typed plainly, is what Olli's feed shows for comparison.
    platform_series(s, description="Plain words.")
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
