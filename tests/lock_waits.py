"""Make two transactions meet at a lock, on either database, without sleeping.

`contested(engine, row)` holds a row locked from a connection of its own (on SQLite, whose
locks cover the whole database, its write lock), and `wait_for(n)` returns once n other
transactions wait for that lock: PostgreSQL's pg_stat_activity says so, and on SQLite a
connection that has started a statement needing the write lock (BEGIN IMMEDIATE, INSERT,
UPDATE, DELETE) cannot get past it while the lock is held. `release()` lets them all go
together, so "at the same moment" is made, not hoped for. Join the threads inside the block:
on SQLite it watches the statements of every connection taken from the pool meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import sqlalchemy as sa
from flask.testing import FlaskClient

WAIT_SECONDS = 10
POLL_SECONDS = 0.02  # PostgreSQL only: pg_stat_activity has nothing to wait on
# SQLite gives up on a lock after its busy timeout (5 s by default): the waiters are let go
# well before.
WRITES = ("BEGIN IMMEDIATE", "BEGIN EXCLUSIVE", "INSERT", "UPDATE", "DELETE", "REPLACE")
JOIN_SECONDS = 30

T = TypeVar("T")


class Contested:
    """The lock held, and how many other transactions wait for it."""

    def __init__(self, engine: sa.Engine, holder: sa.Connection):
        self.engine, self.holder = engine, holder
        self.sqlite = engine.dialect.name == "sqlite"
        self._changed = threading.Condition()
        self._writers: set[int] = set()
        self._traced: list = []
        self._own_thread = threading.get_ident()

    def wait_for(self, waiters: int, still_running: list[threading.Thread] = ()) -> None:
        """Return once `waiters` transactions wait for the lock; fail if they do not within
        WAIT_SECONDS, or if one of the threads ends without waiting."""
        deadline = time.monotonic() + WAIT_SECONDS
        while self.waiting() < waiters:
            left = deadline - time.monotonic()
            ended = [t.name for t in still_running if not t.is_alive()]
            if ended or left <= 0:
                raise AssertionError(
                    f"{self.waiting()} of {waiters} waited for the lock"
                    + (f"; {', '.join(ended)} ended first" if ended else "")
                )
            if self.sqlite:
                with self._changed:
                    self._changed.wait(min(left, 0.5))  # woken by every statement traced
            else:
                time.sleep(POLL_SECONDS)

    def release(self) -> None:
        """Let the waiting transactions go."""
        if not self.holder.closed:
            self.holder.rollback()
            self.holder.close()

    def waiting(self) -> int:
        if self.sqlite:
            with self._changed:
                return len(self._writers)
        with self.engine.connect() as conn:
            return conn.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
            )

    # SQLite: every connection checked out meanwhile reports the statements it starts.

    def _trace(self, dbapi_connection, connection_record, connection_proxy) -> None:
        def started(statement: str) -> None:
            if threading.get_ident() != self._own_thread and statement.lstrip().upper().startswith(WRITES):
                with self._changed:
                    self._writers.add(threading.get_ident())
                    self._changed.notify_all()

        dbapi_connection.set_trace_callback(started)
        self._traced.append(dbapi_connection)

    def _untrace(self) -> None:
        for dbapi_connection in self._traced:
            dbapi_connection.set_trace_callback(None)


@contextmanager
def contested(engine: sa.Engine, held: sa.Select | sa.Table) -> Iterator[Contested]:
    """Hold what `held` names until the block calls `release()` or ends: the rows a query
    selects (FOR UPDATE), or the writes to a table (SHARE mode: readers pass). On SQLite
    either is the database's write lock."""
    holder = engine.connect()
    lock = Contested(engine, holder)
    if lock.sqlite:
        sa.event.listen(engine, "checkout", lock._trace)
        holder.exec_driver_sql("BEGIN IMMEDIATE")
    elif isinstance(held, sa.Table):
        holder.exec_driver_sql(f"LOCK TABLE {held.name} IN SHARE MODE")
    else:
        holder.execute(held.with_for_update())
    try:
        yield lock
    finally:
        lock.release()
        if lock.sqlite:
            sa.event.remove(engine, "checkout", lock._trace)
            lock._untrace()


def together(engine: sa.Engine, held: sa.Select | sa.Table, actions: list[Callable[[], T]]) -> list[T]:
    """Run each action in a thread (and so a database connection) of its own while `held` is
    held, let them all go once each waits for it, and return what each returned, in order.
    An action that raised raises here."""
    results: dict[int, T] = {}
    failures: dict[int, BaseException] = {}

    def run(n: int) -> None:
        try:
            results[n] = actions[n]()
        except BaseException as exc:  # noqa: BLE001  (raised again in the test's own thread)
            failures[n] = exc

    threads = [threading.Thread(target=run, args=(n,), name=f"action {n}") for n in range(len(actions))]
    with contested(engine, held) as lock:
        for thread in threads:
            thread.start()
        try:
            lock.wait_for(len(threads), threads)
        except AssertionError:
            if failures:  # the reason an action never came to wait
                raise next(iter(failures.values())) from None
            raise
        lock.release()
        for thread in threads:
            thread.join(timeout=JOIN_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "an action never finished"
    if failures:
        raise next(iter(failures.values()))
    return [results[n] for n in range(len(actions))]


def device(app, person) -> FlaskClient:
    """A test client signed in as the person (with the factories' password), for a thread of
    its own: requests from another thread run in app contexts of their own."""
    from flask import g

    from tests.factories import Factories

    client = app.test_client()
    g.pop("_login_user", None)  # the test's own context would keep the last one signed in
    response = client.post("/sign-in", data={"email": person.email, "password": Factories.PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    g.pop("_login_user", None)
    return client
