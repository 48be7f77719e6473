"""Unstuck's commands on the `flask` command line."""

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from app.jobs import cron_scheduler, job_queues


def register_commands(app: Flask) -> None:
    """Add the commands to the app's command line."""
    from app.people.commands import people_cli

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
    jobs.worker(names, simple=True).work(burst=burst, with_scheduler=True)


@click.command()
def cron() -> None:
    """Enqueue the periodic jobs (sweeps, reminders, digests) when they are due; runs until stopped."""
    scheduler = cron_scheduler(current_app._get_current_object())
    for periodic in job_queues().periodic:
        click.echo(f"every {periodic.seconds:>5} s: {periodic.func.__module__}.{periodic.func.__name__}")
    scheduler.start()


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Add a demo organisation (teams, mentors, new hires, skills) to an empty database."""
    from app.people import demo

    if not demo.seed_demo():
        click.echo("The database already has people; the demo organisation was not added.")
        return
    skills = sum(len(entries) for entries in demo.SKILLS.values())
    click.echo(f"Added the demo organisation: {len(demo.TEAMS)} teams, {len(demo.PEOPLE)} people "
               f"and {skills} skills.")
    click.echo(f"Demo sign-ins (password: {demo.DEMO_PASSWORD}):")
    for role, email in demo.demo_sign_ins():
        click.echo(f"  {role:<10} {email}")


@click.command()
@click.option("--port", default=5000, show_default=True, help="Port to serve on.")
@with_appcontext
def dev(port: int) -> None:
    """Run Unstuck for development: migrate, seed the demo, embedded Redis, web and worker."""
    from app.devserver import run_dev

    try:
        # Only on the loopback address: the development server runs with the debugger on.
        status = run_dev(current_app._get_current_object(), "127.0.0.1", port)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    if status:
        raise SystemExit(status)
