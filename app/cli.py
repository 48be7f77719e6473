"""Unstuck's commands on the `flask` command line."""

import click
from flask import Flask, current_app
from rq.scheduler import RQScheduler  # noqa: F401  (the worker's scheduler; imported to fail early)

from app.jobs import job_queues


def register_commands(app: Flask) -> None:
    """Add the commands to the app's command line."""
    from app.people.commands import people_cli

    app.cli.add_command(worker)
    app.cli.add_command(people_cli)


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
    jobs.worker(names).work(burst=burst, with_scheduler=True)
