"""The simulated people of the load run (tests/bench/load.py): what each kind does and how
often, one HTTP call on a connection of its own, and every person working in a thread of
their own until the time is up, with the tally of what they got."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.bench.load import CpuMeter


TOPICS = ["Kafka", "PostgreSQL", "Kubernetes", "React", "Terraform", "Python"]
# What each kind of person does, and how often (weights).
NEW_HIRE_MIX = {"browse": 30, "read": 25, "search": 25, "ask": 20}
MENTOR_MIX = {"browse": 35, "read": 20, "search": 15, "answer": 30}


@dataclass
class Person:
    token: str
    role: str  # new_hire or mentor
    rng: random.Random
    seen: list[int] = field(default_factory=list)  # question ids from the last browse


@dataclass
class Tally:
    """What the simulated people did: latencies, errors, and the questions the API saved."""

    latencies_ms: list[float] = field(default_factory=list)
    by_action: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    asked: list[int] = field(default_factory=list)
    elapsed: float = 0.0  # seconds
    cpu: dict[str, float] = field(default_factory=dict)  # seconds, by process
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, started: float, error: str | None = None, action: str = "health") -> None:
        latency = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies_ms.append(latency)
            self.by_action.setdefault(action, []).append(latency)
            if error:
                self.errors.append(error)


def call(port: int, method: str, path: str, token: str | None, body: dict | None = None):
    """One HTTP request on a connection of its own; return (status, decoded JSON or None)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        payload = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(payload) if payload else None
    except ValueError:
        return response.status, None


def act(port: int, person: Person, tally: Tally) -> None:
    """One step of a simulated person's work, chosen from their mix."""
    mix = NEW_HIRE_MIX if person.role == "new_hire" else MENTOR_MIX
    action = person.rng.choices(list(mix), weights=list(mix.values()))[0]
    if action in ("read", "answer") and not person.seen:
        action = "browse"
    started = time.perf_counter()
    try:
        status, data, expected = _do(port, person, action)
    except OSError as exc:
        tally.record(started, f"{action}: {type(exc).__name__}", action)
        return
    tally.record(started, None if status == expected else f"{action}: HTTP {status}", action)
    if action == "ask" and status == 201:
        with tally.lock:
            tally.asked.append(data["id"])
    if action == "browse" and status == 200:
        person.seen = [q["id"] for q in data if q.get("state") != "resolved"] or [q["id"] for q in data]


def _do(port: int, person: Person, action: str):
    rng, token = person.rng, person.token
    if action == "browse":
        status, data = call(port, "GET", "/api/v1/questions?page_size=20", token)
        return status, data, 200
    if action == "read":
        status, data = call(port, "GET", f"/api/v1/questions/{rng.choice(person.seen)}", token)
        return status, data, 200
    if action == "search":
        words = rng.choice(["timeout", "deploy", "client", "service"]) + "+" + rng.choice(TOPICS)
        status, data = call(port, "GET", f"/api/v1/knowledge?q={words}", token)
        return status, data, 200
    if action == "ask":
        topic = rng.choice(TOPICS)
        status, data = call(
            port,
            "POST",
            "/api/v1/questions",
            token,
            {
                "goal": f"Ship the {topic} change",
                "stuck": f"The {topic} check fails on step {rng.randint(1, 99)}.",
                "skills": [topic],
                "urgency": "blocking" if rng.random() < 0.3 else "can_wait",
                "ask_anyway": True,
            },
        )  # a person may draw the same topic and step twice: ask all the same
        return status, data, 201
    status, data = call(
        port,
        "POST",
        f"/api/v1/questions/{rng.choice(person.seen)}/posts",
        token,
        {"body": "Try raising the timeout and run it again."},
    )
    # A question that was resolved or moved away meanwhile is a fair refusal, not an error.
    return status, data, status if status in (201, 403, 409) else 201


def run_people(port: int, people: list[Person], seconds: float, step, meter: CpuMeter) -> Tally:
    """Every person works in their own thread until the time is up."""
    tally, stop = Tally(), threading.Event()
    cpu_before = meter.seconds()

    def work(person: Person) -> None:
        while not stop.is_set():
            step(port, person, tally)

    threads = [threading.Thread(target=work, args=(p,), daemon=True) for p in people]
    started = time.monotonic()
    for t in threads:
        t.start()
    stop.wait(seconds)
    stop.set()
    for t in threads:
        t.join()
    tally.elapsed = time.monotonic() - started
    tally.cpu = {name: used - cpu_before[name] for name, used in meter.seconds().items()}
    return tally


def trivial(port: int, person: Person, tally: Tally) -> None:
    started = time.perf_counter()
    try:
        status, _ = call(port, "GET", "/health", None)
    except OSError as exc:
        tally.record(started, type(exc).__name__)
        return
    tally.record(started, None if status == 200 else f"HTTP {status}")
