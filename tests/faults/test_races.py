"""Two processes handle the same deadline, or the same acceptance, at the same moment, on
PostgreSQL: one wins, the other does nothing.

"The same moment" is made, not hoped for: the test holds the contested row locked until
both processes wait on it (pg_stat_activity says so), then lets them go together. The
in-process races of the same code are in tests/help/test_routing.py and
tests/matching/test_accept_race.py; these run in separate `flask worker` and gunicorn
processes.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter

import pytest
import sqlalchemy as sa
from rq.job import Job

from app.auth.models import ApiToken
from app.extensions import db
from app.help.models import Attempt, AttemptState
from app.help.routing import check_deadline, route_question
from app.jobs import enqueue
from app.people.models import User
from matching import services
from matching.models import Mentorship, MentorshipState
from tests.faults._postgres import waiting_on_locks
from tests.faults._processes import settled, wait_until
from tests.help.routing_scenes import ask, mentor, overdue
from tests.matching.test_lifecycle import mentor as matching_mentor
from tests.matching.test_lifecycle import new_hire

pytestmark = pytest.mark.faults

ROUNDS = 3


def test_two_workers_checking_the_same_deadline_at_once_move_the_question_on_once(
    app, make, processes, smtp_server, fault
):
    first_choices = [mentor(make, f"First {n}", {f"Topic {n}": 5}) for n in range(ROUNDS)]
    next_choices = [mentor(make, f"Next {n}", {f"Topic {n}": 3}) for n in range(ROUNDS)]
    attempts = []
    for n in range(ROUNDS):
        attempt = route_question(ask(make.user(f"Asker {n}"), skills=(f"Topic {n}",)).id)
        assert attempt.mentor_id == first_choices[n].id
        attempts.append(overdue(attempt).id)
    processes.drop_queued_jobs()  # the first mentors' mails and scheduled checks
    workers = processes.workers("worker-1", "worker-2")

    outcomes = []
    for attempt_id in attempts:
        with db.engine.connect() as holder:
            holder.execute(sa.select(Attempt.id).where(Attempt.id == attempt_id).with_for_update())
            # The check scheduled at the deadline, and the sweeper's, taken by two workers.
            jobs = [enqueue(check_deadline, attempt_id, queue="urgent") for _ in range(2)]
            wait_until(lambda: waiting_on_locks(db.engine) == 2, 30, "both workers did not reach the deadline", workers)
        wait_until(lambda: settled(app, workers), 30, "the checks did not finish", workers)
        outcomes.append(sorted(Job.fetch(job.id, connection=job.connection).return_value() for job in jobs))
    wait_until(
        lambda: len(smtp_server.received) >= ROUNDS and settled(app, workers),
        30,
        "the next mentors were not mailed",
        workers,
    )

    asked = Counter(db.session.scalars(sa.select(Attempt.mentor_id).where(Attempt.state == AttemptState.WAITING)))
    mailed = Counter(m["To"].addresses[0].addr_spec for m in smtp_server.messages())
    lost = sum(1 for n in range(ROUNDS) if asked[next_choices[n].id] == 0)
    duplicated = (
        sum(max(0, count - 1) for count in asked.values())
        + sum(max(0, count - 1) for count in mailed.values())
        + sum(max(0, outcome.count(True) - 1) for outcome in outcomes)
    )
    fault("race", attempted=2 * ROUNDS, lost=lost, duplicated=duplicated)

    assert outcomes == [[False, True]] * ROUNDS  # one timed it out, the other found nothing to do
    assert set(db.session.scalars(sa.select(Attempt.state).where(Attempt.id.in_(attempts)))) == {AttemptState.TIMED_OUT}
    assert asked == {m.id: 1 for m in next_choices}
    assert mailed == {m.email: 1 for m in next_choices}
    assert lost == duplicated == 0


def test_two_web_processes_accepting_at_once_accept_once(app, make, processes, fault):
    ada = matching_mentor(make, "Ada Lovelace", {"SQL": 5}, max_mentees=2)
    tokens = [ApiToken.issue(ada, device)[1] for device in ("laptop", "phone")]
    proposals = [
        services.create_proposal(new_hire(make, name).id, ada.id, 80.0, [], "admin", 3).id
        for name in ("Bo Jansen", "Di Kowalski", "Ed Eriksen")
    ]
    db.session.commit()
    processes.drop_queued_jobs()
    web, port = processes.web(workers=2)

    # The same proposal accepted twice at once (two devices), waiting on the proposal's row.
    same = _accept_together(
        port,
        [(proposals[0], tokens[0]), (proposals[0], tokens[1])],
        sa.select(Mentorship.id).where(Mentorship.id == proposals[0]),
        web,
    )
    # Her last slot: two proposals accepted at once, waiting on her own row.
    last_slot = _accept_together(
        port, [(proposals[1], tokens[0]), (proposals[2], tokens[1])], sa.select(User.id).where(User.id == ada.id), web
    )

    states = Counter(db.session.scalars(sa.select(Mentorship.state).where(Mentorship.mentor_id == ada.id)))
    accepted_mails = db.session.scalar(sa.text("SELECT count(*) FROM outbound_mail WHERE kind = 'mentorship_accepted'"))
    rounds = [same, last_slot]
    winners = [statuses.count(200) for statuses, _ in rounds]
    fault(
        "race",
        attempted=2 * len(rounds),
        lost=winners.count(0),
        duplicated=sum(max(0, w - 1) for w in winners) + max(0, accepted_mails - 2),
    )

    assert [statuses for statuses, _ in rounds] == [[200, 409], [200, 409]]
    assert same[1][409] == "This proposal is already active."
    assert last_slot[1][409] == (
        "You already mentor 2 of at most 2 people. Raise your limit on your profile or decline."
    )
    assert states == {MentorshipState.ACTIVE: 2, MentorshipState.PROPOSED: 1}
    assert accepted_mails == 2  # one to each new hire taken on


def _accept_together(port: int, calls: list[tuple[int, str]], contested, web) -> tuple[list[int], dict]:
    """POST both accepts while the contested row is held, let them go together once both wait
    on it; return the statuses, sorted, and the error message by status."""
    answers: list[tuple[int, dict]] = []

    def accept(mentorship_id: int, token: str) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request(
            "POST", f"/api/v1/mentorships/{mentorship_id}/accept", headers={"Authorization": f"Bearer {token}"}
        )
        response = conn.getresponse()
        answers.append((response.status, json.loads(response.read())))
        conn.close()

    threads = [threading.Thread(target=accept, args=call) for call in calls]
    with db.engine.connect() as holder:
        holder.execute(contested.with_for_update())
        for thread in threads:
            thread.start()
        wait_until(lambda: waiting_on_locks(db.engine) == 2, 30, "both accepts did not reach the row", [web])
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "an accept never answered"
    messages = {status: body["error"]["message"] for status, body in answers if status != 200}
    return sorted(status for status, _ in answers), messages
