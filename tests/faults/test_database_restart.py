"""The database restarts in the middle of a request: the request fails with a clear 503 (a
page, or JSON for the API) and nothing half-saved, and the next request works.

The database is a PostgreSQL server of the test's own, so restarting it disturbs nobody.
The requests go to gunicorn; each waits on a table the test holds locked, so the restart
lands while it runs.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app.auth.models import ApiToken
from app.extensions import db
from app.factory import create_app
from app.help.models import Question
from config import TestConfig, database_url
from tests.factories import Factories
from tests.faults._postgres import waiting_on_locks
from tests.faults._processes import Processes, RedisServer, app_environment, wait_until
from tests.help.routing_scenes import ask, mentor
from tests.smtp import free_port

pytestmark = pytest.mark.faults

ASK_GOAL = "Restore the staging database"
READ_GOAL = "Read the replica lag"


@dataclass(frozen=True)
class Restarts:
    """What the people saw: each answer as (status, content type, text)."""

    cut_ask: tuple[int, str, str]  # an ask cut off while it saves the question
    retried_ask: tuple[int, str, str]  # the same ask sent again
    cut_page: tuple[int, str, str]  # a page cut off while it reads the question
    next_page: tuple[int, str, str]  # the same page again
    saved: int  # questions saved with the ask's goal


@pytest.fixture(scope="module")
def restarts(own_postgres, tmp_path_factory) -> Restarts:
    """Restart the database under an ask and under a page, each sent again after."""
    folder = tmp_path_factory.mktemp("restarts")
    url = database_url(own_postgres.url)
    redis_server = RedisServer(folder / "redis")
    redis_server.start()
    processes = Processes(app_environment(url, redis_server.url, free_port(), folder), folder, redis_server.url)
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, REDIS_URL=redis_server.url)
    try:
        with app.app_context():
            upgrade()
            make = Factories()
            mentor(make, "Ada Lovelace", {"SQL": 4})
            nina = make.user("Nina New")
            token = ApiToken.issue(nina, "faults")[1]
            db.session.commit()
            email, question_id = nina.email, ask(nina, goal=READ_GOAL).id
            db.session.remove()  # the test's own session holds no connection through the restarts
            processes.drop_queued_jobs()
            web, port = processes.web()
            site = Site(port)
            site.sign_in(email, Factories.PASSWORD)
            api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            body = json.dumps(
                {
                    "goal": ASK_GOAL,
                    "stuck": "pg_restore stops at the first foreign key.",
                    "skills": ["SQL"],
                    "urgency": "blocking",
                }
            ).encode()
            page = f"/help/questions/{question_id}"
            answers = dict(
                cut_ask=_during_restart(
                    own_postgres, db.engine, web, lambda: site.open("/api/v1/questions", data=body, headers=api)
                ),
                retried_ask=site.open("/api/v1/questions", data=body, headers=api),
                cut_page=_during_restart(own_postgres, db.engine, web, lambda: site.open(page)),
                next_page=site.open(page),
            )
            saved = db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(Question.goal == ASK_GOAL))
            db.session.remove()
            db.engine.dispose()
    finally:
        processes.stop_all()
        redis_server.kill()
        app.extensions["jobs"].connection.close()
    return Restarts(saved=saved, **answers)


def test_after_a_database_restart_the_next_request_works_and_nothing_is_half_saved(restarts, fault):
    # Lost: what the person wanted is not done once they try again (the question is not
    # saved, the page not shown); duplicated: the question saved twice.
    lost = int(restarts.saved == 0 or restarts.retried_ask[0] != 201) + int(restarts.next_page[0] != 200)
    fault("database_restart", attempted=2, lost=lost, duplicated=max(0, restarts.saved - 1))

    assert restarts.cut_ask[0] >= 500 and restarts.cut_page[0] >= 500  # an error, not a success
    assert restarts.retried_ask[0] == 201, restarts.retried_ask
    assert restarts.saved == 1  # the cut ask saved nothing; asking again saved it once
    assert restarts.next_page[0] == 200 and READ_GOAL in restarts.next_page[2]


def test_a_request_cut_off_by_a_database_restart_answers_a_clear_503(restarts):
    assert (restarts.cut_ask[0], _json_error(restarts.cut_ask[2])) == (503, "unavailable"), restarts.cut_ask
    status, content_type, text = restarts.cut_page
    assert (status, content_type.split(";")[0]) == (503, "text/html"), restarts.cut_page[:2]
    assert "try again" in text.lower()


def _during_restart(cluster, engine, web, request) -> tuple[int, str, str]:
    """Run the request while the questions table is locked; once it waits on the lock,
    restart the database; return its answer."""
    answer: list[tuple[int, str, str]] = []
    thread = threading.Thread(target=lambda: answer.append(request()))
    holder = engine.connect()
    holder.execute(sa.text("LOCK TABLE questions IN ACCESS EXCLUSIVE MODE"))
    thread.start()
    wait_until(lambda: waiting_on_locks(engine) == 1, 30, "the request did not reach the database", [web])
    cluster.restart()  # ends every session, the request's and the lock's
    holder.invalidate()
    holder.close()
    thread.join(timeout=60)
    assert answer, "the request never answered"
    return answer[0]


def _json_error(text: str) -> str | None:
    try:
        return json.loads(text)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


class Site:
    """A browser of sorts for the running app: keeps its cookies, signs in through the form."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))
        self.url = ""

    def open(self, path: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str, str]:
        """Return the status, content type and text of the answer."""
        try:
            response = self.opener.open(Request(self.base + path, data=data, headers=headers or {}), timeout=60)
        except HTTPError as error:
            response = error
        with response:
            self.url = response.geturl()
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()

    def sign_in(self, email: str, password: str) -> None:
        _, _, page = self.open("/sign-in")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _, page = self.open(
            "/sign-in", data=urlencode({"email": email, "password": password, "csrf_token": token}).encode()
        )
        assert status == 200 and not self.url.endswith("/sign-in"), f"signing in failed: {status} {self.url}"
