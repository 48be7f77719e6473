"""`flask people ...`: commands for people data."""

import click
from flask.cli import AppGroup

from app.people.importer import import_people_csv
from app.people.services import InvalidInput

people_cli = AppGroup("people", help="Manage people.")


@people_cli.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def import_people(csv_file) -> None:
    """Import or update people from a CSV file; exit with 1 if any row was bad."""
    try:
        text = csv_file.read()
    except UnicodeDecodeError:
        raise click.ClickException("The file is not UTF-8 text; save it as CSV UTF-8.") from None
    try:
        report = import_people_csv(text)
    except InvalidInput as exc:
        raise click.ClickException(" ".join(exc.fields.values())) from None
    for line in report.lines():
        click.echo(line)
    if report.problems:
        raise click.exceptions.Exit(1)
