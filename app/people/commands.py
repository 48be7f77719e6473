"""`flask people ...`: commands for people data."""

import click
from flask.cli import AppGroup

people_cli = AppGroup("people", help="Manage people.")


@people_cli.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def import_people(csv_file) -> None:
    """Import or update people from a CSV file."""
    raise click.ClickException("not written yet")
