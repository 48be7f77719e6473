"""Background jobs on RQ: app-bound jobs, the queues, and enqueueing after the commit.

Every job runs inside an application context of the app that made the queue, takes ids
or plain values, loads fresh state itself, and commits once when it returns. Services call
`enqueue_after_commit` so a job is only sent once the rows it needs are committed; a
rolled-back transaction sends nothing.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

import redis
import sqlalchemy as sa
from flask import Flask, current_app
from rq import Queue, SimpleWorker, Worker
from rq.cron import CronScheduler
from rq.job import Job

from app.extensions import db

log = logging.getLogger(__name__)

# `flask cron` waits at most this long for Redis to answer: it sends only short commands, so
# a Redis that stopped answering is an outage to ride out, and a stop signal is not held up.
CRON_REDIS_TIMEOUT_SECONDS = 5
_stop_signal = threading.Event()  # this process was told to stop (SIGTERM or SIGINT)


def stop_requested() -> bool:
    """Tell whether this process was told to stop: an outage met while stopping must not
    start the worker or the cron again."""
    return _stop_signal.is_set()


class _RemembersStop:
    """An RQ worker that remembers a stop signal, whatever happens after it."""

    def request_stop(self, signum, frame):
        _stop_signal.set()
        super().request_stop(signum, frame)

    def request_force_stop(self, signum, frame):
        _stop_signal.set()
        super().request_force_stop(signum, frame)


class AppWorker(_RemembersStop, Worker):
    """RQ's worker, remembering a stop signal."""


class AppSimpleWorker(_RemembersStop, SimpleWorker):
    """RQ's worker that runs jobs in its own process, remembering a stop signal."""


class AppCronScheduler(CronScheduler):
    """RQ's cron scheduler, remembering a stop signal."""

    def _request_stop(self, signum, frame):
        _stop_signal.set()
        super()._request_stop(signum, frame)


def job_class_for(app: Flask) -> type[Job]:
    """Return an RQ job class whose jobs run inside an application context of app, each in
    one transaction that the job class owns: committed once when the job returns, rolled
    back when it raises (app/unit_of_work.py)."""

    class AppJob(Job):
        def perform(self):
            with app.app_context():
                try:
                    result = super().perform()
                    db.session.commit()
                    return result
                except BaseException:
                    db.session.rollback()
                    raise
                finally:
                    db.session.remove()

    return AppJob


@dataclass(frozen=True)
class Periodic:
    """A job that runs every `seconds`, started by the `flask cron` scheduler."""

    func: object
    seconds: int
    queue: str = "default"


@dataclass
class JobQueues:
    """The Redis connection, the job class, the named queues and the periodic jobs of one app."""

    connection: redis.Redis
    job_class: type[Job]
    queues: dict[str, Queue] = field(default_factory=dict)
    periodic: list[Periodic] = field(default_factory=list)

    def worker(self, names: list[str] | None = None, burst: bool = False, simple: bool = False) -> Worker:
        """Build a worker for the named queues (all of them by default)."""
        queues = [self.queues[n] for n in (names or list(self.queues))]
        worker_class = AppSimpleWorker if simple else AppWorker
        return worker_class(queues, connection=self.connection, job_class=self.job_class)


def init_jobs(app: Flask) -> None:
    """Connect the app to Redis and keep its queues in app.extensions["jobs"]."""
    connection = redis.Redis.from_url(app.config["REDIS_URL"])
    job_class = job_class_for(app)
    queues = {name: Queue(name, connection=connection, job_class=job_class) for name in app.config["RQ_QUEUES"]}
    # Connecting again (to another Redis) keeps the periodic jobs already registered.
    periodic = app.extensions["jobs"].periodic if "jobs" in app.extensions else []
    app.extensions["jobs"] = JobQueues(connection, job_class, queues, periodic)
    if not sa.event.contains(db.session, "after_commit", _send_pending):
        sa.event.listen(db.session, "after_commit", _send_pending)
        sa.event.listen(db.session, "after_soft_rollback", _drop_pending)


def every(app: Flask, seconds: int, func, queue: str = "default") -> None:
    """Run func (a job taking no arguments, safe to run twice) every `seconds`."""
    app.extensions["jobs"].periodic.append(Periodic(func, seconds, queue))


def cron_scheduler(app: Flask) -> CronScheduler:
    """An RQ cron scheduler that enqueues the app's periodic jobs when they are due."""
    jobs = app.extensions["jobs"]
    connection = redis.Redis.from_url(
        app.config["REDIS_URL"],
        socket_connect_timeout=CRON_REDIS_TIMEOUT_SECONDS,
        socket_timeout=CRON_REDIS_TIMEOUT_SECONDS,
    )
    scheduler = AppCronScheduler(connection=connection)
    for periodic in jobs.periodic:
        scheduler.register(
            periodic.func, periodic.queue, interval=periodic.seconds, job_timeout=max(60, periodic.seconds)
        )
    return scheduler


def job_queues() -> JobQueues:
    """Return the queues of the current app."""
    return current_app.extensions["jobs"]


def enqueue(func, *args, queue: str = "default", **options) -> Job | None:
    """Put a job on a queue now. If Redis cannot be reached, log it and return None.

    A lost job is never a lost piece of work: what a job does is recorded in the
    database first, and periodic sweeps pick up anything whose job never ran.
    """
    try:
        return job_queues().queues[queue].enqueue(func, *args, **options)
    except redis.RedisError:
        log.exception("could not enqueue %s; the database keeps the work for the next sweep", func)
        return None


def requeue_lost(id_column, lost, func, queue: str = "default", **options) -> int:
    """Enqueue `func` again, in id order, for each row the `lost` condition picks (its job
    never ran or never finished): the periodic sweep. Return how many were enqueued."""
    ids = db.session.scalars(sa.select(id_column).where(lost).order_by(id_column)).all()
    for row_id in ids:
        enqueue(func, row_id, queue=queue, **options)
    return len(ids)


def enqueue_after_commit(func, *args, queue: str = "default", **options) -> None:
    """Enqueue a job once the current transaction commits; drop it if it rolls back."""
    pending = db.session.info.setdefault("pending_jobs", [])
    pending.append((func, args, queue, options))


def _send_pending(session) -> None:
    pending = session.info.pop("pending_jobs", [])
    for func, args, queue, options in pending:
        enqueue(func, *args, queue=queue, **options)


def _drop_pending(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # only the outermost rollback drops the jobs
        session.info.pop("pending_jobs", None)
