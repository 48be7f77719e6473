"""Security headers on every page, and no script that a Content-Security-Policy would have to
allow inline: every page a signed-in person can reach is walked (each address-free page of
the URL map, then every link found on the pages, for a new hire, a mentor, a lead and an
admin), and its headers and markup are checked. The templates are read too, so an inline
script fails here even on a page the walk cannot reach.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from app.security import PAGE_POLICY, parse_policy
from tests.security.access_scene import build_scene

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_FOLDERS = [ROOT / "app", ROOT / "matching", ROOT / "sessions", ROOT / "feedback"]
WALKERS = ("new_hire", "mentor", "lead", "admin")
EMBED = "/help/embed"
MOST_PAGES = 500  # for one person; the scene's site has about a hundred
# GET pages that no link on a signed-in page leads to, and why; every other one must be reached.
NOT_WALKED = {
    "/static/<path:filename>": "files",
    "/help/static/<path:filename>": "files",
    "/health": "JSON for load balancers",
    "/slack/install": "sends an admin on to Slack's own page",
    "/slack/oauth_redirect": "where Slack sends an admin back, with a state only the install flow gives",
    "/feedback/dashboard/export/<table>.csv": "CSV",
    "/feedback/export/raw/<kind>.csv": "CSV",
    "/sessions/feed/<token>.ics": "a calendar feed, with its token",
    "/help/email/<action>/<token>": "a link in an email, with its token",
    "/mentorships/email/<action>/<token>": "a link in an email, with its token",
    "/feedback/checkins/email/<token>": "a link in an email, with its token",
    "/feedback/tasks/email/<token>": "a link in an email, with its token",
    "/mail/unsubscribe/<topic_name>/<token>": "a link in an email, with its token",
    "/sessions/<int:series_id>/weeks/<day>/move": "only for a week still to come; the walk asks for it",
    "/sessions/<int:series_id>/weeks/<day>/run": "only while a session runs; the walk asks for it",
    "/sessions/<int:series_id>/weeks/<day>/run/state": "the run page's live part, asked for by its script",
    "/sign-in": "sends a signed-in person home; checked signed out below",
    "/sign-in/email": "sends a signed-in person home; checked signed out below",
    "/sign-in/email/<token>": "a link in an email, with its token",
    "/password/forgot": "sends a signed-in person to their profile; checked signed out below",
    "/password/reset/<token>": "a link in an email, with its token",
    "/join/<token>": "a link in an email, with its token",
    "/scim/v2/ServiceProviderConfig": "directory sync, for the identity provider's SCIM token",
    "/scim/v2/ResourceTypes": "directory sync, for the identity provider's SCIM token",
    "/scim/v2/Schemas": "directory sync, for the identity provider's SCIM token",
    "/scim/v2/Users": "directory sync, for the identity provider's SCIM token",
    "/scim/v2/Groups": "directory sync, for the identity provider's SCIM token",
    "/scim/v2/ResourceTypes/<name>": "directory sync, for the identity provider's SCIM token",
    "/scim/v2/Schemas/<schema_id>": "directory sync, for the identity provider's SCIM token",
    "/scim/v2/Users/<user_id>": "directory sync, for the identity provider's SCIM token",
    "/scim/v2/Groups/<group_id>": "directory sync, for the identity provider's SCIM token",
    "/scim/v2/<path:anything>": "directory sync: any other address there is a SCIM 404",
    "/sso/oidc/start": "off here; on in tests/sso, with the provider",
    "/sso/oidc/callback": "the provider's answer; in tests/sso, with the provider",
    "/sso/saml/start": "single sign-on by SAML, off here; tests/sso/test_saml*.py go through it",
    "/sso/saml/metadata": "XML for the identity provider, and off here",
}


class Markup(HTMLParser):
    """Collect the links of a page and everything in it that would run a script inline."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.inline: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}=...> (an event handler)")
            if name in self.URL_ATTRIBUTES and re.match(r"\s*javascript:", value or "", re.I):
                self.inline.append(f"<{tag} {name}={value!r}> (a javascript: address)")
        if tag == "script":
            if values.get("src"):
                self.scripts.append(values["src"])
            else:
                self.inline.append("<script> without src (an inline script)")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])


def read(html: str) -> Markup:
    markup = Markup()
    markup.feed(html)
    markup.close()
    return markup


def problems_with(response) -> list[str]:
    """What is wrong with an HTML answer's security headers and markup."""
    problems = []
    policy = parse_policy(response.headers.get("Content-Security-Policy", ""))
    embed = urlsplit(response.request.url).path == EMBED
    expected = {**PAGE_POLICY, "frame-ancestors": "*"} if embed else PAGE_POLICY
    if policy != expected:
        problems.append(f"Content-Security-Policy is {policy}")
    for directive in ("script-src", "default-src"):
        if "unsafe" in policy.get(directive, ""):
            problems.append(f"{directive} allows unsafe sources")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if response.headers.get("Referrer-Policy") != "same-origin":
        problems.append("no Referrer-Policy")
    if response.headers.get("X-Frame-Options") != (None if embed else "DENY"):
        problems.append(f"X-Frame-Options is {response.headers.get('X-Frame-Options')}")
    markup = read(response.get_data(as_text=True))
    problems += markup.inline
    problems += [
        f"a script from elsewhere: {src}" for src in markup.scripts if not src.startswith("/") or src.startswith("//")
    ]
    return problems


