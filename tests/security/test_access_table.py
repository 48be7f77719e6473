"""Who gets what from every route of the app and its API: the table of
tests/security/access_table.py checked against the URL map, then sent as each person, and
the routes only an app in development has."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.security.access_requests import good_tokens, send, sign_in, url
from tests.security.access_scene import ROLES, Scene, build_scene, changed_tables, database_state
from tests.security.access_table import ADMIN_PAGE, GET, OK, TABLE, Token, methods, routes, statuses


@pytest.fixture
def s(make, jobs) -> Scene:
    return build_scene(make)


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
    sent = [
        (rule, method, statuses(row)[role])
        for rule in routes(app)
        for method, row in TABLE[rule.rule].items()
        if not isinstance(row, Token) and statuses(row)[role] != OK
    ]
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
    opened = [
        rule.rule
        for rule in routes(app)
        if rule.rule.startswith("/api/")
        and GET in TABLE[rule.rule]
        and statuses(TABLE[rule.rule][GET])["anonymous"] == 401
        and client.get(url(app, s, rule)).status_code != 401
    ]
    assert not opened


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_a_method_a_route_does_not_take_gets_405_naming_those_it_does(app, client, auth, s, role):
    sign_in(auth, s, role)
    wrong = []
    for rule in routes(app):
        if "DELETE" in methods(rule):
            continue  # directory sync deletes Users and Groups (tests/scim)
        response = client.delete(url(app, s, rule, good_tokens(s)))
        allowed = set(response.headers.get("Allow", "").replace(" ", "").split(","))
        if response.status_code != 405 or not methods(rule) <= allowed:
            wrong.append(f"DELETE {rule.rule}: {response.status_code}, Allow: {sorted(allowed)}")
    assert not wrong, "\n".join(wrong)


# Routes only an app in development has (`make run`): the mailbox of the mail it kept, whose
# one-click links act as their recipients, so for admins only.

DEVELOPMENT_TABLE: dict[str, dict[str, str]] = {
    "/dev/mailbox": {GET: ADMIN_PAGE},
    "/dev/mailbox/<name>": {GET: "302 403 403 403 403 200"},  # a mail to Nina
    "/dev/mailbox/<name>/html": {GET: "302 403 403 403 403 200"},  # its HTML alone
}


def test_each_person_gets_what_the_development_table_says_from_the_routes_only_development_has(app, s, tmp_path):
    from app.mail.outgoing import deliver, send_mail
    from tests.development import development_app
    from tests.factories import Factories

    dev = development_app(app, tmp_path / "dev-outbox")
    added = {
        r.rule: r for r in dev.url_map.iter_rules() if r.rule not in {known.rule for known in app.url_map.iter_rules()}
    }
    assert set(added) == set(DEVELOPMENT_TABLE), "a route only development has needs a row here"
    # Plain values: the scene's rows belong to the test's app, not to this one.
    emails = {role: s.person(role).email for role in ROLES if role != "anonymous"}
    nina = (s.people["new_hire"].email, s.people["new_hire"].name)
    wrong = []
    with dev.app_context():
        mail = send_mail(
            "access:dev",
            "test",
            nina,
            "Hello",
            "auth/email/sign_in_link",
            {"link": "http://localhost/sign-in/email/x", "minutes": 15},
        )
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
