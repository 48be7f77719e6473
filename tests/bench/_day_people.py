"""The people of the realistic day (tests/bench/day.py): each acts every 5–30 s, with the
load run's mix (tests/bench/_load_people.py), on a schedule of their own.

One scheduler keeps everyone's next moment in a heap and hands each due moment to a small
pool of senders on keep-alive connections; a person's next moment is their last
one plus a think time, whenever the server answered. Latency counts from the moment the
person meant to act, not from when a sender got round to it, so a server (or a simulator)
that falls behind shows in the figures; `lag` is how late the senders started.
"""

from __future__ import annotations

import heapq
import http.client
import json
import queue
import random
import threading
import time
import uuid
from dataclasses import dataclass, field

from tests.bench._load_people import MENTOR_MIX, NEW_HIRE_MIX, TOPICS, Person

THINK_S = (5.0, 30.0)  # between one act of a person and the next, uniform
SENDERS = 48  # at most this many requests in flight
IDLE_S = 1.0  # a connection idle this long is replaced: gunicorn drops idle ones after 2 s
RETRIED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass
class DayTally:
    """What the people did: latency from the due moment by kind of request, how late each
    request started, errors, and the questions the API saved."""

    by_action: dict[str, list[float]] = field(default_factory=dict)  # ms from due to answer
    lag_ms: list[float] = field(default_factory=list)  # ms from due to the request's start
    errors: list[str] = field(default_factory=list)
    asked: list[int] = field(default_factory=list)
    connections: int = 0  # opened
    retries: int = 0  # requests sent again on a fresh connection after an idle one was dropped
    in_flight_max: int = 0  # requests due and not yet answered at once; above SENDERS, some waited for a sender
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (due, ms from due to answer)
    start: float = 0.0  # perf_counter at the day's start
    seconds: float = 0.0  # the day's length: requests fall due within it
    elapsed: float = 0.0  # seconds, until the last request due was answered
    cpu: dict[str, float] = field(default_factory=dict)  # seconds, by process
    cpu_before: dict[str, float] = field(default_factory=dict)  # seconds, by process, at the start
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, action: str, due: float, started: float, error: str | None) -> None:
        latency = (time.perf_counter() - due) * 1000
        with self.lock:
            self.by_action.setdefault(action, []).append(latency)
            self.lag_ms.append((started - due) * 1000)
            self.timeline.append((due, latency))
            if error:
                self.errors.append(error)

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.by_action.values())


