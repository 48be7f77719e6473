"""Unstuck's commands on the `flask` command line."""

import signal
import time
from collections.abc import Callable

import click
import redis
from flask import Flask, current_app
from flask.cli import with_appcontext
from rq.exceptions import StopRequested

from app.devserver import run_dev
from app.extensions import db
from app.jobs import cron_scheduler, job_queues, stop_requested
from app.people import demo
from app.people.commands import people_cli

# How long `flask worker` and `flask cron` wait before trying again when Redis went away.
REDIS_RETRY_SECONDS = 1


def register_commands(app: Flask) -> None:
    """Add the commands to the app's command line."""
    app.cli.add_command(worker)
    app.cli.add_command(cron)
    app.cli.add_command(people_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(dev)


@click.command()
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.argument("queues", nargs=-1)
def worker(burst: bool, queues: tuple[str, ...]) -> None:
    """Run a background worker (with the scheduler) on the named queues, or all of them."""
    jobs = job_queues()
    names = list(queues) or current_app.config["RQ_QUEUES"]
    unknown = set(names) - set(jobs.queues)
    if unknown:
        raise click.BadParameter(f"unknown queue(s): {', '.join(sorted(unknown))}")
    # Jobs run in the worker's own process: no fork per job, so connections and caches stay
    # warm (a job is short, and every job is safe to run again if a worker dies).
    run_through_redis_outages(lambda: jobs.worker(names, simple=True).work(burst=burst, with_scheduler=True))


@click.command()
def cron() -> None:
    """Enqueue the periodic jobs (sweeps, reminders, digests) when they are due; runs until stopped."""
    scheduler = cron_scheduler(current_app._get_current_object())
    for periodic in job_queues().periodic:
        click.echo(f"every {periodic.seconds:>5} s: {periodic.func.__module__}.{periodic.func.__name__}")
    # The same scheduler starts again after an outage: what came due meanwhile is enqueued first.
    run_through_redis_outages(scheduler.start)


def run_through_redis_outages(run: Callable[[], object]) -> None:
    """Run a worker or the cron until it stops of its own accord or is told to. If Redis goes
    away under it (or stops answering), say so and start it again until Redis answers: the
    queues are not left without workers, nor the sweepers without the cron, until someone
    restarts them. Told to stop (SIGTERM, SIGINT), it stops, even when Redis could not be
    told goodbye."""
    while True:
        # RQ's handler stays in place until the ones below replace it: a signal arriving
        # meanwhile (while saying Redis is gone, say) raises its StopRequested here.
        try:
            try:
                run()
                return
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                if stop_requested():
                    click.echo(f"stopped without telling Redis ({exc})", err=True)
                    return
                click.echo(f"could not reach Redis ({exc}); starting again in {REDIS_RETRY_SECONDS} s", err=True)
            # Nothing runs while it waits: a stop signal ends the process at once.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            time.sleep(REDIS_RETRY_SECONDS)
        except (StopRequested, KeyboardInterrupt):  # told to stop, at whatever point
            return


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Add a demo organisation (teams, mentors, new hires, skills) to an empty database."""
    if not demo.seed_demo():
        click.echo("The database already has people; the demo organisation was not added.")
        return
    db.session.commit()
    skills = sum(len(entries) for entries in demo.SKILLS.values())
    click.echo(f"Added the demo organisation: {len(demo.TEAMS)} teams, {len(demo.PEOPLE)} people and {skills} skills.")
    click.echo(f"Demo sign-ins (password: {demo.DEMO_PASSWORD}):")
    for role, email in demo.demo_sign_ins():
        click.echo(f"  {role:<10} {email}")


@click.command()
@click.option("--port", default=5000, show_default=True, help="Port to serve on.")
@with_appcontext
def dev(port: int) -> None:
    """Run Unstuck for development: migrate, seed the demo, embedded Redis, web and worker."""
    try:
        # Only on the loopback address: the development server runs with the debugger on.
        status = run_dev(current_app._get_current_object(), "127.0.0.1", port)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    if status:
        raise SystemExit(status)
