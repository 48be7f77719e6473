"""`flask people ...`: commands for people data."""

import json

import click
from flask.cli import AppGroup

from app.errors import InvalidInput
from app.extensions import db
from app.people.importer import import_people_csv
from app.people.models import User
from app.people.personal_data import confirms, erase_person, export_person

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


@people_cli.command("export")
@click.argument("person_id", type=int)
@click.option(
    "--output",
    "-o",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="The file to write (default: the standard output).",
)
def export_data(person_id: int, output) -> None:
    """Write everything Unstuck holds about a person as JSON; recorded and logged."""
    try:
        document = export_person(person_id, by_id=None, via="command")
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    json.dump(document, output, indent=2, ensure_ascii=False)
    output.write("\n")


@people_cli.command("erase")
@click.argument("person_id", type=int)
@click.option("--confirm", required=True, help="The person's email address or full name, as Unstuck has it.")
def erase(person_id: int, confirm: str) -> None:
    """Erase a person: name and contact replaced, secrets deleted, deactivated (ERASURE_TEXTS
    says whether what they wrote is kept or removed)."""
    person = db.session.get(User, person_id)
    if person is None:
        raise click.ClickException("There is no such person.")
    if not confirms(person, confirm):
        raise click.ClickException("--confirm must be the person's email address or full name.")
    try:
        erase_person(person_id, by_id=None, via="command")
    except InvalidInput as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Erased: person {person_id} is now {person.name}.")