class Client:
    """A sender's keep-alive connection to the server."""

    def __init__(self, port: int, tally: DayTally) -> None:
        self.port, self.tally = port, tally
        self.conn: http.client.HTTPConnection | None = None
        self.used = 0.0

    def call(self, method: str, path: str, token: str, body: dict | None = None):
        """One request; return (status, decoded JSON or None). A request on a connection the
        server dropped while idle goes again on a fresh one (what is posted carries a
        request key, so it is saved once)."""
        headers = {"Authorization": f"Bearer {token}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        payload = json.dumps(body) if body is not None else None
        while True:
            fresh = self.conn is None or time.monotonic() - self.used > IDLE_S
            if fresh:
                self.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                with self.tally.lock:
                    self.tally.connections += 1
            assert self.conn is not None
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except RETRIED:
                self.close()
                if fresh:
                    raise
                with self.tally.lock:
                    self.tally.retries += 1
                continue
            except OSError:
                self.close()
                raise
            self.used = time.monotonic()
            if response.will_close:
                self.close()
            try:
                return response.status, json.loads(data) if data else None
            except ValueError:
                return response.status, None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def act(client: Client, person: Person, tally: DayTally, due: float) -> None:
    """One act of a person, chosen from their mix, timed from the moment it fell due."""
    started = time.perf_counter()
    mix = NEW_HIRE_MIX if person.role == "new_hire" else MENTOR_MIX
    action = person.rng.choices(list(mix), weights=list(mix.values()))[0]
    if action in ("read", "answer") and not person.seen:
        action = "browse"
    try:
        status, data, expected = _request(client, person, action)
    except OSError as exc:
        tally.record(action, due, started, f"{action}: {type(exc).__name__}")
        return
    tally.record(action, due, started, None if status == expected else f"{action}: HTTP {status}")
    if action == "ask" and status == 201:
        with tally.lock:
            tally.asked.append(data["id"])
    if action == "browse" and status == 200:
        person.seen = [q["id"] for q in data if q.get("state") != "resolved"] or [q["id"] for q in data]


def _request(client: Client, person: Person, action: str):
    """The load run's requests, with a request key on what is posted."""
    rng, token = person.rng, person.token
    if action == "browse":
        return (*client.call("GET", "/api/v1/questions?page_size=20", token), 200)
    if action == "read":
        return (*client.call("GET", f"/api/v1/questions/{rng.choice(person.seen)}", token), 200)
    if action == "search":
        words = rng.choice(["timeout", "deploy", "client", "service"]) + "+" + rng.choice(TOPICS)
        return (*client.call("GET", f"/api/v1/knowledge?q={words}", token), 200)
    key = uuid.UUID(int=rng.getrandbits(128)).hex
    if action == "ask":
        topic = rng.choice(TOPICS)
        body = {
            "goal": f"Ship the {topic} change",
            "stuck": f"The {topic} check fails on step {rng.randint(1, 99)}.",
            "skills": [topic],
            "urgency": "blocking" if rng.random() < 0.3 else "can_wait",
            "ask_anyway": True,
            "request_key": key,
        }
        return (*client.call("POST", "/api/v1/questions", token, body), 201)
    body = {"body": "Try raising the timeout and run it again.", "request_key": key}
    status, data = client.call("POST", f"/api/v1/questions/{rng.choice(person.seen)}/posts", token, body)
    # A question that was resolved or moved away meanwhile is a fair refusal, not an error.
    return status, data, status if status in (201, 403, 409) else 201


def run_day(port: int, people: list[Person], seconds: float, meter, think=THINK_S, senders=SENDERS) -> DayTally:
    """Everyone acts every `think` seconds (uniform between the two), starting at a random
    moment within their first think time, until `seconds` have passed; what fell due by
    then is sent and answered."""
    tally, rng = DayTally(seconds=seconds), random.Random(5)
    cpu_before = tally.cpu_before = meter.seconds()
    cond, work = threading.Condition(), queue.Queue[tuple[float, int] | None]()
    start = tally.start = time.perf_counter() + 0.2
    end = start + seconds
    # Each person is caught at a random moment of a think time, a long one more likely than a
    # short one (density in proportion to its length): requests come at the day's steady
    # rate from the first second, with no burst at the start.
    low, high = think
    first = [rng.uniform(0, (rng.uniform(low**2, high**2)) ** 0.5) for _ in people]
    heap = [(start + offset, i) for i, offset in enumerate(first) if offset < seconds]
    heapq.heapify(heap)
    in_flight = 0

    def schedule() -> None:
        nonlocal in_flight
        with cond:
            while heap or in_flight:
                wait = heap[0][0] - time.perf_counter() if heap else None
                if wait is not None and wait <= 0:
                    work.put(heapq.heappop(heap))
                    in_flight += 1
                    tally.in_flight_max = max(tally.in_flight_max, in_flight)
                else:
                    cond.wait(wait)
        for _ in range(senders):
            work.put(None)

    # The connection used last is used next, so the few a steady day needs stay open.
    clients = queue.LifoQueue[Client]()
    for _ in range(senders):
        clients.put(Client(port, tally))

    def send() -> None:
        nonlocal in_flight
        while (item := work.get()) is not None:
            due, i = item
            client = clients.get()
            act(client, people[i], tally, due)
            clients.put(client)
            upcoming = due + people[i].rng.uniform(*think)
            with cond:
                in_flight -= 1
                if upcoming < end:
                    heapq.heappush(heap, (upcoming, i))
                cond.notify()

    threads = [threading.Thread(target=send, daemon=True) for _ in range(senders)]
    threads.append(threading.Thread(target=schedule, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    tally.elapsed = time.perf_counter() - start
    tally.cpu = {name: used - cpu_before[name] for name, used in meter.seconds().items()}
    while not clients.empty():
        clients.get().close()
    return tally