def walk(app, client, scene) -> dict[str, list[str]]:
    """GET every page reachable from the address-free pages; return problems by address."""
    adapter = app.url_map.bind("localhost")
    start = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.rule not in NOT_WALKED
    ]
    # Pages only some moments show a link to: the walk asks for them itself.
    series, day = scene.series.id, scene.next_day.isoformat()
    start += [f"/sessions/{series}/weeks/{day}/move", f"/sessions/{series}/weeks/{scene.past_day}/run"]
    queue, seen, found = list(start), {(url, ()) for url in start}, {}
    while queue:
        assert len(found) < MOST_PAGES, "the walk does not end: links lead on and on"
        url = queue.pop(0)
        response = client.get(url)
        response.close()  # a file sent in parts keeps it open until then
        found[url] = (response.status_code, problems_with(response) if response.mimetype == "text/html" else [])
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        for href in read(response.get_data(as_text=True)).links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost") or parts.scheme not in ("", "http"):
                continue  # another site: a question's link, the knowledge base's sources
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            try:
                rule, _ = adapter.match(parts.path, method="GET", return_rule=True)
            except (NotFound, MethodNotAllowed):
                found.setdefault(path, (404, [f"a link from {url} to a page that is not there"]))
                continue
            # One visit per address and kind of query: "previous week" links lead on for ever.
            visit = (parts.path, tuple(sorted(parse_qs(parts.query))))
            if rule.rule in NOT_WALKED or visit in seen:
                continue
            seen.add(visit)
            queue.append(path)
    return found


@pytest.fixture
def scene(make, jobs):
    return build_scene(make)


def rule_of(app, url: str) -> str:
    adapter = app.url_map.bind("localhost")
    rule, _ = adapter.match(urlsplit(url).path, method="GET", return_rule=True)
    return rule.rule


def test_every_page_a_signed_in_person_reaches_has_the_headers_and_no_inline_script(app, client, auth, scene):
    reached: set[str] = set()
    for role in WALKERS:
        auth.sign_in(scene.people[role])
        found = walk(app, client, scene)
        failing = {url: problems for url, (status, problems) in found.items() if problems}
        assert failing == {}, f"as {role}"
        assert {url: status for url, (status, _) in found.items() if status >= 500} == {}, f"as {role}"
        reached |= {rule_of(app, url) for url, (status, _) in found.items() if status == 200}
        auth.sign_out()
    pages = {
        rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.rule.startswith("/api/")
    }
    assert pages - reached - set(NOT_WALKED) == set(), "pages the walk did not reach: add a link or a reason"
    assert len(reached) >= 40  # the walk really went through the site


def test_the_sign_in_page_and_error_pages_have_the_headers(app, client):
    pages = (("/sign-in", 200), ("/sign-in/email", 200), ("/password/forgot", 200), ("/nowhere", 404))
    for url, status in (*pages, ("/help/questions/1", 302)):
        response = client.get(url)
        assert response.status_code == status
        if response.mimetype == "text/html" and status != 302:
            assert problems_with(response) == [], url
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_the_help_panel_may_be_framed_by_any_site_and_keeps_the_rest_of_the_policy(client, auth, scene):
    for signed_in in (False, True):
        if signed_in:
            auth.sign_in(scene.people["new_hire"])
        response = client.get(f"{EMBED}?link=https://crm.example.com/deal/7")
        assert response.status_code == 200
        assert problems_with(response) == []
        policy = parse_policy(response.headers["Content-Security-Policy"])
        assert policy["frame-ancestors"] == "*" and policy["script-src"] == "'self'"
        assert "X-Frame-Options" not in response.headers


def test_api_answers_and_files_are_data_that_nothing_may_frame_or_run(app, client, scene):
    answers = [
        client.get("/api/v1/openapi.json"),
        client.get("/api/v1/questions", headers=scene.api_headers("new_hire")),
        client.get("/api/v1/questions"),  # 401
        client.get("/health"),
        client.get("/static/unstuck.css"),
    ]
    for response in answers:
        response.close()
        assert response.mimetype != "text/html"
        assert parse_policy(response.headers["Content-Security-Policy"]) == {
            "default-src": "'none'",
            "frame-ancestors": "'none'",
        }
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"


def templates() -> list[Path]:
    return sorted(p for folder in TEMPLATE_FOLDERS for p in folder.rglob("*.html") if "/.venv/" not in str(p))


@pytest.mark.parametrize("template", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_runs_a_script_inline(template):
    source = template.read_text()
    # Jinja expressions may sit inside attributes; take them out so that the HTML reads cleanly.
    markup = read(re.sub(r"{[{%#].*?[}%#]}", "x", source, flags=re.S))
    assert markup.inline == []
    assert [src for src in markup.scripts if not src.startswith("x") and not src.startswith("/")] == []


def test_the_markup_check_finds_each_kind_of_inline_script():
    # The walk and the template check see nothing wrong: make sure they would see it.
    assert read("<p><script>alert(1)</script></p>").inline
    assert read('<img src="/x.png" onerror="alert(1)">').inline
    assert read('<a href=" JavaScript:alert(1)">x</a>').inline
    assert read('<form action="javascript:go()"></form>').inline
    assert read('<script src="/static/app.js"></script><a href="/help">x</a>').inline == []
