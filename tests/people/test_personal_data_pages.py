"""After a person is erased, nothing Unstuck shows says who they were: every page anyone can
open (links from mails included), every answer of the API and every export is searched
for their old name and address."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.extensions import db
from app.people.models import User
from tests.factories import Factories
from tests.people.personal_data_scene import nina_everywhere
from tests.security.access_requests import body as sent_body
from tests.security.access_requests import good_tokens, send, url
from tests.security.access_scene import ROLES, Browser
from tests.security.access_table import GET, POST, TABLE, Token, routes, statuses

# Routes that read by POST: what they read is a draft, which never goes in an address.
READ_BY_POST = {"help.similar", "help_api.SkillSuggestions"}


@pytest.mark.parametrize("texts", ["keep", "remove"])
def test_after_erasure_no_page_api_answer_or_export_shows_who_she_was(app, make, jobs, texts):
    app.config["ERASURE_TEXTS"] = texts
    s = nina_everywhere(make, jobs)
    nina = s.people["new_hire"]
    old = [s.words.new_hire.lower(), nina.email.lower()]
    tokens = good_tokens(s)  # the links of the mails she was sent, before she was erased
    db.session.commit()
    s.api_token = SimpleNamespace(id=s.api_token.id)  # her token goes with her; addresses still name its id
    admin = Browser(app, s.people["admin"])
    assert admin.post(f"/admin/people/{nina.id}/erase", data={"confirm": nina.email}).status_code == 302
    jobs.run()
    assert Browser(app).post("/sign-in", data={"email": old[1], "password": Factories.PASSWORD}).status_code != 302

    shown, read = [], 0
    for role in ROLES:
        if role == "new_hire":
            continue  # erased: she cannot sign in
        browser = Browser(app, s.person(role))
        for rule in routes(app):
            method = POST if rule.endpoint in READ_BY_POST else GET
            row = TABLE[rule.rule].get(method)
            if row is None:
                continue
            if isinstance(row, Token):
                opens = role == "anonymous" and rule.endpoint in tokens
            else:
                opens = statuses(row)[role] == 200
            if not opens:
                continue
            if rule.rule.startswith("/api/"):
                response = send(browser.client, s, app, rule, method, role)
            elif method == POST:
                response = browser.post(url(app, s, rule, tokens), data=sent_body(s, rule))
            else:
                response = browser.get(url(app, s, rule, tokens))
            read += 1
            body = response.get_data(as_text=True).lower()
            shown += [f"{rule.rule} as {role}: {text}" for text in old if text in body]
    for person in db.session.query(User).order_by(User.id):
        body = admin.post(f"/admin/people/{person.id}/export").get_data(as_text=True).lower()
        shown += [f"the export of person {person.id}: {text}" for text in old if text in body]
    search = admin.get("/admin/people?q=nina").get_data(as_text=True).lower()
    shown += [f"the search for people: {text}" for text in old if text in search]
    assert read > 200
    assert shown == []
