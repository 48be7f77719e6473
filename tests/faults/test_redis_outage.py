"""Redis stops while new hires keep asking: every question is saved and answered with
success; when Redis returns, the sweeper (`flask cron`) has every question routed, none twice.

Real processes: a redis-server the test kills and starts again (empty: every queued job is
lost, the hardest case), two `flask worker` and a `flask cron`, on PostgreSQL.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import ApiToken
from app.extensions import db
from app.help.models import Attempt, Question
from app.mail.models import MailStatus, OutboundMail
from app.mail.outgoing.jobs import requeue_unsent_mail
from app.people.models import Role, User
from tests.faults._postgres import waiting_on_locks
from tests.faults._processes import settled, wait_until
from tests.help.routing_scenes import mentor

pytestmark = pytest.mark.faults

BEFORE, DURING = 5, 15  # questions asked before Redis stops, and while it is down
ASK_SECONDS = 5  # the longest an ask may take, Redis down or not


def test_asking_through_a_redis_outage_loses_no_question_and_routes_each_once(
    app, make, client, processes, redis_server, smtp_server, fault, record_property
):
    team = make.team("Payments")
    mentor_ids = [mentor(make, f"Mentor {n}", {"SQL": 4}, team=team, max_open_questions=5).id for n in range(10)]
    askers = [make.user(f"New Hire {n}", roles=(Role.NEW_HIRE,), team=team) for n in range(BEFORE + DURING)]
    tokens = [ApiToken.issue(asker, "faults")[1] for asker in askers]
    db.session.commit()
    processes.drop_queued_jobs()
    workers = processes.workers("worker-1", "worker-2")

    answers: list[tuple[int, float]] = []  # (status, seconds) of each ask
    # The mentors are busy elsewhere (their rows locked): each worker stops in the middle of
    # routing a question, and the other routing jobs wait in Redis.
    with db.engine.connect() as busy:
        busy.execute(sa.select(User.id).where(User.id.in_(mentor_ids)).with_for_update())
        for n in range(BEFORE):
            answers.append(_ask(client, tokens[n], n))
        wait_until(
            lambda: waiting_on_locks(db.engine) == len(workers), 30, "the workers did not start routing", workers
        )
        redis_server.kill()  # the waiting jobs are lost with it
        busy.rollback()  # the workers finish their jobs, with Redis gone
    wait_until(lambda: _routed_count() == len(workers), 30, "the workers did not finish routing", workers)
    # The cron starts during the outage (after a deploy, or on another machine).
    cron = processes.cron()
    for n in range(BEFORE, BEFORE + DURING):
        answers.append(_ask(client, tokens[n], n))
    saved = _saved_goals()
    wait_until(
        lambda: all("could not reach Redis" in p.log.read_text() for p in (cron, *workers)),
        60,
        "the cron and the workers did not meet the outage",
        [cron, *workers],
    )

    redis_server.start()
    wait_until(
        lambda: _routed_count() == BEFORE + DURING,
        60,
        lambda: f"not every question was routed within 60 s of Redis returning ({_routed_count()} were)",
        [cron, *workers],
    )
    wait_until(lambda: settled(app, workers), 30, lambda: f"the jobs did not finish: {_jobs(app)}", [cron, *workers])
    # The mails recorded while Redis was down have no delivery job: the unsent-mail sweep
    # sends them once they are 15 minutes old. It runs now as it will run then.
    requeue_unsent_mail(older_than=timedelta(0))
    wait_until(
        lambda: _unsent() == 0 and settled(app, workers),
        60,
        lambda: f"the mentors' mails were not all sent ({_unsent()} unsent, jobs: {_jobs(app)})",
        [cron, *workers],
    )

    attempts = Counter(db.session.scalars(sa.select(Attempt.question_id)))
    mails = Counter(
        m["Subject"].split(" is stuck: ", 1)[1] for m in smtp_server.messages() if " is stuck: " in m["Subject"]
    )
    goals = [_goal(n) for n in range(BEFORE + DURING)]
    lost = sum(1 for n, goal in enumerate(goals) if answers[n][0] != 201 or goal not in saved or mails[goal] == 0)
    duplicated = sum(max(0, count - 1) for count in attempts.values()) + sum(max(0, mails[g] - 1) for g in goals)
    fault("redis_outage", attempted=len(goals), lost=lost, duplicated=duplicated)
    slowest = max(seconds for _, seconds in answers[BEFORE:])
    record_property("figure", f"redis_outage_slowest_ask_s: {slowest:.2f}")

    assert [status for status, _ in answers] == [201] * len(goals)
    assert slowest < ASK_SECONDS, f"an ask took {slowest:.1f} s with Redis down"
    assert saved == set(goals)
    assert sorted(attempts.values()) == [1] * len(goals)
    assert {goal: mails[goal] for goal in goals} == {goal: 1 for goal in goals}
    assert lost == duplicated == 0


def _goal(n: int) -> str:
    return f"Deploy service {n}"


def _ask(client, token: str, n: int) -> tuple[int, float]:
    started = time.monotonic()
    response = client.post(
        "/api/v1/questions",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "goal": _goal(n),
            "stuck": "The deploy fails with a migration error I cannot place.",
            "skills": ["SQL"],
            "urgency": "blocking",
        },
    )
    return response.status_code, time.monotonic() - started


def _saved_goals() -> set[str]:
    goals = set(db.session.scalars(sa.select(Question.goal)))
    db.session.rollback()
    return goals


def _routed_count() -> int:
    count = db.session.scalar(sa.select(sa.func.count(sa.distinct(Attempt.question_id))))
    db.session.rollback()
    return count


def _unsent() -> int:
    """The mentors' mails about questions not sent yet."""
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboundMail)
        .where(OutboundMail.kind == "question_ask", OutboundMail.status != MailStatus.SENT)
    )
    db.session.rollback()
    return count


def _jobs(app) -> dict:
    return {name: (q.count, q.started_job_registry.get_job_ids()) for name, q in app.extensions["jobs"].queues.items()}
